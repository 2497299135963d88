"""The studio system's post-class survey: one line per answer, the stars and what the member typed.

CSV, as survey tools export responses, and because the comment is free text: our JSON lines are written
without escaping (data_gen/text.py), and members type commas and quotes. Local time at the class's site,
with its time zone, like the studio system's other exports.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data_gen.day import Day
from data_gen.defects import SourceDefects, emptied, off_scale, unknown_member, with_contact
from data_gen.exports.studio import AMBIGUOUS_LOCAL, session_ids
from data_gen.feedback import answered_on
from data_gen.render import Export, Records

EPOCH = date(1970, 1, 1).toordinal()  # numpy's day 0

CLASS_FEEDBACK = Export(
    "class_feedback",
    "csv",
    SourceDefects(
        # The kind only this source has first: `tiny` forces every kind into a source's first export with records,
        # and when that export has fewer records than kinds, the kinds listed first get them.
        values={
            "out_of_range": ("rating", off_scale),
            "pii_in_notes": ("comment", with_contact),
            "missing_required": ("member_id", emptied),
            "orphan_key": ("member_id", unknown_member),
            "bad_timestamp": ("submitted_at", AMBIGUOUS_LOCAL),
        },
        lines=("duplicate", "wrong_field_count"),
        files=("truncated_file", "late_file"),
    ),
)
# What members write, by how they rated the class: 5, 4, 1-3.
COMMENTS = (
    ("Loved it, great energy!", "Best class of my week", "Instructor was amazing, pushed me just right",
     "Great playlist, will be back"),
    ("Good class, the room was a bit warm", "Nice workout, music could be louder", "Solid class, started a few "
     "minutes late", "Good, but hard to see the instructor from the back"),
    ("Too crowded, no room to move", "Bikes need maintenance, mine kept slipping", "Not the class described, too "
     "easy", "Instructor barely explained the moves", "Cancelled last minute, then ran late"),
)  # fmt: skip


def _comments(stars: np.ndarray, pick: np.ndarray) -> list[str | None]:
    band = np.select([stars == 5, stars == 4], [0, 1], 2)
    return [COMMENTS[b][p % len(COMMENTS[b])] if p >= 0 else None for b, p in zip(band, pick, strict=True)]


def class_feedback(day: Day) -> Records:
    a, m = answered_on(day), day.members
    ids = day.ids("FB", len(a))
    stamps = pc.strftime(pa.array((a.class_day - EPOCH).astype("datetime64[D]")), format="%Y%m%d")
    return Records(
        columns={
            "response_id": ids,
            "session_id": session_ids(day.location_ids(a.location), stamps, a.start_minute),
            "member_id": pa.array(m.member_id[a.member]),
            "rating": pa.array(a.stars),
            "comment": pa.array(_comments(a.stars, a.comment), pa.string()),
            "submitted_at": day.local(a.second),
            "site_timezone": pa.array(day.timezones(a.location)),
        },
        keys=ids,
        contacts=np.where(np.arange(len(a)) % 2 == 0, m.email[a.member], m.phone[a.member]),
    )
