"""The point of sale's product catalog (CSV reference data, exported on the first day of a period)."""

from __future__ import annotations

from bronze._raw import raw_contract
from fitlake.landing import LandingSource

SOURCE = LandingSource(folder="products", format="csv")

CONTRACT = raw_contract(
    "bronze.products_raw",
    "Product catalog CSV lines from the point of sale, as exported.",
    {
        "sku": "Stock keeping unit: the product's code",
        "name": "Product name as the catalog spells it",
        "category": "juice_bar, supplements, snacks or apparel",
        "list_price": "Price per unit in USD",
    },
    required=("sku",),
)
