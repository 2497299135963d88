"""`fitlake train`'s second half: the class recommender and the supplement forecast judged offline, each an
MLflow run of its own experiment, so their figures are tracked week by week beside the churn model's.

Both models (fitlake.ml.recommender, fitlake.ml.forecast) are rebuilt daily inside build_gold
(gold.class_recommendations, gold.supplement_sales_forecast); there is nothing to register, only how good they
are to record.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mlflow

from fitlake.lakehouse import Lakehouse
from fitlake.ml import forecast, recommender, tracking

RECOMMENDATIONS_EXPERIMENT = "fitlake_class_recommendations"
FORECAST_EXPERIMENT = "fitlake_supplement_forecast"


def evaluate_recommendations(lh: Lakehouse, say: Callable[[str], None] = print) -> dict[str, float]:
    attendance = (
        lh.read("gold.fact_class_attendance")
        .select("member_key", "location_id", "class_type", "class_date", "class_hour")
        .toPandas()
    )
    if attendance.empty:
        say("  class recommendations: no attendance yet, nothing to evaluate")
        return {}
    cutoff = recommender.holdout_cutoff(attendance)
    if attendance["class_date"].min() >= cutoff:
        say(
            "  class recommendations: no evaluation yet: "
            f"it needs attendance from before the last {recommender.HOLDOUT_DAYS} days"
        )
        return {}
    scores = recommender.evaluate(attendance, cutoff, recommender.K)
    with tracking.start_run(lh.settings, RECOMMENDATIONS_EXPERIMENT) as run:
        mlflow.log_params({"k": recommender.K, "holdout_days": recommender.HOLDOUT_DAYS, "cutoff": str(cutoff)})
        mlflow.log_metrics({k: v for k, v in scores.items() if k != "k" and not math.isnan(v)})
    if scores["members_evaluated"]:
        say(
            f"  class recommendations: precision@{recommender.K} {scores['precision_at_k_cf']:.3f} (popularity "
            f"{scores['precision_at_k_popularity']:.3f}) over {scores['members_evaluated']:,} members' first "
            f"visits to a slot in the {recommender.HOLDOUT_DAYS} days from {cutoff}; MLflow run {run.info.run_id}"
        )
    else:
        say(f"  class recommendations: no member tried a new slot in the {recommender.HOLDOUT_DAYS} days from {cutoff}")
    return scores


def backtest_forecast(lh: Lakehouse, say: Callable[[str], None] = print) -> dict[str, float]:
    weekly = forecast.weekly_revenue(lh.read("gold.fact_retail_sales"), lh.read("gold.dim_product")).toPandas()
    try:
        scores = forecast.backtest(weekly, forecast.HORIZON_WEEKS, forecast.BACKTEST_FOLDS)
    except ValueError as e:
        say(f"  supplement forecast: no backtest yet: {e}")
        return {}
    with tracking.start_run(lh.settings, FORECAST_EXPERIMENT) as run:
        mlflow.log_params({"horizon_weeks": scores["horizon"], "origins": scores["folds"], "weeks": len(weekly)})
        mlflow.log_metrics({k: v for k, v in scores.items() if k.startswith("mape_") or k == "forecasts_scored"})
    mapes = ", ".join(f"{k.removeprefix('mape_')} {v:.1f}%" for k, v in scores.items() if k.startswith("mape_"))
    say(
        f"  supplement forecast: MAPE {mapes} over {scores['forecasts_scored']} weekly forecasts "
        f"({scores['folds']} origins, {scores['horizon']} weeks ahead); MLflow run {run.info.run_id}"
    )
    return scores
