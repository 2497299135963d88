"""Pipeline tasks: each builds every table of one layer, in dependency order, logging each table.

The workflow in workflows/ names these tasks; `fitlake run` runs them in-process and a Databricks job
runs each as `fitlake task <name>` on a cluster.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fitlake import dq_results, incremental, io, quality, quarantine_limits, reconciliation, registry, scd2
from fitlake.contracts import TableContract
from fitlake.errors import ContractViolation, LandingEmpty, NoChampionModel, NotEnoughHistory, first_line
from fitlake.ingest import ingest
from fitlake.lakehouse import Lakehouse
from fitlake.landing import unclaimed_files
from fitlake.landing_versions import seconds_to_settle
from fitlake.quarantine_limits import QuarantineLimitExceeded
from fitlake.registry import TableModule, in_build_order, table_modules
from fitlake.runlog import RunLog, Step
from fitlake.steps import run_steps, step_workers
from fitlake.table_builds import TableBuilds

if TYPE_CHECKING:
    from fitlake.ml.features import ScoringModel


@dataclass
class TaskContext:
    lh: Lakehouse
    log: RunLog
    # Build every Silver and Gold table, even those whose inputs are as their last build found them.
    full_refresh: bool = False

    @property
    def run_id(self) -> str:
        return self.log.run_id


def check_landing(landing: Path) -> list[str]:
    """Refuse to ingest when no source has any landing file: that is almost always a wrong FITLAKE_HOME or a
    forgotten `fitlake generate`, not a quiet day. Returns the sources that have no file yet (a late file,
    a source that starts later), which are ingested as soon as their files land."""
    sources = [m.module.SOURCE.folder for m in table_modules("bronze")]
    empty = [s for s, m in zip(sources, table_modules("bronze"), strict=True) if not m.module.SOURCE.files(landing)]
    if len(empty) == len(sources):
        raise LandingEmpty(
            f"no landing files for {', '.join(empty)} under {landing}: "
            "run `fitlake generate` first, or point FITLAKE_HOME at the lakehouse folder"
        )
    return empty


def ingest_bronze(ctx: TaskContext) -> None:
    landing = ctx.lh.settings.landing
    waiting = check_landing(landing)
    if waiting:
        print(f"  no landing files yet for {', '.join(waiting)}: their tables stay as they are", flush=True)
    sources = [m.module.SOURCE for m in table_modules("bronze")]
    unclaimed = unclaimed_files(landing, sources)
    if unclaimed:
        print(f"  warning: {len(unclaimed)} landing files no source reads, left where they are:", flush=True)
        width = max(len(path) for path, _ in unclaimed)
        for path, why in unclaimed:
            print(f"    {path:<{width}}  {why}", flush=True)
    # Files written moments ago may still be being written; wait once for them (not per table) rather than
    # leave them all for the next run, so `fitlake generate && fitlake run` reads everything.
    wait = seconds_to_settle([landing / f for s in sources for f in s.files(landing)], ctx.lh.settings.settle_seconds)
    if wait:
        print(
            f"  waiting {wait:.1f} s for landing files written in the last {ctx.lh.settings.settle_seconds:g} s",
            flush=True,
        )
        time.sleep(wait)
    steps = {
        m.name: _as_step(ctx, "ingest_bronze", m.name, lambda step, m=m: ingest(ctx.lh, m.module, ctx.run_id, step))
        for m in table_modules("bronze")
    }
    run_steps(steps, {}, step_workers())


def _as_step(
    ctx: TaskContext,
    task: str,
    table: str,
    work: Callable[[Step], None],
    written_but_failed: list[QuarantineLimitExceeded] | None = None,
) -> Callable[[], None]:
    """`work` as the run-log step of `table` in `task`, done when called (by fitlake.steps).

    With `written_but_failed`, a table that was written but quarantined beyond its limit is a failed step that
    does not stop the others: its rows are in its quarantine, the tables reading it are built from its valid rows,
    and the failure is put in the list for the task to raise once every table is built."""

    def run() -> None:
        try:
            with ctx.log.step(task, table) as step:
                work(step)
        except QuarantineLimitExceeded as e:
            if written_but_failed is None:
                raise
            written_but_failed.append(e)

    return run


# A layer's build of one table: given what it was built from last (TableBuilds) and what it is built from now.
TableBuild = Callable[[TaskContext, TableModule, Step, TableBuilds, str], None]


def build_layer(ctx: TaskContext, task: str, package: str, build: TableBuild) -> None:
    """Build every table of `package` (a layer, or a layer's subpackage such as `silver.stedi`) with `build`,
    each a run-log step of `task`, side by side where no table reads another (fitlake.steps). Tables that are
    written but quarantined beyond their limit fail the task together, once every table is built."""
    modules = in_build_order(package)
    contracts = registry.contracts()
    builds = TableBuilds(ctx.lh, ctx.run_id, ctx.full_refresh)

    def build_unless_unchanged(m: TableModule, step: Step) -> None:
        # The totals a step checks its table against (_cross_check) count too: new ones are checked again.
        read = [*m.inputs, *(totals.source for totals in getattr(m.module, "CROSS_CHECKS", ()))]
        inputs = builds.inputs([contracts[name] for name in read], with_secrets=m.needs_secrets)
        since = builds.unchanged_since(m.contract, inputs)
        if since is not None:
            step.progress(f"unchanged: run {since} built it from the same inputs")
            return
        build(ctx, m, step, builds, inputs)
        builds.built(m.contract, inputs)

    over_limit: list[QuarantineLimitExceeded] = []
    steps = {
        m.name: _as_step(ctx, task, m.name, functools.partial(build_unless_unchanged, m), over_limit) for m in modules
    }
    try:
        run_steps(steps, {m.name: set(m.inputs) for m in modules}, step_workers())
    except BaseException:
        # Record the tables built before the failure, but keep the step's error as the one raised: a table left
        # unrecorded is only built again next run.
        try:
            builds.write()
        except Exception as e:
            print(f"  could not record the tables built in ops.table_builds: {first_line(e)}", file=sys.stderr)
        raise
    builds.write()
    if over_limit:
        raise QuarantineLimitExceeded([v for e in over_limit for v in e.verdicts])


def build_silver(ctx: TaskContext) -> None:
    build_layer(ctx, "build_silver", "silver", build_conformed)


def build_conformed(ctx: TaskContext, m: TableModule, step: Step, builds: TableBuilds, inputs: str) -> None:
    """Build a Silver table and its quarantine from Bronze: from the batches it has not taken yet where it can
    (fitlake.incremental), else whole; prove per batch that no row was lost or invented; then judge what was
    quarantined against the table's limit (fitlake.quarantine_limits): over it the step fails, the table and its
    quarantine written; over its warning level the step says so."""
    if m.history is not None:
        _build_versions(ctx, m, step)
        return
    increment = incremental.plan(ctx.lh, m, builds, inputs)
    if isinstance(increment, incremental.Increment):
        try:
            verdict = _build_increment(ctx, m, step, increment)
        except incremental.BuildWhole as why:
            step.progress(f"built whole: {why}")
            verdict = _build_whole(ctx, m, step)
    else:
        if increment is not None:
            step.progress(f"built whole: {increment}")
        verdict = _build_whole(ctx, m, step)
    _cross_check(ctx, m, step)
    if verdict.fails:
        raise QuarantineLimitExceeded([verdict])
    if verdict.warns:
        step.warn(verdict.warning())


def _build_increment(
    ctx: TaskContext, m: TableModule, step: Step, increment: incremental.Increment
) -> quarantine_limits.Verdict:
    built = incremental.build(ctx.lh, m, increment, ctx.run_id)
    rows = built.rows
    step.rows_in, step.rows_out, step.rows_quarantined = rows.rows_in, rows.rows_out, rows.quarantined
    step.rows_duplicate, step.rows_withheld = rows.duplicates, rows.withheld
    step.progress(
        f"incremental: {rows.rows_in - built.looked_at_again:,} rows of new batches, "
        f"{built.looked_at_again:,} quarantined rows looked at again"
    )
    _say_merged(step, rows.merged)
    return built.verdict


def _say_merged(step: Step, merged: int) -> None:
    if merged:
        step.progress(f"{merged:,} records merged into the rows of others (a minute's measures from several files)")


def _build_whole(ctx: TaskContext, m: TableModule, step: Step) -> quarantine_limits.Verdict:
    inputs = incremental.inputs(ctx.lh, m)
    transformed = m.transform(*inputs, **({"secrets": ctx.lh.secrets} if m.needs_secrets else {}))
    with io.staged(ctx.lh, f"{m.name}.flagged", transformed) as flagged:
        io.write(ctx.lh, m.contract, quality.valid_rows(flagged, m.contract), "overwrite")
        q_contract = quality.quarantine_contract(m.contract)
        quarantined = quality.quarantined_rows(flagged, datetime.now(UTC), keep_raw=not m.is_research_data)
        io.write(ctx.lh, q_contract, quarantined, "overwrite")
        bronze = [name for name in m.inputs if name.startswith("bronze.")]
        batches = reconciliation.record(ctx.lh, m.contract, bronze, flagged, ctx.run_id)
        verdict = quarantine_limits.judge(m.contract, flagged)
    step.rows_in = sum(b.bronze_rows for b in batches)
    step.rows_out = sum(b.silver_rows for b in batches)
    step.rows_quarantined = sum(b.quarantined for b in batches)
    step.rows_duplicate = sum(b.duplicates for b in batches)
    step.rows_withheld = sum(b.withheld for b in batches)
    _say_merged(step, sum(b.merged for b in batches))
    return verdict


def _cross_check(ctx: TaskContext, m: TableModule, step: Step) -> None:
    """Totals a source exports beside its records (Fitbit's hourly and daily files, `CROSS_CHECKS`) against the
    table's sums: a warning naming how many periods differ; the run goes on."""
    for totals in getattr(m.module, "CROSS_CHECKS", ()):
        if not ctx.lh.exists(totals.source):
            continue
        references = [ctx.lh.read(name) for name in m.inputs if name.startswith("silver.")]
        checked = m.module.cross_check(
            ctx.lh.read(m.contract), ctx.lh.read(totals.source), totals, *references, secrets=ctx.lh.secrets
        )
        message = totals.describe(checked)
        if message:
            step.warn(message)


def _build_versions(ctx: TaskContext, m: TableModule, step: Step) -> None:
    """Add the new versions of a versioned (SCD2) table with a MERGE; its rows are accounted for by the
    table whose states it versions, so it has no quarantine or reconciliation of its own."""
    inputs = [ctx.lh.read(name) for name in m.inputs]
    changes = m.transform(*inputs, **({"secrets": ctx.lh.secrets} if m.needs_secrets else {}))
    step.rows_in = inputs[0].count()
    added = scd2.merge_versions(ctx.lh, m.contract, m.history, changes)
    step.progress(f"{added:,} new versions")
    step.rows_out = ctx.lh.read(m.contract).count()


def build_gold(ctx: TaskContext) -> None:
    build_layer(ctx, "build_gold", "gold", build_aggregate)


def build_aggregate(ctx: TaskContext, m: TableModule, step: Step, *_: object) -> None:
    """Rebuild a Gold table from its inputs; a broken expectation fails the step, nothing is written."""
    inputs = [ctx.lh.read(name) for name in m.inputs]
    step.rows_in = sum(df.count() for df in inputs)
    io.replace_if_valid(ctx.lh, m.contract, m.transform(*inputs))
    step.rows_out = ctx.lh.read(m.contract).count()


def _tables_to_validate(lh: Lakehouse) -> list[TableContract]:
    """Every Silver table (quarantines too), which build_silver has just written, and the Gold tables an
    earlier run built: Gold is rebuilt after quality_checks, so on a first run there is none yet."""
    daily = registry.daily_contracts().values()
    return [c for c in daily if c.schema == "silver" or (c.schema == "gold" and lh.exists(c))]


def _as_built(builds: TableBuilds, contract: TableContract) -> dict[str, int | None]:
    """For a Gold table, the versions of the tables it was built from: its foreign keys are checked against those.
    build_silver has just rebuilt Silver, and Gold is rebuilt after quality_checks: a workout withdrawn from research
    today is not an orphan in yesterday's Gold, which the next step rebuilds without it."""
    last = builds.last_build(contract) if contract.schema == "gold" else None
    return last.versions if last is not None else {}


def quality_checks(ctx: TaskContext) -> None:
    """Validate every Silver table (quarantines too) and every Gold table built so far with Great Expectations.

    Each table's suite comes from its contract (fitlake.dq); each table is one run-log step, each expectation
    one row of ops.dq_results, and the data docs under <home>/dq_docs/ show the run. Silver quarantines rule
    breakers before writing, so an error-level failure means a table on disk is not what its contract
    promises: the task fails, after checking every table, naming each table, rule and row count. Warn-level
    failures are recorded and printed, and the run goes on.
    """
    from fitlake import dq  # Great Expectations takes about two seconds to import: only this task pays it

    validator = dq.TableValidator(ctx.lh, ctx.run_id)
    builds = TableBuilds(ctx.lh, ctx.run_id)
    results: list[dq_results.CheckResult] = []
    failures = []
    for contract in _tables_to_validate(ctx.lh):
        try:
            with ctx.log.step("quality_checks", contract.name) as step:
                if not ctx.lh.exists(contract):
                    raise ContractViolation(f"{contract.name} has not been built: run build_silver first")
                table = ctx.lh.read(contract)
                step.rows_in = table.count()
                checked = validator.validate(contract, table, step.rows_in, _as_built(builds, contract))
                results += checked
                for warning in dq_results.failed(checked, "warn"):
                    step.warn(warning.describe())
                broken = dq_results.failed(checked, "error")
                if broken:
                    raise ContractViolation(dq_results.describe_failed(contract.name, broken))
        except ContractViolation as e:
            failures.append(str(e))
    dq_results.record(ctx.lh, ctx.run_id, results)
    print(f"  data docs: {validator.build_docs()}", flush=True)
    if failures:
        raise ContractViolation("; ".join(failures))


def export_crm(ctx: TaskContext) -> None:
    """Write the CRM's contact import from gold.crm_contacts (fitlake.exports)."""
    from fitlake.exports import export_crm as write_contacts

    with ctx.log.step("export_crm", "gold.crm_contacts") as step:
        path, contacts = write_contacts(ctx.lh)
        step.rows_in = ctx.lh.read("gold.crm_contacts").count()
        step.rows_out = contacts
        step.progress(f"{contacts:,} contacts with marketing consent written to {path}")


def train_churn(ctx: TaskContext) -> None:
    """The weekly training (fitlake.ml.train): candidates fitted and logged in MLflow, the best registered,
    the champion alias moved only if it wins on validation."""
    from fitlake.ml.train import train_churn as train

    with ctx.log.step("train_churn", "gold.churn_training") as step:
        step.rows_in = ctx.lh.read("gold.churn_training").count()
        train(ctx.lh, step.progress)
        step.rows_out = step.rows_in


def evaluate_models(ctx: TaskContext) -> None:
    """The weekly offline check of the class recommender (precision@k against popularity) and the supplement
    forecast (rolling-origin MAPE), each logged in MLflow (fitlake.ml.evaluate)."""
    from fitlake.ml.evaluate import backtest_forecast, evaluate_recommendations

    with ctx.log.step("evaluate_models", "gold.class_recommendations") as step:
        step.rows_in = ctx.lh.read("gold.fact_class_attendance").count()
        step.rows_out = int(evaluate_recommendations(ctx.lh, step.progress).get("members_evaluated", 0))
    with ctx.log.step("evaluate_models", "gold.supplement_sales_forecast") as step:
        step.rows_in = ctx.lh.read("gold.fact_retail_sales").count()
        step.rows_out = int(backtest_forecast(ctx.lh, step.progress).get("forecasts_scored", 0))


def score_churn(ctx: TaskContext) -> None:
    """The daily scoring of every member on the books with the champion model (fitlake.ml.score).

    Before the first weekly training there is no champion: it is trained here, once the data spans the
    three labelled months that needs; until then the step says why there is nothing to score, and passes.
    """
    with ctx.log.step("score_churn", "gold.churn_predictions") as step:
        step.rows_in = ctx.lh.read("gold.member_churn_features").filter("is_current").count()
        try:
            model = _champion_or_first(ctx, step)
        except NotEnoughHistory as e:
            step.progress(f"nothing scored: {e}")
            step.rows_out = 0
            return
        from fitlake.ml.score import score_churn as score  # MLflow: over a second to import, once there is a model

        step.rows_out = score(ctx.lh, model)
        step.progress(f"{step.rows_out:,} members scored with {model.name} version {model.version}")


def _champion_or_first(ctx: TaskContext, step: Step) -> ScoringModel:
    """The champion churn model; before there is one, the first, trained now. NotEnoughHistory while the data
    is too young, answered without loading MLflow (over a second) when this lakehouse has no store yet."""
    from fitlake.ml import store
    from fitlake.ml.features import temporal_split

    if store.holds_no_model(ctx.lh.settings):
        temporal_split(
            [r.as_of_date for r in ctx.lh.read("gold.churn_training").select("as_of_date").distinct().collect()]
        )
    from fitlake.ml.score import load_champion
    from fitlake.ml.train import train_churn as train

    try:
        return load_champion(ctx.lh)
    except NoChampionModel:
        step.progress("no champion churn model yet: training the first one")
        train(ctx.lh, step.progress)
        return load_champion(ctx.lh)


def _logged_together(task: Callable[[TaskContext], None]) -> Callable[[TaskContext], None]:
    """The task with its run-log rows written in one append when it ends (RunLog.batch)."""

    @functools.wraps(task)
    def run(ctx: TaskContext) -> None:
        with ctx.log.batch():
            task(ctx)

    return run


# A task a job YAML can name (the word after "task" in its parameters). Adding one is a function here
# plus one task entry in workflows/*.job.yml.
TASKS: dict[str, Callable[[TaskContext], None]] = {
    name: _logged_together(task)
    for name, task in {
        "ingest_bronze": ingest_bronze,
        "build_silver": build_silver,
        "quality_checks": quality_checks,
        "build_gold": build_gold,
        "export_crm": export_crm,
        "score_churn": score_churn,
        "train_churn": train_churn,
        "evaluate_models": evaluate_models,
    }.items()
}
