"""A landing file as Python sees it before the engine does: its size and SHA-256, whether it is text the
pipeline can read at all, and its text with line endings normalised, in pieces of whole lines.

Every new or changed file is read here, streamed in 1 MiB chunks (memory holds a chunk, never the file), so
each file is checked and decoded the same way whatever its size. A file that is not UTF-8 text is not handed
to the engine: one bad byte there fails the whole step, and for every table, not just this file's.

Why a file is refused (`FileFacts.problem`), checked in this order:
  gzip_content                   the gzip magic bytes: a compressed export named .csv or .json
  binary_content at byte N       a NUL byte (text exports have none)
  not_utf8 at byte N             the first byte that is not valid UTF-8
  malformed_header               CSV: the header line does not parse
  empty_header_column(N)         CSV: the header's Nth name is empty (`id,,name`, a trailing comma)
  duplicate_header_column(name)  CSV: the header names a column twice, so its values could not be told apart
  header_too_long                CSV: no line break in the first MiB, so no header line
N is the byte's 0-based offset in the file, as `xxd` or `od -A d` show it.

Normalised text: a leading UTF-8 byte order mark (Excel's "CSV UTF-8") is dropped, and CR LF (Windows) and a
lone CR (old Mac Excel) become LF, so a line is what any of the three calls a line and its number is the
physical line's. A line holding nothing but spaces is blank: not a record, but counted in the numbering.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Format = Literal["csv", "jsonl"]

CHUNK_BYTES = 1 << 20
# Staged pieces are bigger: the engine splits each one, and fewer, larger rows cost it less.
PIECE_BYTES = 8 << 20
GZIP_MAGIC = b"\x1f\x8b"
# A header line is a list of names: one longer than this is not a header (and is not held in memory).
HEADER_MAX_CHARS = 1 << 20
BOM = "\ufeff"


@dataclass(frozen=True)
class FileFacts:
    """What one streaming pass over a file found."""

    size: int
    sha256: str
    # Why the file cannot be ingested (see the module docstring), or None.
    problem: str | None
    # Physical lines (LF, CR LF or CR each end one; an unterminated last line counts).
    lines: int
    has_quote: bool
    # SHA-256 of the first `prefix` bytes and whether they end at a line break, when a prefix was asked for.
    prefix_sha256: str | None = None
    prefix_ends_line: bool = False


def is_blank(line: str) -> bool:
    """A line that is not a record: only spaces (the engine's `trim` removes spaces and nothing else)."""
    return not line.strip(" ")


def header_problem(header_line: str) -> str | None:
    """Why a CSV header cannot name a file's columns, or None."""
    try:
        names = next(csv.reader([header_line], strict=True))
    except csv.Error:
        return "malformed_header"
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if name == "":
            return f"empty_header_column({position})"
        if name in seen:
            return f"duplicate_header_column({name})"
        seen.add(name)
    return None


def first_line(text: str, complete: bool) -> str | None:
    """The first non-blank line of `text`; its last line counts only if `complete` (else it may go on)."""
    position = 0
    while (end := text.find("\n", position)) >= 0:
        if not is_blank(text[position:end]):
            return text[position:end]
        position = end + 1
    rest = text[position:]
    return rest if complete and not is_blank(rest) else None


@dataclass
class _Scan:
    """The state of one pass: decoding stops at the first problem; hashing and counting go on to the end."""

    fmt: Format
    problem: str | None = None
    has_quote: bool = False
    line_feeds: int = 0
    carriage_returns: int = 0
    crlf: int = 0
    last_byte: bytes = b""
    head: str = ""  # CSV: decoded text until the header line is complete
    header_checked: bool = False
    decoder: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")())

    def count(self, chunk: bytes) -> None:
        self.line_feeds += chunk.count(b"\n")
        self.carriage_returns += chunk.count(b"\r")
        self.crlf += chunk.count(b"\r\n") + (self.last_byte == b"\r" and chunk[:1] == b"\n")
        self.has_quote = self.has_quote or b'"' in chunk
        self.last_byte = chunk[-1:]

    def decode(self, chunk: bytes, offset: int, final: bool = False) -> None:
        """Check `chunk` (starting at byte `offset`) is NUL-free UTF-8; for CSV, check the header once it is read."""
        if self.problem:
            return
        pending = len(self.decoder.getstate()[0])
        found = chunk.find(b"\0")
        nul = offset + found if found >= 0 else None
        try:
            text = self.decoder.decode(chunk, final)
        except UnicodeDecodeError as e:
            bad = offset - pending + e.start
            binary_first = nul is not None and nul < bad
            self.problem = f"binary_content at byte {nul}" if binary_first else f"not_utf8 at byte {bad}"
            return
        if nul is not None:
            self.problem = f"binary_content at byte {nul}"
            return
        if self.fmt == "csv" and not self.header_checked:
            self._check_header(text, final)

    def _check_header(self, text: str, final: bool) -> None:
        self.head = normalised(self.head + text)
        header = first_line(self.head.lstrip(BOM), final)
        if header is not None or final:
            self.header_checked = True
            self.problem = header_problem(header) if header is not None else None
            self.head = ""
        elif len(self.head) > HEADER_MAX_CHARS:
            self.header_checked = True
            self.problem = "header_too_long"

    @property
    def lines(self) -> int:
        breaks = self.line_feeds + self.carriage_returns - self.crlf
        return breaks + (self.last_byte not in (b"", b"\n", b"\r"))


def inspect_file(path: Path, fmt: Format, prefix: int | None = None) -> FileFacts:
    """Stream `path` once: its size, SHA-256, line count and why it cannot be read, if it cannot; with `prefix`,
    also the SHA-256 of its first `prefix` bytes and whether they end at a line break (an append's test)."""
    digest, prefix_digest = hashlib.sha256(), None
    scan = _Scan(fmt)
    offset = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            if offset == 0 and chunk.startswith(GZIP_MAGIC):
                scan.problem = "gzip_content"
            if prefix is not None and offset < prefix <= offset + len(chunk):
                prefix_digest = digest.copy()
                prefix_digest.update(chunk[: prefix - offset])
            digest.update(chunk)
            scan.count(chunk)
            scan.decode(chunk, offset)
            offset += len(chunk)
        scan.decode(b"", offset, final=True)
        ends_line = False
        if prefix_digest is not None and prefix > 0:
            f.seek(prefix - 1)
            around = f.read(2)  # the prefix's last byte and the one after it
            ends_line = around[:1] == b"\n" or (around[:1] == b"\r" and around[1:2] != b"\n")
    return FileFacts(
        size=offset,
        sha256=digest.hexdigest(),
        problem=scan.problem,
        lines=scan.lines,
        has_quote=scan.has_quote,
        prefix_sha256=prefix_digest.hexdigest() if prefix_digest else None,
        prefix_ends_line=ends_line,
    )


def has_quote(path: Path) -> bool:
    with path.open("rb") as f:
        return any(b'"' in chunk for chunk in iter(lambda: f.read(CHUNK_BYTES), b""))


def normalised(text: str) -> str:
    """Line breaks as LF: CR LF and a lone CR each become one LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def text_pieces(path: Path, piece_bytes: int | None = None) -> Iterator[tuple[int, str]]:
    """The file's normalised text as (number of the piece's first line, text) in pieces of whole lines, each
    ending with LF but perhaps the last; streamed, so memory holds one piece (`PIECE_BYTES` by default)."""
    piece_bytes = piece_bytes or PIECE_BYTES
    decoder = codecs.getincrementaldecoder("utf-8")()
    carry, first_line, start = "", 1, True
    with path.open("rb") as f:
        while True:
            chunk = f.read(piece_bytes)
            text = carry + decoder.decode(chunk, final=not chunk)
            if start:
                text, start = text.removeprefix(BOM), False
            if not chunk:
                if text:
                    yield first_line, normalised(text)
                return
            # A CR at the end may be the first half of a CR LF: keep it for the next piece.
            held = "\r" if text.endswith("\r") else ""
            body = text[:-1] if held else text
            cut = max(body.rfind("\n"), body.rfind("\r")) + 1
            carry = body[cut:] + held
            if cut:
                piece = normalised(body[:cut])
                yield first_line, piece
                first_line += piece.count("\n")


def skip_lines(piece: str, count: int) -> str:
    """`piece` without its first `count` lines."""
    position = 0
    for _ in range(count):
        position = piece.find("\n", position) + 1
        if position == 0:
            return ""
    return piece[position:]


def data_pieces(path: Path, fmt: Format, from_line: int = 1) -> tuple[str | None, Iterator[tuple[int, str]]]:
    """(the CSV header line or None, the pieces of text holding the data lines numbered `from_line` on).

    A CSV file's header is its first non-blank line, wherever `from_line` starts (an append is read from the
    line after the last one ingested, against the header the file began with).
    """
    pieces = text_pieces(path)
    header: str | None = None
    if fmt == "csv":
        for first, piece in pieces:
            number, position = first, 0
            while position < len(piece):
                end = piece.find("\n", position)
                end = len(piece) if end < 0 else end
                line = piece[position:end]
                position = end + 1
                if not is_blank(line):
                    header = line
                    rest = ((number + 1, piece[position:]),)
                    return header, _from_line(_chain(rest, pieces), max(from_line, number + 1))
                number += 1
        return None, iter(())
    return None, _from_line(pieces, from_line)


def _chain(first: tuple[tuple[int, str], ...], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield from first
    yield from rest


def _from_line(pieces: Iterator[tuple[int, str]], from_line: int) -> Iterator[tuple[int, str]]:
    for first, piece in pieces:
        lines = piece.count("\n") + (not piece.endswith("\n"))
        if first + lines <= from_line:
            continue
        if first < from_line:
            piece, first = skip_lines(piece, from_line - first), from_line
        if piece:
            yield first, piece
