"""Find every table module of the bronze, silver and gold packages.

A table module declares `CONTRACT` and a pure `transform(*inputs)`. Silver and gold modules list the
tables they read in `INPUTS` (names `schema.table`, in the order `transform` takes them); bronze
modules name their landing `SOURCE` instead. Modules whose name starts with `_` are helpers.
"""

from __future__ import annotations

import graphlib
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from fitlake.contracts import TableContract

LAYER_PACKAGES = ("bronze", "silver", "gold")


@dataclass(frozen=True)
class TableModule:
    module: ModuleType

    @property
    def contract(self) -> TableContract:
        return self.module.CONTRACT

    @property
    def name(self) -> str:
        return self.contract.name

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(getattr(self.module, "INPUTS", ()))

    @property
    def transform(self) -> Callable[..., Any]:
        return self.module.transform

    @property
    def needs_secrets(self) -> bool:
        """The transform takes the PII key and pseudonym salt as keyword `secrets`."""
        return "secrets" in inspect.signature(self.module.transform).parameters

    @property
    def is_research_data(self) -> bool:
        """Wearable and workout data: used only with the member's research consent (`RESEARCH_DATA = True`)."""
        return getattr(self.module, "RESEARCH_DATA", False)

    @property
    def history(self) -> Any:
        """The module's `HISTORY` (a fitlake.history.ScdType2) when the table keeps versions, else None."""
        return getattr(self.module, "HISTORY", None)


@cache
def table_modules(layer: str) -> tuple[TableModule, ...]:
    package = importlib.import_module(layer)
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{layer}.{info.name}")
        if not hasattr(module, "CONTRACT"):
            raise TypeError(f"{module.__name__} has no CONTRACT: helpers must start with '_'")
        if module.CONTRACT.schema != layer:
            raise TypeError(f"{module.__name__} declares {module.CONTRACT.name}, outside layer {layer}")
        found.append(TableModule(module))
    return tuple(found)


def in_build_order(layer: str) -> list[TableModule]:
    """The layer's modules, each after the tables of the same layer that it reads."""
    modules = {m.name: m for m in table_modules(layer)}
    graph = {name: [i for i in m.inputs if i in modules] for name, m in modules.items()}
    return [modules[name] for name in graphlib.TopologicalSorter(graph).static_order()]


@cache
def contracts() -> dict[str, TableContract]:
    """Every declared table: layer tables, their quarantine tables, and the ops tables."""
    from fitlake import ingest, quality, reconciliation, runlog

    found: dict[str, TableContract] = {c.name: c for c in (runlog.CONTRACT, ingest.CONTRACT, reconciliation.CONTRACT)}
    for layer in LAYER_PACKAGES:
        for m in table_modules(layer):
            found[m.name] = m.contract
            if quality.has_quarantine(m):
                q = quality.quarantine_contract(m.contract)
                found[q.name] = q
    return found
