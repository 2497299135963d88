"""Personal data: the two secrets that protect it, and the column expressions that use them.

- PII columns (and the raw line holding them) are encrypted with AES-256-GCM as they land in Bronze, so
  no table but `silver.member_pii` holds a name, e-mail or phone in the clear. Destroying the key
  erases every copy at once, Bronze history and backups included (crypto-shredding).
- Members are known by a pseudonym, sha2(salt || member number): stable across runs, useless to anyone
  without the salt.

Where the secrets come from, first found wins: FITLAKE_PII_KEY / FITLAKE_PSEUDONYM_SALT; on Databricks the
`fitlake` secret scope (keys `pii-key`, `pseudonym-salt`, made by terraform/ and filled by an admin);
locally `<home>/_secrets/`, created with fresh random values on first use and readable by the owner only.

Locally, tables made with one pair of secrets must never meet another: new keys would make Bronze unreadable
and re-pseudonymise every member, and a history merged under a new salt cannot be unmerged. So every command
that writes calls `guard_secrets` before its engine starts: on a catalog that holds tables, missing secrets
are not made anew and secrets other than those the tables were made with are refused, each in one line naming
what to restore. "Made with" is a fingerprint recorded beside the tables (`<home>/<catalog>/` +
FINGERPRINT_FILE, so deleting `_secrets/` does not take it along): a salted scrypt hash of each secret, which
tells a wrong secret from the right one without revealing it. A lakehouse made before fingerprints were
recorded gets one from the secrets it has at its next run.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
import re
import secrets as random_secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pyspark.sql import Column as SparkColumn
from pyspark.sql import functions as F

from fitlake.delta_tables import delta_tables_on_disk
from fitlake.errors import SecretsRefused, SettingsError
from fitlake.permissions import PRIVATE_FILE, create_private_file, private_folder
from fitlake.settings import Settings

SECRET_SCOPE = "fitlake"
# (environment variable, Databricks secret key, local file name)
_PII_KEY = ("FITLAKE_PII_KEY", "pii-key", "pii_key")
_SALT = ("FITLAKE_PSEUDONYM_SALT", "pseudonym-salt", "pseudonym_salt")
_LABELS = {_PII_KEY: "PII key", _SALT: "pseudonym salt"}
FINGERPRINT_FILE = "_secrets_fingerprint.json"
# scrypt's interactive-login cost (about 50 ms a secret): a salt typed by a person is not guessed from the file.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}

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
        private_folder(path.parent)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except FileExistsError:  # another step made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(random_secrets.token_hex(16))
    return path.read_text().strip()


def _secret_file(settings: Settings, names: tuple[str, str, str]) -> Path:
    return settings.home / "_secrets" / names[2]


def _databricks_scope_secret(names: tuple[str, str, str]) -> str:
    env, databricks_key, _ = names
    if os.environ.get(env):
        return os.environ[env]
    value = _databricks_secret(databricks_key)
    if value is None:
        raise SettingsError(
            f"no secret {SECRET_SCOPE}/{databricks_key}: put one with "
            f"`databricks secrets put-secret {SECRET_SCOPE} {databricks_key}`, or set {env}"
        )
    return value


def _where(settings: Settings, names: tuple[str, str, str]) -> str:
    """Where a local secret is taken from: its environment variable when set, else its file."""
    return names[0] if os.environ.get(names[0]) else str(_secret_file(settings, names))


def _holds_tables(settings: Settings) -> bool:
    return next(delta_tables_on_disk(settings.tables_root), None) is not None


def _fingerprint_file(settings: Settings) -> Path:
    return settings.tables_root / FINGERPRINT_FILE


def _recorded_fingerprint(settings: Settings) -> dict | None:
    path = _fingerprint_file(settings)
    try:
        recorded = json.loads(path.read_text())
        bytes.fromhex(recorded["nonce"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as e:
        raise SecretsRefused(
            f"{path} is damaged ({type(e).__name__}: {e}): restore it from a backup, or delete it to trust the "
            "secrets at hand"
        ) from None
    return recorded


@functools.cache
def _fingerprint(value: str, nonce: str) -> str:
    return hashlib.scrypt(value.encode(), salt=bytes.fromhex(nonce), **_SCRYPT).hex()


def _fingerprints(secrets: Secrets, nonce: str) -> dict[str, str]:
    return {
        _PII_KEY[2]: _fingerprint(secrets.pii_key, nonce),
        _SALT[2]: _fingerprint(secrets.pseudonym_salt, nonce),
    }


def _record_fingerprint(settings: Settings, secrets: Secrets) -> None:
    nonce = random_secrets.token_hex(16)
    cost = {k: v for k, v in _SCRYPT.items() if k != "dklen"}
    record = {"scrypt": cost, "nonce": nonce, **_fingerprints(secrets, nonce)}
    path = _fingerprint_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with os.fdopen(create_private_file(partial), "w") as f:
        json.dump(record, f)
    os.replace(partial, path)


def _changed(secrets: Secrets, recorded: dict) -> list[tuple[str, str, str]]:
    """The secrets (their names) that are not the ones recorded."""
    now = _fingerprints(secrets, recorded["nonce"])
    return [names for names in (_PII_KEY, _SALT) if not hmac.compare_digest(now[names[2]], recorded.get(names[2], ""))]


def _local_secrets(settings: Settings, made_tables: bool, record: bool) -> Secrets:
    """The local secrets. `made_tables`: the catalog holds tables made with them, so a missing one is not made
    anew and each must be the one recorded. `record`: record their fingerprint when none stands for them."""
    missing = [n for n in (_PII_KEY, _SALT) if not os.environ.get(n[0]) and not _secret_file(settings, n).exists()]
    if missing and made_tables:
        files = " and ".join(str(_secret_file(settings, n)) for n in missing)
        envs = ", ".join(n[0] for n in missing)
        them = "it" if len(missing) == 1 else "them"
        raise SecretsRefused(
            f"{files} {'is' if len(missing) == 1 else 'are'} missing but {settings.tables_root} holds tables made "
            f"with {them}: restore {them} from a backup (or set {envs}); new ones would make Bronze unreadable and "
            "the pseudonyms differ. Nothing was written"
        )
    secrets = Secrets(*(os.environ.get(n[0]) or _local_secret(_secret_file(settings, n)) for n in (_PII_KEY, _SALT)))
    recorded = _recorded_fingerprint(settings)
    changed = _changed(secrets, recorded) if recorded is not None else []
    if made_tables and changed:
        what = " and ".join(f"the {_LABELS[n]} ({_where(settings, n)})" for n in changed)
        raise SecretsRefused(
            f"{what} {'is' if len(changed) == 1 else 'are'} not what the tables in {settings.tables_root} were made "
            f"with ({_fingerprint_file(settings)}): restore the original; nothing was written"
        )
    if record and (recorded is None or changed):
        _record_fingerprint(settings, secrets)
    return secrets


def guard_secrets(settings: Settings) -> None:
    """What every command that writes does before its engine starts: refuse missing or other secrets for a catalog
    that holds tables (SecretsRefused, one line); on one that holds none, make what is missing; record the
    fingerprint. On Databricks the secret scope is the one source and Unity Catalog holds the tables: nothing here."""
    if settings.engine == "databricks":
        return
    _local_secrets(settings, made_tables=_holds_tables(settings), record=True)


def load_secrets(settings: Settings) -> Secrets:
    """The secrets, read when a step first needs them: on a lakehouse whose fingerprint is recorded, only the ones
    its tables were made with (never made anew)."""
    if settings.engine == "databricks":
        return Secrets(_databricks_scope_secret(_PII_KEY), _databricks_scope_secret(_SALT))
    made_tables = _fingerprint_file(settings).exists() and _holds_tables(settings)
    return _local_secrets(settings, made_tables=made_tables, record=False)


# AES-256-GCM in Spark's own layout (12-byte IV, ciphertext, 16-byte tag; base64), so Databricks SQL can read
# it with `aes_decrypt(unbase64(c), secret('fitlake', 'pii-key'), 'GCM')`. The work happens in pandas UDFs:
# Sail 0.7.2's aes_encrypt/aes_decrypt accept literals only, not columns.
_IV_BYTES = 12


def encrypter(key: str) -> Callable[[pd.Series], pd.Series]:
    """Encrypts a series of texts; the body of `encrypt`, also usable outside Spark."""

    def encrypt_values(values: pd.Series) -> pd.Series:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        seal = AESGCM(key.encode()).encrypt
        # Every value gets IV bytes of its own from one read of the OS's random source. Per value, the loop is
        # the cost (a pandas UDF runs under the GIL): 0.29 s against 0.41 s a 200k batch with a call per value.
        ivs = os.urandom(_IV_BYTES * len(values))
        sealed = [
            None
            if value is None or value != value  # NULL arrives as None or NaN
            else binascii.b2a_base64(iv + seal(iv, value.encode(), None), newline=False).decode()
            for value, iv in zip(values.to_numpy(), _chunks(ivs, _IV_BYTES), strict=True)
        ]
        return pd.Series(sealed, index=values.index, dtype=object)

    return encrypt_values


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    return (data[i : i + size] for i in range(0, len(data), size))


def decrypter(key: str) -> Callable[[pd.Series], pd.Series]:
    def decrypt_values(values: pd.Series) -> pd.Series:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        open_sealed = AESGCM(key.encode()).decrypt

        def one(value: str) -> str:
            sealed = binascii.a2b_base64(value)
            return open_sealed(sealed[:_IV_BYTES], sealed[_IV_BYTES:], None).decode()

        try:
            opened = [None if value is None or value != value else one(value) for value in values.to_numpy()]
        except InvalidTag:
            raise ValueError("cannot decrypt Bronze PII: the PII key is not the one it was encrypted with") from None
        return pd.Series(opened, index=values.index, dtype=object)

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
    # concat is NULL when the value is, and so is sha2: the value is written once in the expression. Beside a NULL
    # test it was written twice, and so was a decryption UDF given as the value (STEDI's e-mail addresses).
    return F.sha2(F.concat(F.lit(salt), _column(column)), 256)


def pseudonym_value(value: str, salt: str) -> str:
    """`pseudonym` of one value, outside the engine: for what names a thing before any table holds it (the landing
    file of an imported MapMyRun export is named by its account's pseudonym, fitlake.mapmyrun_import)."""
    return hashlib.sha256(f"{salt}{value}".encode()).hexdigest()


def has_contact_details(column: str | SparkColumn) -> SparkColumn:
    return _column(column).rlike(CONTACT_PATTERN)


def redact_contact_details(column: str | SparkColumn) -> SparkColumn:
    return F.regexp_replace(_column(column), CONTACT_PATTERN, REDACTED)


def contact_details_in(text: str) -> list[str]:
    """The e-mail addresses and phone numbers in `text` (for scans outside Spark)."""
    return [m.group(0) for m in re.finditer(CONTACT_PATTERN, text)]
