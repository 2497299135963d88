"""Read raw landing files line by line, keeping every line: parsed fields, or the reason it did not parse.

Sail has no PERMISSIVE mode (one malformed CSV row fails the whole read) and no input_file_name(). So each
file is read in Python (fitlake.landing_files: checked UTF-8, a BOM dropped, CR LF and CR line endings made
LF, the same for every file whatever its size) and staged for the engine in Parquet under a scratch folder,
as pieces of whole lines with the number of their first line: a file over 1 MiB arrives whole (Sail's own
wholetext reader splits such files), and many small files cost one scan, not one read each. The engine
splits the pieces into numbered lines and parses them: JSON lines natively (from_json into a map is NULL
exactly when a line is not a JSON object), quote-free CSV natively too (a comma split, against the header
Python found). CSV with a quote character is parsed in Python (fitlake.csv_records, which keeps a quoted
line break inside its record) and staged already parsed. The same code runs on Databricks.

Layout: <home>/landing/<source>/<yyyy-mm-dd>/part-*.{csv,json}; a source exported differently names its
own file pattern (STEDI: <landing>/customer/landing/*.json). Paths are stored relative to the landing
folder, so a lakehouse folder can move without re-ingesting its files.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from fitlake.csv_records import ParsedLine, csv_records, header_names, lines_of
from fitlake.landing_files import Format, data_pieces, has_quote

# What a source of each format takes, whatever the case: people rename exports (`.JSON`, `.jsonl`).
EXTENSIONS: dict[str, tuple[str, ...]] = {"csv": (".csv",), "jsonl": (".json", ".jsonl")}

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


def is_hidden(name: str) -> bool:
    """Hadoop's convention, which Spark and Databricks follow: `_SUCCESS`, `.crc` files, editors' `.swp`."""
    return name.startswith((".", "_"))


@dataclass(frozen=True)
class LandingSource:
    folder: str
    format: Format
    # Glob of the source's files under `folder`; by default FitLake's layout, a folder per day.
    pattern: str | None = None

    def takes(self, relative: Path) -> bool:
        """Whether a file (relative to the source's folder) is one of this source's: in a day folder, with one of
        the format's extensions in any case."""
        if self.pattern:
            return relative.match(self.pattern)
        return (
            len(relative.parts) == 2
            and not any(is_hidden(part) for part in relative.parts)
            and relative.suffix.lower() in EXTENSIONS[self.format]
        )

    def files(self, landing_root: Path) -> list[str]:
        """Landing files of this source, relative to the landing folder, in name order."""
        base = landing_root / self.folder
        pattern = self.pattern or "*/*"
        found = (p for p in base.glob(pattern) if p.is_file() and self.takes(p.relative_to(base)))
        return sorted(p.relative_to(landing_root).as_posix() for p in found)


def unclaimed_files(landing_root: Path, sources: Sequence[LandingSource]) -> list[tuple[str, str]]:
    """Landing files no source takes, each with why, so a run can name them rather than leave them in silence.
    Hidden files (`_SUCCESS`, `.DS_Store`; `is_hidden`) are not data and are not listed."""
    by_folder = {s.folder: s for s in sources}
    unclaimed = []
    for path in sorted(p for p in landing_root.rglob("*") if p.is_file()):
        relative = path.relative_to(landing_root)
        if any(is_hidden(part) for part in relative.parts):
            continue
        source = by_folder.get(relative.parts[0]) if len(relative.parts) > 1 else None
        if len(relative.parts) == 1:
            why = "not in a source's folder"
        elif source is None:
            why = f"no source reads the folder {relative.parts[0]}/"
        elif source.takes(Path(*relative.parts[1:])):
            continue
        elif source.pattern:
            why = f"{source.folder} reads {source.pattern} only"
        elif len(relative.parts) != 3:
            why = f"not in a day folder: {source.folder} reads {source.folder}/<yyyy-mm-dd>/<file>"
        else:
            why = f"{source.folder} reads {', '.join(EXTENSIONS[source.format])} files"
        unclaimed.append((relative.as_posix(), why))
    return unclaimed


# Staged for the engine: pieces of a file's text (whole lines, numbered from `_first_line`; CSV with the header
# its file began with), and rows of quoted CSV files, already parsed. A row group per piece or batch of rows.
PIECES_SCHEMA = pa.schema(
    [("_source_file", pa.string()), ("_first_line", pa.int32()), ("_header", pa.string()), ("value", pa.large_string())]
)
PARSED_SCHEMA = pa.schema(
    [
        ("_source_file", pa.string()),
        ("_line_number", pa.int32()),
        ("_raw", pa.large_string()),
        ("_fields", pa.map_(pa.string(), pa.string())),
        ("_parse_error", pa.string()),
    ]
)
PARSED_ROWS_PER_GROUP = 50_000


def _parsed_table(source_file: str, rows: list[ParsedLine]) -> pa.Table:
    return pa.table(
        {
            "_source_file": [source_file] * len(rows),
            "_line_number": [r[0] for r in rows],
            "_raw": [r[1] for r in rows],
            "_fields": [list(r[2].items()) if r[2] is not None else None for r in rows],
            "_parse_error": [r[3] for r in rows],
        },
        schema=PARSED_SCHEMA,
    )


class _Stage:
    """The staging folder's two Parquet files, each opened when first written to."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, pq.ParquetWriter] = {}

    def write(self, kind: str, table: pa.Table) -> None:
        if kind not in self.writers:
            # Scratch read once from local disk: compressing it cost more than half the staging time (snappy: 0.84 s
            # of CPU for small's 48 MB of wearables, none: 0.36 s).
            self.writers[kind] = pq.ParquetWriter(self.folder / f"{kind}.parquet", table.schema, compression="none")
        self.writers[kind].write_table(table)

    def close(self) -> list[str]:
        for writer in self.writers.values():
            writer.close()
        return sorted(self.writers)


def stage_files(
    landing_root: Path,
    files: Sequence[str],
    fmt: Format,
    staging: Path,
    from_line: Mapping[str, int],
    quoted: Collection[str] | None,
) -> list[str]:
    """Write the data lines of `files` for the engine; returns the kinds staged ("pieces", "parsed")."""
    staging.mkdir(parents=True, exist_ok=True)
    stage = _Stage(staging)
    try:
        for f in files:
            path = landing_root / f
            header, pieces = data_pieces(path, fmt, from_line.get(f, 1))
            if fmt == "csv" and (f in quoted if quoted is not None else has_quote(path)):
                _stage_parsed(stage, f, header, pieces)
                continue
            for first, piece in pieces:
                stage.write("pieces", pa.table([[f], [first], [header], [piece]], schema=PIECES_SCHEMA))
    finally:
        kinds = stage.close()
    return kinds


def _stage_parsed(stage: _Stage, source_file: str, header: str | None, pieces: Iterator[tuple[int, str]]) -> None:
    if header is None:
        return
    batch: list[ParsedLine] = []
    for record in csv_records(header_names(header), lines_of(pieces)):
        batch.append(record)
        if len(batch) == PARSED_ROWS_PER_GROUP:
            stage.write("parsed", _parsed_table(source_file, batch))
            batch = []
    if batch:
        stage.write("parsed", _parsed_table(source_file, batch))


def _numbered_lines(pieces: DataFrame) -> DataFrame:
    """Non-blank lines of staged pieces, numbered as in their files."""
    return (
        pieces.select("_source_file", "_first_line", "_header", F.posexplode(F.split("value", "\n")).alias("i", "line"))
        .filter(F.trim("line") != "")
        .select(
            "_source_file", "_header", (F.col("_first_line") + F.col("i")).cast("int").alias("_line_number"), "line"
        )
    )


def jsonl_lines(pieces: DataFrame) -> DataFrame:
    lines = _numbered_lines(pieces)
    fields = F.from_json("line", "map<string,string>")
    return lines.select(
        "_source_file",
        "_line_number",
        F.col("line").alias("_raw"),
        fields.alias("_fields"),
        F.when(fields.isNull(), F.lit("malformed JSON: not a JSON object")).alias("_parse_error"),
    )


def csv_lines(pieces: DataFrame) -> DataFrame:
    """Rows of quote-free CSV against their file's header: split on commas, which is all the csv module does
    with a line without quotes (files with a quote are parsed in Python, fitlake.csv_records)."""
    lines = _numbered_lines(pieces)
    names = F.split("_header", ",")
    values = F.split("line", ",")
    fits = F.size(values) == F.size(names)
    fields = F.map_from_arrays(names, F.transform(values, lambda v: F.when(v != "", v)))
    return lines.select(
        "_source_file",
        "_line_number",
        F.col("line").alias("_raw"),
        F.when(fits, fields).alias("_fields"),
        F.when(~fits, F.format_string("expected %d fields, got %d", F.size(names), F.size(values))).alias(
            "_parse_error"
        ),
    )


@contextmanager
def read_lines(
    spark: SparkSession,
    landing_root: Path,
    files: Sequence[str],
    fmt: Format,
    staging: Path,
    from_line: Mapping[str, int] | None = None,
    quoted: Collection[str] | None = None,
) -> Iterator[DataFrame]:
    """One row per non-blank data line of `files`: _source_file, _line_number, _raw, _fields, _parse_error.

    `from_line` gives, per file, the first line to read (an append: the lines after those already ingested);
    `quoted` names the CSV files holding a quote character, when the caller already knows (fitlake.ingest
    inspected them), else each file is scanned for one. The files must be UTF-8 (fitlake.landing_files checks).
    `staging` is a scratch folder, emptied on entry (what a killed run left) and removed on exit, so use the
    lines inside the block.
    """
    if not files:
        raise ValueError("read_lines needs at least one file")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        kinds = stage_files(landing_root, files, fmt, staging, from_line or {}, quoted)
        frames = []
        if "pieces" in kinds:
            pieces = spark.read.parquet(str(staging / "pieces.parquet"))
            pieces = pieces.withColumn("value", F.col("value").cast("string"))
            frames.append(jsonl_lines(pieces) if fmt == "jsonl" else csv_lines(pieces))
        if "parsed" in kinds:
            parsed = spark.read.parquet(str(staging / "parsed.parquet"))
            frames.append(parsed.withColumn("_raw", F.col("_raw").cast("string")))
        if not frames:  # no data line in any file (header-only CSVs): no rows, with the columns
            frames.append(
                spark.createDataFrame(
                    [], T.StructType([T.StructField("_source_file", T.StringType()), *LINES_SCHEMA.elementType.fields])
                )
            )
        yield frames[0] if len(frames) == 1 else frames[0].unionByName(frames[1])
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def partitions_for(landing_root: Path, files: list[str], bytes_per_partition: int = 128 * 1024**2) -> int:
    """How many output files a batch deserves: one per 128 MiB of input, so small days stay one file."""
    total = sum((landing_root / f).stat().st_size for f in files)
    return max(1, -(-total // bytes_per_partition))
