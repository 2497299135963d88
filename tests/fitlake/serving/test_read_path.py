"""Results are cached by (query, parameters, Delta versions): a rebuilt table is recomputed at once, an unchanged
one never is. Counted, on the local backend over a hand-built gold.instructor_leaderboard."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fitlake.serving import local_gold
from fitlake.serving.local_gold import LocalGold
from fitlake.serving.read_path import ReadPath
from tests.fitlake.serving.gold_rows import MONDAY, leaderboard_rows, write_attendance, write_leaderboard


@pytest.mark.reliability(
    input="Gold rebuilt (a new Delta version of gold.instructor_leaderboard) while the API serves it from its cache",
    expected="the next request answers from the new version; while the table is unchanged nothing is recomputed",
    observed="1 computation for 3 requests on version 0; the 4th request, after the rebuild, computes version 1's rows",
)
def test_the_cache_is_never_stale_and_never_recomputed_while_gold_is_unchanged(tmp_path):
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1), ("BKN", "I2", 4, 2)))
    read = ReadPath(LocalGold(tmp_path))
    answers = [read.run("instructor_leaderboard", {"location": "BKN"}) for _ in range(3)]
    assert read.computed == 1
    assert [r["instructor_id"] for r in answers[-1].rows] == ["I1", "I2"]

    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I2", 8, 1), ("BKN", "I1", 5, 2)))
    rebuilt = read.run("instructor_leaderboard", {"location": "BKN"})
    assert read.computed == 2
    assert rebuilt.versions == {"gold.instructor_leaderboard": 1}
    assert [r["instructor_id"] for r in rebuilt.rows] == ["I2", "I1"]
    read.run("instructor_leaderboard", {"location": "BKN"})
    assert read.computed == 2


def test_requests_that_miss_together_compute_once(tmp_path):
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1)))
    gold = LocalGold(tmp_path)
    started = threading.Barrier(8)
    run = gold.run

    def slow_run(*args):  # every request has missed the cache before the first computation ends
        time.sleep(0.2)
        return run(*args)

    gold.run = slow_run
    read = ReadPath(gold)

    def request():
        started.wait()
        return read.compute(read.request("instructor_leaderboard"))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: request(), range(8)))
    assert read.computed == 1 and all(r is results[0] for r in results)


def test_other_parameters_are_another_result_on_the_same_version(tmp_path):
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1), ("CHI", "I2", 4, 1)))
    read = ReadPath(LocalGold(tmp_path))
    assert [r["location_id"] for r in read.run("instructor_leaderboard", {"location": "CHI"}).rows] == ["CHI"]
    assert [r["location_id"] for r in read.run("instructor_leaderboard").rows] == ["BKN", "CHI"]
    assert read.computed == 2


def test_the_json_sent_holds_the_parameters_versions_and_rows(tmp_path):
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1)))
    body = json.loads(ReadPath(LocalGold(tmp_path)).run("instructor_leaderboard").json)
    assert body == {
        "query": "instructor_leaderboard",
        "parameters": {"week": None, "location": None, "limit": 10},
        "versions": {"gold.instructor_leaderboard": 0},
        "rows": [{"week_start": "2025-03-03", "location_id": "BKN", "instructor_id": "I1", "attendance": 5,
                  "classes": 1, "rank": 1}],
    }  # fmt: skip


def test_an_unknown_parameter_is_refused_before_any_table_is_read(tmp_path):
    read = ReadPath(LocalGold(tmp_path))  # no table at all: the parameters are checked first
    with pytest.raises(ValueError, match="takes no parameters"):
        read.run("instructor_leaderboard", {"instructor": "I1"})
    assert read.computed == 0


def test_the_latest_week_is_the_default_and_limit_keeps_ties(tmp_path):
    earlier = leaderboard_rows(("BKN", "I9", 50, 1), week=dt.date(2025, 2, 24))
    latest = leaderboard_rows(("BKN", "I1", 5, 1), ("BKN", "I2", 4, 2), ("BKN", "I3", 4, 2), ("BKN", "I4", 1, 4))
    write_leaderboard(tmp_path, earlier + latest)
    rows = ReadPath(LocalGold(tmp_path)).run("instructor_leaderboard", {"limit": 2}).rows
    assert [(r["instructor_id"], r["rank"]) for r in rows] == [("I1", 1), ("I2", 2), ("I3", 2)]


def test_the_class_leaderboard_reads_only_the_weeks_partitions(tmp_path, monkeypatch):
    """A week of gold.fact_class_attendance, not the whole table: the first answer after a rebuild reads 7 daily
    partitions of 365 (bench/serving.py measures it), with the same rows as the query on the whole table."""
    days = [MONDAY + dt.timedelta(days=d) for d in range(21)]  # three ISO weeks
    write_attendance(tmp_path, days, ("yoga", "hiit"))
    read = []
    whole_table = local_gold.read_table

    def counted(table, columns=None, where=None):
        rows = whole_table(table, columns, where)
        read.append(sorted({str(d) for d in rows.column("class_date").to_pylist()}))
        return rows

    monkeypatch.setattr(local_gold, "read_table", counted)
    path = ReadPath(LocalGold(tmp_path))
    latest = path.run("class_leaderboard").rows
    assert read == [[str(MONDAY + dt.timedelta(days=d)) for d in range(14, 21)]]  # the newest week's 7 days only
    assert [(r["week_start"], r["class_type"], r["attendance"], r["rank"]) for r in latest] == [
        (MONDAY + dt.timedelta(days=14), "yoga", 14, 1), (MONDAY + dt.timedelta(days=14), "hiit", 7, 2)
    ]  # fmt: skip
    first = path.run("class_leaderboard", {"week": MONDAY}).rows
    assert read[1] == [str(MONDAY + dt.timedelta(days=d)) for d in range(7)]
    assert [(r["week_start"], r["attendance"]) for r in first] == [(MONDAY, 14), (MONDAY, 7)]
    path.run("class_leaderboard", {"week": MONDAY, "class_type": "hiit"})
    assert len(read) == 2  # another filter on a week already held reads nothing more
