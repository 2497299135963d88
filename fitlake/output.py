"""How the `fitlake` commands print rows: a table for people to read, CSV or JSON for programs."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import typer


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def plain(value: object) -> object:
    """A value as CSV and JSON can hold it: dates as ISO text, decimals as floats."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def emit(columns: list[str], rows: list[list[object]], fmt: Format) -> None:
    """Print the rows as a table, as CSV with a header row, or as a JSON list of objects."""
    if fmt is Format.json:
        typer.echo(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=1))
    elif fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        print_table(columns, rows)


def print_table(columns: list[str], rows: list[list[object]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(*columns, show_lines=False)
    for r in rows:
        # Text, not str: rich would read a value like "[redacted]" as markup and print nothing.
        table.add_row(*[Text("" if v is None else str(v)) for v in r])
    Console(width=max(100, 14 * len(columns))).print(table)
    typer.echo(f"{len(rows)} rows")
