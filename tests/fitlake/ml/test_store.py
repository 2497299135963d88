"""A new local MLflow store starts as a copy of an empty one at MLflow's schema, not migrated from scratch."""

from __future__ import annotations

import sqlite3

import mlflow
from mlflow.tracking import MlflowClient

from fitlake.ml import store, tracking
from fitlake.settings import Settings


def _schema_version(db) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_a_new_store_is_a_copy_of_the_empty_one_at_mlflows_newest_schema(tmp_path):
    from alembic.script import ScriptDirectory
    from mlflow.store.db.utils import _get_alembic_config

    # The cache the whole suite shares, as users' commands do: made by whichever test needs it first.
    settings = Settings(home=tmp_path / "home")
    db = store.local_db(settings)

    tracking.configure(settings)

    empty = store.cache_dir() / f"mlflow-{mlflow.__version__}-empty.db"
    head = ScriptDirectory.from_config(_get_alembic_config(f"sqlite:///{db}")).get_current_head()
    assert db.read_bytes() == empty.read_bytes() and _schema_version(db) == head
    # MLflow takes it as its own: no migration, its Default experiment added on first use, runs and models kept.
    assert [e.name for e in MlflowClient().search_experiments()] == ["Default"]
    with tracking.start_run(settings, "churn") as run:
        mlflow.log_metric("auc", 0.5)
    assert MlflowClient().get_run(run.info.run_id).data.metrics == {"auc": 0.5}
    assert _schema_version(db) == head


def test_an_existing_store_is_left_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("FITLAKE_CACHE_DIR", str(tmp_path / "cache"))
    db = tmp_path / "mlflow.db"
    db.write_bytes(b"a store of its own")
    store.seed_local_store(db)
    assert db.read_bytes() == b"a store of its own" and not (tmp_path / "cache").exists()
