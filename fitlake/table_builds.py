"""What each Silver and Gold table was built from (`ops.table_builds`), so that a run leaves a table as it is when
nothing it is built from has changed: a rerun with nothing new costs a look at the Delta logs, not a rebuild.

A table's inputs are the Delta versions of the tables its transform reads, a fingerprint of the code (FitLake's
packages and the engine's) and, for a table written with the secrets, one of the secrets. A table is unchanged
when its inputs equal those of its last build and it is still at the version that build left (a table written
by hand since is built again). `fitlake run --full-refresh` builds every table whatever its inputs.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import NamedTuple

from pyspark.sql import functions as F

from fitlake import io
from fitlake.contracts import TableContract
from fitlake.delta_tables import open_table
from fitlake.lakehouse import Lakehouse
from ops.table_builds import CONTRACT

# The packages whose code decides what a table holds, and the engines that run it.
CODE_PACKAGES = ("fitlake", "bronze", "silver", "gold", "ops")
ENGINE_DISTRIBUTIONS = ("pyspark", "pysail")


@cache
def code_fingerprint() -> str:
    """sha-256 of every Python file of CODE_PACKAGES (path and content) and of the engines' versions."""
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        root = Path(importlib.util.find_spec(package).submodule_search_locations[0])
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{package}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    for name in ENGINE_DISTRIBUTIONS:
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:  # on a Databricks cluster pyspark is the runtime's
            digest.update(f"{name} absent\0".encode())
    return digest.hexdigest()


def table_version(lh: Lakehouse, contract: TableContract) -> int | None:
    """The table's Delta version, or None when it does not exist yet. Locally read from the Delta log with
    delta-rs (Sail has no DESCRIBE HISTORY); in Unity Catalog asked of the engine."""
    if not lh.exists(contract):
        return None
    location = lh.location(contract)
    if location is not None:
        return open_table(contract.name, location).version()
    return lh.spark.sql(f"DESCRIBE HISTORY {lh.table_name(contract)} LIMIT 1").first()["version"]


def described(inputs: str) -> dict:
    """What `TableBuilds.inputs` wrote, read back: "code", "tables" (each input's Delta version) and, for a table
    written with the secrets, "secrets"."""
    return json.loads(inputs)


class LastBuild(NamedTuple):
    inputs: str
    table_version: int
    run_id: str

    @property
    def versions(self) -> dict[str, int | None]:
        """The Delta version of each table the build read."""
        return described(self.inputs)["tables"]


@dataclass
class TableBuilds:
    """The last build of each table, read when made (before the steps, which run side by side, ask for it), and
    the builds of this run, written together by `write`."""

    lh: Lakehouse
    run_id: str
    full_refresh: bool = False
    _last: dict[str, LastBuild] = field(default_factory=dict, init=False, repr=False)
    _built: list[tuple] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.full_refresh and self.lh.exists(CONTRACT):
            latest = F.max_by(F.struct("inputs", "table_version", "run_id"), "built_at").alias("last")
            for row in self.lh.read(CONTRACT).groupBy("table_name").agg(latest).collect():
                self._last[row.table_name] = LastBuild(
                    row["last"].inputs, row["last"].table_version, row["last"].run_id
                )

    def inputs(self, inputs: list[TableContract], with_secrets: bool) -> str:
        """What a table built now from `inputs` is built from, as JSON."""
        described = {"code": code_fingerprint(), "tables": {c.name: table_version(self.lh, c) for c in inputs}}
        if with_secrets:
            secrets = self.lh.secrets
            # Keyed by the PII key: equal secrets give equal fingerprints, and the column reveals neither.
            described["secrets"] = hmac.new(
                secrets.pii_key.encode(), secrets.pseudonym_salt.encode(), hashlib.sha256
            ).hexdigest()[:16]
        return json.dumps(described, sort_keys=True)

    def unchanged_since(self, contract: TableContract, inputs: str) -> str | None:
        """The run that built the table from the same inputs and left it as it still is, if any."""
        last = self._last.get(contract.name)
        if last is None or last.inputs != inputs or table_version(self.lh, contract) != last.table_version:
            return None
        return last.run_id

    def last_build(self, contract: TableContract) -> LastBuild | None:
        """The table's last build (None on a full refresh, which builds as if there were none)."""
        return self._last.get(contract.name)

    def built(self, contract: TableContract, inputs: str) -> None:
        version = table_version(self.lh, contract)
        self._built.append((contract.name, inputs, version, self.run_id, datetime.now(UTC)))

    def write(self) -> None:
        """Record this run's builds (one append; a killed run's tables are simply built again next time)."""
        if self._built:
            rows = self.lh.spark.createDataFrame(self._built, CONTRACT.spark_schema)
            io.write(self.lh, CONTRACT, rows, "append")
            self._built = []
