from datetime import date, timedelta
from decimal import Decimal

from pyspark.sql import functions as F

from gold import churn_training, member_churn_features

# Snapshots of 1 May and 1 June, and the current one: data up to 30 June.
MAY, JUNE, CURRENT = date(2025, 5, 1), date(2025, 6, 1), date(2025, 7, 1)
CANCELS = {"m1": None, "m4": date(2025, 6, 15), "m5": date(2025, 5, 31), "m6": date(2025, 7, 1)}
ON_THE_BOOKS = {MAY: ["m1", "m4", "m5"], JUNE: ["m1", "m4", "m6"], CURRENT: ["m1", "m6"]}


def _features(spark, current: date = CURRENT):
    """Rows of member_churn_features: the member's number of visits in the last 30 days tells rows apart."""
    rows = [
        (as_of, as_of == CURRENT, key, "BKN", "plus", "monthly", Decimal("59.00"), False, 100, visits, 2 * visits,
         0, visits / 4, 3, as_of - timedelta(days=3), as_of - timedelta(days=1), 1, 0, 0, 12.5, 4, 2)
        for as_of, keys in ON_THE_BOOKS.items() for visits, key in enumerate(keys)
    ]  # fmt: skip
    frame = spark.createDataFrame(rows, member_churn_features.CONTRACT.spark_schema)
    return frame.withColumn("as_of_date", F.when(F.col("is_current"), F.lit(current)).otherwise(F.col("as_of_date")))


def _members(spark):
    return spark.createDataFrame(list(CANCELS.items()), "member_key string, cancel_date date")


def _labels(frame) -> dict[tuple[date, str], bool]:
    return {(r.as_of_date, r.member_key): r.churned_within_30d for r in frame.collect()}


def test_the_label_is_a_membership_ending_in_the_30_days_from_the_snapshot(spark):
    got = _labels(churn_training.transform(_features(spark), _members(spark)))
    assert got == {
        (MAY, "m1"): False,
        (MAY, "m4"): False,  # leaves on 15 June: day 46
        (MAY, "m5"): False,  # leaves on 31 May: the 31st day from 1 May
        (JUNE, "m1"): False,
        (JUNE, "m4"): True,  # day 15 from 1 June
        (JUNE, "m6"): False,  # leaves on 1 July: the 31st day
    }


def test_a_snapshot_whose_30_days_run_past_the_data_is_not_labelled(spark):
    # Data ending on 19 June: 1 June's 30 days are not all known, so only 1 May is labelled; never the current.
    got = churn_training.transform(_features(spark, current=date(2025, 6, 20)), _members(spark))
    assert {r.as_of_date for r in got.select("as_of_date").collect()} == {MAY}


def test_the_features_are_member_churn_features_untouched(spark):
    """No leakage: the training set adds the label and its window, nothing else about the future."""
    names = [c.name for c in member_churn_features.CONTRACT.columns if c.name != "is_current"]
    assert churn_training.CONTRACT.column_names == [*names, "label_window_end", churn_training.LABEL]
    features = _features(spark)
    training = churn_training.transform(features, _members(spark))
    assert sorted(training.select(*names).collect()) == sorted(
        features.filter(~F.col("is_current")).select(*names).collect()
    )
    assert {r.label_window_end for r in training.collect()} == {MAY + timedelta(days=30), JUNE + timedelta(days=30)}
