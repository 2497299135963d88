"""The `fitlake` command line: the commands (how they print rows is fitlake.output)."""

from __future__ import annotations

import json
import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fitlake.errors import FitlakeError, QueryRefused, StaleDocs, TaskFailed, UsageError, first_line
from fitlake.output import Format, emit, plain, print_table
from fitlake.settings import ENGINES, Settings

app = typer.Typer(
    name="fitlake",
    help="FitLake: a lakehouse for gyms, studios and connected equipment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def options(
    ctx: typer.Context,
    home: Annotated[Path | None, typer.Option(help="Lakehouse folder [env FITLAKE_HOME, default ./lakehouse]")] = None,
    catalog: Annotated[
        str | None,
        typer.Option(help="Catalog of three-part table names [env FITLAKE_CATALOG, default fitlake]"),
    ] = None,
    engine: Annotated[
        str | None, typer.Option(help=f"{' | '.join(ENGINES)} [env FITLAKE_ENGINE, default sail]")
    ] = None,
    schema_prefix: Annotated[
        str | None, typer.Option(help="Put before every schema name [env FITLAKE_SCHEMA_PREFIX, default none]")
    ] = None,
    wait: Annotated[
        float,
        typer.Option(min=0, help="A command that writes waits this long for another writer of the home, then refuses"),
    ] = 0.0,
) -> None:
    ctx.obj = Settings.resolve(home, catalog, engine, schema_prefix)
    ctx.meta[_WAIT] = wait
    if ctx.obj.engine == "sail" and ctx.invoked_subcommand in _STARTS_SAIL:
        _keep_engine_port_private(uses_mlflow=ctx.invoked_subcommand in _USES_MLFLOW)


_WAIT = "fitlake.wait"


def _writing(ctx: typer.Context, command: str, home: Path | None = None):
    """The block as the one writer of the home (or of `home`, a folder `generate` writes): fitlake.session.writing."""
    from fitlake.lock import writer_lock
    from fitlake.session import writing

    def tell(message: str) -> None:
        typer.echo(message, err=True)

    if home is not None:
        return writer_lock(home, command, ctx.meta.get(_WAIT, 0.0), tell)
    return writing(ctx.obj, command, ctx.meta.get(_WAIT, 0.0), tell)


# The commands that start the embedded engine, which serves every table on a local port with no authentication:
# they run in a network of their own (fitlake.isolation). Not deploy, which needs the network, nor the commands
# that start no engine.
_STARTS_SAIL = {"run", "task", "train", "score", "stedi", "sql", "export-crm"}
_USES_MLFLOW = {"run", "task", "train", "score"}


def _keep_engine_port_private(uses_mlflow: bool) -> None:
    from fitlake import isolation

    isolation.protect_engine_port(
        uses_mlflow, warn=lambda message: typer.echo(f"fitlake: warning: {message}", err=True)
    )


class Scale(StrEnum):
    tiny = "tiny"
    small = "small"
    medium = "medium"
    large = "large"


