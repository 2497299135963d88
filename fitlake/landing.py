"""Read raw landing files line by line, keeping every line: parsed fields, or the reason it did not parse.

Sail has no PERMISSIVE mode (one malformed CSV row fails the whole read) and no input_file_name(), so
each file is read whole with its path as a literal and split into numbered lines. JSON lines are
parsed by the engine (from_json into a map is NULL exactly when a line is not a JSON object); CSV rows
need a quote-aware parser, so a Python UDF parses them against the file's header. The same code runs
on Databricks.

Layout: <home>/landing/<source>/<yyyy-mm-dd>/part-*.{csv,json}; a source exported differently names its
own file pattern (STEDI: <landing>/customer/landing/*.json). Paths are stored relative to the landing
folder, so a lakehouse folder can move without re-ingesting its files.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

Format = Literal["csv", "jsonl"]
EXTENSIONS: dict[str, str] = {"csv": ".csv", "jsonl": ".json"}

# One parsed line: (line_number, raw, fields or None, parse_error or None).
ParsedLine = tuple[int, str, dict[str, str | None] | None, str | None]

LINES_SCHEMA = T.ArrayType(
    T.StructType(
        [
            T.StructField("_line_number", T.IntegerType(), False),
            T.StructField("_raw", T.StringType(), False),
            T.StructField("_fields", T.MapType(T.StringType(), T.StringType()), True),
            T.StructField("_parse_error", T.StringType(), True),
        ]
    )
)


@dataclass(frozen=True)
class LandingSource:
    folder: str
    format: Format
    # Glob of the source's files under `folder`; by default FitLake's layout, a folder per day.
    pattern: str | None = None

    def files(self, landing_root: Path) -> list[str]:
        """Landing files of this source, relative to the landing folder, in name order."""
        base = landing_root / self.folder
        pattern = self.pattern or f"*/*{EXTENSIONS[self.format]}"
        return sorted(p.relative_to(landing_root).as_posix() for p in base.glob(pattern) if p.is_file())


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; a trailing newline or a CR before LF is not data."""
    return [(number, line.rstrip("\r")) for number, line in enumerate(text.split("\n"), start=1) if line.strip()]


def parse_csv(text: str) -> list[ParsedLine]:
    """Rows of a CSV file with a header line; a row with the wrong number of fields is kept as an error.

    Empty fields become NULL: CSV cannot tell an empty string from a missing value.
    """
    lines = _lines(text)
    if not lines:
        return []
    header = next(csv.reader([lines[0][1]]))
    parsed: list[ParsedLine] = []
    for number, line in lines[1:]:
        try:
            values = next(csv.reader([line], strict=True))
        except csv.Error as e:
            parsed.append((number, line, None, f"malformed CSV: {e}"))
            continue
        if len(values) != len(header):
            parsed.append((number, line, None, f"expected {len(header)} fields, got {len(values)}"))
            continue
        parsed.append((number, line, {k: (v if v != "" else None) for k, v in zip(header, values, strict=True)}, None))
    return parsed


def _balanced_union(frames: list[DataFrame]) -> DataFrame:
    # A left-deep chain of hundreds of unions overflows Sail's stack (segfault at 365 files);
    # pairing them keeps the plan log2(n) deep.
    while len(frames) > 1:
        frames = [
            frames[i].unionByName(frames[i + 1]) if i + 1 < len(frames) else frames[i] for i in range(0, len(frames), 2)
        ]
    return frames[0]


# Sail 0.7.2 splits a file over 1 MiB into byte ranges even with wholetext=True (one row per range), which
# would restart line numbers and take a data line for the header. Such files are read here and handed to
# the engine whole through a Parquet file in a staging folder: as local data in the plan they would all
# travel in one gRPC message, which the Connect client caps at 128 MiB (a medium backfill's 730 check-in
# files are 766 MB). Smaller files stay with the engine's own reader.
WHOLE_TEXT_MAX_BYTES = 1 << 20
WHOLE_FILES_SCHEMA = pa.schema([("_source_file", pa.string()), ("value", pa.large_string())])


def _stage_whole_files(landing_root: Path, files: list[str], staging: Path) -> Path:
    """Write each file's text as one row of a Parquet file (a row group per file, so memory holds one file)."""
    staging.mkdir(parents=True, exist_ok=True)
    target = staging / "whole_files.parquet"
    with pq.ParquetWriter(target, WHOLE_FILES_SCHEMA) as writer:
        for f in files:
            text = (landing_root / f).read_text(encoding="utf-8", errors="replace")
            writer.write_table(pa.table({"_source_file": [f], "value": [text]}, schema=WHOLE_FILES_SCHEMA))
    return target


