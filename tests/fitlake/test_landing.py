import json

import pytest
from pyspark.sql import functions as F

from fitlake import landing_files
from fitlake.csv_records import csv_records
from fitlake.landing import (
    LandingSource,
    csv_lines,
    jsonl_lines,
    partitions_for,
    read_lines,
    unclaimed_files,
)

CHUNK = 1 << 20


def _pieces(spark, *pieces: tuple[str | None, str]):
    """Staged pieces as fitlake.landing writes them: one per file, from line 2 for CSV (after its header)."""
    rows = [(f"f{i}", 1 if header is None else 2, header, text) for i, (header, text) in enumerate(pieces)]
    return spark.createDataFrame(rows, "_source_file string, _first_line int, _header string, value string")


def _sorted(fields: dict | None) -> tuple | None:
    return None if fields is None else tuple(sorted(fields.items()))


def test_jsonl_keeps_every_line_with_its_number_and_why_it_failed(spark):
    text = '{"id":"a","n":1,"ok":true,"tags":["x"],"gone":null}\n\n{"id":"b"\n[1,2]\n  \n{"id":"c"}\n'
    rows = sorted(jsonl_lines(_pieces(spark, (None, text))).collect(), key=lambda r: r._line_number)
    assert [r._line_number for r in rows] == [1, 3, 4, 6]  # blank lines 2 and 5 are not records
    assert rows[0]._fields == {"id": "a", "n": "1", "ok": "true", "tags": '["x"]', "gone": None}
    assert rows[1]._fields is None and rows[1]._parse_error.startswith("malformed JSON")
    assert rows[1]._raw == '{"id":"b"'
    assert rows[2]._parse_error is not None  # JSON, but not an object
    assert rows[3]._fields == {"id": "c"} and rows[3]._parse_error is None
    assert {r._source_file for r in rows} == {"f0"}


def test_csv_lines_parse_each_file_against_its_own_header(spark):
    rows = csv_lines(_pieces(spark, ("id,name", "1,Ann\n"), ("name,id,extra", "Bob,2,x\n2,short\n,,\n"))).collect()
    by_place = {(r._source_file, r._line_number): r for r in rows}
    assert by_place[("f0", 2)]._fields == {"id": "1", "name": "Ann"}
    assert by_place[("f1", 2)]._fields == {"name": "Bob", "id": "2", "extra": "x"}
    assert by_place[("f1", 3)]._parse_error == "expected 3 fields, got 2"
    assert by_place[("f1", 4)]._fields == {"name": None, "id": None, "extra": None}  # empty fields are missing


def test_the_engines_comma_split_and_the_python_parser_agree_on_quote_free_csv(spark):
    """Quote-free CSV is split by the engine, CSV with a quote parsed in Python: one file must read the same
    either way."""
    header, body = "id,name,fee", "1,Ann,9.5\n\n2,,\n3,Bo\n4,Cy,1,x\n  \n5, spaced ,0\n"
    engine = {
        (r._line_number, r._raw, _sorted(r._fields), r._parse_error)
        for r in csv_lines(_pieces(spark, (header, body))).collect()
    }
    python = {
        (n, raw, _sorted(fields), error)
        for n, raw, fields, error in csv_records(header.split(","), enumerate(body.split("\n"), start=2))
    }
    assert engine == python and len(engine) == 5


def test_source_lists_its_files_relative_to_landing_in_name_order(tmp_path):
    for day in ("2025-01-02", "2025-01-01"):
        (tmp_path / "checkins" / day).mkdir(parents=True)
        (tmp_path / "checkins" / day / "part-00000.json").write_text("{}\n")
    (tmp_path / "checkins" / "2025-01-01" / "notes.txt").write_text("not an export")
    files = LandingSource("checkins", "jsonl").files(tmp_path)
    assert files == ["checkins/2025-01-01/part-00000.json", "checkins/2025-01-02/part-00000.json"]
    assert LandingSource("members", "csv").files(tmp_path) == []


def _land(landing, *paths: str) -> None:
    for path in paths:
        (landing / path).parent.mkdir(parents=True, exist_ok=True)
        (landing / path).write_text("{}\n")


@pytest.mark.reliability(
    input="landing files named part-1.jsonl, PART-2.JSON, part-3.CSV (renamed by people)",
    expected="read by their source like .json and .csv files",
    observed="each listed by its source (JSON lines: .json and .jsonl, CSV: .csv, in any case)",
)
def test_renamed_exports_are_read_whatever_the_case_of_their_extension(tmp_path):
    _land(
        tmp_path, "checkins/d1/part-1.jsonl", "checkins/d1/PART-2.JSON", "members/d1/part-3.CSV", "checkins/d1/_SUCCESS"
    )
    assert LandingSource("checkins", "jsonl").files(tmp_path) == ["checkins/d1/PART-2.JSON", "checkins/d1/part-1.jsonl"]
    assert LandingSource("members", "csv").files(tmp_path) == ["members/d1/part-3.CSV"]


