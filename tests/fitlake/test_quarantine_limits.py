"""The quarantine limit: which landing files fail a Silver build, which tables warn, and the screen a failure shows."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from fitlake import registry, tasks
from fitlake.contracts import QuarantineLimit
from fitlake.quarantine_limits import FileShare, QuarantineLimitExceeded, Verdict, files_over, judge
from fitlake.runlog import RunLog

CHECKINS = registry.contracts()["silver.checkins"]
# What judge() reads of a conformed frame: each row's landing file and line, and the rules it broke.
FLAGGED = StructType(
    [
        StructField("_source_file", StringType(), False),
        StructField("_line_number", IntegerType(), False),
        StructField("_quarantine_reason", StringType(), True),
    ]
)


def _file(spark_rows: list, name: str, rows: int, reasons: dict[int, str]) -> None:
    """`rows` lines of landing file `name`; line n broke the rules `reasons[n]`, if any."""
    spark_rows += [(name, n, reasons.get(n)) for n in range(1, rows + 1)]


def test_a_file_over_the_limit_fails_and_a_file_too_small_to_judge_does_not():
    limit = QuarantineLimit()
    shares = [
        FileShare("checkins/2025-01-02/part-00000.json", 100, 100),  # all quarantined
        FileShare("checkins/2025-01-03/part-00000.json", 200, 10),  # 5%: at the limit, not above it
        FileShare("checkins/2025-01-04/part-00000.json", 200, 11),  # 5.5%
        FileShare("checkins/2025-01-05/part-00000.json", 99, 98),  # too few rows for its share to be judged
        FileShare("checkins/2025-01-06/part-00000.json", 12, 12),  # every row: a broken delivery, however small
        FileShare("checkins/2025-01-07/part-00000.json", 9, 9),  # a handful of rows may all be defects
    ]
    assert [(f.source_file.split("/")[1][5:], f.share) for f in files_over(limit, shares)] == [
        ("01-02", 1.0),
        ("01-06", 1.0),
        ("01-04", 0.055),
    ]
    assert len(files_over(QuarantineLimit(judged_from_rows=10, all_quarantined_from_rows=9), shares)) == 5


@pytest.mark.parametrize(
    "limit",
    [
        {"warn_above": 0.1, "fail_above": 0.05},
        {"fail_above": 1.5},
        {"warn_above": -0.01},
        {"judged_from_rows": 0},
        {"all_quarantined_from_rows": 0},
    ],
)
def test_a_limit_that_makes_no_sense_is_refused(limit):
    with pytest.raises(ValueError, match="quarantine limit"):
        QuarantineLimit(**limit)


@pytest.mark.reliability(
    input="a landing file of 120 check-ins, every row without its member id, among healthy files (hand-built rows)",
    expected="the table's build fails, naming the table, the file, its share, each rule with a count and a file:line",
    observed="QuarantineLimitExceeded: 'silver.checkins quarantined more than its limit of 5% of checkins/2025-01-02/"
    "part-00000.json (100.0%, 120 of 120 rows)', 'not_null(member_id): 120 rows, e.g. checkins/2025-01-02/"
    "part-00000.json:1'; the healthy file's malformed line not among the reasons",
)
def test_a_file_whose_rows_are_all_quarantined_fails_with_the_table_share_rules_and_a_line(spark):
    rows: list = []
    _file(rows, "checkins/2025-01-01/part-00000.json", 300, {7: "well_formed_record"})
    bad = "checkins/2025-01-02/part-00000.json"
    _file(rows, bad, 120, {n: "not_null(member_id)" for n in range(1, 121)} | {5: "not_null(member_id); x_rule"})
    verdict = judge(CHECKINS, spark.createDataFrame(rows, FLAGGED))

    assert verdict.fails and (verdict.rows, verdict.quarantined) == (420, 121)
    assert verdict.failing_files == (FileShare(bad, 120, 120),)
    # The reasons are those of the failing file: the healthy file's malformed line is not among them.
    assert [(r.rule, r.rows, r.example) for r in verdict.reasons] == [
        ("not_null(member_id)", 120, f"{bad}:1"),
        ("x_rule", 1, f"{bad}:5"),
    ]
    screen = str(QuarantineLimitExceeded([verdict])).splitlines()
    assert screen[0] == f"silver.checkins quarantined more than its limit of 5% of {bad} (100.0%, 120 of 120 rows)"
    assert screen[1] == f"    not_null(member_id): 120 rows, e.g. {bad}:1"
    assert "silver.checkins_quarantine" in screen[-1] and bad in screen[-1]


def test_a_defect_dense_small_file_warns_and_a_healthy_table_says_nothing(spark):
    rows: list = []
    _file(rows, "app_events/2025-01-01/part-00000.json", 14, {1: "well_formed_record", 2: "not_null(member_id)"})
    _file(rows, "app_events/2025-01-02/part-00000.json", 150, {3: "not_null(member_id)"})
    flagged = spark.createDataFrame(rows, FLAGGED)
    verdict = judge(CHECKINS, flagged)
    # 3 of 164 rows (1.8%): above the warning level; no file both big enough to judge and over 5%.
    assert not verdict.fails and verdict.warns
    assert verdict.warning() == (
        "quarantined 1.8% of its rows (3 of 164), above its warning level of 1%: "
        "not_null(member_id) (2), well_formed_record (1)"
    )
    # The limit is the contract's own: a table may be held to a stricter one.
    strict = replace(CHECKINS, quarantine_limit=QuarantineLimit(fail_above=0.0, warn_above=0.0, judged_from_rows=10))
    assert [f.source_file for f in judge(strict, flagged).failing_files] == [
        "app_events/2025-01-01/part-00000.json",
        "app_events/2025-01-02/part-00000.json",
    ]
    healthy = spark.createDataFrame([r for r in rows if r[0].endswith("02/part-00000.json")], FLAGGED)
    quiet = judge(CHECKINS, healthy)
    assert not quiet.fails and not quiet.warns and quiet.reasons == ()


def test_several_tables_over_their_limit_are_named_on_the_first_line_each_with_its_screen():
    verdicts = [
        Verdict(table, f"{table}_quarantine", QuarantineLimit(), 100, 100, (FileShare("members/a.csv", 100, 100),))
        for table in ("silver.members", "silver.member_pii")
    ]
    lines = str(QuarantineLimitExceeded(verdicts)).splitlines()
    assert lines[0] == (
        "2 tables quarantined more of a landing file than their limit: silver.members, silver.member_pii"
    )
    assert sum(line.startswith("silver.member") for line in lines[1:]) == 2


@dataclass(frozen=True)
class _Table:
    """What build_layer reads of a table module: its name and the tables it reads."""

    name: str
    inputs: tuple[str, ...] = ()
    module: object = None
    needs_secrets: bool = False

    @property
    def contract(self) -> str:
        return self.name


class _BuildsEverything:
    """fitlake.table_builds.TableBuilds without a lakehouse: no table is left unchanged, nothing is recorded."""

    def __init__(self, *args) -> None:
        pass

    def inputs(self, inputs, with_secrets: bool) -> str:
        return ""

    def unchanged_since(self, contract, inputs: str) -> None:
        return None

    def built(self, contract, inputs: str) -> None:
        pass

    def write(self) -> None:
        pass


def test_a_table_over_its_limit_fails_the_task_once_the_tables_reading_it_and_the_others_are_built(monkeypatch):
    tables = [_Table("silver.member_pii"), _Table("silver.checkins", ("silver.member_pii",)), _Table("silver.products")]
    monkeypatch.setattr(tasks, "in_build_order", lambda package: tables)
    monkeypatch.setattr(tasks, "TableBuilds", _BuildsEverything)
    monkeypatch.setattr(RunLog, "_write", lambda self, steps: None)  # no lakehouse: the records stay in memory
    over = Verdict("silver.member_pii", "q", QuarantineLimit(), 100, 100, (FileShare("members/a.csv", 100, 100),))
    built = []

    def build(ctx, m, step, *_):
        if m.name == "silver.member_pii":
            raise QuarantineLimitExceeded([over])
        built.append(m.name)

    ctx = tasks.TaskContext(lh=None, log=RunLog(None, "r1"))
    with pytest.raises(QuarantineLimitExceeded) as failed:
        tasks.build_layer(ctx, "build_silver", "silver", build)
    assert failed.value.verdicts == (over,)
    assert sorted(built) == ["silver.checkins", "silver.products"]
    assert {s.table_name: s.status for s in ctx.log.steps} == {
        "silver.member_pii": "failed",
        "silver.checkins": "ok",
        "silver.products": "ok",
    }