def _whole_files(spark: SparkSession, landing_root: Path, files: list[str], staging: Path) -> DataFrame:
    """One row per file: `_source_file` and its whole text as `value`."""
    big = {f for f in files if (landing_root / f).stat().st_size > WHOLE_TEXT_MAX_BYTES}
    frames = [
        spark.read.text(str(landing_root / f), wholetext=True).select(F.lit(f).alias("_source_file"), "value")
        for f in files
        if f not in big
    ]
    if big:
        staged = spark.read.parquet(str(_stage_whole_files(landing_root, sorted(big), staging)))
        frames.append(staged.select("_source_file", F.col("value").cast("string").alias("value")))
    return _balanced_union(frames)


def jsonl_lines(files: DataFrame) -> DataFrame:
    lines = files.select("_source_file", F.posexplode(F.split("value", "\n")).alias("index", "line"))
    raw = F.regexp_replace("line", "\r$", "")
    fields = F.from_json(raw, "map<string,string>")
    return lines.filter(F.trim("line") != "").select(
        "_source_file",
        (F.col("index") + 1).cast("int").alias("_line_number"),
        raw.alias("_raw"),
        fields.alias("_fields"),
        F.when(fields.isNull(), F.lit("malformed JSON: not a JSON object")).alias("_parse_error"),
    )


def parse_csv_line(header: str, line: str) -> tuple[dict[str, str | None] | None, str | None]:
    """One quoted CSV row against its file's header: (fields, None) or (None, why it did not parse)."""
    names = next(csv.reader([header]))
    try:
        values = next(csv.reader([line], strict=True))
    except csv.Error as e:
        return None, f"malformed CSV: {e}"
    if len(values) != len(names):
        return None, f"expected {len(names)} fields, got {len(values)}"
    return {k: (v if v != "" else None) for k, v in zip(names, values, strict=True)}, None


QUOTED_LINE_SCHEMA = T.StructType(
    [
        T.StructField("fields", T.MapType(T.StringType(), T.StringType()), True),
        T.StructField("error", T.StringType(), True),
    ]
)


def csv_lines(files: DataFrame) -> DataFrame:
    """CSV rows against their file's header (its first non-blank line), as `parse_csv` reads them.

    A row without a quote character is split on commas by the engine, which is what the csv module does
    with it; only quoted rows go through Python (a row UDF), so a large unquoted export stays native.
    """
    lines = (
        files.select("_source_file", F.posexplode(F.split("value", "\n")).alias("index", "line"))
        .select("_source_file", "index", F.regexp_replace("line", "\r$", "").alias("line"))
        .filter(F.trim("line") != "")
    )
    first = lines.groupBy("_source_file").agg(F.min("index").alias("header_index"))
    headers = lines.join(first, "_source_file").filter(F.col("index") == F.col("header_index"))
    with_header = lines.join(
        headers.select("_source_file", "header_index", F.col("line").alias("header")), "_source_file"
    ).filter(F.col("index") > F.col("header_index"))
    names = F.split("header", ",")
    values = F.split("line", ",")
    plain = F.map_from_arrays(names, F.transform(values, lambda v: F.when(v != "", v)))
    # A plain lambda: PySpark reads type hints on a UDF as a pandas UDF signature.
    quoted = F.udf(lambda header, line: parse_csv_line(header, line), QUOTED_LINE_SCHEMA)(
        F.col("header"), F.col("line")
    )
    has_quote = F.col("line").contains('"') | F.col("header").contains('"')
    fits = F.size(values) == F.size(names)
    parsed = with_header.select(
        "_source_file",
        "index",
        "line",
        has_quote.alias("_quoted"),
        F.when(has_quote, quoted).alias("_q"),
        F.when(~has_quote & fits, plain).alias("_plain"),
        F.when(~has_quote & ~fits, F.format_string("expected %d fields, got %d", F.size(names), F.size(values))).alias(
            "_plain_error"
        ),
    )
    return parsed.select(
        "_source_file",
        (F.col("index") + 1).cast("int").alias("_line_number"),
        F.col("line").alias("_raw"),
        F.when(F.col("_quoted"), F.col("_q.fields")).otherwise(F.col("_plain")).alias("_fields"),
        F.when(F.col("_quoted"), F.col("_q.error")).otherwise(F.col("_plain_error")).alias("_parse_error"),
    )


@contextmanager
def read_lines(
    spark: SparkSession, landing_root: Path, files: list[str], fmt: Format, staging: Path
) -> Iterator[DataFrame]:
    """One row per non-blank data line of `files`: _source_file, _line_number, _raw, _fields, _parse_error.

    `staging` is a scratch folder for files the engine cannot read whole itself; it is emptied on entry
    (what a killed run left) and removed on exit, so use the lines inside the block.
    """
    if not files:
        raise ValueError("read_lines needs at least one file")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        whole_files = _whole_files(spark, landing_root, files, staging)
        yield jsonl_lines(whole_files) if fmt == "jsonl" else csv_lines(whole_files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def partitions_for(landing_root: Path, files: list[str], bytes_per_partition: int = 128 * 1024**2) -> int:
    """How many output files a batch deserves: one per 128 MiB of input, so small days stay one file."""
    total = sum((landing_root / f).stat().st_size for f in files)
    return max(1, -(-total // bytes_per_partition))
