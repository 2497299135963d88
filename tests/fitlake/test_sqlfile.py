import pytest

from fitlake.errors import UsageError
from fitlake.sqlfile import NamedQuery, named_queries


def test_each_named_query_with_its_description_and_sql():
    text = """-- A file comment.

-- name: first
-- What it answers,
-- in two lines.
SELECT 1
FROM t;

-- name: second
SELECT 2;
"""
    assert named_queries(text) == [
        NamedQuery("first", "What it answers, in two lines.", "SELECT 1\nFROM t"),
        NamedQuery("second", "", "SELECT 2"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT 1;", "SQL before any '-- name: ...' line"),
        ("-- name: a\nSELECT 1\n-- name: b\nSELECT 2;", "query a has no ';' before the next name"),
        ("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;", "query name a is used twice"),
        ("-- name: a\nSELECT 1", "query a does not end with ';'"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_problem(text, message):
    with pytest.raises(UsageError, match=message):
        named_queries(text)
