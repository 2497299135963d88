from datetime import datetime

from bronze.members_raw import CONTRACT as RAW
from fitlake import scd2
from silver import membership_history
from tests.builders import SECRETS, bronze_rows, member_key
from tests.silver.test_members import _member


def _states(spark, records):
    return membership_history.transform(bronze_rows(spark, RAW, records), secrets=SECRETS)


def _versions(lakehouse):
    rows = lakehouse.read(membership_history.CONTRACT).orderBy("member_key", "valid_from").collect()
    return [(r.plan, r.status, r.valid_from.day, r.valid_to and r.valid_to.day, r.is_current) for r in rows]


def test_only_valid_exported_states_become_candidates(spark):
    states = _states(spark, [_member(), _member(exported_at="bad"), _member("M2", plan="gold")])
    assert [(r.member_key, r.valid_from) for r in states.collect()] == [
        (member_key(spark, "M1"), datetime(2025, 1, 1, 23, 50))
    ]


def test_a_change_closes_the_current_version_and_an_unchanged_export_adds_nothing(lakehouse):
    spark, c, h = lakehouse.spark, membership_history.CONTRACT, membership_history.HISTORY
    day = lambda d, **f: _member(exported_at=f"2025-01-{d:02d} 23:50:00", **f)  # noqa: E731
    assert scd2.merge_versions(lakehouse, c, h, _states(spark, [day(1)])) == 1
    assert scd2.merge_versions(lakehouse, c, h, _states(spark, [day(2)])) == 0  # same state re-exported
    assert scd2.merge_versions(lakehouse, c, h, _states(spark, [day(3, plan="elite")])) == 1
    assert scd2.merge_versions(lakehouse, c, h, _states(spark, [day(3, plan="elite")])) == 0  # rerun
    assert _versions(lakehouse) == [("plus", "active", 1, 3, False), ("elite", "active", 3, None, True)]


def test_days_merged_one_by_one_give_the_backfills_history(lakehouse, tmp_path):
    spark, c, h = lakehouse.spark, membership_history.CONTRACT, membership_history.HISTORY
    days = [
        _member(exported_at="2025-01-01 23:50:00"),
        _member(exported_at="2025-01-02 23:50:00", plan="basic"),
        _member(exported_at="2025-01-03 23:50:00", plan="basic"),
        _member(exported_at="2025-01-04 23:50:00", plan="basic", status="frozen"),
        _member(exported_at="2025-01-05 23:50:00", plan="basic"),
    ]
    scd2.merge_versions(lakehouse, c, h, _states(spark, days))
    backfill = _versions(lakehouse)
    spark.sql(f"DELETE FROM {lakehouse.table_name(c)}")
    for record in days:
        scd2.merge_versions(lakehouse, c, h, _states(spark, [record]))
    assert _versions(lakehouse) == backfill
    assert backfill == [
        ("plus", "active", 1, 2, False),
        ("basic", "active", 2, 4, False),
        ("basic", "frozen", 4, 5, False),
        ("basic", "active", 5, None, True),
    ]
