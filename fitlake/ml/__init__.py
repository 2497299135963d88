"""FitLake's models: churn (trained weekly, scored daily into gold.churn_predictions), tracked in MLflow."""
