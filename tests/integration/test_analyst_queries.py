"""Every query of docs/analyst_queries.sql runs through `fitlake sql --file` and answers its question."""

import json
from pathlib import Path

from fitlake.sqlfile import named_queries
from tests.integration.conftest import fitlake, row_counts

QUERIES = Path(__file__).parents[2] / "docs" / "analyst_queries.sql"


def test_the_analyst_queries_all_run_and_answer(home):
    queries = named_queries(QUERIES.read_text())
    assert len(queries) >= 10
    result = fitlake(home, "sql", "--file", str(QUERIES), "--format", "json")
    answers = json.loads(result.stdout)
    assert list(answers) == [q.name for q in queries]
    timings = [line for line in result.stderr.splitlines() if " rows in " in line]
    assert len(timings) == len(queries)
    # A question has an answer when its data exists: the tiny data set may hold no cancellation at all.
    empty = {name for name, rows in answers.items() if not rows}
    assert empty <= ({"cancellation_reasons_by_quarter"} if row_counts(home)["silver.cancellations"] == 0 else set())
    top = answers["top_instructors_this_week"]
    assert all(r["rank"] >= 1 for r in top) and len({r["location"] for r in top}) >= 1
