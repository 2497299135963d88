"""Files for other systems, written from Gold. One today: the CRM's contacts, as a HubSpot contact import.

HubSpot matches an imported contact by e-mail address and maps columns to contact properties by header
(its import wizard matches the property's label), so the file carries the member's name and e-mail from
silver.member_pii next to gold.crm_contacts' figures, and only for members who agreed to marketing
e-mail. The member key goes along as a custom property ("FitLake member key", to be created as a unique
single-line text property) so a contact can be traced back to the lakehouse without a member number.

The file is written whole to a temporary name and renamed over the previous one, so an import never sees
half a file and a rerun on the same data writes the same bytes. It holds names and e-mail addresses, so it is
readable by its owner only (0600), in an owner-only `<home>/exports/` (fitlake.permissions).
"""

from __future__ import annotations

import os
from pathlib import Path

from pyspark.sql import functions as F

from fitlake.lakehouse import Lakehouse
from fitlake.permissions import create_private_file, private_folder

# HubSpot property label -> column of the joined contacts, in file order.
HUBSPOT_COLUMNS = {
    "Email": "email",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Lifecycle Stage": "lifecycle_stage",
    "FitLake member key": "member_key",
    "Home location": "location_id",
    "Membership plan": "plan",
    "Member since": "join_date",
    "Membership frozen": "is_frozen",
    "Last activity date": "last_activity_date",
    "Visits per week": "visits_per_week",
    "Favourite class": "favourite_class_type",
    "Favourite instructor": "favourite_instructor_id",
}


def crm_file(lh: Lakehouse) -> Path:
    return lh.settings.home / "exports" / "hubspot_contacts.csv"


def export_crm(lh: Lakehouse, out: Path | None = None) -> tuple[Path, int]:
    """Write the HubSpot contact import; returns its path and the number of contacts in it."""
    out = out or crm_file(lh)
    people = lh.read("silver.member_pii").select("member_key", "email", "first_name", "last_name")
    contacts = (
        lh.read("gold.crm_contacts")
        .filter("marketing_consent")
        .join(people, "member_key")
        .filter(F.col("email").isNotNull())  # HubSpot cannot match a contact without one
        .withColumn("lifecycle_stage", F.lit("customer"))
        .withColumn("visits_per_week", F.round("visits_per_week", 2))
        .select(*[F.col(c).alias(label) for label, c in HUBSPOT_COLUMNS.items()])
        .orderBy("FitLake member key")
    )
    frame = contacts.toPandas()
    frame["Membership frozen"] = frame["Membership frozen"].map({True: "true", False: "false"})
    if out == crm_file(lh):  # names and e-mail addresses: the lakehouse's exports folder is the owner's only
        private_folder(out.parent)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    with os.fdopen(create_private_file(partial), "w", newline="") as f:
        frame.to_csv(f, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    os.replace(partial, out)
    return out, len(frame)
