import pytest


@pytest.fixture(autouse=True)
def _no_tracking_server(monkeypatch):
    """Each test's MLflow store is its lakehouse's own, whatever the shell has set."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