def _date_option(name: str, value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value is not None else None
    except ValueError as e:
        raise UsageError(f"{name} must be YYYY-MM-DD, not {value!r}") from e


@app.command()
def generate(
    ctx: typer.Context,
    scale: Annotated[Scale, typer.Option(help="Data volume")] = Scale.small,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes")] = 7,
    out: Annotated[Path | None, typer.Option(help="Output folder [default: the lakehouse home]")] = None,
    start: Annotated[str, typer.Option(help="First day of the period, YYYY-MM-DD")] = "2025-01-01",
    days: Annotated[int | None, typer.Option(min=1, help="Days in the period [default: the scale's]")] = None,
    day: Annotated[
        str | None, typer.Option(help="Write only the files that land on this day (an incremental batch)")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Processes [default: one per core]")] = None,
) -> None:
    """Write synthetic raw exports of a multi-site gym into <out>/landing, and the truth into <out>/_truth."""
    from data_gen.generate import default_workers
    from data_gen.generate import generate as run_generator
    from fitlake.session import make_home

    first_day, only_day = _date_option("--start", start), _date_option("--day", day)
    target = make_home((out or ctx.obj.home).resolve())
    what = f"the batch landing on {only_day}" if only_day else f"{scale.value} data"
    ctx.with_resource(_writing(ctx, "fitlake generate", home=target))  # no run reads landing files half written
    typer.echo(f"generating {what} (seed {seed}) into {target}/landing")
    try:
        summary = run_generator(
            target,
            scale.value,
            seed,
            first_day,
            days,
            day=only_day,
            workers=workers or default_workers(),
            progress=lambda m: typer.echo(f"  {m}"),
        )
    except ValueError as e:
        raise UsageError(str(e)) from e
    typer.echo(
        f"wrote {summary.files} files covering {summary.days} days: {summary.members:,} members, "
        f"{summary.events:,} records ({summary.events / max(summary.seconds, 1e-9):,.0f}/s, {summary.seconds:.1f}s)"
    )
    for source, n in summary.records.items():
        defects = ", ".join(f"{k} {v}" for k, v in summary.defects.get(source, {}).items()) or "-"
        typer.echo(f"  {source:<20} {n:>12,} records   defects: {defects}")


@app.command()
def run(
    ctx: typer.Context,
    only: Annotated[str | None, typer.Option("--only", help="Run just this task")] = None,
    from_task: Annotated[str | None, typer.Option("--from", help="Run this task and everything after it")] = None,
    full_refresh: Annotated[
        bool,
        typer.Option("--full-refresh", help="Build every Silver and Gold table, even one whose inputs are unchanged"),
    ] = False,
) -> None:
    """Run the daily workflow (workflows/fitlake_daily.job.yml) on this machine."""
    from fitlake.runlog import RunLog, new_run_id
    from fitlake.session import open_lakehouse, require_home
    from fitlake.tasks import TaskContext, check_landing
    from fitlake.workflow import load_job, plan, run_tasks
    from workflows import DAILY_JOB

    if only and from_task:
        raise UsageError("use --only or --from, not both")
    settings: Settings = ctx.obj
    tasks = plan(load_job(DAILY_JOB), only=only, start=from_task)
    require_home(settings)
    if any(t.runs == "ingest_bronze" for t in tasks):
        check_landing(settings.landing)  # before the engine starts: nothing is written
    ctx.with_resource(_writing(ctx, "fitlake run"))  # held until the command ends
    run_id = new_run_id()
    typer.echo(
        f"run {run_id}: {', '.join(t.key for t in tasks)} | engine {settings.engine}, "
        f"catalog {settings.catalog}, home {settings.home}"
    )
    started = time.perf_counter()
    with open_lakehouse(settings) as lh:
        log = RunLog(lh, run_id)
        try:
            outcomes = run_tasks(TaskContext(lh, log, full_refresh), tasks)
        except TaskFailed as e:
            _print_summary(run_id, e.outcomes, log.steps, time.perf_counter() - started)
            failed = ", ".join(o.key for o in e.outcomes if o.status == "failed")
            # The reasons are in the summary just printed: said once, not again on this line.
            raise TaskFailed(f"run {run_id} failed: {failed} (see 'needs attention' above)", e.outcomes) from None
    _print_summary(run_id, outcomes, log.steps, time.perf_counter() - started)


def _print_summary(run_id: str, outcomes, steps, seconds: float) -> None:
    from fitlake import run_summary

    typer.echo("")
    for line in run_summary.render(run_id, outcomes, steps, seconds):
        typer.echo(line)


def _run_tasks(
    ctx: typer.Context, command: str, *names: str, run_id: str | None = None, full_refresh: bool = False
) -> None:
    from fitlake.runlog import RunLog, new_run_id
    from fitlake.session import open_lakehouse
    from fitlake.tasks import TASKS, TaskContext

    with _writing(ctx, command), open_lakehouse(ctx.obj) as lh:
        task_ctx = TaskContext(lh, RunLog(lh, run_id or new_run_id()), full_refresh)
        for name in names:
            TASKS[name](task_ctx)


@app.command()
def task(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A task of fitlake.tasks.TASKS, e.g. build_silver")],
    run_id: Annotated[str | None, typer.Option(help="Run id to log under (a Databricks job passes its own)")] = None,
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="Build every table of the task, even one whose inputs are unchanged")
    ] = False,
) -> None:
    """Run one workflow task: the entry point each Databricks job task calls."""
    from fitlake.tasks import TASKS

    if name not in TASKS:
        raise UsageError(f"no task {name!r}: choose one of {', '.join(TASKS)}")
    _run_tasks(ctx, f"fitlake task {name}", name, run_id=run_id, full_refresh=full_refresh)


