"""Benchmark `fitlake generate`: wall time, records per second and peak memory, median of several runs.

Each run is a fresh `fitlake generate` process into an empty folder, as a user runs it (one worker per
core unless --workers is given). Also checks that two runs wrote byte-identical trees. Run by hand;
paste the output into bench/RESULTS.md.

    .venv/bin/python bench/generator.py --scale medium --runs 3
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--seed", default="7")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--days", default=None)
    parser.add_argument("--workers", default=None)
    args = parser.parse_args()
    extra = [*(["--days", args.days] if args.days else []), *(["--workers", args.workers] if args.workers else [])]

    seconds, rss, digests = [], [], set()
    records = 0
    for i in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="fitlake-gen-") as tmp:
            out = Path(tmp) / "data"
            cmd = [sys.executable, "-m", "fitlake", "generate", "--scale", args.scale, "--seed", args.seed]
            started = time.perf_counter()
            proc = subprocess.run([*cmd, "--out", str(out), *extra], capture_output=True, text=True, check=True)
            seconds.append(time.perf_counter() - started)
            # Largest resident set of any process this run started (the main one or a worker).
            rss.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
            records = int(re.search(r"([\d,]+) records \(", proc.stdout).group(1).replace(",", ""))
            digests.add(digest(out))
            size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
            print(f"run {i + 1}: {seconds[-1]:.1f}s, {records:,} records, {size:,.0f} MiB", flush=True)

    median = statistics.median(seconds)
    print(f"\n## generate --scale {args.scale} --seed {args.seed} {' '.join(extra)}".rstrip())
    print(
        f"- {datetime.now(UTC):%Y-%m-%d}, {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"- wall: median {median:.1f}s of {args.runs} (range {min(seconds):.1f}-{max(seconds):.1f})")
    print(f"- records: {records:,}; {records / median:,.0f} records/s (median run)")
    print(f"- peak RSS of the largest process: {max(rss):,.0f} MiB")
    print(f"- byte-identical trees across runs: {'yes' if len(digests) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
