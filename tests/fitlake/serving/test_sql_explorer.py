"""The SQL explorer's checks (what it refuses, and why), its row limit and its time limit, on a fake backend and on
DuckDB."""

from __future__ import annotations

import threading

import duckdb
import pyarrow as pa
import pytest

from fitlake.serving.read_path import ReadPath
from fitlake.serving.sql_explorer import QueryRefused, explorable_tables, explore, explorer_query


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("SELECT first_name FROM silver.member_pii", "silver.member_pii is not a table the explorer reads"),
        ("WITH p AS (SELECT * FROM silver.member_pii) SELECT * FROM p", "silver.member_pii is not a table"),
        ("SELECT * FROM gold.no_such_table", "gold.no_such_table is not a table the explorer reads"),
        ("SELECT * FROM dim_member", "name tables <schema>.<table> (gold.dim_member)"),
        ("DELETE FROM gold.dim_member", "DELETE writes to a table"),
        ("SELECT * FROM text.`/etc/passwd`", "reads files directly"),
        ("SHOW TABLES", "the explorer runs queries"),
        ("SELECT * FROM gold.dim_member WHERE plan = :plan", "takes no parameter markers"),
        ("SELECT 1; SELECT 2", "2 statements"),
    ],
)
def test_what_the_explorer_refuses_and_why(sql, refusal):
    with pytest.raises(QueryRefused) as refused:
        explorer_query(sql)
    assert refusal in str(refused.value)


def test_only_gold_and_ops_tables_without_a_personal_column_are_explorable():
    tables = explorable_tables()
    assert "gold.instructor_leaderboard" in tables and "ops.run_log" in tables
    assert not [t for t in tables if not t.startswith(("gold.", "ops."))]


def test_a_query_is_wrapped_in_the_row_limit_and_reads_what_it_names():
    query = explorer_query("WITH w AS (SELECT * FROM gold.instructor_leaderboard) SELECT * FROM w", row_limit=5)
    assert query.tables == ("gold.instructor_leaderboard",)
    assert query.sql.endswith("LIMIT 6")  # one row more than shown tells that the result was cut


class FakeBackend:
    """A backend whose tables are Arrow tables in DuckDB, and whose query can be made to hang until interrupted."""

    def __init__(self, hang: bool = False) -> None:
        self.hang = hang
        self.interrupted = threading.Event()
        self._duckdb = duckdb.connect()
        self._duckdb.register("gold__dim_member", pa.table({"plan": [f"plan{i}" for i in range(12)]}))

    def versions(self, tables):
        return dict.fromkeys(tables, 1)

    def run(self, query, parameters, versions):
        if self.hang:
            self.interrupted.wait(10)
            raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
        return self._duckdb.sql(query.render("duckdb", lambda t: t.replace(".", "__"))).to_arrow_table()

    def interrupt(self):
        self.interrupted.set()


def test_rows_past_the_limit_are_cut_and_said_to_be():
    explored = explore(ReadPath(FakeBackend()), "SELECT plan FROM gold.dim_member", row_limit=10)
    assert explored.rows.num_rows == 10 and explored.truncated
    whole = explore(ReadPath(FakeBackend()), "SELECT plan FROM gold.dim_member", row_limit=12)
    assert whole.rows.num_rows == 12 and not whole.truncated


@pytest.mark.reliability(
    input="an explorer query that runs past the time limit",
    expected="the query is stopped (the backend interrupted) and the user told so in one line",
    observed="QueryRefused 'ran longer than the 0.2 s limit and was stopped', the backend's interrupt called",
)
def test_a_query_past_the_time_limit_is_stopped():
    backend = FakeBackend(hang=True)
    with pytest.raises(QueryRefused, match=r"ran longer than the 0.2 s limit and was stopped"):
        explore(ReadPath(backend), "SELECT plan FROM gold.dim_member", seconds=0.2)
    assert backend.interrupted.is_set()


def test_duckdb_stops_a_long_query_when_interrupted():
    """What LocalGold.interrupt relies on: DuckDB's interrupt ends a running query with InterruptException."""
    connection = duckdb.connect()
    timer = threading.Timer(0.3, connection.interrupt)
    timer.start()
    with pytest.raises(duckdb.InterruptException):
        connection.sql("SELECT count(*) FROM range(100000000000) AS a(x) WHERE x % 7 = 3").fetchall()
    timer.cancel()
