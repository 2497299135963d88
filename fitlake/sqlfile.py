"""A file of SQL queries, each introduced by a `-- name: ...` comment line and ended by `;` at a line's end.

-- name: top_instructors_this_week
-- The question it answers, in words.
SELECT ...;
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fitlake.errors import UsageError

_NAME = re.compile(r"^--\s*name:\s*(\S+)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str


def named_queries(text: str) -> list[NamedQuery]:
    """The file's queries in order; a query without a name, a name used twice or SQL after the last `;` is an error."""
    queries: list[NamedQuery] = []
    name, notes, body = None, [], []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if match := _NAME.match(stripped):
            if body:
                raise UsageError(f"line {number}: query {name or '(unnamed)'} has no ';' before the next name")
            name, notes = match.group(1), []
        elif stripped.startswith("--") and not body:
            notes.append(stripped.removeprefix("--").strip())
        elif stripped:
            if name is None:
                raise UsageError(f"line {number}: SQL before any '-- name: ...' line")
            body.append(line)
            if stripped.endswith(";"):
                if name in {q.name for q in queries}:
                    raise UsageError(f"line {number}: query name {name} is used twice")
                queries.append(NamedQuery(name, " ".join(notes), "\n".join(body).strip().removesuffix(";")))
                name, notes, body = None, [], []
    if body:
        raise UsageError(f"query {name} does not end with ';'")
    return queries
