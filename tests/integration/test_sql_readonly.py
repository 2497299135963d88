"""`fitlake sql` refuses what is not one read-only query before the engine starts: nothing written, no file read.
The forms refused are tried one by one, without an engine, in tests/fitlake/test_readonly_sql.py."""

from __future__ import annotations

import pytest

from fitlake.delta_log import list_tables
from fitlake.settings import Settings
from tests.integration.conftest import copy_of, fitlake


def _tables(home) -> dict[str, tuple[int, int]]:
    return {t.name: (t.rows, t.version) for t in list_tables(Settings(home=home))}


@pytest.mark.reliability(
    input='`fitlake sql "DELETE FROM bronze.checkins_raw"` on a built lakehouse',
    expected="exit 2, one line saying why; the table unchanged",
    observed="exit 2, 'fitlake: query refused: DELETE writes to a table; fitlake sql runs one read-only query (...)'; "
    "every table keeps its rows and Delta version",
)
@pytest.mark.reliability(
    input='fitlake sql "select * from text.`<home>/_secrets/pii_key`"',
    expected="exit 2, one line; the key not printed",
    observed="exit 2, 'query refused: text.`...` reads files directly, bypassing the catalog'; the key appears nowhere",
)
@pytest.mark.reliability(
    input='`fitlake sql "DROP TABLE gold.dim_member"` (printed True and did nothing, exit 0)',
    expected="exit 2, one line",
    observed="exit 2, 'query refused: DROP TABLE changes the catalog; ...'",
)
@pytest.mark.reliability(
    input="`fitlake sql --file` with a read-only query, then a DELETE",
    expected="exit 2 before any query runs, naming the refused one",
    observed="exit 2, 'query (wipe) refused: DELETE writes to a table; ...', nothing printed on stdout",
)
def test_sql_refuses_a_write_a_drop_and_a_file_read_with_one_line_and_changes_nothing(home, tmp_path):
    lakehouse = copy_of(home, tmp_path / "home")  # a regression would write: not to the shared lakehouse
    before = _tables(lakehouse)
    key = (lakehouse / "_secrets" / "pii_key").read_text().strip()
    queries = tmp_path / "queries.sql"
    queries.write_text(
        "-- name: counts\nselect count(*) from bronze.checkins_raw;\n-- name: wipe\nDELETE FROM bronze.checkins_raw;"
    )
    tried = {
        ("sql", "DELETE FROM bronze.checkins_raw"): "query refused: DELETE writes to a table",
        ("sql", f"select * from text.`{lakehouse}/_secrets/pii_key`"): "reads files directly, bypassing the catalog",
        ("sql", "DROP TABLE gold.dim_member"): "query refused: DROP TABLE changes the catalog",
        ("sql", "--file", str(queries)): "query (wipe) refused: DELETE writes to a table",
    }
    for args, says in tried.items():
        result = fitlake(lakehouse, *args, check=False)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stdout == ""
        assert key not in result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("fitlake: ") and says in line
    assert before["bronze.checkins_raw"][0] > 0
    assert _tables(lakehouse) == before
