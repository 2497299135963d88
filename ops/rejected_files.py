"""`ops.rejected_files`: landing files refused whole, with why, written by fitlake.ingest.

A file the pipeline cannot read as text of its format (compressed, binary, not UTF-8, a CSV header naming a column
twice) is quarantined whole here instead of failing the step for every table; its ledger row (ops.ingested_files,
status rejected) keeps it from being read again until its content changes.
"""

from __future__ import annotations

from fitlake.contracts import BIGINT, STRING, TIMESTAMP, Column, TableContract

CONTRACT = TableContract(
    name="ops.rejected_files",
    comment="Landing files quarantined whole because they cannot be read: path, size, hash and the reason.",
    columns=(
        Column("table_name", STRING, "Bronze table whose source the file is in, as <schema>.<table>", nullable=False),
        Column("source_file", STRING, "Landing file, relative to the landing folder", nullable=False),
        Column("size_bytes", BIGINT, "Size of the file when read", nullable=False),
        Column("sha256", STRING, "SHA-256 of the file when read, in hex", nullable=False),
        Column(
            "reason",
            STRING,
            "gzip_content, binary_content at byte N, not_utf8 at byte N (0-based), malformed_header, "
            "empty_header_column(N), duplicate_header_column(name) or header_too_long",
            nullable=False,
        ),
        Column("batch_id", STRING, "Run that rejected the file", nullable=False),
        Column("rejected_at", TIMESTAMP, "When the file was rejected (UTC)", nullable=False),
    ),
    keys=("table_name", "source_file", "sha256"),
)
