"""docs/erd.md: a Mermaid erDiagram per layer of each pipeline that declares foreign keys."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fitlake.contracts import ROW_LINEAGE, Column, ForeignKey, TableContract
from fitlake.docs.markdown import DICTIONARY_FILE, GENERATED, link
from fitlake.docs.pipelines import Pipeline, quarantined_tables


def entity(table: str) -> str:
    """A table as a Mermaid entity name: no dots allowed, and `silver_` keeps it clear of keywords (`class`)."""
    return table.replace(".", "_")


def mermaid_type(spark_type: str) -> str:
    """Mermaid attribute types are words: `decimal(8,2)` becomes `decimal_8_2`, `array<string>` `array_string`."""
    return re.sub(r"[^A-Za-z0-9]+", "_", spark_type).strip("_")


# Where a Silver row came from: in every conformed table, and no part of any relationship.
LINEAGE = frozenset(c.name for c in ROW_LINEAGE)


def _attribute(column: Column, contract: TableContract) -> str:
    markers = [m for m, on in (("PK", column.name in contract.keys), ("FK", _in_foreign_key(column, contract))) if on]
    kind = mermaid_type(column.type)
    parts = [kind, column.name, ", ".join(markers), f'"{column.type}"' if kind != column.type else ""]
    return "        " + " ".join(p for p in parts if p)


def _in_foreign_key(column: Column, contract: TableContract) -> bool:
    return any(column.name in fk.columns for fk in contract.foreign_keys)


def _relationship(contract: TableContract, fk: ForeignKey) -> str:
    # A foreign key that may be NULL (a walk-in's sale has no member) makes the referenced row optional.
    optional = any(c.nullable for c in contract.columns if c.name in fk.columns)
    label = ", ".join(fk.columns)
    return f'    {entity(contract.name)} }}o--{"o|" if optional else "||"} {entity(fk.table)} : "{label}"'


def _diagram(group: Sequence[TableContract], everything: dict[str, TableContract]) -> tuple[list[str], list[str]]:
    """The group's erDiagram, and the group's tables it leaves out: no foreign key of the group involves them."""
    # A foreign key is drawn in its own table's diagram, with the table it references even from another layer.
    names = {c.name for c in group}
    edges = [(c, fk) for c in group for fk in c.foreign_keys]
    drawn = {c.name for c, _ in edges} | {fk.table for _, fk in edges}
    unknown = sorted(drawn - set(everything))
    if unknown:
        raise ValueError(f"foreign keys reference tables no contract declares: {', '.join(unknown)}")
    if not edges:
        return [], sorted(names)
    lines = ["```mermaid", "erDiagram"]
    for name in sorted(drawn):
        contract = everything[name]
        attributes = [_attribute(c, contract) for c in contract.columns if c.name not in LINEAGE]
        lines += [f"    {entity(name)} {{", *attributes, "    }"]
    edges.sort(key=lambda e: (e[0].name, e[1].table, e[1].columns))
    lines += [_relationship(c, fk) for c, fk in edges]
    return [*lines, "```"], sorted(names - drawn)


def erd(pipelines: Sequence[Pipeline]) -> str:
    """docs/erd.md: a Mermaid erDiagram per layer of each pipeline that declares foreign keys."""
    everything = {c.name: c for p in pipelines for c in p.tables}
    quarantines = set(quarantined_tables(everything.values()))
    body: list[str] = []
    undrawn_layers: list[str] = []
    for pipeline in pipelines:
        for layer, contracts in pipeline.layers():
            title = pipeline.layer_title(layer)
            diagram, left_out = _diagram(contracts, everything)
            if not diagram:
                undrawn_layers.append(f"- {title}: {len(contracts)} table{'s' if len(contracts) > 1 else ''}")
                continue
            left_out = [n for n in left_out if n not in quarantines]
            body += [f"## {title}", "", *diagram, ""]
            if left_out:
                tables = ", ".join(link(n, DICTIONARY_FILE) for n in left_out)
                body += [f"Not drawn, as no foreign key of this layer involves them: {tables}.", ""]
    lines = [
        "# Entity-relationship diagrams",
        "",
        GENERATED,
        "",
        "Drawn from the foreign keys the contracts declare, one diagram per layer of a pipeline. An entity is "
        "a table, `<schema>_<table>` (Mermaid names cannot hold dots); `PK` marks its key columns and `FK` "
        "its foreign-key columns. `}o--||` reads: many rows of the first table to exactly one of the second; "
        "`}o--o|`: to at most one, where the foreign key may be NULL. Types Mermaid cannot spell, "
        "`decimal(8,2)` or `array<string>`, are written `decimal_8_2` and `array_string`, with the type itself "
        "as the attribute's comment.",
        "",
        "Left out, to keep the diagrams readable: the lineage columns of conformed rows ("
        + ", ".join(f"`{c}`" for c in sorted(LINEAGE))
        + "), and tables no foreign key involves, such as the quarantine tables. "
        f"[{DICTIONARY_FILE}]({DICTIONARY_FILE}) describes every table and column. "
        "Layers no foreign key involves, so not drawn:",
        "",
        *undrawn_layers,
        "",
        *body,
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
