from datetime import date

import pytest

from fitlake import io
from fitlake.contracts import BIGINT, DATE, STRING, Column, TableContract
from fitlake.errors import ContractViolation
from fitlake.lakehouse import Lakehouse, delta_tables_on_disk
from tests.builders import column_comments

VISITS = TableContract(
    name="silver.visits",
    comment="Visits for writer tests",
    columns=(
        Column("visit_id", STRING, "Key", nullable=False),
        Column("visit_date", DATE, "Day", nullable=False),
        Column("minutes", BIGINT, "Minutes"),
    ),
    keys=("visit_id",),
    partition_by=("visit_date",),
)
D1, D2, D3 = date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)


def _rows(lh: Lakehouse, rows):
    return lh.spark.createDataFrame(rows, VISITS.spark_schema)


def _table(lh: Lakehouse) -> set[tuple]:
    return {tuple(r) for r in lh.read(VISITS).collect()}


def test_tables_are_created_from_the_contract_at_their_catalog_location(lakehouse):
    io.write(lakehouse, VISITS, _rows(lakehouse, [("a", D1, 10)]), "append")
    assert lakehouse.table_name(VISITS) == "`fitlake`.`silver`.`visits`"
    assert [name for name, _ in delta_tables_on_disk(lakehouse.settings.tables_root)] == ["silver.visits"]
    assert column_comments(lakehouse.spark, "fitlake.silver.visits")["visit_id"] == "Key"


def test_overwrite_replaces_and_append_adds(lakehouse):
    io.write(lakehouse, VISITS, _rows(lakehouse, [("a", D1, 10), ("b", D2, 20)]), "overwrite")
    io.write(lakehouse, VISITS, _rows(lakehouse, [("c", D3, 30)]), "append")
    assert _table(lakehouse) == {("a", D1, 10), ("b", D2, 20), ("c", D3, 30)}
    io.write(lakehouse, VISITS, _rows(lakehouse, [("z", D1, 1)]), "overwrite")
    assert _table(lakehouse) == {("z", D1, 1)}


def test_upsert_updates_matching_keys_and_inserts_the_rest(lakehouse):
    io.write(lakehouse, VISITS, _rows(lakehouse, [("a", D1, 10), ("b", D2, 20)]), "overwrite")
    io.write(lakehouse, VISITS, _rows(lakehouse, [("b", D2, 25), ("c", D3, 30)]), "upsert")
    assert _table(lakehouse) == {("a", D1, 10), ("b", D2, 25), ("c", D3, 30)}


def test_upsert_refuses_several_rows_for_one_key(lakehouse):
    with pytest.raises(ContractViolation, match="several rows for one key"):
        io.write(lakehouse, VISITS, _rows(lakehouse, [("a", D1, 1), ("a", D2, 2)]), "upsert")


def test_replace_partitions_leaves_other_partitions_untouched(lakehouse):
    io.write(lakehouse, VISITS, _rows(lakehouse, [("a", D1, 10), ("b", D2, 20), ("c", D3, 30)]), "overwrite")
    io.write(lakehouse, VISITS, _rows(lakehouse, [("b2", D2, 21), ("c2", D3, 31)]), "replace_partitions")
    assert _table(lakehouse) == {("a", D1, 10), ("b2", D2, 21), ("c2", D3, 31)}


def test_replace_partitions_with_no_rows_changes_nothing(lakehouse):
    io.write(lakehouse, VISITS, _rows(lakehouse, [("a", D1, 10)]), "overwrite")
    io.write(lakehouse, VISITS, _rows(lakehouse, []), "replace_partitions")
    assert _table(lakehouse) == {("a", D1, 10)}


@pytest.mark.parametrize(
    ("select", "message"),
    [
        ("visit_id, visit_date", r"missing columns \['minutes'\]"),
        ("visit_id, visit_date, minutes, 'x' AS surprise", r"unexpected columns \['surprise'\]"),
        ("visit_id, visit_date, CAST(minutes AS int) AS minutes", "minutes is int, declared bigint"),
    ],
)
def test_data_that_breaks_the_contract_is_refused_before_anything_is_written(lakehouse, select, message):
    df = _rows(lakehouse, [("a", D1, 10)]).selectExpr(*[s.strip() for s in select.split(",")])
    with pytest.raises(ContractViolation, match=message):
        io.write(lakehouse, VISITS, df, "append")
    assert not lakehouse.exists(VISITS)