@app.command()
def train(ctx: typer.Context) -> None:
    """Train the churn models on gold.churn_training, log them in MLflow, register the best (fitlake_churn)
    and make it the champion if it beats the current one on validation AUC; then judge the class recommender
    and the supplement forecast: the weekly job's tasks."""
    _run_tasks(ctx, "fitlake train", "train_churn", "evaluate_models")


@app.command()
def score(ctx: typer.Context) -> None:
    """Score every member on the books with the champion churn model into gold.churn_predictions."""
    _run_tasks(ctx, "fitlake score", "score_churn")


@app.command()
def stedi(
    ctx: typer.Context,
    landing: Annotated[
        Path,
        typer.Option("--landing", help="STEDI folder: customer/, accelerometer/, step_trainer/, each landing/*.json"),
    ],
) -> None:
    """Ingest the STEDI step-trainer data into its landing, trusted and curated tables."""
    from fitlake import stedi as stedi_pipeline
    from fitlake.runlog import RunLog, new_run_id
    from fitlake.session import make_home, open_lakehouse
    from fitlake.tasks import TaskContext

    settings: Settings = ctx.obj
    landing = landing.expanduser().resolve()
    stedi_pipeline.check_landing(landing)  # before the engine starts: nothing is written
    if settings.engine != "databricks":
        make_home(settings.home)  # the landing is elsewhere: a new home is only where the tables go
    run_id = new_run_id()
    typer.echo(
        f"stedi {run_id}: landing {landing} | engine {settings.engine}, catalog {settings.catalog}, "
        f"home {settings.home}"
    )
    started = time.perf_counter()
    with _writing(ctx, "fitlake stedi"), open_lakehouse(settings) as lh:
        stedi_pipeline.build(TaskContext(lh, RunLog(lh, run_id)), landing)
        counts = stedi_pipeline.table_counts(lh)
    typer.echo(f"\nsummary: {len(counts)} STEDI tables, {time.perf_counter() - started:.1f}s in all")
    for c in counts:
        typer.echo(f"  {c.zone:<8} {c.table:<40} {c.rows:>10,} rows")


def _parse_vars(pairs: list[str]) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--var takes name=value, not {pair!r}")
        parsed[name] = value
    return parsed


@app.command()
def deploy(
    target: Annotated[str, typer.Option(help="Bundle target in databricks.yml")] = "dev",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the jobs' settings as JSON; no credentials")
    ] = False,
    var: Annotated[list[str] | None, typer.Option("--var", help="Set a bundle variable: name=value")] = None,
) -> None:
    """Build the wheel and create or update the bundle's jobs in a Databricks workspace (databricks-sdk)."""
    from fitlake import bundle as bundles
    from fitlake import deploy as deployer
    from workflows import BUNDLE_ROOT

    loaded = bundles.load(BUNDLE_ROOT, target, _parse_vars(var or []))
    # The bundle's apps are said, not skipped in silence: on stderr in a dry run, whose JSON is the whole of stdout.
    apps = f"`databricks bundle deploy` deploys the bundle's app(s), not fitlake deploy: {', '.join(loaded.apps)}"
    if dry_run:
        # A JSON list, one JobSettings object per job, exactly what jobs/create and jobs/reset receive.
        typer.echo(json.dumps(deployer.job_settings(loaded), indent=2))
        if loaded.apps:
            typer.echo(apps, err=True)
        return
    deployer.deploy(loaded, deployer.workspace_client(), echo=typer.echo)
    if loaded.apps:
        typer.echo(apps)


