"""The point of sale: the catalog, and juice bar, supplement, snack and apparel sales with refunds."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from data_gen import text
from data_gen.activity import PAYMENT_METHODS
from data_gen.day import Day
from data_gen.defects import SourceDefects, negated, sku_variant, unknown_member
from data_gen.exports.studio import AMBIGUOUS_LOCAL
from data_gen.render import Export, Records
from data_gen.world import PRODUCTS as CATALOG

PRODUCTS = Export("products", "csv", reference=True)
RETAIL = Export(
    "retail",
    "csv",
    SourceDefects(
        values={
            "negative_price": ("unit_price", negated),
            "sku_variant": ("item_name", sku_variant),
            "orphan_key": ("member_id", unknown_member),
            "bad_timestamp": ("sold_at", AMBIGUOUS_LOCAL),
        },
        lines=("duplicate", "wrong_field_count"),
        files=("truncated_file", "late_file"),
    ),
)


def products(day: Day) -> Records:
    return Records(
        columns={
            "sku": pa.array([p.sku for p in CATALOG]),
            "name": pa.array([p.name for p in CATALOG]),
            "category": pa.array([p.category for p in CATALOG]),
            "list_price": text.fixed(np.array([p.price for p in CATALOG]), 2),
        },
        keys=np.array([p.sku for p in CATALOG]),
    )


def retail(day: Day) -> Records:
    """One row per receipt line. The till prints the item's name, not its SKU."""
    s = day.gym.sales
    price = np.array([p.price for p in CATALOG])[s.product]
    sites = pa.array(day.location_ids(s.location))

    def receipt(number: np.ndarray) -> pa.Array:  # <site>-<yyyymmdd>-<number in the day>
        return text.join(sites, f"-{day.stamp}-", text.zero_pad(number + 1, 5))

    receipt_ids, refund_of = receipt(s.receipt), receipt(np.maximum(s.refund_of, 0))
    return Records(
        columns={
            "receipt_id": receipt_ids,
            "line_number": pa.array(s.line),
            "location_id": sites,
            "member_id": pa.array(np.where(s.member >= 0, day.members.member_id[np.maximum(s.member, 0)], None)),
            "sold_at": day.local(s.second),
            "item_name": pa.array(np.array([p.name for p in CATALOG])[s.product]),
            "category": pa.array(np.array([p.category for p in CATALOG])[s.product]),
            "quantity": pa.array(s.quantity),
            "unit_price": text.fixed(price, 2),
            "line_total": text.fixed(price * s.quantity, 2),
            "payment_method": pa.array(np.array(PAYMENT_METHODS)[s.payment]),
            "refund_of_receipt": pa.array(np.where(s.refund_of >= 0, np.array(refund_of.to_pylist()), None)),
        },
        keys=text.join(receipt_ids, "/", text.strings(s.line)),
    )
