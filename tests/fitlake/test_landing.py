import json

import pytest
from pyspark.sql import functions as F

from fitlake.landing import (
    WHOLE_TEXT_MAX_BYTES,
    LandingSource,
    csv_lines,
    jsonl_lines,
    parse_csv,
    partitions_for,
    read_lines,
)


def _files(spark, *texts: str):
    return spark.createDataFrame([(f"f{i}", t) for i, t in enumerate(texts)], "_source_file string, value string")


def test_jsonl_keeps_every_line_with_its_number_and_why_it_failed(spark):
    text = '{"id":"a","n":1,"ok":true,"tags":["x"],"gone":null}\n\n{"id":"b"\n[1,2]\r\n{"id":"c"}\n'
    rows = sorted(jsonl_lines(_files(spark, text)).collect(), key=lambda r: r._line_number)
    assert [r._line_number for r in rows] == [1, 3, 4, 5]  # the blank line 2 is not a record
    assert rows[0]._fields == {"id": "a", "n": "1", "ok": "true", "tags": '["x"]', "gone": None}
    assert rows[1]._fields is None and rows[1]._parse_error.startswith("malformed JSON")
    assert rows[1]._raw == '{"id":"b"'
    assert rows[2]._parse_error is not None  # JSON, but not an object
    assert rows[2]._raw == "[1,2]"  # the CR of a CRLF line ending is not data
    assert rows[3]._fields == {"id": "c"} and rows[3]._parse_error is None
    assert {r._source_file for r in rows} == {"f0"}


def test_csv_lines_parse_each_file_against_its_own_header(spark):
    rows = csv_lines(_files(spark, "id,name\n1,Ann\n", "name,id,extra\nBob,2,x\n2,short\n")).collect()
    by_place = {(r._source_file, r._line_number): r for r in rows}
    assert by_place[("f0", 2)]._fields == {"id": "1", "name": "Ann"}
    assert by_place[("f1", 2)]._fields == {"name": "Bob", "id": "2", "extra": "x"}
    assert by_place[("f1", 3)]._parse_error == "expected 3 fields, got 2"


def test_csv_rows_map_to_the_header_and_ragged_rows_are_kept_as_errors():
    text = 'id,name,fee\n1,"Doe, Jane",9.50\n2,Bob\n3,,\n4,Al,1,extra\n'
    parsed = parse_csv(text)
    assert [p[0] for p in parsed] == [2, 3, 4, 5]
    assert parsed[0][2] == {"id": "1", "name": "Doe, Jane", "fee": "9.50"}
    assert parsed[1][2] is None and parsed[1][3] == "expected 3 fields, got 2"
    assert parsed[2][2] == {"id": "3", "name": None, "fee": None}  # empty CSV fields are missing values
    assert parsed[3][3] == "expected 3 fields, got 4"


def test_csv_with_only_a_header_or_nothing_has_no_records():
    assert parse_csv("id,name\n") == []
    assert parse_csv("") == []


def test_source_lists_its_files_relative_to_landing_in_name_order(tmp_path):
    for day in ("2025-01-02", "2025-01-01"):
        (tmp_path / "checkins" / day).mkdir(parents=True)
        (tmp_path / "checkins" / day / "part-00000.json").write_text("{}\n")
    (tmp_path / "checkins" / "2025-01-01" / "notes.txt").write_text("not an export")
    files = LandingSource("checkins", "jsonl").files(tmp_path)
    assert files == ["checkins/2025-01-01/part-00000.json", "checkins/2025-01-02/part-00000.json"]
    assert LandingSource("members", "csv").files(tmp_path) == []


def test_a_source_exported_in_another_layout_names_its_file_pattern(tmp_path):
    landing = tmp_path / "customer" / "landing"
    landing.mkdir(parents=True)
    for name in ("customer-2.json", "customer-1.json", "README.md"):
        (landing / name).write_text("{}\n")
    (tmp_path / "customer" / "trusted").mkdir()
    (tmp_path / "customer" / "trusted" / "customer-1.json").write_text("{}\n")
    stedi = LandingSource("customer", "jsonl", pattern="landing/*.json")
    assert stedi.files(tmp_path) == ["customer/landing/customer-1.json", "customer/landing/customer-2.json"]


def test_read_lines_reads_many_files_keeping_file_and_line(sail, tmp_path):
    # 40 files: enough that a left-deep union would be far deeper than the balanced one used.
    files = []
    for i in range(40):
        path = tmp_path / "src" / f"2025-01-{i + 1:02d}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps({"id": f"r{i}"}) + "\n" + ("{broken\n" if i == 7 else ""))
        files.append(path.relative_to(tmp_path).as_posix())
    with read_lines(sail, tmp_path, files, "jsonl", tmp_path / "staging") as df:
        rows = df.select("_source_file", "_line_number", F.col("_fields")["id"].alias("id"), "_parse_error").collect()
    assert len(rows) == 41
    by_file = {(r._source_file, r._line_number): r for r in rows}
    assert by_file[("src/2025-01-08.json", 1)].id == "r7"
    assert by_file[("src/2025-01-08.json", 2)]._parse_error.startswith("malformed JSON")


def test_files_over_the_engines_split_size_are_read_whole(sail, tmp_path):
    """Sail splits files over 1 MiB despite wholetext: the header must still be the first line only, and
    several such files (staged for the engine in one Parquet file) keep their own names and line numbers."""
    rows = [f"M{i:07d},{'x' * 60}" for i in range(WHOLE_TEXT_MAX_BYTES // 60)]
    (tmp_path / "big").mkdir()
    for name in ("a.csv", "b.csv"):
        (tmp_path / "big" / name).write_text("member_id,note\n" + "\n".join(rows) + "\n")
        assert (tmp_path / "big" / name).stat().st_size > WHOLE_TEXT_MAX_BYTES
    (tmp_path / "big" / "small.csv").write_text("member_id,note\nM1,y\n")
    files = ["big/a.csv", "big/b.csv", "big/small.csv"]
    with read_lines(sail, tmp_path, files, "csv", tmp_path / "staging") as lines:
        stats = {
            r._source_file: (r.n, r.errors, r.last)
            for r in lines.groupBy("_source_file")
            .agg(F.count("*").alias("n"), F.count("_parse_error").alias("errors"), F.max("_line_number").alias("last"))
            .collect()
        }
        second = lines.filter((F.col("_line_number") == 2) & (F.col("_source_file") == "big/b.csv")).first()
    whole = (len(rows), 0, len(rows) + 1)
    assert stats == {"big/a.csv": whole, "big/b.csv": whole, "big/small.csv": (1, 0, 2)}
    assert second._fields["member_id"] == "M0000000"
    assert not (tmp_path / "staging").exists()  # the staged copy is gone once the lines are used


def test_read_lines_needs_files(sail, tmp_path):
    with pytest.raises(ValueError, match="at least one file"), read_lines(sail, tmp_path, [], "csv", tmp_path / "x"):
        pass


def test_a_batch_gets_one_output_file_per_128_mib_of_input(tmp_path):
    (tmp_path / "a.json").write_bytes(b"x" * 300)
    (tmp_path / "b.json").write_bytes(b"x" * 200)
    assert partitions_for(tmp_path, ["a.json", "b.json"]) == 1
    assert partitions_for(tmp_path, ["a.json", "b.json"], bytes_per_partition=200) == 3
