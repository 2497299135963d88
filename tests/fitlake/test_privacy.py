import pytest
from pyspark.sql import functions as F

from fitlake.errors import SettingsError
from fitlake.privacy import (
    REDACTED,
    Secrets,
    contact_details_in,
    decrypt,
    encrypt,
    has_contact_details,
    load_secrets,
    pseudonym,
    redact_contact_details,
)
from fitlake.settings import Settings
from tests.builders import SECRETS, member_key

CONTACTS = ["jane.doe+gym@example.co.uk", "+1 255 677 1474", "(209) 754-6088", "2183159083", "+1-860-291-3909"]
NOT_CONTACTS = ["BK20250101000003", "BKN-20250101-00001", "2025-01-01 23:50:00", "CHI-20250101-1830", "M000001"]


@pytest.mark.parametrize("text", CONTACTS)
def test_contact_details_are_found_and_redacted_by_the_engine(spark, text):
    df = spark.createDataFrame([(f"call me on {text} please",)], "note string")
    (row,) = df.select(has_contact_details("note").alias("found"), redact_contact_details("note").alias("r")).collect()
    assert row.found and row.r == f"call me on {REDACTED} please"
    assert contact_details_in(text) == [text]


@pytest.mark.parametrize("text", NOT_CONTACTS)
def test_ids_and_timestamps_are_not_taken_for_contact_details(spark, text):
    (row,) = spark.createDataFrame([(text,)], "t string").select(has_contact_details("t").alias("found")).collect()
    assert not row.found and contact_details_in(text) == []


def test_encryption_round_trips_with_a_fresh_iv_and_keeps_nulls(spark):
    df = spark.createDataFrame([("jane@example.com",), ("jane@example.com",), (None,)], "email string")
    sealed = df.select(encrypt("email", SECRETS.pii_key).alias("e"))
    # Ciphertexts differ run by run (a fresh IV), so what is collected is what they show, not the ciphertexts:
    # the JVM parity check compares every collected row.
    shown = sealed.select(F.col("e").contains("jane").alias("shows"), decrypt("e", SECRETS.pii_key).alias("d"))
    assert [tuple(r) for r in shown.collect()] == [
        (False, "jane@example.com"),
        (False, "jane@example.com"),
        (None, None),
    ]
    assert sealed.select(F.count_distinct("e")).first()[0] == 2  # the same e-mail twice, two ciphertexts


def test_decrypting_with_another_key_fails_loudly(spark):
    sealed = spark.createDataFrame([("x",)], "v string").select(encrypt("v", SECRETS.pii_key).alias("e"))
    with pytest.raises(Exception, match="cannot decrypt Bronze PII"):
        sealed.select(decrypt("e", "o" * 32)).collect()


def test_pseudonyms_are_stable_salted_and_null_safe(spark):
    df = spark.createDataFrame([("M1",), ("M1",), (None,)], "id string")
    keys = [r.k for r in df.select(pseudonym("id", SECRETS.pseudonym_salt).alias("k")).collect()]
    other = df.select(pseudonym("id", "another-salt-0123").alias("k")).first().k
    assert keys[0] == keys[1] and len(keys[0]) == 64 and keys[2] is None and other != keys[0]
    assert keys[0] == member_key(spark, "M1")  # the engine's sha2 is the one tests work out by hand


def test_local_secrets_are_created_once_readable_by_the_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("FITLAKE_PII_KEY", raising=False)
    monkeypatch.delenv("FITLAKE_PSEUDONYM_SALT", raising=False)
    first = load_secrets(Settings(home=tmp_path))
    assert load_secrets(Settings(home=tmp_path)) == first
    for path in (tmp_path / "_secrets").iterdir():
        assert path.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("FITLAKE_PSEUDONYM_SALT", "from-the-environment")
    assert load_secrets(Settings(home=tmp_path)).pseudonym_salt == "from-the-environment"


def test_a_short_key_is_refused_and_secrets_never_print():
    with pytest.raises(SettingsError, match="32 bytes"):
        Secrets("short", "a-long-enough-salt")
    assert "k" * 32 not in repr(SECRETS) and "test-salt" not in str(SECRETS)
