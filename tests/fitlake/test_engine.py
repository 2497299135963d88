import builtins
from pathlib import Path

import pytest

from fitlake import engine
from fitlake.errors import EngineUnavailable
from fitlake.settings import Settings


def _without_module(monkeypatch, prefix: str) -> None:
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == prefix or name.startswith(prefix + "."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_jvm_engine_says_to_install_delta_spark(monkeypatch, tmp_path):
    _without_module(monkeypatch, "delta")
    with pytest.raises(EngineUnavailable, match=r"pip install 'fitlake\[jvm\]'"):
        engine.start(Settings(home=tmp_path, engine="spark"))


def test_jvm_engine_says_to_install_java(monkeypatch, tmp_path):
    monkeypatch.setattr(engine.shutil, "which", lambda _: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(EngineUnavailable, match="needs Java 17"):
        engine.start(Settings(home=tmp_path, engine="spark"))


def test_databricks_engine_says_to_install_databricks_connect_in_its_own_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)
    _without_module(monkeypatch, "databricks.connect")
    with pytest.raises(EngineUnavailable, match="databricks-connect, which replaces pyspark"):
        engine.start(Settings(home=tmp_path, engine="databricks"))


def test_sail_names_its_catalog_after_the_setting(sail_engine):
    assert sail_engine.catalog == "fitlake"
    assert not sail_engine.persistent_catalog
    assert [r[0] for r in sail_engine.spark.sql("SELECT current_catalog()").collect()] == ["fitlake"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
def test_a_process_running_sail_uses_no_transparent_huge_pages(sail_engine):
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    assert status["THP_enabled"].strip() == "0"