@app.command()
def sql(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(help="A SQL query; name tables <schema>.<table>")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Run every query of a file of '-- name:' queries instead")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format")] = Format.table,
) -> None:
    """Run a read-only SQL query (or a file of named queries) against the lakehouse and print the results.
    One query per statement: SELECT, WITH, VALUES, EXPLAIN, SHOW or DESCRIBE; writes, DDL and file paths are refused."""
    from pyspark.errors import PySparkException

    from fitlake.readonly_sql import why_refused
    from fitlake.session import open_lakehouse
    from fitlake.sqlfile import NamedQuery, named_queries

    if (query is None) == (file is None):
        raise UsageError("give either a query or --file, not both or neither")
    if file is not None and not file.is_file():
        raise UsageError(f"no such file: {file}")
    queries = named_queries(file.read_text()) if file else [NamedQuery("query", "", query)]
    for q in queries:  # all of them before the engine starts: a refused file runs nothing
        if refused := why_refused(q.sql):
            raise QueryRefused(f"query{f' ({q.name})' if file else ''} refused: {refused}")
    results = {}
    with open_lakehouse(ctx.obj) as lh:
        for q in queries:
            started = time.perf_counter()
            try:
                df = lh.spark.sql(q.sql)
                columns, rows = df.columns, [[plain(v) for v in r] for r in df.collect()]
            except PySparkException as e:
                where = f" ({q.name})" if file else ""
                raise UsageError(f"query{where} failed: {first_line(e)}") from e
            results[q.name] = (columns, rows)
            if file:
                typer.echo(f"{q.name}: {len(rows)} rows in {time.perf_counter() - started:.3f} s", err=True)
    if not file:
        emit(*results["query"], fmt)
    elif fmt is Format.json:
        typer.echo(json.dumps({n: [dict(zip(c, r, strict=True)) for r in rows] for n, (c, rows) in results.items()}))
    else:
        for name, (columns, rows) in results.items():
            typer.echo(f"-- {name}")
            emit(columns, rows, fmt)


import_app = typer.Typer(
    help="Copy your own exports into the landing folder, each file once; `fitlake run` then takes them.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")


@import_app.command("fitbit")
def import_fitbit(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder of a Fitabase export (*_merged.csv)")],
) -> None:
    """Land a Fitabase (Fitbit research) export: Wide or Narrow minutes, heart rate, sleep, hourly, daily files."""
    from fitlake.fitbit_import import import_fitbit as land
    from fitlake.fitbit_import import plan

    plan(directory)  # a folder with a file it cannot place is refused before the home is touched
    # The home may be new: an export can be the first data a lakehouse gets.
    ctx.obj.home.mkdir(parents=True, exist_ok=True)
    with _writing(ctx, "fitlake import fitbit", home=ctx.obj.home):
        landed = land(directory, ctx.obj.landing, say=typer.echo)
    new = sum(1 for f in landed if f.new)
    typer.echo(f"{new} of {len(landed)} files landed; `fitlake run` builds them")


@import_app.command("mapmyrun")
def import_mapmyrun(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Workout history CSV files MapMyRun let you download")],
    member: Annotated[
        str | None,
        typer.Option(help="Member the files are of; default: the MapMyRun account user<id>_workout_history.csv names"),
    ] = None,
) -> None:
    """Land MapMyRun workout-history downloads: yours by the account in the file name, or a member's with --member."""
    from fitlake.mapmyrun_import import import_mapmyrun as land
    from fitlake.mapmyrun_import import plan

    plan(files, member)  # a file it cannot take, or that names nobody, is refused before the home is touched
    ctx.obj.home.mkdir(parents=True, exist_ok=True)  # the home may be new, as for `import fitbit`
    with _writing(ctx, "fitlake import mapmyrun", home=ctx.obj.home):
        landed = land(files, ctx.obj, member, say=typer.echo)
    new = sum(1 for f in landed if f.new)
    typer.echo(f"{new} of {len(landed)} files landed; `fitlake run` builds them")


@app.command("export-crm")
def export_crm(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option(help="File to write (default: <home>/exports/hubspot_contacts.csv)")
    ] = None,
) -> None:
    """Write the CRM contacts (members with marketing consent) as a HubSpot contact-import CSV."""
    from fitlake.exports import export_crm as write_contacts
    from fitlake.session import open_lakehouse

    with _writing(ctx, "fitlake export-crm"), open_lakehouse(ctx.obj) as lh:
        if not lh.exists("gold.crm_contacts"):
            raise UsageError("gold.crm_contacts has not been built: run `fitlake run` first")
        path, contacts = write_contacts(lh, out)
    typer.echo(f"{contacts:,} contacts written to {path}")


