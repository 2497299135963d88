import pytest

from fitlake.contracts import (
    DATE,
    INT,
    STRING,
    Column,
    TableContract,
    between,
    decimal,
    in_set,
    not_null,
)


def _contract(**overrides) -> TableContract:
    fields = {
        "name": "silver.visits",
        "comment": "Visits, one per member's day",
        "columns": (
            Column("visit_id", STRING, "Key", nullable=False),
            Column("visit_date", DATE, "Date of the visit", nullable=False),
            Column("fee", decimal(8, 2), "It's the fee"),
            Column("minutes", INT, "Minutes on site"),
        ),
        "keys": ("visit_id",),
        "partition_by": ("visit_date",),
        "expectations": (between("minutes", 0, 600),),
    }
    return TableContract(**{**fields, **overrides})


def test_ddl_declares_types_nullability_comments_partitioning_and_location():
    ddl = _contract().ddl("`fitlake`.`silver`.`visits`", "/data/silver/visits")
    assert "CREATE TABLE IF NOT EXISTS `fitlake`.`silver`.`visits`" in ddl
    assert "`visit_id` STRING NOT NULL COMMENT 'Key'" in ddl
    assert "`fee` DECIMAL(8,2) COMMENT 'It\\'s the fee'" in ddl
    assert "`minutes` INT COMMENT 'Minutes on site'" in ddl
    assert "PARTITIONED BY (`visit_date`)" in ddl
    assert "LOCATION '/data/silver/visits'" in ddl
    assert ddl.endswith("COMMENT 'Visits, one per member\\'s day'")


def test_ddl_without_location_is_a_managed_table():
    assert "LOCATION" not in _contract().ddl("c.silver.visits")


def test_not_null_rules_come_from_nullability_declared_once():
    rules = [e.rule for e in _contract().row_expectations]
    assert rules == ["not_null(visit_id)", "not_null(visit_date)", "between(minutes,0,600)"]


def test_spark_schema_carries_nullability_and_comments():
    schema = _contract().spark_schema
    assert [f.nullable for f in schema.fields] == [False, False, True, True]
    assert schema["fee"].metadata["comment"] == "It's the fee"
    assert schema["fee"].dataType.simpleString() == "decimal(8,2)"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "visits"}, "must be <bronze|silver|gold|ops>.<table>"),
        ({"name": "platinum.visits"}, "must be"),
        ({"keys": ("nope",)}, "key columns \\['nope'\\] are not declared"),
        ({"partition_by": ("nope",)}, "partition columns"),
        ({"columns": (Column("a", STRING, "x"), Column("a", STRING, "y"))}, "duplicate column"),
    ],
)
def test_inconsistent_contracts_fail_at_import_time(overrides, message):
    if "columns" in overrides:
        overrides |= {"keys": (), "partition_by": (), "expectations": ()}
    with pytest.raises(ValueError, match=message):
        _contract(**overrides)


def test_expectation_helpers_render_sql_that_passes_nulls_except_not_null():
    assert not_null("a").sql == "`a` IS NOT NULL"
    assert in_set("plan", ["basic", "it's"]).sql == "`plan` IS NULL OR `plan` IN ('basic', 'it\\'s')"
    assert between("fee", 0, 10).sql == "`fee` IS NULL OR `fee` BETWEEN 0 AND 10"
