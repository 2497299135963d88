from datetime import date, timedelta

from pyspark.sql import functions as F

from gold import churn_training, member_churn_features
from tests.gold import world
from tests.gold.test_member_churn_features import _inputs

# m4 leaves on 15 June, inside the 30 days from 1 June; m5 leaves on 31 May, the 31st day from 1 May.
M4_LEAVES = date(2025, 6, 15)


def _members(spark):
    members = world.members_frame(spark)
    m4 = F.col("member_key") == "m4"
    return members.withColumn("cancel_date", F.when(m4, F.lit(M4_LEAVES)).otherwise(F.col("cancel_date")))


def _features(spark):
    _, *rest = _inputs(spark)
    return member_churn_features.transform(_members(spark), *rest)


def _labels(frame) -> dict[tuple[date, str], bool]:
    return {(r.as_of_date, r.member_key): r.churned_within_30d for r in frame.collect()}


def test_the_label_is_a_membership_ending_in_the_30_days_from_the_snapshot(spark):
    got = _labels(churn_training.transform(_features(spark), _members(spark)))
    cancels = {m[0]: m[7] for m in world.MEMBERS} | {"m4": M4_LEAVES}
    # Worked out by hand from the members on the books at each labelled snapshot (1 May, 1 June).
    expected = {
        (as_of, key): cancels[key] is not None and cancels[key] < as_of + timedelta(days=30)
        for as_of, keys in ((date(2025, 5, 1), ["m1", "m3", "m4", "m5"]), (date(2025, 6, 1), ["m1", "m3", "m4"]))
        for key in keys
    }
    assert got == expected
    assert [k for k, churned in got.items() if churned] == [(date(2025, 6, 1), "m4")]
    assert got[(date(2025, 5, 1), "m5")] is False  # 31 May is the 31st day from 1 May


def test_a_snapshot_whose_30_days_run_past_the_data_is_not_labelled(spark):
    # Data ending on 19 June: 1 June's 30 days are not all known, so only 1 May is labelled.
    features = _features(spark).withColumn(
        "as_of_date", F.when(F.col("is_current"), F.lit(date(2025, 6, 20))).otherwise(F.col("as_of_date"))
    )
    got = churn_training.transform(features, _members(spark))
    assert {r.as_of_date for r in got.select("as_of_date").collect()} == {date(2025, 5, 1)}


def test_the_features_are_member_churn_features_untouched(spark):
    """No leakage: the training set adds the label and its window, nothing else about the future."""
    features = _features(spark)
    training = churn_training.transform(features, _members(spark))
    names = [c.name for c in member_churn_features.CONTRACT.columns if c.name != "is_current"]
    assert churn_training.CONTRACT.column_names == [*names, "label_window_end", churn_training.LABEL]
    labelled = features.filter(F.col("as_of_date") <= date(2025, 6, 1)).select(*names)
    assert sorted(training.select(*names).collect()) == sorted(labelled.collect())