@app.command()
def tables(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", help="Output format")] = Format.table,
) -> None:
    """List the catalog's tables: rows, Delta version and last write (read with delta-rs)."""
    from fitlake.delta_log import list_tables

    settings: Settings = ctx.obj
    found = list_tables(settings)
    if not found and fmt is Format.table:
        typer.echo(f"no tables in {settings.tables_root}: run `fitlake run` first")
        return
    emit(
        ["table", "rows", "version", "last_write", "operation"],
        [
            [f"{settings.catalog}.{t.name}", t.rows, t.version, t.last_write.isoformat(timespec="seconds"),
             t.last_operation]
            for t in found
        ],
        fmt,
    )  # fmt: skip


@app.command()
def steps(
    ctx: typer.Context,
    run_id: Annotated[str | None, typer.Argument(help="Run id, as `fitlake run` prints it [default: latest]")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format")] = Format.table,
) -> None:
    """Show every step of a run as ops.run_log holds it: table, rows, time, outcome (read with delta-rs)."""
    from fitlake.delta_log import STEP_COLUMNS, logged_steps
    from fitlake.runlog import Step

    found, rows = logged_steps(ctx.obj, run_id)
    if fmt is not Format.table:
        emit(list(STEP_COLUMNS), [[plain(r[c]) for c in STEP_COLUMNS] for r in rows], fmt)
        return
    # As the run printed them, task by task.
    typer.echo(f"run {found}")
    for i, r in enumerate(rows):
        if i == 0 or rows[i - 1]["task"] != r["task"]:
            typer.echo(f"[{r['task']}]")
        typer.echo(Step(**r).line())


@app.command()
def history(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help="<schema>.<table>")],
    limit: Annotated[int, typer.Option(min=1, help="Newest commits to show")] = 20,
) -> None:
    """Show a table's Delta commits, newest first (read with delta-rs)."""
    from fitlake.delta_log import commits

    print_table(
        ["version", "timestamp", "operation", "parameters", "metrics"],
        [
            [
                c["version"],
                c["timestamp"],
                c["operation"],
                json.dumps(c["parameters"]),
                json.dumps(c["metrics"]),
            ]
            for c in commits(ctx.obj, table, limit)
        ],
    )


@app.command()
def docs(
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if a file differs from what the contracts give")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Folder of the files (default: the repository's docs/)")] = None,
) -> None:
    """Write the data dictionary and ERD (data_dictionary.md, erd.md) from the table contracts. No engine."""
    from fitlake import docs as generated

    folder = out or generated.repo_docs_folder()
    if folder is None:
        raise UsageError("no docs/ folder beside the installed fitlake package: pass --out DIR")
    rendered = generated.render()
    if check:
        stale = generated.stale_files(folder, rendered)
        if stale:
            command = "fitlake docs" + (f" --out {out}" if out else "")
            raise StaleDocs(f"stale, not what the table contracts give: {', '.join(map(str, stale))}; run `{command}`")
        typer.echo(f"up to date: {', '.join(str(folder / name) for name in rendered)}")
        return
    written = generated.write_files(folder, rendered)
    for name in rendered:
        path = folder / name
        typer.echo(f"{'wrote' if path in written else 'unchanged'} {path}")


serve_app = typer.Typer(
    help="Serve Gold to people and programs, read only, with no Spark engine.", no_args_is_help=True
)
app.add_typer(serve_app, name="serve")


@serve_app.command("api")
def serve_api(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 exposes it to the network")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on")] = 8000,
) -> None:
    """The read-only Gold API (leaderboards, metrics, members at risk), bearer tokens from FITLAKE_API_TOKENS."""
    from fitlake.serving.server import serve_api as serve

    serve(ctx.obj, host, port, echo=typer.echo)


@serve_app.command("dashboard")
def serve_dashboard(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 exposes it to the network")] = "127.0.0.1",
    port: Annotated[
        # A Databricks App is told its port by the platform.
        int, typer.Option(min=0, max=65535, envvar="DATABRICKS_APP_PORT", help="Port to listen on")
    ] = 8501,
) -> None:
    """The studio dashboard (Streamlit): leaderboards, classes, members at risk, shop, workouts, data health, SQL."""
    from fitlake.serving.server import serve_dashboard as serve

    serve(ctx.obj, host, port, echo=typer.echo)


def main() -> None:
    try:
        app()
    except FitlakeError as e:
        typer.echo(f"fitlake: {e}", err=True)
        raise SystemExit(e.exit_code) from None
