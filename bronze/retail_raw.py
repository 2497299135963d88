"""Receipt lines from the point of sale (juice bar and shop), exported as CSV in each site's local time.

The till prints the item's name as typed, not its SKU; a refund is a new receipt with a negative quantity.
"""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="retail", format="csv")

CONTRACT = raw_contract(
    "bronze.retail_raw",
    "Receipt line CSV rows from the point of sale, as exported.",
    {
        "receipt_id": "Receipt number: <site>-<yyyymmdd>-<number in the day>",
        "line_number": "Line on the receipt, from 1",
        "location_id": "Location of the till",
        "member_id": "Member who bought; empty for a walk-in customer",
        "sold_at": "Local wall-clock time at the site, yyyy-MM-dd HH:mm:ss (no zone)",
        "item_name": "Item name as the till printed it",
        "category": "juice_bar, supplements, snacks or apparel",
        "quantity": "Units sold; negative on a refund",
        "unit_price": "Price per unit in USD",
        "line_total": "quantity times unit_price in USD",
        "payment_method": "card, member_account, cash or apple_pay",
        "refund_of_receipt": "Receipt a refund line gives money back for; empty on a sale",
    },
    required=("receipt_id", "line_number", "location_id", "sold_at"),
)
