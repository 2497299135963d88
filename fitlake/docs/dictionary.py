"""docs/data_dictionary.md: every table, pipeline by pipeline and layer by layer, with its columns, keys and
rules."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from fitlake.contracts import Expectation, ForeignKey, QuarantineLimit, TableContract, not_null, unique_rule
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


def _table_entry(
    contract: TableContract, owner: dict[str, str], quarantine: dict[str, str], judged_by: dict[str, TableContract]
) -> list[str]:
    lines = [f"#### {contract.name}", "", f"`<catalog>.{contract.name}`: {_text(contract.comment)}", ""]
    keys = _names(contract.keys) + (
        f", unique, checked as {_code(unique_rule(contract.keys))}" if contract.keys else ""
    )
    lines += [f"- Keys: {keys}", f"- Partitioned by: {_names(contract.partition_by)}"]
    lines += [f"- Foreign key: {_foreign_key(fk)}" for fk in contract.foreign_keys] or ["- Foreign keys: none"]
    if contract.name in quarantine:
        lines.append(f"- Rejected rows go to {link(quarantine[contract.name])}")
        lines.append(f"- Quarantine limit: {_quarantine_limit(contract.quarantine_limit)}")
    if contract.name in owner:
        lines.append(f"- Quarantine of {link(owner[contract.name])}")
    lines += ["", "| column | type | nullable | personal data | comment |", "|---|---|---|---|---|"]
    lines += [
        _row(_code(c.name), _code(c.type), _yes(c.nullable), _yes(c.pii), _text(c.comment)) for c in contract.columns
    ]
    if contract.name in quarantine:
        lines += _quarantine_rules(contract, judged_by)
    else:
        # A NOT NULL column's rule is said once, in the introduction, not again under every table.
        derived = {not_null(c.name).rule for c in contract.columns if not c.nullable}
        rules = [e for e in contract.row_expectations if e.rule not in derived]
        if rules:
            lines += ["", "| expectation | level | passes when (SQL) |", "|---|---|---|"]
            lines += [_row(_code(e.rule), e.level, _passes_when(e)) for e in rules]
    return [*lines, ""]


def _quarantine_limit(limit: QuarantineLimit) -> str:
    return (
        f"the build fails above {limit.fail_above * 100:g}% of a landing file's rows quarantined (files of "
        f"{limit.judged_from_rows:,} rows or more; all of them, from {limit.all_quarantined_from_rows:,} rows), "
        f"and warns above {limit.warn_above * 100:g}% of the table's rows"
    )


# Prose and lists are wrapped: a line of the dictionary stays readable in a diff.
LINE_WIDTH = 120


def _wrapped(text: str, **indents: str) -> list[str]:
    """Lines of at most LINE_WIDTH, broken at spaces only: never inside a link or a code span's word."""
    return textwrap.wrap(text, LINE_WIDTH, break_long_words=False, break_on_hyphens=False, **indents)


TIER_NAMES = ("1 record", "2 parsing", "3 contract")
# An in_set rule listing more values than this shows how many and what they are, not each one.
MAX_LISTED_VALUES = 20


def _passes_when(e: Expectation) -> str:
    if e.kind == "in_set" and (e.values_named or len(e.params) > MAX_LISTED_VALUES):
        values = f"{len(e.params)} {e.values_named or 'values'}"
        return f"{_code(e.columns[0])} is NULL or one of the {values}"
    return _code(e.sql)


def _quarantine_rules(contract: TableContract, judged_by: dict[str, TableContract]) -> list[str]:
    """Every rule a row of this Silver table is quarantined for, tier by tier, and which copy of a key is kept."""
    judge = judged_by.get(contract.name, contract)
    lines = [""]
    if judge is not contract:
        lines += [f"Rows are judged by the rules of {link(judge.name)}, whose rows these are.", ""]
    if judge.keep is not None:
        lines += [f"Rows sharing the keys: {_text(judge.keep.describe())}.", ""]
    lines += [
        "A row is quarantined, with the rules it broke, when it breaks an `error` rule below; a `warn` rule is "
        "only reported. Rules are checked tier by tier, and a row is reported for the first tier it fails.",
        "",
        "| rule | tier | level | passes when (SQL) |",
        "|---|---|---|---|",
    ]
    for tier, rules in zip(TIER_NAMES, judge.rule_tiers(), strict=True):
        lines += [_row(_code(e.rule), tier, e.level, _passes_when(e)) for e in rules]
    return lines


def data_dictionary(pipelines: Sequence[Pipeline]) -> str:
    """docs/data_dictionary.md: every table, layer by layer, with its columns, keys and rules."""
    tables = [c for p in pipelines for c in p.tables]
    owner = quarantined_tables(tables)
    quarantine = {table: q for q, table in owner.items()}
    by_name = {c.name: c for c in tables}
    judged_by = {c.name: by_name[c.judged_by] for c in tables if c.judged_by}
    lines = [
        "# Data dictionary",
        "",
        GENERATED,
        "",
        *_wrapped(
            "Every table of the lakehouse, as its contract declares it. A table's full name is "
            "`<catalog>.<schema>.<table>`: the catalog is `FITLAKE_CATALOG` (default `fitlake`), and "
            "`FITLAKE_SCHEMA_PREFIX` goes before the schema (`dev_silver`). *Personal data* columns are "
            "encrypted in Bronze and in the clear only in `silver.member_pii`. Expectations are row rules, "
            "true for a row that passes. A Silver table lists every rule a row can be quarantined for: whether "
            "the line is a record, whether its file has the Bronze source's required fields (a field marked "
            "*required* in Bronze, under its name or an alias the comment lists, else `missing_column(<field>)`), "
            "whether its fields parse, then its references and the table's own rules, "
            "each column that is not nullable included. Elsewhere, besides the rules listed, each column that is "
            "not nullable is checked as `not_null(<column>)`, and Gold fails its build on a broken `error` rule; "
            "a `warn` rule is only reported. `quality_checks` checks the Silver and Gold tables and records each "
            "rule, key and foreign key in `ops.dq_results` under the names used here. [erd.md](erd.md) draws the "
            "foreign keys."
        ),
        "",
        "## Contents",
        "",
    ]
    for pipeline in pipelines:
        lines.append(f"- {pipeline.title}")
        for layer, contracts in pipeline.layers():
            entry = f"{layer.capitalize()}: {', '.join(link(c.name) for c in contracts)}"
            lines += _wrapped(entry, initial_indent="  - ", subsequent_indent="    ")
    lines.append("")
    for pipeline in pipelines:
        lines += [f"## {pipeline.title}", ""]
        for layer, contracts in pipeline.layers():
            lines += [f"### {pipeline.layer_title(layer)}", ""]
            for contract in contracts:
                lines += _table_entry(contract, owner, quarantine, judged_by)
    _check_anchors_unique(lines)
    return "\n".join(lines).rstrip("\n") + "\n"


def _check_anchors_unique(lines: Sequence[str]) -> None:
    headings = [anchor(line.lstrip("#").strip()) for line in lines if line.startswith("#")]
    repeated = sorted({a for a in headings if headings.count(a) > 1})
    if repeated:  # GitHub would suffix them, and the contents' links would point at the first
        raise ValueError(f"headings share anchors: {', '.join(repeated)}")
