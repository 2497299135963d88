"""A named query is checked when declared (read-only, no personal column, its markers are its parameters) and
rendered per backend by sqlglot: table names and parameter markers, never values."""

from __future__ import annotations

import pytest

from fitlake.contracts import STRING, Column
from fitlake.serving.named_query import NamedQuery
from fitlake.serving.queries import QUERIES

KEY = Column("member_key", STRING, "Pseudonym")


def _query(sql: str, defaults: dict, columns=(KEY,)) -> NamedQuery:
    return NamedQuery(name="q", description="", sql=sql, defaults=defaults, columns=columns)


def test_a_write_is_refused_when_declared():
    with pytest.raises(ValueError, match="not read-only: DELETE writes to a table"):
        _query("DELETE FROM gold.dim_member WHERE member_key = :key", {"key": None})


def test_a_personal_column_is_refused_when_declared():
    email = Column("email", STRING, "E-mail address", pii=True)
    with pytest.raises(ValueError, match=r"returns personal data: \['email'\]"):
        _query("SELECT email FROM silver.member_pii", {}, columns=(email,))


def test_markers_must_be_the_parameters():
    with pytest.raises(ValueError, match=r"markers \['location'\] are not its parameters \['loc'\]"):
        _query("SELECT member_key FROM gold.dim_member WHERE location_id = :location", {"loc": None})


def test_tables_are_the_schema_qualified_ones_not_the_ctes():
    query = _query(
        "WITH recent AS (SELECT * FROM gold.dim_member) SELECT member_key FROM recent JOIN gold.fact_bookings USING "
        "(member_key)",
        {},
    )
    assert query.tables == ("gold.dim_member", "gold.fact_bookings")


def test_render_renames_tables_and_markers_for_each_dialect():
    query = _query("SELECT m.member_key FROM gold.dim_member AS m WHERE m.location_id = :location", {"location": None})
    local = query.render("duckdb", lambda t: t.replace(".", "__"))
    assert local == "SELECT m.member_key FROM gold__dim_member AS m WHERE m.location_id = $location"
    warehouse = query.render("databricks", lambda t: f"fitlake.dev_{t}")
    assert warehouse == "SELECT m.member_key FROM fitlake.dev_gold.dim_member AS m WHERE m.location_id = :location"


def test_bind_fills_defaults_and_refuses_an_unknown_parameter():
    query = _query("SELECT member_key FROM gold.dim_member WHERE location_id = :location", {"location": "ALL"})
    assert query.bind({}) == {"location": "ALL"}
    assert query.bind({"location": "BKN"}) == {"location": "BKN"}
    with pytest.raises(ValueError, match=r"takes no parameters \['where'\]"):
        query.bind({"where": "1=1"})


def test_every_served_query_reads_gold_only():
    assert all(t.startswith("gold.") for q in QUERIES.values() for t in q.tables)
