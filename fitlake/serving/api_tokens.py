"""The bearer tokens the API accepts: FITLAKE_API_TOKENS (comma-separated), or on Databricks the secret
`fitlake/api-tokens` (the same list). With none the API does not start: an API open to anyone is never a default.
"""

from __future__ import annotations

import base64
import hmac
import os
from collections.abc import Callable, Mapping

from fitlake.errors import SettingsError
from fitlake.privacy import SECRET_SCOPE
from fitlake.settings import Settings

TOKENS_VARIABLE = "FITLAKE_API_TOKENS"
TOKENS_SECRET_KEY = "api-tokens"
# A token is a shared secret sent on every request: long enough that it cannot be guessed.
MIN_TOKEN_LENGTH = 16


def _secret_scope_tokens() -> str | None:
    try:
        from databricks.sdk import WorkspaceClient

        value = WorkspaceClient().secrets.get_secret(SECRET_SCOPE, TOKENS_SECRET_KEY).value
    except Exception:  # no workspace, scope or key: the caller says what to set
        return None
    return base64.b64decode(value).decode() if value else None


def api_tokens(
    settings: Settings,
    environ: Mapping[str, str] = os.environ,
    secret_scope: Callable[[], str | None] = _secret_scope_tokens,
) -> tuple[str, ...]:
    """The tokens, from the environment first; SettingsError (exit 2) when none is configured or one is too short."""
    listed = environ.get(TOKENS_VARIABLE, "")
    if not listed.strip() and settings.engine == "databricks":
        listed = secret_scope() or ""
    tokens = tuple(t.strip() for t in listed.split(",") if t.strip())
    where = TOKENS_VARIABLE
    if settings.engine == "databricks":
        where += f" or the secret {SECRET_SCOPE}/{TOKENS_SECRET_KEY}"
    if not tokens:
        raise SettingsError(f"no API token configured: set {where} to one or more comma-separated tokens")
    if short := sum(len(t) < MIN_TOKEN_LENGTH for t in tokens):
        raise SettingsError(
            f"{short} token(s) in {where} shorter than {MIN_TOKEN_LENGTH} characters: use long random ones"
        )
    return tokens


def is_accepted(presented: str, tokens: tuple[str, ...]) -> bool:
    """Whether `presented` is one of `tokens`, compared in constant time, each one: how long the check takes tells
    nothing of which token nearly matched."""
    matches = [hmac.compare_digest(presented.encode(), token.encode()) for token in tokens]
    return any(matches)
