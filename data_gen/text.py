"""Turn columns of values into export lines with Arrow compute kernels, not a Python loop per row.

A day of a large gym is hundreds of thousands of records; formatting them one `json.dumps` at a time
would dominate the generator. Every function here takes and returns whole columns.
"""

from __future__ import annotations

from datetime import date, timedelta

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


# "HH:MM:SS" for every second of a day: taking from it is much faster than strftime per value.
_CLOCK = pa.array([f"{h:02d}:{m:02d}:{sec:02d}" for h in range(24) for m in range(60) for sec in range(60)])
# Formats built from a date, a separator, the clock and a suffix.
_LAYOUTS = {"%Y-%m-%d %H:%M:%S": (" ", ""), "%Y-%m-%dT%H:%M:%SZ": ("T", "Z")}


def timestamps(day: date, seconds: np.ndarray, fmt: str = "%Y-%m-%d %H:%M:%S") -> pa.Array:
    """`day` plus seconds (may spill into neighbouring days), formatted with `fmt`."""
    seconds = np.asarray(seconds, dtype=np.int64)
    if fmt not in _LAYOUTS or not len(seconds):
        stamps = np.datetime64(day, "s") + seconds.astype("timedelta64[s]")
        return pc.strftime(pa.array(stamps, type=pa.timestamp("s")), format=fmt)
    sep, suffix = _LAYOUTS[fmt]
    days = seconds // 86400
    first = int(days.min())
    dates = pa.array([(day + timedelta(days=d)).isoformat() for d in range(first, int(days.max()) + 1)])
    return join(dates.take(pa.array(days - first)), sep, _CLOCK.take(pa.array(seconds % 86400)), suffix)


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


def to_bytes(lines: pa.Array, header: str | None = None, *, final_newline: bool = True) -> bytes:
    """The file: header, then the lines, joined by Arrow in one pass."""
    if header is not None:
        lines = pa.concat_arrays([pa.array([header]), lines])
    if not len(lines):
        return b""
    whole = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines), "\n")
    return whole[0].as_buffer().to_pybytes() + (b"\n" if final_newline else b"")
