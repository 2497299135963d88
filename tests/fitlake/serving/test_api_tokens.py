"""API tokens from the environment or the Databricks secret scope; none configured is a refusal, not an open API."""

from __future__ import annotations

import base64
from types import SimpleNamespace

import databricks.sdk
import pytest
from databricks.sdk.errors import NotFound

from fitlake.errors import SettingsError
from fitlake.serving.api_tokens import api_tokens, is_accepted
from fitlake.settings import Settings

LOCAL, DATABRICKS = Settings(home=None), Settings(home=None, engine="databricks")
TOKEN, OTHER = "a" * 20, "b" * 24


def _no_scope() -> str | None:
    raise AssertionError("the secret scope is asked only on Databricks, when the environment names no token")


def test_tokens_come_from_the_environment_comma_separated():
    assert api_tokens(LOCAL, {"FITLAKE_API_TOKENS": f" {TOKEN}, {OTHER},"}, _no_scope) == (TOKEN, OTHER)


class FakeSecrets:
    """databricks-sdk's `w.secrets`: get_secret answers the value base64-encoded, as the Secrets API does."""

    def __init__(self, stored: dict[tuple[str, str], str]) -> None:
        self.stored = stored

    def get_secret(self, scope: str, key: str) -> SimpleNamespace:
        if (scope, key) not in self.stored:
            raise NotFound(f"secret {scope}/{key} not found")
        return SimpleNamespace(value=base64.b64encode(self.stored[(scope, key)].encode()).decode())


def _workspace(stored: dict[tuple[str, str], str]):
    return lambda: SimpleNamespace(secrets=FakeSecrets(stored))


def test_on_databricks_tokens_come_from_the_secret_scope(monkeypatch):
    monkeypatch.setattr(databricks.sdk, "WorkspaceClient", _workspace({("fitlake", "api-tokens"): f"{TOKEN},{OTHER}"}))
    assert api_tokens(DATABRICKS, {}) == (TOKEN, OTHER)


def test_on_databricks_a_missing_secret_is_the_same_refusal(monkeypatch):
    monkeypatch.setattr(databricks.sdk, "WorkspaceClient", _workspace({}))
    with pytest.raises(SettingsError, match="set FITLAKE_API_TOKENS or the secret fitlake/api-tokens"):
        api_tokens(DATABRICKS, {})


@pytest.mark.reliability(
    input="`fitlake serve api` with no FITLAKE_API_TOKENS (and, on Databricks, no fitlake/api-tokens secret)",
    expected="the API does not start: one line saying what to set, exit 2",
    observed="SettingsError 'no API token configured: set FITLAKE_API_TOKENS ...' (exit 2 from the CLI)",
)
@pytest.mark.parametrize(("settings", "scope"), [(LOCAL, _no_scope), (DATABRICKS, lambda: None)])
def test_no_token_is_a_refusal(settings, scope):
    with pytest.raises(SettingsError, match="no API token configured: set FITLAKE_API_TOKENS"):
        api_tokens(settings, {"FITLAKE_API_TOKENS": " , "}, scope)


def test_a_short_token_is_refused():
    with pytest.raises(SettingsError, match=r"1 token.* shorter than 16 characters"):
        api_tokens(LOCAL, {"FITLAKE_API_TOKENS": f"{TOKEN},guessable"}, _no_scope)


def test_only_a_configured_token_is_accepted():
    assert is_accepted(OTHER, (TOKEN, OTHER))
    assert not is_accepted(TOKEN[:-1], (TOKEN, OTHER))
    assert not is_accepted("", (TOKEN,))
