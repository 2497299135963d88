"""Landing files a built lakehouse cannot read, or that no source takes, through the `fitlake run` a user types: one
run on a copy of the session's `home`, the files added in a day folder of their own."""

from __future__ import annotations

import gzip

import pytest

from tests.integration.conftest import SUMMARY, copy_of, fitlake, row_counts

DAY = "2031-01-01"
POISON = {
    f"checkins/{DAY}/part-00000.json": (gzip.compress(b'{"checkin_id": "CK1"}\n'), "gzip_content"),
    f"attendance/{DAY}/part-00000.json": (b'{"event_id": "E1"}\n\x00\x00\x01\x02', "binary_content at byte 19"),
    f"members/{DAY}/part-00000.csv": (b"member_id,first_name\nM9,Jos\xe9\n", "not_utf8 at byte 27"),
    f"retail/{DAY}/part-00000.csv": (b"receipt_id,sku,sku\nR1,A,B\n", "duplicate_header_column(sku)"),
}
UNCLAIMED = f"checkins/{DAY}/part-00000.txt"


@pytest.mark.reliability(
    input="`fitlake run` on a built home after four poison files land (gzip named .json, binary bytes, a Latin-1 "
    "byte in a members CSV, a retail CSV naming sku twice) and a .txt file in a day folder",
    expected="each poison file named with its reason and recorded in ops.rejected_files; every other Silver and "
    "Gold table built as before; the .txt named in the warning block; exit 0",
    observed="exit 0, 'run <id> ok'; 'rejected <file>: <reason>' for the four, under 'needs attention' too; "
    "ops.rejected_files 4 rows; every Silver and Gold table's rows as before",
)
def test_poison_files_are_rejected_by_name_and_every_other_table_is_built(home, tmp_path):
    h = copy_of(home, tmp_path / "home")
    for path, (data, _) in {**POISON, UNCLAIMED: (b"notes\n", "")}.items():
        (h / "landing" / path).parent.mkdir(parents=True, exist_ok=True)
        (h / "landing" / path).write_bytes(data)

    run = fitlake(h, "run")
    assert SUMMARY.search(run.stdout), run.stdout
    attention = run.stdout[run.stdout.index("needs attention:") :]
    for path, (_, reason) in POISON.items():
        assert f"rejected {path}: {reason}" in attention
    assert f"{UNCLAIMED}  checkins reads .json, .jsonl files" in run.stdout
    before, after = row_counts(home), row_counts(h)
    built = {t for t in before if t.split(".")[0] in ("silver", "gold")}
    assert built and {t: after[t] for t in built} == {t: before[t] for t in built}
    assert after["ops.rejected_files"] == len(POISON)
