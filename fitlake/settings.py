"""Settings from CLI flags, then environment variables, then defaults.

FITLAKE_HOME     lakehouse folder (default ./lakehouse): landing files and, per catalog, Delta tables
FITLAKE_CATALOG  Unity Catalog name used in three-part table names (default fitlake)
FITLAKE_ENGINE   sail (embedded, default) | spark (classic JVM + delta-spark) | databricks
FITLAKE_SCHEMA_PREFIX  put before every schema name (default none), so one catalog can hold several copies
FITLAKE_SETTLE_SECONDS  a landing file changed more recently than this is still being written (default 5)

Read from the environment only, by the modules that use them:
FITLAKE_ENGINE_ISOLATION  auto (default) | required | off: whether a command that starts the embedded engine runs
                 in a network namespace of its own, so no other local process reaches the engine's port (Sail has
                 no authentication). auto warns in one line where that is not possible; required refuses to run
                 then; off does not isolate (fitlake/isolation.py)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from fitlake.errors import SettingsError

Engine = Literal["sail", "spark", "databricks"]
ENGINES: tuple[str, ...] = get_args(Engine)
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Settings:
    home: Path
    catalog: str = "fitlake"
    engine: Engine = "sail"
    schema_prefix: str = ""
    # A landing file is read only once it has not changed for this long: exports arrive with no marker that
    # they are complete, and a file read while still being written would be ingested half (fitlake.ingest).
    settle_seconds: float = 5.0

    def __post_init__(self) -> None:
        if not self.settle_seconds >= 0:
            raise SettingsError(f"FITLAKE_SETTLE_SECONDS must be a number of seconds, 0 or more: {self.settle_seconds}")
        if self.schema_prefix and not _IDENTIFIER.match(self.schema_prefix):
            raise SettingsError(
                f"schema prefix {self.schema_prefix!r} is not a valid identifier (lower case letters, digits, _)"
            )
        if not _IDENTIFIER.match(self.catalog):
            raise SettingsError(
                f"catalog name {self.catalog!r} is not a valid identifier (lower case letters, digits, _)"
            )
        if self.engine not in ENGINES:
            raise SettingsError(f"unknown engine {self.engine!r}: choose one of {', '.join(ENGINES)}")

    @classmethod
    def resolve(
        cls,
        home: str | Path | None = None,
        catalog: str | None = None,
        engine: str | None = None,
        schema_prefix: str | None = None,
    ) -> Settings:
        """Flags win over environment variables, which win over defaults."""
        home = home or os.environ.get("FITLAKE_HOME") or "lakehouse"
        catalog = catalog or os.environ.get("FITLAKE_CATALOG") or "fitlake"
        engine = engine or os.environ.get("FITLAKE_ENGINE") or "sail"
        if schema_prefix is None:
            schema_prefix = os.environ.get("FITLAKE_SCHEMA_PREFIX", "")
        settle = os.environ.get("FITLAKE_SETTLE_SECONDS", "5")
        try:
            settle_seconds = float(settle)
        except ValueError:
            raise SettingsError(f"FITLAKE_SETTLE_SECONDS must be a number of seconds, 0 or more: {settle!r}") from None
        # Spark and Delta need absolute locations; resolve once so every table agrees.
        home = Path(home).expanduser().resolve()
        return cls(home, catalog, engine, schema_prefix, settle_seconds)  # type: ignore[arg-type]

    def environment(self) -> dict[str, str]:
        """The environment variables that `resolve` reads back to these settings (for a process or script started
        by this one, such as the dashboard's pages)."""
        return {
            "FITLAKE_HOME": str(self.home),
            "FITLAKE_CATALOG": self.catalog,
            "FITLAKE_ENGINE": self.engine,
            "FITLAKE_SCHEMA_PREFIX": self.schema_prefix,
            "FITLAKE_SETTLE_SECONDS": str(self.settle_seconds),
        }

    def schema(self, layer: str) -> str:
        """The schema a layer's tables live in: the layer's name after the schema prefix."""
        return self.schema_prefix + layer

    @property
    def landing(self) -> Path:
        """Raw files as source systems export them: landing/<source>/<yyyy-mm-dd>/part-*."""
        return self.home / "landing"

    @property
    def staging(self) -> Path:
        """Scratch space of a running task (files handed to the engine), emptied when the task is done."""
        return self.home / "_staging"

    @property
    def tables_root(self) -> Path:
        """Delta tables of this catalog: <home>/<catalog>/<schema>/<table>."""
        return self.home / self.catalog
