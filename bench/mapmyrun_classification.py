"""gold.workout_classification on the real MapMyRun exports: how its classes meet the activity types people picked.

Each real file is imported for a member of its own (`fitlake import mapmyrun --member`), ingested into Bronze and
built through silver.workouts (every member consenting) and the classification, in one temporary lakehouse on the
embedded engine. Prints, as Markdown, the confusion table of activity type group (as the app wrote the type) against
workout class, and the pace (min/km) quartiles of each cell. Run by hand; append the output to bench/RESULTS.md.

    .venv/bin/python bench/mapmyrun_classification.py --data ../shared/data/mapmyrun
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from fitlake.mapmyrun_import import import_mapmyrun
from fitlake.privacy import pseudonym_value
from fitlake.quality import valid_rows
from fitlake.runlog import RunLog
from fitlake.session import open_lakehouse
from fitlake.settings import Settings
from fitlake.tasks import TaskContext, ingest_bronze
from gold import workout_classification
from silver import linked_accounts, member_pii, workouts

FILES = ("user118862045_workout_history.csv", "TD_workout_history_2021-01-31.csv", "workout_history_2017.csv")
CLASSES = workout_classification.WORKOUT_CLASSES


def group(activity_type: str) -> str:
    """The activity type people picked, in a few groups: a run (any run or jog), a walk, a hike, anything else."""
    for word, name in (("run", "run"), ("jog", "run"), ("walk", "walk"), ("hike", "hike")):
        if word in activity_type:
            return name
    return "other"


def classify(data: Path, home: Path) -> pd.DataFrame:
    settings = Settings(home=home, settle_seconds=0)
    members = {name: f"MMR{i}" for i, name in enumerate(FILES, start=1)}
    for name, member in members.items():
        import_mapmyrun([data / name], settings, member, say=lambda _: None)
    with open_lakehouse(settings) as lh:
        with contextlib.redirect_stdout(sys.stderr):  # the steps' progress, not the table
            ingest_bronze(TaskContext(lh, RunLog(lh, "bench-mapmyrun")))
        spark, salt = lh.spark, lh.secrets.pseudonym_salt
        keys = {m: pseudonym_value(m, salt) for m in members.values()}
        # silver.member_pii's columns: the two the owner is found by, and lineage (a row of a member export).
        known = {"exported_at": datetime(2026, 1, 1), "_source_file": "bench", "_line_number": 1, "_batch_id": "bench"}
        rows = [{**known, "member_key": k, "member_id": m} for m, k in keys.items()]
        pii = spark.createDataFrame(
            [tuple(r.get(c) for c in member_pii.CONTRACT.column_names) for r in rows], member_pii.CONTRACT.spark_schema
        )
        consents = spark.createDataFrame(
            [(k, True, date(2000, 1, 1)) for k in keys.values()],
            "member_key string, research_consent boolean, research_consent_date date",
        )
        no_links = spark.createDataFrame([], linked_accounts.CONTRACT.spark_schema)
        flagged = workouts.transform(lh.read("bronze.workouts_raw"), pii, consents, no_links, secrets=lh.secrets)
        silver = valid_rows(flagged, workouts.CONTRACT)
        return workout_classification.transform(silver).toPandas()


def _grouped(classified: pd.DataFrame) -> pd.DataFrame:
    return classified.assign(group=classified["activity_type"].map(group))


def _spread(values: list[int]) -> str:
    low, mid, high = min(values), int(statistics.median(values)), max(values)
    return str(mid) if low == high else f"{mid} ({low}-{high})"


def table(runs: list[pd.DataFrame]) -> str:
    """Workouts per activity type group and class, median (range) over the runs; paces over all runs."""
    grouped = [_grouped(c) for c in runs]
    counts = [pd.crosstab(c["group"], c["workout_class"]).reindex(columns=list(CLASSES), fill_value=0) for c in grouped]
    order = [g for g in ("run", "walk", "hike", "other") if g in counts[0].index]
    # An outlier without a pace has no distance or no duration (a 2017 export's 0 s): nothing to judge it by.
    no_pace = [
        c[(c["workout_class"] == "outlier") & c["pace_min_per_km"].isna()].groupby("group").size() for c in grouped
    ]
    lines = ["| activity type | " + " | ".join(CLASSES) + " | workouts | outliers without a pace |"]
    lines.append("|---" * (len(CLASSES) + 3) + "|")
    for g in order:
        cells = " | ".join(_spread([int(n.loc[g, k]) for n in counts]) for k in CLASSES)
        lines.append(
            f"| {g} | {cells} | {int(counts[0].loc[g].sum())} | {_spread([int(n.get(g, 0)) for n in no_pace])} |"
        )
    lines.append("\nPace (min/km) per cell, median [quartiles], all runs together:\n")
    lines.append("| activity type | " + " | ".join(CLASSES[:-1]) + " |")
    lines.append("|---" * len(CLASSES) + "|")
    pooled = pd.concat(grouped)
    for g in order:
        cells = []
        for k in CLASSES[:-1]:
            pace = pooled.loc[(pooled["group"] == g) & (pooled["workout_class"] == k), "pace_min_per_km"].dropna()
            q = pace.quantile([0.25, 0.5, 0.75]) if len(pace) else None
            cells.append(f"{q[0.5]:.1f} [{q[0.25]:.1f}-{q[0.75]:.1f}]" if q is not None else "-")
        lines.append(f"| {g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/mapmyrun")
    parser.add_argument("--runs", type=int, default=5, help="fresh lakehouses, each with its own pseudonym salt")
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="fitlake-bench-mapmyrun-") as home:
            runs.append(classify(args.data, Path(home)))
    types = ", ".join(f"{t} {n}" for t, n in runs[0]["activity_type"].value_counts().items())
    print(f"## MapMyRun classification on real exports ({datetime.now(UTC):%Y-%m-%d})\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. The three real "
        f"exports, {len(runs[0])} workouts in silver.workouts ({types}), classified by gold.workout_classification; "
        "activity type as the app wrote it (run: any run or jog). Median (range) of "
        f"{args.runs} lakehouses: k-means takes a member's workouts in workout_key order, and each lakehouse's salt "
        "gives other keys.\n"
    )
    print(table(runs))


if __name__ == "__main__":
    main()
