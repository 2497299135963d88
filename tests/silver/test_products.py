from decimal import Decimal

import numpy as np

from bronze.products_raw import CONTRACT as RAW
from data_gen.defects import sku_variant
from data_gen.world import PRODUCTS
from fitlake.quality import valid_rows
from silver import products
from silver._parsing import name_key
from tests.builders import INGESTED_AT, Cases, assert_same_rows, bronze_rows, quarantine_reasons, tagged


def _product(sku, name="Whey Protein 2 LB", category="supplements", price="39.99", **fields):
    return {"sku": sku, "name": name, "category": category, "list_price": price, **fields}


def _flagged(spark, records):
    return products.transform(bronze_rows(spark, RAW, records))


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, sku=tagged)
_transform = CASES.transform


def _till_names(spark):
    """Every product's catalog name beside a dozen ways the till types it, as the generator's defects do."""
    rng = np.random.default_rng(4)
    typed = [(p.name, sku_variant(p.name, rng, None)) for p in PRODUCTS for _ in range(12)]
    names = spark.createDataFrame(typed, "catalog string, till string")
    return typed, names.select(name_key("catalog").alias("catalog"), name_key("till").alias("till"))


def _catalog_sharing_a_name(spark):
    rows = [("A", "wheyprotein2lb"), ("B", "wheyprotein2lb"), ("C", "trailmix3oz")]
    return spark.createDataFrame(rows, "sku string, name_key string")


def jvm_parity_case(spark):
    """The transform on every test's records, and the name keys and lookup the other tests check."""
    return [*CASES.all_at_once(spark), _till_names(spark)[1], products.by_name_key(_catalog_sharing_a_name(spark))]


def test_products_are_typed_with_the_key_their_names_are_matched_on(spark):
    records = [_product("SUP-WHEY-2"), _product(" JB-GRN-16 ", "Green Machine Smoothie 16oz", " Juice_Bar ", "8.5")]
    expected = spark.createDataFrame(
        [
            ("SUP-WHEY-2", "Whey Protein 2 LB", "supplements", Decimal("39.99"), "wheyprotein2lb",
             "test/2025-01-01/part-00000", 1, "batch-1"),
            ("JB-GRN-16", "Green Machine Smoothie 16oz", "juice_bar", Decimal("8.50"), "greenmachinesmoothie16oz",
             "test/2025-01-01/part-00000", 2, "batch-1"),
        ],
        products.CONTRACT.spark_schema,
    )  # fmt: skip
    assert_same_rows(valid_rows(_transform(spark, records), products.CONTRACT), expected)


def test_every_way_the_till_types_a_catalog_name_has_that_products_name_key(spark):
    typed, keys = _till_names(spark)
    keys = keys.collect()
    mismatched = [(c, t, k.catalog, k.till) for (c, t), k in zip(typed, keys, strict=True) if k.catalog != k.till]
    assert not mismatched
    assert len({k.catalog for k in keys}) == len(PRODUCTS)  # and no two products share a key


def test_the_latest_export_of_a_product_wins(spark):
    records = [
            _product("SUP-WHEY-2", price="34.99", _source_file="products/2025-03-01/part-00000.csv"),
            _product("SUP-WHEY-2", _source_file="products/2025-01-01/part-00000.csv",
                     _ingested_at=INGESTED_AT.replace(month=4)),  # an old export delivered late
        ]  # fmt: skip
    flagged = _transform(spark, records)
    (kept,) = valid_rows(flagged, products.CONTRACT).collect()
    assert (kept.list_price, kept._source_file) == (Decimal("34.99"), "products/2025-03-01/part-00000.csv")
    assert flagged.filter("_is_duplicate").count() == 1


def test_each_broken_product_is_quarantined_with_the_rule_it_broke(spark):
    records = [
        {"_raw": "SUP-WHEY-2,Whey", "_parse_error": "expected 4 fields, got 2"},
        _product("SUP-WHEY-2", price="39,99"),
        _product("SUP-WHEY-5", price="-74.99"),
        _product("APP-MUG", category="homeware"),
        _product(None),
        _product("SUP-WHEY-9", name=" - "),
        _product("SUP-WHEY-7"),
    ]
    flagged = _transform(spark, records)
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "parseable(list_price)",
        3: "between(list_price,0,10000)",
        4: "in_set(category)",
        5: "not_null(sku)",
        6: "not_null(name_key)",  # a name with no letters or digits cannot be matched
    }
    assert [r.sku for r in valid_rows(flagged, products.CONTRACT).collect()] == ["SUP-WHEY-7"]


def test_a_name_two_products_share_matches_neither(spark):
    assert products.by_name_key(_catalog_sharing_a_name(spark)).orderBy("name_key").collect() == [("trailmix3oz", "C")]
