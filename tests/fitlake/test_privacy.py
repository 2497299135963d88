import pytest
from pyspark.sql import functions as F

from fitlake.errors import SecretsRefused, SettingsError
from fitlake.privacy import (
    FINGERPRINT_FILE,
    REDACTED,
    Secrets,
    contact_details_in,
    decrypt,
    encrypt,
    guard_secrets,
    has_contact_details,
    load_secrets,
    pseudonym,
    pseudonym_value,
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
    # ...and the one fitlake works out without the engine, to name an imported file by its account's pseudonym
    assert pseudonym_value("M1", SECRETS.pseudonym_salt) == keys[0]


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


# The secrets guard: what every command that writes checks before its engine starts (fitlake.privacy.guard_secrets).
LOCAL = ("FITLAKE_PII_KEY", "FITLAKE_PSEUDONYM_SALT")


@pytest.fixture
def local_home(tmp_path, monkeypatch) -> Settings:
    """A home whose secrets are the local files under _secrets/, as a laptop's."""
    for name in LOCAL:
        monkeypatch.delenv(name, raising=False)
    return Settings(home=tmp_path)


def _make_a_table(settings: Settings) -> None:
    """What the guard looks for: a Delta table in the catalog's folder."""
    (settings.tables_root / "bronze" / "members_raw" / "_delta_log").mkdir(parents=True)


def _files(settings: Settings) -> dict[str, str]:
    return {p.name: p.read_text() for p in (settings.home / "_secrets").iterdir()}


def test_secrets_are_made_on_a_catalog_without_tables_and_fingerprinted_without_showing_them(local_home):
    guard_secrets(local_home)
    made = _files(local_home)
    assert set(made) == {"pii_key", "pseudonym_salt"}
    fingerprint = (local_home.tables_root / FINGERPRINT_FILE).read_text()
    assert not [v for v in made.values() if v.strip() in fingerprint]
    assert (local_home.tables_root / FINGERPRINT_FILE).stat().st_mode & 0o077 == 0
    _make_a_table(local_home)
    guard_secrets(local_home)  # the same secrets, now with tables: accepted, nothing made anew
    assert _files(local_home) == made


def test_missing_secrets_are_not_made_anew_for_a_catalog_with_tables(local_home):
    guard_secrets(local_home)
    _make_a_table(local_home)
    (local_home.home / "_secrets" / "pseudonym_salt").unlink()
    with pytest.raises(SecretsRefused) as refused:
        guard_secrets(local_home)
    message = str(refused.value)
    assert message.startswith(f"{local_home.home}/_secrets/pseudonym_salt is missing but {local_home.tables_root}")
    assert "FITLAKE_PSEUDONYM_SALT" in message and "\n" not in message
    assert set(_files(local_home)) == {"pii_key"}
    # A step that asks for the secrets later is refused the same way: no new salt is made behind the guard's back.
    with pytest.raises(SecretsRefused, match="pseudonym_salt is missing"):
        load_secrets(local_home)
    assert set(_files(local_home)) == {"pii_key"}


@pytest.mark.parametrize(
    ("variable", "what"),
    [("FITLAKE_PSEUDONYM_SALT", "pseudonym salt"), ("FITLAKE_PII_KEY", "PII key")],
)
def test_a_secret_other_than_the_tables_were_made_with_is_refused(local_home, monkeypatch, variable, what):
    guard_secrets(local_home)
    _make_a_table(local_home)
    monkeypatch.setenv(variable, "o" * 32)
    with pytest.raises(SecretsRefused) as refused:
        guard_secrets(local_home)
    assert str(refused.value).startswith(f"the {what} ({variable}) is not what the tables in {local_home.tables_root}")
    with pytest.raises(SecretsRefused):
        load_secrets(local_home)


def test_a_lakehouse_made_before_fingerprints_gets_one_from_the_secrets_it_has(local_home, monkeypatch):
    load_secrets(local_home)  # made on first use, as before the guard
    _make_a_table(local_home)
    assert not (local_home.tables_root / FINGERPRINT_FILE).exists()
    guard_secrets(local_home)
    monkeypatch.setenv("FITLAKE_PSEUDONYM_SALT", "a-salt-of-another-lakehouse")
    with pytest.raises(SecretsRefused, match="pseudonym salt"):
        guard_secrets(local_home)


def test_new_secrets_are_accepted_while_the_catalog_holds_no_table(local_home, monkeypatch):
    guard_secrets(local_home)
    monkeypatch.setenv("FITLAKE_PSEUDONYM_SALT", "a-fresh-start-before-any-table")
    guard_secrets(local_home)  # nothing was made with the old salt: the fingerprint follows the new one
    _make_a_table(local_home)
    guard_secrets(local_home)
    monkeypatch.delenv("FITLAKE_PSEUDONYM_SALT")
    with pytest.raises(SecretsRefused, match="pseudonym salt"):
        guard_secrets(local_home)
