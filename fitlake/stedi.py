"""`fitlake stedi --landing DIR`: the STEDI step-trainer data through its landing, trusted and curated zones.

STEDI's zones are FitLake's layers: landing is Bronze (bronze/stedi/), trusted is Silver (silver/stedi/),
curated is Gold (gold/stedi/). Each zone is built exactly as the daily pipeline builds its layer
(exactly-once ingestion with a ledger, conform and quarantine with a per-batch reconciliation, Gold
expectations and keys checked before writing), by this command only: the daily pipeline does not list
the layers' subpackages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fitlake.errors import LandingEmpty
from fitlake.ingest import ingest
from fitlake.lakehouse import Lakehouse
from fitlake.registry import in_build_order, table_modules

# The daily pipeline's own builders, so STEDI's trusted and curated tables get the same checks.
from fitlake.tasks import TaskContext, build_aggregate, build_conformed, build_layer

# STEDI's zone -> the package of its tables.
ZONES = {"landing": "bronze.stedi", "trusted": "silver.stedi", "curated": "gold.stedi"}


def check_landing(landing: Path) -> None:
    """Refuse a --landing folder that is not STEDI's layout before anything starts or is written."""
    if not landing.is_dir():
        raise LandingEmpty(f"--landing {landing}: no such folder")
    sources = [m.module.SOURCE for m in table_modules(ZONES["landing"])]
    missing = [f"{s.folder}/{s.pattern}" for s in sources if not s.files(landing)]
    if missing:
        raise LandingEmpty(f"--landing {landing} has no STEDI files at {', '.join(missing)}")


def build(ctx: TaskContext, landing: Path) -> None:
    """Ingest new landing files, then rebuild the trusted and curated tables; each table is a run-log step."""
    with ctx.log.batch():
        _build(ctx, landing)


def _build(ctx: TaskContext, landing: Path) -> None:
    print("[stedi_landing]", flush=True)
    for m in table_modules(ZONES["landing"]):
        with ctx.log.step("stedi_landing", m.name) as step:
            ingest(ctx.lh, m.module, ctx.run_id, step, landing)
    print("[stedi_trusted]", flush=True)
    build_layer(ctx, "stedi_trusted", ZONES["trusted"], build_conformed)
    print("[stedi_curated]", flush=True)
    build_layer(ctx, "stedi_curated", ZONES["curated"], build_aggregate)


@dataclass(frozen=True)
class TableCount:
    zone: str
    table: str
    rows: int


def table_counts(lh: Lakehouse) -> list[TableCount]:
    """Rows of every STEDI table as written, zone by zone."""
    return [
        TableCount(zone, m.name, lh.read(m.contract).count())
        for zone, package in ZONES.items()
        for m in in_build_order(package)
    ]
