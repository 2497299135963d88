"""Find every table module of the bronze, silver, gold and ops packages.

A table module declares `CONTRACT` and a pure `transform(*inputs)`. Silver and gold modules list the
tables they read in `INPUTS` (names `schema.table`, in the order `transform` takes them); bronze
modules name their landing `SOURCE` instead. Ops modules declare only `CONTRACT`: the tables the pipeline
writes about its own runs, which no layer's build makes. Modules whose name starts with `_` are helpers.

A subpackage of a layer (`silver/stedi/`) holds the tables of a pipeline of its own (`fitlake stedi`): the
daily pipeline lists a layer without its subpackages, `table_modules("silver.stedi")` lists one, and
`contracts()` holds them all, so the catalog re-registers every table and the docs describe it.
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

from fitlake import quality
from fitlake.contracts import TableContract

LAYER_PACKAGES = ("bronze", "silver", "gold")
# The run log, ingestion ledger, reconciliation and quality results: declared in ops/, written by the fitlake
# modules that do the work they record; no layer's build makes them.
OPS_PACKAGE = "ops"


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
    def needs_model(self) -> bool:
        """The table holds a model's scores: the transform takes the model version as keyword `model`, so the
        task that scores (score_churn) builds it, not the layer's build."""
        transform = getattr(self.module, "transform", None)  # bronze modules have none
        return transform is not None and "model" in inspect.signature(transform).parameters

    @property
    def is_research_data(self) -> bool:
        """Wearable and workout data: used only with the member's research consent (`RESEARCH_DATA = True`)."""
        return getattr(self.module, "RESEARCH_DATA", False)

    @property
    def history(self) -> Any:
        """The module's `HISTORY` (a fitlake.scd2.ScdType2) when the table keeps versions, else None."""
        return getattr(self.module, "HISTORY", None)


def _module_infos(package: str) -> list[pkgutil.ModuleInfo]:
    path = importlib.import_module(package).__path__
    return sorted((i for i in pkgutil.iter_modules(path) if not i.name.startswith("_")), key=lambda i: i.name)


@cache
def subpackages(layer: str) -> tuple[str, ...]:
    """The layer's subpackages, as dotted names (`silver.stedi`): each the tables of another pipeline."""
    return tuple(f"{layer}.{info.name}" for info in _module_infos(layer) if info.ispkg)


@cache
def table_modules(package: str) -> tuple[TableModule, ...]:
    """The table modules of a layer (`silver`, without its subpackages) or of one subpackage (`silver.stedi`)."""
    layer = package.split(".")[0]
    found = []
    for info in _module_infos(package):
        if info.ispkg:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        if not hasattr(module, "CONTRACT"):
            raise TypeError(f"{module.__name__} has no CONTRACT: helpers must start with '_'")
        if module.CONTRACT.schema != layer:
            raise TypeError(f"{module.__name__} declares {module.CONTRACT.name}, outside layer {layer}")
        found.append(TableModule(module))
    return tuple(found)


def in_build_order(package: str) -> list[TableModule]:
    """The package's modules built from tables alone, each after the tables of the same package it reads."""
    modules = {m.name: m for m in table_modules(package) if not m.needs_model}
    graph = {name: [i for i in m.inputs if i in modules] for name, m in modules.items()}
    return [modules[name] for name in graphlib.TopologicalSorter(graph).static_order()]


def _contracts(packages: tuple[str, ...]) -> dict[str, TableContract]:
    found: dict[str, TableContract] = {m.name: m.contract for m in table_modules(OPS_PACKAGE)}
    for package in packages:
        for m in table_modules(package):
            found[m.name] = m.contract
            if quality.has_quarantine(m):
                q = quality.quarantine_contract(m.contract)
                found[q.name] = q
    return found


def _layers_and_subpackages() -> tuple[str, ...]:
    return tuple(p for layer in LAYER_PACKAGES for p in (layer, *subpackages(layer)))


@cache
def contracts() -> dict[str, TableContract]:
    """Every declared table: layer and subpackage tables, their quarantine tables, and the ops tables."""
    return _contracts(_layers_and_subpackages())


@cache
def table_module(name: str) -> TableModule:
    """The module of the layer (or subpackage) table `name`: how code that a layer imports, fitlake.ml, builds
    one of its tables without importing the layer back."""
    for package in _layers_and_subpackages():
        for m in table_modules(package):
            if m.name == name:
                return m
    raise KeyError(f"no table module declares {name}")


@cache
def daily_contracts() -> dict[str, TableContract]:
    """The tables of the daily pipeline (the layers without their subpackages), quarantines and ops tables."""
    return _contracts(LAYER_PACKAGES)
