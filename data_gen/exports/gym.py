"""The gym floor: wellness rooms booked at the desk, and sessions on connected machines."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from data_gen import text
from data_gen.activity import MACHINES
from data_gen.day import UTC_ISO, Day
from data_gen.defects import SourceDefects, emptied, reformatted, unknown_member
from data_gen.exports.studio import AMBIGUOUS_LOCAL
from data_gen.render import Export, Records

FACILITY_USAGE = Export(
    "facility_usage",
    "csv",
    SourceDefects(
        values={
            "missing_required": ("member_id", emptied),
            "orphan_key": ("member_id", unknown_member),
            "bad_timestamp": ("entered_at", AMBIGUOUS_LOCAL),
        },
        lines=("duplicate",),
        files=("truncated_file", "late_file"),
    ),
)
# The equipment vendor's cloud speaks UTC; a few consoles still send day-first local-looking times.
EQUIPMENT_SESSIONS = Export(
    "equipment_sessions",
    "jsonl",
    SourceDefects(
        values={
            "missing_required": ("machine_id", emptied),
            "orphan_key": ("member_id", unknown_member),
            "bad_timestamp": ("started_at", reformatted(UTC_ISO, "%d/%m/%Y %H:%M")),
        },
        lines=("duplicate", "malformed_json"),
        files=("truncated_file", "late_file"),
    ),
    numeric=frozenset({"duration_seconds", "reps", "distance_m", "kcal"}),
)


def facility_usage(day: Day) -> Records:
    f = day.gym.facility
    ids = day.ids("FU", len(f.member))
    return Records(
        columns={
            "usage_id": ids,
            "member_id": pa.array(day.members.member_id[f.member]),
            "location_id": pa.array(day.location_ids(f.location)),
            "facility": pa.array(f.facility.astype(str)),
            "entered_at": day.local(f.second),
            "duration_minutes": pa.array(f.minutes),
        },
        keys=ids,
    )


def equipment_sessions(day: Day) -> Records:
    e = day.gym.machines
    ids = day.ids("EQ", len(e.member))
    codes = np.array([m[1] for m in MACHINES])[e.machine]
    machine_ids = text.join(pa.array(day.location_ids(e.location)), "-", pa.array(codes), "-", text.zero_pad(e.unit, 2))
    return Records(
        columns={
            "session_id": ids,
            "member_id": pa.array(day.members.member_id[e.member]),
            "machine_id": machine_ids,
            "machine_type": pa.array(np.array([m[0] for m in MACHINES])[e.machine]),
            "started_at": day.utc(e.second, e.location),
            "duration_seconds": pa.array(e.duration_seconds),
            "reps": pa.array(e.reps),
            "distance_m": pa.array(e.distance_m),
            "kcal": text.fixed(e.kcal, 1),
        },
        keys=ids,
    )