def test_files_no_source_reads_are_listed_with_why(tmp_path):
    _land(
        tmp_path,
        "checkins/2025-01-01/part-00000.json",  # read
        "checkins/2025-01-01/part-00000.txt",
        "checkins/part-00000.json",
        "checkins/2025-01-01/late/part-00000.json",
        "spinning/2025-01-01/part-00000.csv",
        "part-00000.json",
        "checkins/2025-01-01/_SUCCESS",  # hidden by convention, like .DS_Store: not data
        "checkins/.DS_Store",
    )
    sources = [LandingSource("checkins", "jsonl"), LandingSource("members", "csv")]
    assert unclaimed_files(tmp_path, sources) == [
        (
            "checkins/2025-01-01/late/part-00000.json",
            "not in a day folder: checkins reads checkins/<yyyy-mm-dd>/<file>",
        ),
        ("checkins/2025-01-01/part-00000.txt", "checkins reads .json, .jsonl files"),
        ("checkins/part-00000.json", "not in a day folder: checkins reads checkins/<yyyy-mm-dd>/<file>"),
        ("part-00000.json", "not in a source's folder"),
        ("spinning/2025-01-01/part-00000.csv", "no source reads the folder spinning/"),
    ]


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
    # 40 files, staged together: each keeps its name and line numbers.
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


def test_files_over_the_engines_split_size_are_read_whole(sail, tmp_path, monkeypatch):
    """Sail's own reader splits files over 1 MiB even with wholetext, and Python stages a file in pieces: the header
    must still be the first line only, and several such files keep their own names and line numbers."""
    monkeypatch.setattr(landing_files, "PIECE_BYTES", CHUNK)  # three pieces a file
    rows = [f"M{i:07d},{'x' * 60}" for i in range((3 * CHUNK) // 60)]
    (tmp_path / "big").mkdir()
    for name in ("a.csv", "b.csv"):
        (tmp_path / "big" / name).write_text("member_id,note\n" + "\n".join(rows) + "\n")
        assert (tmp_path / "big" / name).stat().st_size > (3 * CHUNK)
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


@pytest.mark.reliability(
    input="CSV as Excel and others write it: a UTF-8 byte order mark, a quoted field holding a line break "
    "(RFC 4180), a file with CR-only line endings (old Mac Excel)",
    expected="every record read whole: the first column named without the BOM, the quoted line break inside "
    "its field and the record numbered by its first line, CR lines split like LF ones",
    observed="members BOM file: member_id read on both rows; note 'call me\\nafter 6' on line 2, next record on "
    "line 4; CR-only file: 2 records, lines 2 and 3, no parse error",
)
def test_real_world_csv_reads_as_its_records(sail, tmp_path):
    exports = {
        "bom.csv": b"\xef\xbb\xbfmember_id,plan\r\nM1,basic\r\nM2,elite\r\n",
        "quoted.csv": b'member_id,note\nM1,"call me\nafter 6"\nM2,none\n',
        "mac.csv": b"member_id,plan\rM1,basic\rM2,elite\r",
    }
    for name, data in exports.items():
        (tmp_path / name).write_bytes(data)
    with read_lines(sail, tmp_path, sorted(exports), "csv", tmp_path / "staging") as lines:
        rows = {(r._source_file, r._line_number): (r._fields, r._parse_error) for r in lines.collect()}
    assert rows == {
        ("bom.csv", 2): ({"member_id": "M1", "plan": "basic"}, None),
        ("bom.csv", 3): ({"member_id": "M2", "plan": "elite"}, None),
        ("quoted.csv", 2): ({"member_id": "M1", "note": "call me\nafter 6"}, None),
        ("quoted.csv", 4): ({"member_id": "M2", "note": "none"}, None),
        ("mac.csv", 2): ({"member_id": "M1", "plan": "basic"}, None),
        ("mac.csv", 3): ({"member_id": "M2", "plan": "elite"}, None),
    }


def test_an_appended_tail_is_read_from_its_first_line_against_the_files_header(sail, tmp_path):
    (tmp_path / "plain.csv").write_text("member_id,plan\nM1,basic\nM2,elite\n")
    (tmp_path / "quoted.csv").write_text('member_id,plan\nM1,"basic"\nM2,"elite"\n')
    (tmp_path / "events.json").write_text('{"id":"1"}\n{"id":"2"}\n')
    from_line = {"plain.csv": 3, "quoted.csv": 3, "events.json": 2}
    with read_lines(sail, tmp_path, ["plain.csv", "quoted.csv"], "csv", tmp_path / "s", from_line) as lines:
        csv_rows = sorted((r._source_file, r._line_number, r._fields["plan"]) for r in lines.collect())
    with read_lines(sail, tmp_path, ["events.json"], "jsonl", tmp_path / "s", from_line) as lines:
        json_rows = [(r._line_number, r._fields["id"]) for r in lines.collect()]
    assert csv_rows == [("plain.csv", 3, "elite"), ("quoted.csv", 3, "elite")]
    assert json_rows == [(2, "2")]


def test_read_lines_needs_files(sail, tmp_path):
    with pytest.raises(ValueError, match="at least one file"), read_lines(sail, tmp_path, [], "csv", tmp_path / "x"):
        pass


def test_a_batch_gets_one_output_file_per_128_mib_of_input(tmp_path):
    (tmp_path / "a.json").write_bytes(b"x" * 300)
    (tmp_path / "b.json").write_bytes(b"x" * 200)
    assert partitions_for(tmp_path, ["a.json", "b.json"]) == 1
    assert partitions_for(tmp_path, ["a.json", "b.json"], bytes_per_partition=200) == 3
