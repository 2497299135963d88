"""Serialise members and check-ins as the studio system exports them, injecting defects on the way."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import numpy as np

from data_gen.checkins import Checkin
from data_gen.defects import DefectLog, DefectRates, pick, rates_by_prefix
from data_gen.population import Member

MEMBER_COLUMNS = (
    "member_id", "first_name", "last_name", "email", "phone", "home_location_id", "plan",
    "billing_period", "monthly_fee", "join_date", "status", "cancel_date", "exported_at",
)  # fmt: skip


def member_row(m: Member, day: date) -> list[str]:
    cancelled = m.cancel_date <= day
    return [
        m.member_id, m.first_name, m.last_name, m.email, m.phone, m.home_location.location_id, m.plan,
        m.billing_period, f"{m.monthly_fee:.2f}", m.join_date.isoformat(),
        "cancelled" if cancelled else "active", m.cancel_date.isoformat() if cancelled else "",
        f"{day.isoformat()} 23:50:00",
    ]  # fmt: skip


def members_csv(
    rng: np.random.Generator,
    members: list[Member],
    day: date,
    file: str,
    rates: DefectRates,
    log: DefectLog,
    at_least: int = 0,
) -> str:
    rows = [member_row(m, day) for m in members]
    defects = pick(rng, len(rows), rates_by_prefix(rates, "member_"), at_least)
    for i in defects["bad_join_date"]:
        joined = date.fromisoformat(rows[i][9])
        rows[i][9] = f"{joined:%d/%m/%Y}"
    for i in defects["wrong_field_count"]:
        rows[i] = rows[i][:-1]
    for kind, positions in defects.items():
        for i in positions:
            log.add(f"member_{kind}", "members", file, int(i) + 2, rows[i][0])  # line 1 is the header
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MEMBER_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def checkin_record(checkin_id: str, c: Checkin) -> dict:
    return {
        "checkin_id": checkin_id,
        "member_id": c.member.member_id,
        "location_id": c.location.location_id,
        "checkin_time": c.local_time,
        "site_timezone": c.location.timezone,
        "channel": c.channel,
    }


def checkins_jsonl(
    rng: np.random.Generator,
    records: list[dict],
    file: str,
    rates: DefectRates,
    log: DefectLog,
    at_least: int = 0,
) -> str:
    n = len(records)
    defects = pick(rng, n, rates_by_prefix(rates, "checkin_"), at_least)
    for i in defects["missing_member"]:
        records[i]["member_id"] = None
    for i in defects["bad_timestamp"]:
        local = datetime.strptime(records[i]["checkin_time"], "%Y-%m-%d %H:%M:%S")
        records[i]["checkin_time"] = f"{local:%m/%d/%Y %I:%M %p}"
    lines = [json.dumps(r, separators=(",", ":")) for r in records]
    for i in defects["malformed_json"]:
        # Cutting before the closing brace always leaves invalid JSON.
        lines[i] = lines[i][: int(rng.integers(1, len(lines[i]) - 1))]
    for i in defects["duplicate"]:
        lines.append(lines[i])  # re-sent at the end of the same export
    for kind, positions in defects.items():
        for copy, i in enumerate(positions):
            # A re-sent copy sits after the n original lines, in the order the copies were appended.
            line = n + 1 + copy if kind == "duplicate" else int(i) + 1
            log.add(f"checkin_{kind}", "checkins", file, line, records[i]["checkin_id"])
    return "\n".join(lines) + "\n" if lines else ""
