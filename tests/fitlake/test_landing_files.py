"""Landing files read by Python before the engine: why a file is refused, its hash, and its normalised text."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from fitlake.landing_files import CHUNK_BYTES, data_pieces, inspect_file, text_pieces

MEMBERS = b"member_id,plan\nM1,basic\nM2,elite\n"


def _file(tmp_path, data: bytes, name: str = "part-00000.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.reliability(
    input="a landing file that is not UTF-8 text of its format: gzip bytes named .json, a NUL byte, an invalid "
    "UTF-8 byte, a multi-byte character cut off at the end, a CSV header naming a column twice or with an empty name",
    expected="the file refused whole with a reason naming the problem and where, before the engine sees it",
    observed="gzip_content; binary_content at byte 23; not_utf8 at byte 27; not_utf8 at byte 19; "
    "duplicate_header_column(plan); empty_header_column(2); malformed_header",
)
@pytest.mark.parametrize(
    ("data", "fmt", "problem"),
    [
        (gzip.compress(b'{"checkin_id":"C1"}\n'), "jsonl", "gzip_content"),
        (b'{"checkin_id":"C1"}\n{"k\x00":1}\n', "jsonl", "binary_content at byte 23"),
        (b"member_id,plan\nM1,basic\nM2,\xffelite\n", "csv", "not_utf8 at byte 27"),
        (b"member_id,plan\nM1,b\xc3", "csv", "not_utf8 at byte 19"),
        (b"member_id,plan,plan\nM1,basic,elite\n", "csv", "duplicate_header_column(plan)"),
        (b"member_id,,plan\nM1,x,basic\n", "csv", "empty_header_column(2)"),
        (b'member_id,"plan\nM1,basic\n', "csv", "malformed_header"),
    ],
    ids=["gzip", "nul", "invalid-utf8", "cut-character", "duplicate-header", "empty-header-name", "broken-header"],
)
def test_a_file_that_is_not_text_of_its_format_is_refused_with_why(tmp_path, data, fmt, problem):
    facts = inspect_file(_file(tmp_path, data), fmt)
    assert facts.problem == problem
    assert facts.size == len(data) and facts.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.reliability(
    input="one invalid UTF-8 byte in a landing file over 1 MiB",
    expected="refused like the same byte in a small file, not decoded with U+FFFD in its place",
    observed="not_utf8 at byte 3145743, the byte's offset, from the same streamed check every file gets",
)
def test_a_bad_byte_past_the_first_chunks_of_a_big_file_is_found_where_it_is(tmp_path):
    data = b"member_id,plan\n" + b"M1,basic\n" * (3 * CHUNK_BYTES // 9) + b"M2,\xe9lite\n"
    offset = data.index(b"\xe9")
    assert len(data) > 3 * CHUNK_BYTES
    assert (
        inspect_file(_file(tmp_path, data), "csv").problem == f"not_utf8 at byte {offset}" == "not_utf8 at byte 3145743"
    )


def test_a_multibyte_character_across_chunks_is_valid_utf8(tmp_path):
    data = b"{}\n" + b"x" * (CHUNK_BYTES - 4) + "é".encode() + b"\n"  # é's two bytes straddle the first chunk's end
    facts = inspect_file(_file(tmp_path, data, "a.json"), "jsonl")
    assert facts.problem is None and facts.lines == 2


def test_valid_text_reports_its_lines_and_whether_it_holds_a_quote(tmp_path):
    assert inspect_file(_file(tmp_path, MEMBERS), "csv").lines == 3
    assert inspect_file(_file(tmp_path, b'a,b\r\n1,"x"\r\n2,y'), "csv").lines == 3  # CR LF, an unterminated last line
    assert inspect_file(_file(tmp_path, b"a,b\r1,x\r"), "csv").lines == 2  # old Mac: CR alone
    assert inspect_file(_file(tmp_path, b'a,b\n1,"x"\n'), "csv").has_quote
    assert not inspect_file(_file(tmp_path, MEMBERS), "csv").has_quote
    assert inspect_file(_file(tmp_path, b""), "csv").problem is None  # an empty export is a quiet day


def test_the_prefix_hash_and_boundary_tell_an_append_from_a_rewrite(tmp_path):
    first = MEMBERS
    path = _file(tmp_path, first + b"M3,basic\n")
    facts = inspect_file(path, "csv", prefix=len(first))
    assert facts.prefix_sha256 == hashlib.sha256(first).hexdigest() and facts.prefix_ends_line
    # The earlier version ended mid-line: what follows completes that line, it does not add one.
    assert not inspect_file(path, "csv", prefix=len(first) - 3).prefix_ends_line
    big = _file(tmp_path, b"x\n" * CHUNK_BYTES + b"y\n", "big.json")  # a prefix ending past the first chunk
    assert (
        inspect_file(big, "jsonl", prefix=2 * CHUNK_BYTES).prefix_sha256
        == hashlib.sha256(b"x\n" * CHUNK_BYTES).hexdigest()
    )


def test_bom_and_every_line_ending_are_normalised_and_lines_keep_their_physical_numbers(tmp_path):
    data = b"\xef\xbb\xbfmember_id,plan\r\nM1,basic\r\n\r\nM2,elite\rM3,basic\nM4,x"
    header, pieces = data_pieces(_file(tmp_path, data), "csv")
    assert header == "member_id,plan"  # no BOM glued to the first column's name
    numbered = [(first + i, line) for first, piece in pieces for i, line in enumerate(piece.split("\n")) if line]
    assert numbered == [(2, "M1,basic"), (4, "M2,elite"), (5, "M3,basic"), (6, "M4,x")]  # line 3 is blank


def test_pieces_cut_at_line_breaks_even_inside_a_cr_lf(tmp_path):
    data = b"a\r\nb\r\nc\rd\ne"
    pieces = list(text_pieces(_file(tmp_path, data, "x.json"), piece_bytes=2))
    assert "".join(p for _, p in pieces) == "a\nb\nc\nd\ne"
    numbered = [(first + i, line) for first, p in pieces for i, line in enumerate(p.split("\n")) if line]
    assert numbered == [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e")]


def test_an_append_is_read_from_its_first_new_line_against_the_files_header(tmp_path):
    path = _file(tmp_path, b"\nmember_id,plan\nM1,basic\nM2,elite\nM3,basic\n")
    header, pieces = data_pieces(path, "csv", from_line=4)
    assert header == "member_id,plan" and list(pieces) == [(4, "M2,elite\nM3,basic\n")]
    assert list(data_pieces(path, "csv", from_line=6)[1]) == []
    _, json_pieces = data_pieces(_file(tmp_path, b'{"a":1}\n{"a":2}\n', "a.json"), "jsonl", from_line=2)
    assert list(json_pieces) == [(2, '{"a":2}\n')]


def test_the_header_is_the_first_non_blank_line_wherever_the_chunks_end(tmp_path):
    assert inspect_file(_file(tmp_path, b"\n  \nid,id\n"), "csv").problem == "duplicate_header_column(id)"
    assert inspect_file(_file(tmp_path, b"id,id"), "csv").problem == "duplicate_header_column(id)"  # no line break
    spread = b"\n" * (CHUNK_BYTES - 3) + b"id,name,id\n1,a,b\n"  # the header straddles the first chunk's end
    assert inspect_file(_file(tmp_path, spread), "csv").problem == "duplicate_header_column(id)"
    assert inspect_file(_file(tmp_path, b"x" * (2 * CHUNK_BYTES)), "csv").problem == "header_too_long"
    assert inspect_file(_file(tmp_path, b"x" * (2 * CHUNK_BYTES), "a.json"), "jsonl").problem is None
