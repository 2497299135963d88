"""What `fitlake run` prints when it ends: one line per task and what needs attention, from the run's records.

Built from the steps' records (fitlake.runlog) and the tasks' outcomes (fitlake.workflow), without a query: a run
ends with what it did, not with a recount. Each step's own line is printed as it ends and kept in ops.run_log
(`fitlake steps RUN_ID` shows them again); this is the part a person reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fitlake.errors import FitlakeError, first_line
from fitlake.runlog import Step
from fitlake.workflow import TaskOutcome

# Warnings listed under "needs attention"; each step printed its own as it ran.
WARNINGS_LISTED = 5


def final_steps(steps: Iterable[Step]) -> list[Step]:
    """Each table's last step per task: a retried task's earlier attempts are left out."""
    last = {(s.task, s.table_name): s for s in steps}
    return list(last.values())


def _count(label: str, values: list[int | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{label} {sum(known):,}" if known else ""


def task_row(outcome: TaskOutcome, steps: Sequence[Step]) -> list[str]:
    """A task's cells: name, tables built, rows in, out, quarantined, duplicates, withheld, time, status."""
    if outcome.status == "skipped":
        return [outcome.key, "skipped"]
    ok = [s for s in steps if s.status == "ok"]
    tables = f"{len(ok)} table{'s' if len(ok) != 1 else ''}"
    if len(ok) != len(steps):
        tables += f" ({len(steps) - len(ok)} failed)"
    counts = [
        _count("in", [s.rows_in for s in steps]),
        _count("out", [s.rows_out for s in steps]),
        _count("quarantined", [s.rows_quarantined for s in steps]),
        _count("duplicates", [s.rows_duplicate for s in steps]),
        _count("withheld", [s.rows_withheld or None for s in steps]),
    ]
    status = "" if outcome.status == "ok" else "FAILED"
    return [outcome.key, tables, "  ".join(c for c in counts if c), f"{outcome.seconds:.1f}s", status]


def _aligned(rows: Sequence[list[str]]) -> list[str]:
    """Rows of cells as lines, each column as wide as its widest cell; times right-aligned."""
    widths = [max((len(r[i]) for r in rows if len(r) > i), default=0) for i in range(5)]
    lines = []
    for row in rows:
        cells = [cell.rjust(widths[i]) if i == 3 else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _failure(outcome: TaskOutcome) -> list[str]:
    """A failed task's message: our own errors in full (they are written to be read: a quarantine limit's screen),
    anything else by its first line (an engine's message can run to a stack trace)."""
    error = outcome.error
    text = str(error).strip() if isinstance(error, FitlakeError) else first_line(error)
    first, *rest = text.splitlines() or [type(error).__name__]
    return [f"  {outcome.key} failed: {first}", *(f"  {line}" for line in rest)]


def needs_attention(outcomes: Sequence[TaskOutcome], steps: Sequence[Step]) -> list[str]:
    lines = []
    for outcome in outcomes:
        if outcome.status == "failed":
            lines += _failure(outcome)
    skipped = [o for o in outcomes if o.status == "skipped"]
    if skipped:
        upstream = sorted({b for o in skipped for b in o.blocked_by} - {o.key for o in skipped})
        lines.append(f"  skipped: {', '.join(o.key for o in skipped)} (upstream {', '.join(upstream)} failed)")
    warnings = [f"  warning: {s.table_name}: {w}" for s in steps for w in s.warnings]
    if len(warnings) > WARNINGS_LISTED:
        more = len(warnings) - WARNINGS_LISTED
        warnings = [*warnings[:WARNINGS_LISTED], f"  and {more} more warnings, printed under their steps above"]
    return lines + warnings


def render(run_id: str, outcomes: Sequence[TaskOutcome], steps: Iterable[Step], seconds: float) -> list[str]:
    """The run's summary, line by line."""
    steps = final_steps(steps)
    failed = [o for o in outcomes if o.status == "failed"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    if failed:
        verdict = f"FAILED: {len(failed)} of {len(outcomes)} tasks failed" + (
            f", {len(skipped)} skipped" if skipped else ""
        )
    else:
        verdict = f"ok: {len(outcomes)} task{'s' if len(outcomes) != 1 else ''}"
    lines = [f"run {run_id} {verdict}, {seconds:.1f}s in all"]
    lines += _aligned([task_row(o, [s for s in steps if s.task == o.key]) for o in outcomes])
    attention = needs_attention(outcomes, steps)
    if attention:
        lines += ["needs attention:", *attention]
    lines.append(f"each step: fitlake steps {run_id}")
    return lines
