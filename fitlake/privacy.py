"""Personal data: the two secrets that protect it, and the column expressions that use them.

- PII columns (and the raw line holding them) are encrypted with AES-256-GCM as they land in Bronze, so
  no table but `silver.member_pii` holds a name, e-mail or phone in the clear. Destroying the key
  erases every copy at once, Bronze history and backups included (crypto-shredding).
- Members are known by a pseudonym, sha2(salt || member number): stable across runs, useless to anyone
  without the salt.

Where the secrets come from, first found wins: FITLAKE_PII_KEY / FITLAKE_PSEUDONYM_SALT; on Databricks the
`fitlake` secret scope (keys `pii-key`, `pseudonym-salt`, made by terraform/ and filled by an admin);
locally `<home>/_secrets/`, created with fresh random values on first use and readable by the owner only.
"""

from __future__ import annotations

import base64
import os
import re
import secrets as random_secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pyspark.sql import Column as SparkColumn
from pyspark.sql import functions as F

from fitlake.errors import SettingsError
from fitlake.settings import Settings

SECRET_SCOPE = "fitlake"
# (environment variable, Databricks secret key, local file name)
_PII_KEY = ("FITLAKE_PII_KEY", "pii-key", "pii_key")
_SALT = ("FITLAKE_PSEUDONYM_SALT", "pseudonym-salt", "pseudonym_salt")

# What the privacy scan and note redaction look for, in the regex subset Java (Spark) and Rust (Sail)
# share: no look-around. A phone is 10 digits in the usual groupings, alone or after a country code.
EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
PHONE_PATTERN = r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|\b\d{3})[ .-]?\d{3}[ .-]?\d{4}\b"
CONTACT_PATTERN = f"{EMAIL_PATTERN}|{PHONE_PATTERN}"
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Secrets:
    pii_key: str
    pseudonym_salt: str

    def __post_init__(self) -> None:
        if len(self.pii_key.encode()) != 32:
            raise SettingsError(
                "the PII key must be 32 bytes (AES-256): `python -c 'import secrets; print(secrets.token_hex(16))'`"
            )
        if len(self.pseudonym_salt) < 16:
            raise SettingsError("the pseudonym salt must be at least 16 characters")

    def __repr__(self) -> str:  # never print a secret in a traceback or a log
        return "Secrets(<hidden>)"


def _databricks_secret(key: str) -> str | None:
    try:
        from databricks.sdk import WorkspaceClient

        value = WorkspaceClient().secrets.get_secret(SECRET_SCOPE, key).value
        return base64.b64decode(value).decode() if value else None
    except Exception:  # no workspace, scope or key: the caller says what to put where
        return None


def _local_secret(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another step made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(random_secrets.token_hex(16))
    return path.read_text().strip()


def _secret(settings: Settings, names: tuple[str, str, str]) -> str:
    env, databricks_key, file_name = names
    if os.environ.get(env):
        return os.environ[env]
    if settings.engine == "databricks":
        value = _databricks_secret(databricks_key)
        if value is None:
            raise SettingsError(
                f"no secret {SECRET_SCOPE}/{databricks_key}: put one with "
                f"`databricks secrets put-secret {SECRET_SCOPE} {databricks_key}`, or set {env}"
            )
        return value
    return _local_secret(settings.home / "_secrets" / file_name)


def load_secrets(settings: Settings) -> Secrets:
    return Secrets(_secret(settings, _PII_KEY), _secret(settings, _SALT))


# AES-256-GCM in Spark's own layout (12-byte IV, ciphertext, 16-byte tag; base64), so Databricks SQL can read
# it with `aes_decrypt(unbase64(c), secret('fitlake', 'pii-key'), 'GCM')`. The work happens in pandas UDFs:
# Sail 0.7.2's aes_encrypt/aes_decrypt accept literals only, not columns.
_IV_BYTES = 12


def encrypter(key: str) -> Callable[[pd.Series], pd.Series]:
    """Encrypts a series of texts; the body of `encrypt`, also usable outside Spark."""

    def encrypt_values(values: pd.Series) -> pd.Series:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        aes = AESGCM(key.encode())

        def one(value: str | None) -> str | None:
            if value is None or value != value:  # NULL arrives as None or NaN
                return None
            iv = os.urandom(_IV_BYTES)
            return base64.b64encode(iv + aes.encrypt(iv, value.encode(), None)).decode()

        return values.map(one)

    return encrypt_values


def decrypter(key: str) -> Callable[[pd.Series], pd.Series]:
    def decrypt_values(values: pd.Series) -> pd.Series:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        aes = AESGCM(key.encode())

        def one(value: str | None) -> str | None:
            if value is None or value != value:
                return None
            sealed = base64.b64decode(value)
            try:
                return aes.decrypt(sealed[:_IV_BYTES], sealed[_IV_BYTES:], None).decode()
            except InvalidTag:
                raise ValueError(
                    "cannot decrypt Bronze PII: the PII key is not the one it was encrypted with"
                ) from None

        return values.map(one)

    return decrypt_values


def _column(column: str | SparkColumn) -> SparkColumn:
    return F.col(column) if isinstance(column, str) else column


def encrypt(column: str | SparkColumn, key: str) -> SparkColumn:
    """AES-256-GCM with a random IV, base64 text; NULL stays NULL."""
    return F.pandas_udf(encrypter(key), "string")(_column(column))


def decrypt(column: str | SparkColumn, key: str) -> SparkColumn:
    return F.pandas_udf(decrypter(key), "string")(_column(column))


def pseudonym(column: str | SparkColumn, salt: str) -> SparkColumn:
    """sha2-256 of salt and value as hex; NULL stays NULL."""
    col = _column(column)
    return F.when(col.isNotNull(), F.sha2(F.concat(F.lit(salt), col), 256))


def has_contact_details(column: str | SparkColumn) -> SparkColumn:
    return _column(column).rlike(CONTACT_PATTERN)


def redact_contact_details(column: str | SparkColumn) -> SparkColumn:
    return F.regexp_replace(_column(column), CONTACT_PATTERN, REDACTED)


def contact_details_in(text: str) -> list[str]:
    """The e-mail addresses and phone numbers in `text` (for scans outside Spark)."""
    return [m.group(0) for m in re.finditer(CONTACT_PATTERN, text)]
