"""CSV records from numbered lines, as RFC 4180 has them: a quoted field may hold commas, quotes ("") and line
breaks, so one record may span several lines; it is numbered by its first line and its raw text keeps them all.

A quote that opens and never closes (a damaged row) must not swallow the rows after it: a record spans lines
only when the quotes balance within `MAX_RECORD_LINES` lines and the span parses, strictly, into the header's
number of fields. Otherwise its first line alone is the record, kept with the reason it did not parse, and the
lines after it are read again as records of their own.

fitlake.landing hands quote-free CSV to the engine, which splits it on commas; this parser, for files with a
quote, gives the same fields for every quote-free line (a test holds both to it).
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterable, Iterator

from fitlake.landing_files import is_blank

# One parsed record: (line_number, raw, fields or None, parse_error or None).
ParsedLine = tuple[int, str, dict[str, str | None] | None, str | None]

MAX_RECORD_LINES = 1000


def header_names(header_line: str) -> list[str]:
    return next(csv.reader([header_line]))


def _fields(names: list[str], values: list[str]) -> tuple[dict[str, str | None] | None, str | None]:
    if len(values) != len(names):
        return None, f"expected {len(names)} fields, got {len(values)}"
    # Empty CSV fields are missing values: CSV cannot tell an empty string from none.
    return {k: (v if v != "" else None) for k, v in zip(names, values, strict=True)}, None


def parse_record(names: list[str], text: str) -> tuple[dict[str, str | None] | None, str | None]:
    """One record's text (perhaps several lines) against its file's header: (fields, None) or (None, why not)."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        return None, f"malformed CSV: {e}"
    if len(rows) != 1:
        return None, f"malformed CSV: {len(rows)} records in one"
    return _fields(names, rows[0])


def csv_records(names: list[str], lines: Iterable[tuple[int, str]]) -> Iterator[ParsedLine]:
    """The records of the data `lines` ((number, text), blank ones included) against the header `names`."""
    source = iter(lines)
    pushed_back: deque[tuple[int, str]] = deque()

    def pull() -> tuple[int, str] | None:
        return pushed_back.popleft() if pushed_back else next(source, None)

    while (item := pull()) is not None:
        number, line = item
        if is_blank(line):
            continue
        quotes = line.count('"')
        if not quotes:
            yield number, line, *_fields(names, line.split(","))
            continue
        if quotes % 2 == 0:
            yield number, line, *parse_record(names, line)
            continue
        # A quote is open at the end of the line: the record may go on over the next lines.
        following: list[tuple[int, str]] = []
        while quotes % 2 and len(following) + 1 < MAX_RECORD_LINES and (nxt := pull()) is not None:
            following.append(nxt)
            quotes += nxt[1].count('"')
        if quotes % 2 == 0:
            raw = "\n".join([line, *(text for _, text in following)])
            fields, error = parse_record(names, raw)
            if error is None:
                yield number, raw, fields, None
                continue
        pushed_back.extendleft(reversed(following))
        yield number, line, *parse_record(names, line)


def lines_of(pieces: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Numbered lines of numbered pieces of text (fitlake.landing_files.data_pieces)."""
    for first, piece in pieces:
        lines = piece.split("\n")
        if piece.endswith("\n"):
            lines.pop()
        yield from enumerate(lines, start=first)
