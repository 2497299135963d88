"""The CRM export: members with marketing consent, their names and e-mail joined in, HubSpot's headers."""

import csv
from datetime import date, datetime

from fitlake import io
from fitlake.exports import HUBSPOT_COLUMNS, crm_file, export_crm
from gold import crm_contacts
from silver import member_pii


def _write(lakehouse):
    contacts = [  # member, consent, frozen, last activity, visits a week, favourite class and instructor
        ("k1", True, False, date(2025, 6, 30), 2.345, "yoga", "I1"),
        ("k2", False, False, date(2025, 6, 29), 1.0, "spin", "I2"),  # no marketing consent: not exported
        ("k3", True, True, None, 0.0, None, None),  # frozen, never came, no favourites
        ("k4", True, False, date(2025, 6, 1), 0.5, None, None),  # no e-mail address on file: HubSpot cannot match
    ]
    rows = [(k, "BKN", "plus", date(2024, 3, 1), consent, frozen, last, vpw, fav, who)
            for k, consent, frozen, last, vpw, fav, who in contacts]  # fmt: skip
    spark = lakehouse.spark
    io.write(
        lakehouse, crm_contacts.CONTRACT, spark.createDataFrame(rows, crm_contacts.CONTRACT.spark_schema), "overwrite"
    )
    people = [
        (k, f"M{i}", first, "Lee", email, None, None, datetime(2025, 6, 30), "members.csv", i, "b1")
        for i, (k, first, email) in enumerate(
            [("k1", "Ana", "ana@example.com"), ("k2", "Bo", "bo@example.com"), ("k3", "Cy", "cy@example.com"),
             ("k4", "Di", None)]
        )
    ]  # fmt: skip
    io.write(
        lakehouse, member_pii.CONTRACT, spark.createDataFrame(people, member_pii.CONTRACT.spark_schema), "overwrite"
    )


def test_only_consenting_members_with_an_email_address_are_exported_under_hubspot_headers(lakehouse):
    _write(lakehouse)
    path, count = export_crm(lakehouse)
    assert path == crm_file(lakehouse) and count == 2
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(HUBSPOT_COLUMNS)
    assert [r["Email"] for r in rows] == ["ana@example.com", "cy@example.com"]
    ana, cy = rows
    assert (ana["First Name"], ana["Member since"], ana["Last activity date"], ana["Visits per week"]) == (
        "Ana", "2024-03-01", "2025-06-30", "2.35")  # fmt: skip
    assert (ana["Favourite class"], ana["Lifecycle Stage"], ana["Membership frozen"]) == ("yoga", "customer", "false")
    assert (cy["Membership frozen"], cy["Last activity date"], cy["Favourite class"]) == ("true", "", "")


def test_a_rerun_writes_the_same_bytes_and_leaves_no_partial_file(lakehouse):
    _write(lakehouse)
    path, _ = export_crm(lakehouse)
    first = path.read_bytes()
    export_crm(lakehouse)
    assert path.read_bytes() == first
    assert [p.name for p in path.parent.iterdir()] == [path.name]
