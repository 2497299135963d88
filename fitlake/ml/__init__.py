"""FitLake's models, tracked in MLflow: churn (trained weekly, scored daily into gold.churn_predictions), the
class recommender and the supplement forecast (rebuilt daily by their gold tables, judged weekly).

Gold tables import these modules, never the reverse: what a model needs of a gold table it reads by name from
the lakehouse, or finds through fitlake.registry.
"""
