from fitlake.ml.oracle import true_churn_probability
from fitlake.privacy import pseudonym


def test_the_truth_is_keyed_by_the_pseudonym_the_pipeline_gives_each_member(lakehouse):
    truth = lakehouse.settings.home / "_truth" / "members.csv"
    truth.parent.mkdir(parents=True)
    truth.write_text(
        "member_id,join_date,churn_date,visits_per_week,monthly_churn_probability\n"
        "M000001,2024-01-10,,7.0000,0.0096\n"
        "M000002,2024-10-09,2025-05-16,0.8211,0.0423\n"
    )
    ids = lakehouse.spark.createDataFrame([("M000001",), ("M000002",)], "member_id string")
    salt = lakehouse.secrets.pseudonym_salt
    keys = {r.member_id: r.key for r in ids.select("member_id", pseudonym("member_id", salt).alias("key")).collect()}
    probability = true_churn_probability(lakehouse)
    assert probability.to_dict() == {keys["M000001"]: 0.0096, keys["M000002"]: 0.0423}


def test_without_the_generators_truth_there_is_no_oracle(lakehouse):
    assert true_churn_probability(lakehouse) is None
