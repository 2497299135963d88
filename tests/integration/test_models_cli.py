"""`fitlake train` on data too short for a model: one clear line and exit 1, no traceback."""

from tests.integration.conftest import fitlake


def test_train_on_two_weeks_of_data_says_what_history_a_model_needs(home):
    result = fitlake(home, "train", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "fitlake: a churn model needs 3 labelled monthly snapshots (training, validation, test); "
        "gold.churn_training has 0. A snapshot needs 90 days of history and 30 days of outcome."
    )
    assert "Traceback" not in result.stderr
