"""RFC 4180 records from numbered lines: quoted commas, quotes and line breaks, and damaged rows kept with why."""

from __future__ import annotations

from fitlake.csv_records import MAX_RECORD_LINES, csv_records, parse_record

NAMES = ["id", "note", "fee"]


def _records(text: str, first_line: int = 2) -> list[tuple]:
    return list(csv_records(NAMES, enumerate(text.split("\n"), start=first_line)))


def test_quoted_fields_keep_commas_and_quotes_and_empty_fields_are_missing():
    assert _records('1,"Doe, Jane ""JD""",9.50\n2,,') == [
        (2, '1,"Doe, Jane ""JD""",9.50', {"id": "1", "note": 'Doe, Jane "JD"', "fee": "9.50"}, None),
        (3, "2,,", {"id": "2", "note": None, "fee": None}, None),
    ]


def test_ragged_and_malformed_rows_are_kept_with_why():
    records = _records('1,short\n2,a,b,c\n3,"x"y,1\n\n  \n4,ok,1')
    assert [(r[0], r[2], r[3]) for r in records] == [
        (2, None, "expected 3 fields, got 2"),
        (3, None, "expected 3 fields, got 4"),
        (4, None, "malformed CSV: ',' expected after '\"'"),
        (7, {"id": "4", "note": "ok", "fee": "1"}, None),  # blank lines 5 and 6 are not records, but are counted
    ]


def test_a_quoted_line_break_stays_in_one_record_numbered_by_its_first_line():
    records = _records('1,"first line\nsecond line",5\n2,plain,6')
    assert records == [
        (2, '1,"first line\nsecond line",5', {"id": "1", "note": "first line\nsecond line", "fee": "5"}, None),
        (4, "2,plain,6", {"id": "2", "note": "plain", "fee": "6"}, None),
    ]


def test_a_quote_that_never_closes_damages_its_own_line_only():
    records = _records('1,"never closed,5\n2,ok,6\n3,"also ""fine""",7')
    assert [r[0] for r in records] == [2, 3, 4]
    assert records[0][2] is None and records[0][3] == "malformed CSV: unexpected end of data"
    assert records[1][2] == {"id": "2", "note": "ok", "fee": "6"}
    assert records[2][2] == {"id": "3", "note": 'also "fine"', "fee": "7"}


def test_a_span_that_balances_its_quotes_but_is_not_one_record_is_not_taken():
    # Two stray quotes three lines apart balance, but the span holds four fields, not three.
    records = _records('1,"a\n2,b,6\n3,c",7,8\n4,d,8')
    assert [(r[0], r[2] is not None) for r in records] == [(2, False), (3, True), (4, False), (5, True)]


def test_a_span_longer_than_the_limit_is_not_one_record():
    lines = ['1,"opens', *["more text"] * MAX_RECORD_LINES, 'closes",5']
    records = _records("\n".join(lines))
    assert records[0][3] == "malformed CSV: unexpected end of data"
    assert len(records) == len(lines)


def test_parse_record_refuses_text_holding_two_records():
    assert parse_record(NAMES, "1,a,2\n3,b,4") == (None, "malformed CSV: 2 records in one")
