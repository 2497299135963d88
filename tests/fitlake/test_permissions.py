"""Tables with personal data in the clear are written owner-only; the others keep the engine's modes."""

from __future__ import annotations

from pathlib import Path

from fitlake import io
from fitlake.contracts import STRING, Column, TableContract

CONTACTS = TableContract(
    name="silver.contacts",
    comment="Personal data in the clear, as silver.member_pii",
    columns=(Column("member_key", STRING, "Key", nullable=False), Column("email", STRING, "E-mail", pii=True)),
    keys=("member_key",),
)
# Bronze stores the same column encrypted: nothing to close.
SEALED = TableContract(
    name="bronze.contacts_raw",
    comment="Personal data encrypted",
    columns=(Column("email", STRING, "E-mail (encrypted)", pii=True),),
)


def _modes(root: Path) -> dict[str, set[str]]:
    """The modes of `root` and everything under it, by folder and file."""
    found: dict[str, set[str]] = {"folders": set(), "files": set()}
    for path in [root, *root.rglob("*")]:
        found["folders" if path.is_dir() else "files"].add(oct(path.stat().st_mode & 0o777))
    return found


def test_a_table_with_personal_data_in_the_clear_is_its_owners_only_after_every_write(lakehouse):
    rows = lakehouse.spark.createDataFrame([("k1", "ann@example.com")], CONTACTS.spark_schema)
    for mode in ("overwrite", "append", "upsert"):
        io.write(lakehouse, CONTACTS, rows, mode)
        assert _modes(lakehouse.location(CONTACTS)) == {"folders": {"0o700"}, "files": {"0o600"}}, mode
    sealed = lakehouse.spark.createDataFrame([("c2VhbGVk",)], SEALED.spark_schema)
    io.write(lakehouse, SEALED, sealed, "append")
    assert "0o700" not in _modes(lakehouse.location(SEALED))["folders"]
