import pytest

from fitlake.errors import SettingsError
from fitlake.settings import Settings


def test_flags_win_over_environment_which_wins_over_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("FITLAKE_HOME", str(tmp_path / "from-env"))
    monkeypatch.setenv("FITLAKE_CATALOG", "envcat")
    monkeypatch.delenv("FITLAKE_ENGINE", raising=False)

    from_env = Settings.resolve()
    assert from_env.home == (tmp_path / "from-env").resolve()
    assert from_env.catalog == "envcat"
    assert from_env.engine == "sail"

    from_flags = Settings.resolve(home=tmp_path / "flag", catalog="flagcat", engine="spark")
    assert from_flags == Settings(home=tmp_path / "flag", catalog="flagcat", engine="spark")


def test_defaults_put_the_lakehouse_in_the_working_directory(monkeypatch, tmp_path):
    for var in ("FITLAKE_HOME", "FITLAKE_CATALOG", "FITLAKE_ENGINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings.resolve()
    assert settings.home == tmp_path / "lakehouse"
    assert settings.landing == tmp_path / "lakehouse" / "landing"
    assert settings.tables_root == tmp_path / "lakehouse" / "fitlake"


@pytest.mark.parametrize("catalog", ["Bad-Name", "1st", "a.b", ""])
def test_catalog_must_be_an_identifier(catalog, tmp_path):
    with pytest.raises(SettingsError, match="not a valid identifier"):
        Settings(home=tmp_path, catalog=catalog or " ")


def test_unknown_engine_is_refused_with_the_choices(tmp_path):
    with pytest.raises(SettingsError, match="sail, spark, databricks"):
        Settings(home=tmp_path, engine="duckdb")  # type: ignore[arg-type]


def test_the_schema_prefix_comes_from_the_flag_or_the_environment_and_must_be_an_identifier(monkeypatch, tmp_path):
    monkeypatch.setenv("FITLAKE_SCHEMA_PREFIX", "dev_")
    assert Settings.resolve(home=tmp_path).schema("silver") == "dev_silver"
    assert Settings.resolve(home=tmp_path, schema_prefix="").schema("silver") == "silver"
    with pytest.raises(SettingsError, match="schema prefix 'Dev-' is not a valid identifier"):
        Settings(home=tmp_path, schema_prefix="Dev-")


def test_the_settle_time_comes_from_the_environment_and_must_be_seconds(monkeypatch, tmp_path):
    monkeypatch.delenv("FITLAKE_SETTLE_SECONDS", raising=False)
    assert Settings.resolve(home=tmp_path).settle_seconds == 5
    monkeypatch.setenv("FITLAKE_SETTLE_SECONDS", "0.5")
    assert Settings.resolve(home=tmp_path).settle_seconds == 0.5
    for bad in ("soon", "-1", "nan"):
        monkeypatch.setenv("FITLAKE_SETTLE_SECONDS", bad)
        with pytest.raises(SettingsError, match="FITLAKE_SETTLE_SECONDS must be a number of seconds, 0 or more"):
            Settings.resolve(home=tmp_path)


def test_the_environment_of_settings_resolves_back_to_them(monkeypatch, tmp_path):
    settings = Settings(tmp_path.resolve(), "other", "databricks", "dev_", 2.5)
    for name, value in settings.environment().items():
        monkeypatch.setenv(name, value)
    assert Settings.resolve() == settings
