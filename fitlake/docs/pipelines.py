"""What the docs describe: the registry's tables, pipeline by pipeline and layer by layer.

Pipelines are documented one after the other: the daily pipeline first, then each layer subpackage's
(`stedi`) in a section of its own. Its tables are built by another command from other data, so mixing them
into the daily layers would make a reader of either pipeline wade through the other's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fitlake.contracts import LAYERS, TableContract


@dataclass(frozen=True)
class Pipeline:
    """Tables built together: the daily pipeline's, or a layer subpackage's (bronze.stedi, silver.stedi, ...)."""

    name: str
    title: str
    tables: tuple[TableContract, ...]

    def layer_title(self, layer: str) -> str:
        return f"{layer.capitalize()} ({self.name} pipeline)"

    def layers(self) -> list[tuple[str, list[TableContract]]]:
        """(layer, tables) in LAYERS order, by name, each quarantine table right after its table."""
        owner = quarantined_tables(self.tables)
        found = []
        for layer in LAYERS:
            tables = [c for c in self.tables if c.schema == layer]
            if tables:
                found.append((layer, sorted(tables, key=lambda c: (owner.get(c.name, c.name), c.name in owner))))
        return found


def quarantined_tables(contracts: Iterable[TableContract]) -> dict[str, str]:
    """Quarantine table name -> the table whose rejected rows it holds, among `contracts`."""
    from fitlake.quality import quarantine_contract  # the one place the quarantine's name is made

    contracts = list(contracts)
    names = {c.name for c in contracts}
    return {q: c.name for c in contracts if (q := quarantine_contract(c).name) in names}


def registry_pipelines() -> list[Pipeline]:
    """Every table of the registry, in its pipeline: the daily one (with the ops tables), then each subpackage's."""
    from fitlake import registry

    everything, daily = registry.contracts(), registry.daily_contracts()
    found = [Pipeline("daily", "The daily pipeline (`fitlake run`) and the ops tables", tuple(daily.values()))]
    packages: dict[str, list[str]] = {}
    for layer in registry.LAYER_PACKAGES:
        for package in registry.subpackages(layer):
            packages.setdefault(package.partition(".")[2], []).append(package)
    for name, subpackages in sorted(packages.items()):
        tables = {m.name for p in subpackages for m in registry.table_modules(p)}
        owned = {q for q, owner in quarantined_tables(everything.values()).items() if owner in tables}
        title = f"The {name} pipeline ({', '.join(f'`{p}`' for p in subpackages)})"
        found.append(Pipeline(name, title, tuple(everything[n] for n in sorted(tables | owned))))
    return found
