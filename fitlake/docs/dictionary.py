"""docs/data_dictionary.md: every table, pipeline by pipeline and layer by layer, with its columns, keys and
rules."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fitlake.contracts import ForeignKey, TableContract, not_null, unique_rule
from fitlake.docs.markdown import GENERATED, anchor, link
from fitlake.docs.pipelines import Pipeline, quarantined_tables


def _text(value: str) -> str:
    """Plain text: `<schema>` would be read as an HTML tag."""
    return value.replace("\n", " ").replace("<", "\\<")


def _row(*cells: str) -> str:
    """A table row: `|` inside a cell, code spans included, is escaped or GitHub reads a cell border."""
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _code(value: str) -> str:
    """An inline code span that holds any text, backticks included (SQL quotes identifiers with them)."""
    value = value.replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    padded = f" {value} " if value.startswith("`") or value.endswith("`") else value
    return f"{fence}{padded}{fence}"


def _names(columns: Sequence[str]) -> str:
    return ", ".join(_code(c) for c in columns) if columns else "none"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _foreign_key(fk: ForeignKey) -> str:
    return (
        f"{_names(fk.columns)} → {link(fk.table)} ({_names(fk.referenced_columns)}), "
        f"{fk.level}, checked as {_code(fk.rule)}"
    )


def _table_entry(contract: TableContract, owner: dict[str, str], quarantine: dict[str, str]) -> list[str]:
    lines = [f"#### {contract.name}", "", f"`<catalog>.{contract.name}`: {_text(contract.comment)}", ""]
    keys = _names(contract.keys) + (
        f", unique, checked as {_code(unique_rule(contract.keys))}" if contract.keys else ""
    )
    lines += [f"- Keys: {keys}", f"- Partitioned by: {_names(contract.partition_by)}"]
    lines += [f"- Foreign key: {_foreign_key(fk)}" for fk in contract.foreign_keys] or ["- Foreign keys: none"]
    if contract.name in quarantine:
        lines.append(f"- Rejected rows go to {link(quarantine[contract.name])}")
    if contract.name in owner:
        lines.append(f"- Quarantine of {link(owner[contract.name])}")
    lines += ["", "| column | type | nullable | personal data | comment |", "|---|---|---|---|---|"]
    lines += [
        _row(_code(c.name), _code(c.type), _yes(c.nullable), _yes(c.pii), _text(c.comment)) for c in contract.columns
    ]
    # A NOT NULL column's rule is said once, in the introduction, not again under every table.
    derived = {not_null(c.name).rule for c in contract.columns if not c.nullable}
    rules = [e for e in contract.row_expectations if e.rule not in derived]
    if rules:
        lines += ["", "| expectation | level | passes when (SQL) |", "|---|---|---|"]
        lines += [_row(_code(e.rule), e.level, _code(e.sql)) for e in rules]
    return [*lines, ""]


def data_dictionary(pipelines: Sequence[Pipeline]) -> str:
    """docs/data_dictionary.md: every table, layer by layer, with its columns, keys and rules."""
    tables = [c for p in pipelines for c in p.tables]
    owner = quarantined_tables(tables)
    quarantine = {table: q for q, table in owner.items()}
    lines = [
        "# Data dictionary",
        "",
        GENERATED,
        "",
        "Every table of the lakehouse, as its contract declares it. A table's full name is "
        "`<catalog>.<schema>.<table>`: the catalog is `FITLAKE_CATALOG` (default `fitlake`), and "
        "`FITLAKE_SCHEMA_PREFIX` goes before the schema (`dev_silver`). *Personal data* columns are "
        "encrypted in Bronze and in the clear only in `silver.member_pii`. Expectations are row rules, "
        "true for a row that passes; besides those listed, each column that is not nullable is checked as "
        "`not_null(<column>)`. Silver quarantines a row that breaks an `error` rule and Gold fails its build; "
        "a `warn` rule is only reported. `quality_checks` checks the Silver and Gold tables and records each "
        "rule, key and foreign key in `ops.dq_results` under the names used here. [erd.md](erd.md) draws the "
        "foreign keys.",
        "",
        "## Contents",
        "",
    ]
    for pipeline in pipelines:
        lines.append(f"- {pipeline.title}")
        for layer, contracts in pipeline.layers():
            lines.append(f"  - {layer.capitalize()}: {', '.join(link(c.name) for c in contracts)}")
    lines.append("")
    for pipeline in pipelines:
        lines += [f"## {pipeline.title}", ""]
        for layer, contracts in pipeline.layers():
            lines += [f"### {pipeline.layer_title(layer)}", ""]
            for contract in contracts:
                lines += _table_entry(contract, owner, quarantine)
    _check_anchors_unique(lines)
    return "\n".join(lines).rstrip("\n") + "\n"


def _check_anchors_unique(lines: Sequence[str]) -> None:
    headings = [anchor(line.lstrip("#").strip()) for line in lines if line.startswith("#")]
    repeated = sorted({a for a in headings if headings.count(a) > 1})
    if repeated:  # GitHub would suffix them, and the contents' links would point at the first
        raise ValueError(f"headings share anchors: {', '.join(repeated)}")
