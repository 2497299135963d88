"""The churn model judged against the generator's truth, on `small`, for several seeds.

For each seed: a fresh lakehouse (`fitlake generate --scale small --seed S`, `fitlake run`, whose
score_churn trains the first champion), then `fitlake train` as the weekly job runs it. Its printed figures
(test AUC, oracle AUC, top-decile lift, Brier, the MLflow run id) are read back, and gold.churn_predictions
is counted against the members on the books at its as-of date, counted from silver.members.

Targets (issue 6): AUC >= 0.9 x oracle AUC on the test months, top-decile lift >= 2.5.

    .venv/bin/python bench/churn.py --seeds 7 11 23
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

CHOSE = re.compile(r"chose (\w+): test AUC ([\d.]+) \(oracle AUC ([\d.]+)\), top-decile lift ([\d.]+), Brier ([\d.]+)")
CANDIDATE = re.compile(r"(\w+)\s+validation AUC ([\d.]+) \| test AUC ([\d.]+), lift@10% ([\d.]+), Brier ([\d.]+)")
RUN = re.compile(r"MLflow run (\w+)")
ALIAS = re.compile(r"registered fitlake_churn version (\d+); (.*)")


def fitlake(home: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "fitlake", "--home", str(home), *args], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"fitlake {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def scalar(home: Path, query: str) -> object:
    (row,) = json.loads(fitlake(home, "sql", query, "--format", "json"))
    return next(iter(row.values()))


def one_seed(seed: int, root: Path) -> dict:
    home = root / f"small-{seed}"
    fitlake(home, "generate", "--scale", "small", "--seed", str(seed))
    started = time.perf_counter()
    fitlake(home, "run")
    run_seconds = time.perf_counter() - started
    started = time.perf_counter()
    out = fitlake(home, "train")
    train_seconds = time.perf_counter() - started
    chose, run, alias = CHOSE.search(out), RUN.search(out), ALIAS.search(out)
    if not (chose and run and alias):
        raise SystemExit(f"`fitlake train` did not print its figures:\n{out}")
    as_of = scalar(home, "select max(as_of_date) from gold.churn_predictions")
    on_books = scalar(
        home,
        f"select count(*) from silver.members where join_date < date'{as_of}' "
        f"and (cancel_date is null or cancel_date >= date'{as_of}')",
    )
    auc, oracle = float(chose.group(2)), float(chose.group(3))
    return {
        "seed": seed,
        "chosen": chose.group(1),
        "auc": auc,
        "oracle_auc": oracle,
        "ratio": auc / oracle,
        "lift": float(chose.group(4)),
        "brier": float(chose.group(5)),
        "run_id": run.group(1),
        "alias": alias.group(2),
        "candidates": CANDIDATE.findall(out),
        "as_of": as_of,
        "predictions": scalar(home, "select count(*) from gold.churn_predictions"),
        "on_books": on_books,
        "run_seconds": run_seconds,
        "train_seconds": train_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 23])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-churn-") as tmp:
        results = [one_seed(seed, Path(tmp)) for seed in args.seeds]
    seeds = " ".join(map(str, args.seeds))
    print(f"\n## {datetime.now(UTC):%Y-%m-%d}: churn model on small (bench/churn.py --seeds {seeds})")
    print(f"\nMachine: {platform.processor() or platform.machine()}, Python {platform.python_version()}.\n")
    print(
        "| seed | chosen | test AUC | oracle AUC | AUC / oracle | top-decile lift | Brier "
        "| predictions = on the books | MLflow run |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        same = "yes" if r["predictions"] == r["on_books"] else "NO"
        print(
            f"| {r['seed']} | {r['chosen']} | {r['auc']:.3f} | {r['oracle_auc']:.3f} | {r['ratio']:.2f} | "
            f"{r['lift']:.2f} | {r['brier']:.4f} | "
            f"{r['predictions']:,} = {r['on_books']:,} ({same}, as of {r['as_of']}) | "
            f"`{r['run_id']}` |"
        )
    print("\n| seed | candidate | validation AUC | test AUC | lift | Brier |\n|---|---|---|---|---|---|")
    for r in results:
        for name, val, test, lift, brier in r["candidates"]:
            print(f"| {r['seed']} | {name} | {val} | {test} | {lift} | {brier} |")
    run_s = statistics.median(r["run_seconds"] for r in results)
    train_s = statistics.median(r["train_seconds"] for r in results)
    print(
        f"\n`fitlake run` (its score_churn trains the first champion): median {run_s:.1f} s; "
        f"`fitlake train`: median {train_s:.1f} s (whole processes)."
    )
    for r in results:
        print(f"- seed {r['seed']}: {r['alias']}")


if __name__ == "__main__":
    main()
