"""Which SQL an analyst may run: one read-only query, checked before any engine sees it.

`fitlake sql` (and the serving API after it) runs SQL typed by people who read the lakehouse, never write
it: the pipeline's own identity is the only writer. Sail 0.7.2 has no grants, so the check is ours, on the
query's syntax tree (sqlglot, Databricks dialect), walked whole: a write or a file read nested in a CTE, a
subquery or a set operation is found as surely as one at the top. It fails closed: a query that sqlglot cannot
parse, or a statement it only knows as an opaque command, is refused, with the reason.

Accepted: SELECT (with WITH, subqueries, set operations, VALUES), EXPLAIN of such a query, SHOW (tables,
schemas, columns, ...) and DESCRIBE. Refused: every write (INSERT, UPDATE, DELETE, MERGE, COPY INTO, LOAD
DATA), DDL (CREATE, CTAS included, DROP, ALTER, TRUNCATE), session and cache statements (SET, USE, CACHE, ADD
JAR, REFRESH, ...), Delta maintenance (OPTIMIZE, VACUUM, RESTORE), more than one statement, and reading files
by path: `text.`/etc/passwd``, `parquet.`...``, `read_files(...)`, which would bypass the catalog (and read
`<home>/_secrets/` as easily as a table).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

DIALECT = "databricks"
ACCEPTED = "SELECT, WITH, VALUES, EXPLAIN, SHOW, DESCRIBE"

# `<format>.<path>` reads files when <format> is a data source the engine knows (Spark's "SQL on files"; Sail
# checks its format registry). Sail's registry and Spark's built-in sources, lower case; a name that is a path
# is refused whatever its qualifier (below).
FILE_FORMATS = frozenset(
    {
        "arrow", "avro", "binary", "binaryfile", "console", "csv", "delta", "hive", "hudi", "iceberg", "image",
        "jdbc", "json", "jsonl", "libsvm", "noop", "orc", "parquet", "rate", "socket", "text", "xml",
    }
)  # fmt: skip
# Table-valued functions that compute rows rather than read them; any other in FROM, JOIN or LATERAL is refused,
# and anywhere at all those that read files or name a table in a string (identifier('text.`/x`') reads the file).
FILE_READERS = frozenset({"read_files", "cloud_files", "identifier"})
ROW_GENERATORS = frozenset(
    {"range", "explode", "explode_outer", "posexplode", "posexplode_outer", "inline", "inline_outer", "stack",
     "json_tuple"}
)  # fmt: skip
# Functions that run code outside SQL: JVM methods (Spark), a shell command (TRANSFORM ... USING is a node).
CODE_RUNNERS = frozenset({"reflect", "java_method", "try_reflect"})
# SHOW statements are read-only in Spark; sqlglot keeps them as text, so the kind is checked by name.
SHOW_KINDS = frozenset(
    {"tables", "table", "views", "databases", "schemas", "namespaces", "catalogs", "columns", "create",
     "tblproperties", "functions", "user", "system", "all", "partitions"}
)  # fmt: skip
EXPLAIN_MODES = frozenset({"extended", "codegen", "cost", "formatted"})

_QUERY_ROOTS = (exp.Select, exp.SetOperation, exp.Values, exp.Subquery, exp.Describe)
# Statements that are not queries, by sqlglot node: the name a refusal gives it and what it does.
_STATEMENTS: dict[type[exp.Expression], tuple[str, str]] = {
    exp.Insert: ("INSERT", "writes to a table"),
    exp.Update: ("UPDATE", "writes to a table"),
    exp.Delete: ("DELETE", "writes to a table"),
    exp.Merge: ("MERGE", "writes to a table"),
    exp.Copy: ("COPY INTO", "writes to a table"),
    exp.LoadData: ("LOAD DATA", "writes to a table"),
    exp.Create: ("CREATE", "changes the catalog"),
    exp.Drop: ("DROP", "changes the catalog"),
    exp.Alter: ("ALTER", "changes the catalog"),
    exp.TruncateTable: ("TRUNCATE TABLE", "deletes a table's rows"),
    exp.Analyze: ("ANALYZE", "writes table statistics"),
    exp.Grant: ("GRANT", "changes permissions"),
    exp.Revoke: ("REVOKE", "changes permissions"),
    exp.Cache: ("CACHE", "changes the session"),
    exp.Uncache: ("UNCACHE", "changes the session"),
    exp.Set: ("SET", "changes the session"),
    exp.Use: ("USE", "changes the session"),
    exp.Refresh: ("REFRESH", "changes the session"),
    exp.Declare: ("DECLARE", "changes the session"),
}
_TWO_WORD_COMMANDS = frozenset({"ADD", "LIST", "MSCK", "EXECUTE", "RESTORE"})
_PATH_CHARACTERS = re.compile(r"[/\\:~]")


def why_refused(sql: str) -> str | None:
    """None when `sql` is one read-only query; otherwise one line saying what was refused and why."""
    try:
        with _quiet_sqlglot():
            statements = [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except ParseError as e:
        return f"it does not parse as Spark SQL, so it cannot be checked: {_parse_error(e)}"
    except (SqlglotError, RecursionError) as e:
        return f"it does not parse as Spark SQL, so it cannot be checked: {_one_line(str(e) or type(e).__name__)}"
    if not statements:
        return "there is no query in it"
    if len(statements) > 1:
        return f"it holds {len(statements)} statements; run one query at a time"
    return _refusal(statements[0], sql)


def _refusal(statement: exp.Expression, sql: str) -> str | None:
    if isinstance(statement, exp.Command):
        return _command_refusal(statement)
    if not isinstance(statement, _QUERY_ROOTS):
        return _statement_refusal(statement, _first_word(sql))
    for node in statement.walk():
        if isinstance(node, exp.Table):
            if refused := _table_refusal(node):
                return refused
        elif isinstance(node, (exp.DDL, exp.DML, exp.Command, *_STATEMENTS)):
            return _statement_refusal(node)
        elif isinstance(node, exp.QueryTransform):
            return "TRANSFORM ... USING runs a command on the server"
        elif isinstance(node, exp.Parameter):
            return f"{node.sql(DIALECT)}: variable substitution changes the query after it is checked"
        elif isinstance(node, exp.Func) and (refused := _function_refusal(node)):
            return refused
    return None


def _function_refusal(function: exp.Func) -> str | None:
    name = _function_name(function)
    if name in CODE_RUNNERS:
        return f"{name}() runs code outside SQL"
    as_table = isinstance(function.parent, exp.Table | exp.Lateral) and name not in ROW_GENERATORS
    if as_table or name in FILE_READERS or name.startswith("read_"):
        return f"table function {name}(...) is not allowed: it reads files or names tables unchecked"
    return None


def _statement_refusal(node: exp.Expression, typed: str = "") -> str:
    """`typed`: the statement's first word, for one sqlglot took for an expression (`RESET` as a column)."""
    name, effect = next(
        (v for k, v in _STATEMENTS.items() if isinstance(node, k)),
        (typed or type(node).__name__.upper(), "is not a query"),
    )
    if isinstance(node, exp.Command):  # kept as text by sqlglot: OPTIMIZE, VACUUM, ADD JAR, EXECUTE IMMEDIATE
        words = [str(node.this), *node.text("expression").split()[:1]]
        name = " ".join(words if words[0].upper() in _TWO_WORD_COMMANDS else words[:1]).upper()
    elif kind := node.args.get("kind"):  # CREATE TABLE, DROP VIEW
        name = f"{name} {kind}".upper() if isinstance(kind, str) else name
    return f"{name} {effect}; fitlake sql runs one read-only query ({ACCEPTED})"