def test_columns_are_written_in_contract_order_whatever_the_dataframe_order(lakehouse):
    df = _rows(lakehouse, [("a", D1, 10)]).select("minutes", "visit_id", "visit_date")
    io.write(lakehouse, VISITS, df, "append")
    assert _table(lakehouse) == {("a", D1, 10)}


def test_a_table_that_no_longer_matches_its_contract_is_refused_with_the_way_out(lakehouse):
    io.write(lakehouse, VISITS, _rows(lakehouse, [("a", D1, 10)]), "append")
    changed = TableContract(
        name=VISITS.name,
        comment=VISITS.comment,
        columns=(*VISITS.columns, Column("coach", STRING, "Added later")),
    )
    with pytest.raises(ContractViolation, match=r"missing coach string.*remove .*silver/visits"):
        lakehouse.ensure_table(changed)


def test_a_new_session_finds_the_tables_written_by_an_earlier_one(lakehouse):
    io.write(lakehouse, VISITS, _rows(lakehouse, [("a", D1, 10)]), "append")
    lakehouse.spark.sql(f"DROP TABLE {lakehouse.table_name(VISITS)}")  # what a restart forgets
    assert not lakehouse.exists(VISITS)
    assert lakehouse.register_existing() == ["silver.visits"]
    assert _table(lakehouse) == {("a", D1, 10)}


def test_a_schema_prefix_keeps_a_second_copy_of_the_layers_apart(lakehouse):
    from dataclasses import replace

    dev = Lakehouse(lakehouse.spark, replace(lakehouse.settings, schema_prefix="dev_"), lakehouse.catalog)
    io.write(dev, VISITS, _rows(dev, [("a", D1, 10)]), "append")
    io.write(lakehouse, VISITS, _rows(lakehouse, [("b", D1, 20), ("c", D2, 30)]), "append")
    try:
        assert dev.table_name(VISITS) == "`fitlake`.`dev_silver`.`visits`"
        assert {r.visit_id for r in dev.read(VISITS).collect()} == {"a"}
        assert dev.location(VISITS) == lakehouse.settings.tables_root / "dev_silver" / "visits"
        lakehouse.spark.sql(f"DROP TABLE {dev.table_name(VISITS)}")
        assert dev.register_existing() == ["silver.visits"]  # only its own copy, under the layer's name
        assert dev.read(VISITS).count() == 1
    finally:
        lakehouse.spark.sql(f"DROP TABLE IF EXISTS {dev.table_name(VISITS)}")


def test_a_staged_frame_is_computed_once_and_its_copy_removed(lakehouse, tmp_path):
    # A UDF that counts its calls in a file: the staged frame must not run it again when it is used twice.
    calls = tmp_path / "calls"
    calls.write_text("")

    def counted(minutes):
        with calls.open("a") as f:
            f.write("x")
        return minutes

    from pyspark.sql import functions as F

    source = _rows(lakehouse, [("v1", D1, 10), ("v2", D2, 20)])
    expensive = source.withColumn("minutes", F.udf(counted, "bigint")("minutes"))
    with io.staged(lakehouse, "silver.visits.flagged", expensive) as once:
        assert sorted(r.minutes for r in once.collect()) == [10, 20]
        io.write(lakehouse, VISITS, once, "overwrite")
        assert once.count() == 2
    assert len(calls.read_text()) == 2  # one call per row, for the one computation
    assert not (lakehouse.settings.staging / "silver.visits.flagged").exists()
    assert _table(lakehouse) == {("v1", D1, 10), ("v2", D2, 20)}


def test_an_empty_staged_frame_keeps_its_columns(lakehouse):
    empty = _rows(lakehouse, [])
    with io.staged(lakehouse, "silver.visits.flagged", empty) as staged:
        assert staged.columns == VISITS.column_names and staged.count() == 0
