"""Turn columns of values into export lines with Arrow compute kernels, not a Python loop per row.

A day of a large gym is hundreds of thousands of records; formatting them one `json.dumps` at a time
would dominate the generator. Every function here takes and returns whole columns.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def strings(values) -> pa.Array:
    """Any column as text; None stays null."""
    arr = values if isinstance(values, pa.Array) else pa.array(values)
    return arr if pa.types.is_string(arr.type) else arr.cast(pa.string())


def join(*parts, sep: str = "") -> pa.Array:
    """Element-wise concatenation of columns and literal strings."""
    return pc.binary_join_element_wise(*parts, sep)


def zero_pad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(strings(np.asarray(values, dtype=np.int64)), width, "0")


def fixed(values: np.ndarray, decimals: int) -> pa.Array:
    """Numbers with exactly `decimals` places, as a source system prints money and measurements."""
    scaled = np.round(np.asarray(values, dtype=float) * 10**decimals).astype(np.int64)
    whole, frac = np.divmod(np.abs(scaled), 10**decimals)
    sign = pa.array(np.where(scaled < 0, "-", ""))
    if decimals == 0:
        return join(sign, strings(whole))
    return join(sign, strings(whole), ".", zero_pad(frac, decimals))


def timestamps(day: date, seconds: np.ndarray, fmt: str = "%Y-%m-%d %H:%M:%S") -> pa.Array:
    """`day` plus seconds (may spill into neighbouring days), formatted with strftime."""
    stamps = np.datetime64(day, "s") + np.asarray(seconds, dtype=np.int64).astype("timedelta64[s]")
    return pc.strftime(pa.array(stamps, type=pa.timestamp("s")), format=fmt)


def csv_field(values: pa.Array) -> pa.Array:
    """RFC 4180 quoting where a value needs it; nulls become empty fields."""
    data = values.buffers()[2] if pa.types.is_string(values.type) else None
    raw = data.to_pybytes() if data is not None else b""
    if not any(ch in raw for ch in (b",", b'"', b"\n")):
        return pc.fill_null(values, "")  # nothing to quote: skip the per-value regex
    needs = pc.match_substring_regex(values, '[,"\\n]')
    quoted = join('"', pc.replace_substring(values, '"', '""'), '"')
    return pc.fill_null(pc.if_else(needs, quoted, values), "")


def csv_lines(columns: dict[str, pa.Array]) -> tuple[str, pa.Array]:
    """The header and one line per record."""
    header = ",".join(csv_field(pa.array(list(columns))).to_pylist())
    return header, join(*(csv_field(strings(v)) for v in columns.values()), sep=",")


def json_lines(columns: dict[str, pa.Array], numeric: frozenset[str] = frozenset()) -> pa.Array:
    """One JSON object per record. Text values must not need escaping: exports with free text go to CSV."""
    parts: list = []
    for i, (name, values) in enumerate(columns.items()):
        text = strings(values)
        value = text if name in numeric else join('"', text, '"')
        parts += [("{" if i == 0 else ",") + f'"{name}":', pc.fill_null(value, "null")]
    return join(*parts, "}")


def to_bytes(lines: list[str], header: str | None = None, *, final_newline: bool = True) -> bytes:
    body = "\n".join(([header] if header is not None else []) + lines)
    return (body + "\n" if final_newline and body else body).encode("utf-8")
