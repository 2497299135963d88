from datetime import date
from decimal import Decimal

from gold import campaign_segments, crm_contacts, dim_member, member_churn_features, member_favourites
from tests.builders import assert_same_rows

NOW = date(2025, 7, 1)


def _features(spark):
    # member, tenure, visits in 30 days, no-shows in 90 days, frozen, visits per week, last activity
    people = [
        ("m1", 233, 1, 0, False, 0.5, date(2025, 6, 30)),  # lapsing
        ("m3", 395, 0, 3, False, 0.1, date(2025, 4, 15)),  # lapsing and no-show prone
        ("m4", 20, 1, 0, False, 0.9, date(2025, 6, 20)),  # new: not lapsing yet
        ("m6", 400, 0, 5, True, 0.0, None),  # frozen: no campaign
        ("m7", 300, 6, 2, False, 2.0, date(2025, 6, 29)),  # doing well
    ]
    rows = [
        {"as_of_date": NOW, "is_current": True, "member_key": m, "location_id": "BKN", "plan": "plus",
         "billing_period": "monthly", "monthly_fee": Decimal("59.00"), "is_frozen": frozen, "tenure_days": tenure,
         "visits_30d": v30, "visits_90d": v30, "visit_trend": 0, "visits_per_week": vpw, "days_since_last_visit": 1,
         "last_visit_date": last, "last_activity_date": last, "classes_attended_90d": 0, "no_shows_90d": no_shows,
         "late_cancels_90d": 0, "retail_spend_90d": 0.0, "app_events_30d": 0, "app_active_days_30d": 0}
        for m, tenure, v30, no_shows, frozen, vpw, last in people
    ]  # fmt: skip
    old = {**rows[0], "as_of_date": date(2025, 6, 1), "is_current": False, "visits_30d": 0}  # not now: ignored
    cols = member_churn_features.CONTRACT.column_names
    return spark.createDataFrame([tuple(r[c] for c in cols) for r in [*rows, old]],
                                 member_churn_features.CONTRACT.spark_schema)  # fmt: skip


def _favourites(spark):
    rows = [("m1", 9, date(2025, 6, 2), "yoga", 5, "I1", 6), ("m3", 4, date(2025, 4, 15), "spin", 4, "I3", 4)]
    return spark.createDataFrame(rows, member_favourites.CONTRACT.spark_schema)


def _members(spark):
    consent = {"m1": True, "m3": False, "m4": True, "m6": True, "m7": True}
    joined = date(2024, 11, 10)
    rows = [
        (m, "BKN", "plus", "monthly", Decimal("59.00"), joined, "active", None, c, False, False, joined.replace(day=1))
        for m, c in consent.items()
    ]
    return spark.createDataFrame(rows, dim_member.CONTRACT.spark_schema)


def test_segments_pick_members_by_their_current_features_with_their_favourites(spark):
    expected = [
        ("lapsing", NOW, "m1", "BKN", "plus", 233, 1, 1, 0, "yoga", "I1", True),
        ("lapsing", NOW, "m3", "BKN", "plus", 395, 0, 1, 3, "spin", "I3", False),
        ("no_show_prone", NOW, "m3", "BKN", "plus", 395, 0, 1, 3, "spin", "I3", False),
        ("new_member", NOW, "m4", "BKN", "plus", 20, 1, 1, 0, None, None, True),
    ]
    actual = campaign_segments.transform(_features(spark), _favourites(spark), _members(spark))
    assert_same_rows(actual, spark.createDataFrame(expected, campaign_segments.CONTRACT.spark_schema))


def test_crm_contacts_are_the_current_members_with_activity_and_favourites(spark):
    expected = [
        ("m1", "BKN", "plus", date(2024, 11, 10), True, False, date(2025, 6, 30), 0.5, "yoga", "I1"),
        ("m3", "BKN", "plus", date(2024, 11, 10), False, False, date(2025, 4, 15), 0.1, "spin", "I3"),
        ("m4", "BKN", "plus", date(2024, 11, 10), True, False, date(2025, 6, 20), 0.9, None, None),
        ("m6", "BKN", "plus", date(2024, 11, 10), True, True, None, 0.0, None, None),
        ("m7", "BKN", "plus", date(2024, 11, 10), True, False, date(2025, 6, 29), 2.0, None, None),
    ]
    actual = crm_contacts.transform(_features(spark), _favourites(spark), _members(spark))
    assert_same_rows(actual, spark.createDataFrame(expected, crm_contacts.CONTRACT.spark_schema))
    # Members are known by pseudonym only: names and e-mail addresses join in at export (fitlake export-crm).
    assert not set(crm_contacts.CONTRACT.column_names) & {"email", "first_name", "last_name", "phone"}
