from datetime import date, datetime
from decimal import Decimal

from bronze.retail_raw import CONTRACT as RAW
from fitlake.quality import valid_rows
from silver import products, retail_lines
from tests.builders import (
    INGESTED_AT,
    Cases,
    assert_same_rows,
    bronze_rows,
    member_key,
    member_pii_rows,
    quarantine_reasons,
    tagged,
)
from tests.silver.sites import location_rows

CATALOG = [
    ("SUP-WHEY-2", "Whey Protein 2 LB", "supplements", Decimal("39.99"), "wheyprotein2lb", "p.csv", 1, "b0"),
    ("JB-GRN-16", "Green Machine Smoothie 16oz", "juice_bar", Decimal("8.50"), "greenmachinesmoothie16oz", "p.csv",
     2, "b0"),
]  # fmt: skip


def _line(receipt_id, line_number="1", **fields):
    return {"receipt_id": receipt_id, "line_number": line_number, "location_id": "BKN", "member_id": "M1",
            "sold_at": "2025-01-06 07:41:16", "item_name": "Whey Protein 2 LB", "category": "supplements",
            "quantity": "1", "unit_price": "39.99", "line_total": "39.99", "payment_method": "card",
            "refund_of_receipt": None, **fields}  # fmt: skip


def _flagged(spark, lines):
    catalog = spark.createDataFrame(CATALOG, products.CONTRACT.spark_schema)
    members = member_pii_rows(spark, ["M1", "M2"])
    return retail_lines.transform(bronze_rows(spark, RAW, lines), members, catalog, location_rows(spark))


# Every test's records, transformed one test at a time on Sail; the JVM parity check runs them all at once.
CASES = Cases(_flagged, receipt_id=tagged, refund_of_receipt=tagged)
_transform = CASES.transform
jvm_parity_case = CASES.all_at_once


def test_lines_get_the_products_sku_the_members_key_and_the_instant_in_utc(spark):
    lines = [
        _line("BKN-20250106-00001"),  # winter: New York is UTC-5
        # the cashier typed the name; a walk-in has no member
        _line("BKN-20250106-00001", "2", item_name=" whey-PROTEIN 2lbs", member_id=None, payment_method=" CASH ",
              quantity="2", line_total="79.98"),
        # summer in San Francisco (UTC-7): the UTC instant is on the next day, the local date is not
        _line("SFO-20250701-00003", location_id="SFO", member_id="M2", sold_at="2025-07-01 23:30:00",
              item_name="GREEN MACHINE SMOOTHIE 16 fl oz", category="juice_bar", unit_price="8.50",
              line_total="8.50"),
        # a refund: a new receipt giving the money of another back
        _line("SFO-20250701-00004", location_id="SFO", member_id="M2", sold_at="2025-07-01 23:45:00",
              item_name="Green Machine Smoothie 16oz", category="juice_bar", quantity="-1", unit_price="8.50",
              line_total="-8.50", refund_of_receipt="SFO-20250701-00003"),
    ]  # fmt: skip
    m1, m2 = member_key(spark, "M1"), member_key(spark, "M2")
    f = "test/2025-01-01/part-00000"
    expected = spark.createDataFrame(
        [
            ("BKN-20250106-00001", 1, "BKN", m1, datetime(2025, 1, 6, 12, 41, 16), date(2025, 1, 6), "SUP-WHEY-2",
             "supplements", 1, Decimal("39.99"), Decimal("39.99"), "card", None, False, f, 1, "batch-1"),
            ("BKN-20250106-00001", 2, "BKN", None, datetime(2025, 1, 6, 12, 41, 16), date(2025, 1, 6), "SUP-WHEY-2",
             "supplements", 2, Decimal("39.99"), Decimal("79.98"), "cash", None, False, f, 2, "batch-1"),
            ("SFO-20250701-00003", 1, "SFO", m2, datetime(2025, 7, 2, 6, 30), date(2025, 7, 1), "JB-GRN-16",
             "juice_bar", 1, Decimal("8.50"), Decimal("8.50"), "card", None, False, f, 3, "batch-1"),
            ("SFO-20250701-00004", 1, "SFO", m2, datetime(2025, 7, 2, 6, 45), date(2025, 7, 1), "JB-GRN-16",
             "juice_bar", -1, Decimal("8.50"), Decimal("-8.50"), "card", "SFO-20250701-00003", True, f, 4, "batch-1"),
        ],
        retail_lines.CONTRACT.spark_schema,
    )  # fmt: skip
    assert_same_rows(valid_rows(_transform(spark, lines), retail_lines.CONTRACT), expected)


def test_the_first_delivery_of_a_line_wins(spark):
    later = INGESTED_AT.replace(day=3)
    flagged = _transform(
        spark,
        [
            _line("R1", payment_method="cash", _ingested_at=later, _source_file="b.csv"),
            _line("R1", _source_file="a.csv"),
            _line("R1", _source_file="a.csv", _line_number=9),  # re-sent within the same file
            _line("R1", "2", _source_file="a.csv", _line_number=10),  # another line of the receipt
        ],
    )
    kept = valid_rows(flagged, retail_lines.CONTRACT).orderBy("line_number").collect()
    assert [(r.line_number, r.payment_method, r._source_file, r._line_number) for r in kept] == [
        (1, "card", "a.csv", 2),
        (2, "card", "a.csv", 10),
    ]
    assert flagged.filter("_is_duplicate").count() == 2


def test_each_broken_line_is_quarantined_with_the_rule_it_broke(spark):
    flagged = _transform(
        spark,
        [
            {"_raw": "R1,1,BKN,M1,2025-01-06 07:41:16", "_parse_error": "expected 12 fields, got 5"},
            _line("R2", member_id="M999999"),
            _line("R3", item_name="Protein Pancakes"),
            _line("R4", item_name=None),
            _line("R5", sold_at="01/06/2025 07:41 AM"),
            _line("R6", location_id="XYZ"),
            _line("R7", quantity="one"),
            _line("R8", unit_price="-39.99", line_total="-39.99"),
            _line("R9", line_total="40.00"),
            _line("R10", payment_method="bitcoin"),
            _line("R11", category="bakery"),
            _line("R12", quantity="0", line_total="0.00"),
            _line("R13", quantity="-1", line_total="-39.99"),  # a refund of no receipt
            _line("R14", refund_of_receipt="R1"),  # a sale refunding a receipt
            _line("R15"),
        ],
    )
    assert quarantine_reasons(flagged) == {
        1: "well_formed_record",
        2: "foreign_key(member_id)",
        3: "foreign_key(item_name)",
        4: "not_null(item_name)",
        5: "parseable(sold_local_time)",
        6: "foreign_key(location_id)",
        7: "parseable(quantity)",
        8: "between(unit_price,0,10000)",
        9: "line_total_is_quantity_times_unit_price",
        10: "in_set(payment_method)",
        11: "in_set(category)",
        12: "nonzero_quantity",
        13: "refund_of_receipt_iff_refund",
        14: "refund_of_receipt_iff_refund",
    }
    assert [r.receipt_id for r in valid_rows(flagged, retail_lines.CONTRACT).collect()] == ["R15"]
    assert flagged.count() == 15  # every Bronze row is kept, flagged or not


def test_a_negative_price_breaks_the_price_rule_and_the_total_the_till_printed(spark):
    # The generator's negative_price defect negates the price but not the total.
    flagged = _transform(spark, [_line("R1", unit_price="-39.99")])
    assert quarantine_reasons(flagged) == {1: "between(unit_price,0,10000); line_total_is_quantity_times_unit_price"}
