"""The plots logged with each churn model: ROC and precision-recall curves, calibration, feature importance."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only: no display on a cluster or in CI

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from sklearn.calibration import CalibrationDisplay
from sklearn.inspection import permutation_importance
from sklearn.metrics import PrecisionRecallDisplay, RocCurveDisplay


def _figure(title: str) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.set_title(title)
    return fig, ax


def evaluation_figures(y: pd.Series, p: np.ndarray, oracle: np.ndarray | None, what: str) -> dict[str, Figure]:
    """ROC (with the oracle's curve when the truth is known), precision-recall and calibration on `what`."""
    roc, ax = _figure(f"ROC, {what}")
    RocCurveDisplay.from_predictions(y, p, name="model", ax=ax)
    if oracle is not None:
        RocCurveDisplay.from_predictions(y, oracle, name="oracle (true probability)", ax=ax)
    pr, ax = _figure(f"Precision-recall, {what}")
    PrecisionRecallDisplay.from_predictions(y, p, name="model", ax=ax)
    calibration, ax = _figure(f"Calibration, {what}")
    CalibrationDisplay.from_predictions(y, p, n_bins=10, strategy="quantile", name="model", ax=ax)
    return {"roc_curve.png": roc, "precision_recall_curve.png": pr, "calibration.png": calibration}


def feature_importance(model, x: pd.DataFrame, y: pd.Series, seed: int) -> tuple[pd.Series, Figure]:
    """Permutation importance: the AUC lost when a column is shuffled, the same measure for every model."""
    found = permutation_importance(model, x, y, scoring="roc_auc", n_repeats=3, random_state=seed)
    importance = pd.Series(found.importances_mean, index=x.columns).sort_values()
    fig, ax = _figure("Permutation importance (AUC lost), validation")
    importance.plot.barh(ax=ax)
    fig.tight_layout()
    return importance.sort_values(ascending=False), fig


def close(figures: dict[str, Figure]) -> None:
    for fig in figures.values():
        plt.close(fig)