def _table_refusal(table: exp.Table) -> str | None:
    source = table.this  # a table function is checked as a function
    qualifiers = [part.name for part in (table.args.get("catalog"), table.args.get("db")) if part is not None]
    shown = ".".join(part.sql(DIALECT) for part in table.parts)
    if any(q.lower() in FILE_FORMATS for q in qualifiers):
        return f"{shown} reads files directly, bypassing the catalog; query tables by <schema>.<table>"
    if isinstance(source, exp.Identifier) and _PATH_CHARACTERS.search(source.name):
        return f"{shown} names a path, not a table; query tables by <schema>.<table>"
    return None


def _command_refusal(command: exp.Command) -> str | None:
    """EXPLAIN and SHOW, which sqlglot's Databricks dialect keeps as text: the rest is checked by hand."""
    keyword, rest = str(command.this).upper(), command.text("expression").strip()
    if keyword == "EXPLAIN":
        words = rest.split(maxsplit=1)
        explained = words[1] if len(words) == 2 and words[0].lower() in EXPLAIN_MODES else rest
        refused = why_refused(explained)
        return f"EXPLAIN of a statement that is refused: {refused}" if refused else None
    if keyword == "SHOW":
        kind = rest.split(maxsplit=1)[0].lower() if rest else ""
        if kind not in SHOW_KINDS:
            return f"SHOW {kind.upper() or 'without what to show'} is not a SHOW fitlake sql knows to be read-only"
        return _show_refusal(rest)
    return _statement_refusal(command)


def _show_refusal(rest: str) -> str | None:
    """A SHOW naming a table by path (`SHOW COLUMNS IN delta.`/x``) reads files: refuse `<format>.` and paths."""
    try:
        tokens = sqlglot.tokenize(rest, read=DIALECT)
    except SqlglotError as e:
        return f"it does not parse as Spark SQL, so it cannot be checked: {_one_line(str(e))}"
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        dotted = following is not None and following.token_type.name == "DOT"
        if dotted and token.text.lower() in FILE_FORMATS:
            return f"SHOW {rest.split()[0].upper()} on {token.text}.`...` reads files directly, bypassing the catalog"
        if token.token_type.name == "IDENTIFIER" and _PATH_CHARACTERS.search(token.text):
            return f"`{token.text}` names a path, not a table; query tables by <schema>.<table>"
    return None


def _first_word(sql: str) -> str:
    tokens = sqlglot.tokenize(sql, read=DIALECT)  # comments are not tokens
    return tokens[0].text.upper() if tokens else ""


def _function_name(node: exp.Func) -> str:
    return (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()


def _parse_error(error: ParseError) -> str:
    if not error.errors:
        return _one_line(str(error))
    first = error.errors[0]
    near = _one_line(f"{first.get('start_context', '')}{first.get('highlight', '')}")
    return f"{first.get('description')} at line {first.get('line')}, column {first.get('col')}, near {near!r}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning when it keeps a statement as an opaque command; the caller reports it instead."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
