"""The studio management system (Mindbody-style): sites, staff, members, timetable, bookings, door."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from data_gen import text
from data_gen.accounts import PROVIDERS
from data_gen.accounts import linked_accounts as draw_links
from data_gen.activity import STATUSES
from data_gen.day import LOCAL, Day
from data_gen.defects import SourceDefects, emptied, reformatted, unknown_session, with_contact
from data_gen.population import BILLING_PERIODS, CANCEL_REASONS, NEVER, PLANS
from data_gen.render import Export, Records
from data_gen.world import CLASS_TYPES

AMBIGUOUS_LOCAL = reformatted(LOCAL, "%m/%d/%Y %I:%M %p")  # 01/06/2025 06:14 AM: month or day first?

LOCATIONS = Export("locations", "csv", reference=True)
INSTRUCTORS = Export("instructors", "csv", reference=True)
MEMBERS = Export(
    "members",
    "csv",
    SourceDefects(
        values={"bad_timestamp": ("join_date", reformatted("%Y-%m-%d", "%d/%m/%Y"))}, lines=("wrong_field_count",)
    ),
)
LINKED_ACCOUNTS = Export("linked_accounts", "csv")
CLASS_SCHEDULE = Export("class_schedule", "csv")
ATTENDANCE = Export(
    "attendance",
    "jsonl",
    SourceDefects(
        values={
            "missing_required": ("member_id", emptied),
            "bad_timestamp": ("event_time", AMBIGUOUS_LOCAL),
            "orphan_key": ("session_id", unknown_session),
        },
        lines=("duplicate", "malformed_json"),
        files=("truncated_file", "late_file"),
    ),
)
CHECKINS = Export(
    "checkins",
    "jsonl",
    SourceDefects(
        values={"missing_required": ("member_id", emptied), "bad_timestamp": ("checkin_time", AMBIGUOUS_LOCAL)},
        lines=("duplicate", "malformed_json"),
        files=("truncated_file", "late_file"),
    ),
)
CANCELLATIONS = Export(
    "cancellations",
    "csv",
    SourceDefects(
        values={"pii_in_notes": ("notes", with_contact), "bad_timestamp": ("requested_at", AMBIGUOUS_LOCAL)},
        files=("late_file",),
    ),
)
CANCEL_NOTES = {
    "not_using": ("Not coming in enough to justify it", "Haven't used it in weeks", ""),
    "cost": ("Too expensive right now", "Budget cuts at home", ""),
    "moving": ("Moving out of the area", "Relocating for work", ""),
    "injury_or_health": ("Knee surgery, doctor says rest", "Pregnancy, will be back", ""),
    "switching_gym": ("Joining a gym closer to work", "Found a cheaper option", ""),
    "schedule": ("New job hours clash with classes", "No time with the new baby", ""),
    "other": ("", "Personal reasons", ""),
}


def locations(day: Day) -> Records:
    locs = day.world.locations
    return Records(
        columns={
            "location_id": pa.array([loc.location_id for loc in locs]),
            "name": pa.array([loc.name for loc in locs]),
            "city": pa.array([loc.city for loc in locs]),
            "timezone": pa.array([loc.timezone for loc in locs]),
            "facilities": pa.array([";".join(loc.facilities) for loc in locs]),
        },
        keys=np.array([loc.location_id for loc in locs]),
    )


def instructors(day: Day) -> Records:
    staff = day.world.instructors
    return Records(
        columns={
            "instructor_id": pa.array([i.instructor_id for i in staff]),
            "first_name": pa.array([i.first_name for i in staff]),
            "last_name": pa.array([i.last_name for i in staff]),
            "location_id": pa.array([i.location_id for i in staff]),
            "specialties": pa.array([";".join(i.specialties) for i in staff]),
        },
        keys=np.array([i.instructor_id for i in staff]),
    )


def iso_dates(ordinals: np.ndarray, present: np.ndarray) -> pa.Array:
    """Day ordinals as yyyy-mm-dd, empty where not `present`."""
    days = np.where(present, ordinals, 719163) - 719163  # ordinal of 1970-01-01
    return pa.array(np.where(present, days.astype("datetime64[D]").astype(str), None), pa.string())


def members(day: Day) -> Records:
    """The first export holds every member on the books; later ones hold members whose record changed."""
    m, d = day.members, day.day.toordinal()
    idx = np.flatnonzero((m.join <= d) & (d < m.cancel)) if day.first_of_period else m.changed_on(d)
    cancelled = m.cancel[idx] <= d
    frozen = (m.freeze_start[idx] <= d) & (d < m.freeze_end[idx])
    research = m.research_consent_on(d, idx)

    return Records(
        columns={
            "member_id": pa.array(m.member_id[idx]),
            "first_name": pa.array(m.first_name[idx]),
            "last_name": pa.array(m.last_name[idx]),
            "email": pa.array(m.email[idx]),
            "phone": pa.array(m.phone[idx]),
            "home_location_id": pa.array(day.location_ids(m.home[idx])),
            "plan": pa.array(np.array(PLANS)[m.plan_on(d, idx)]),
            "billing_period": pa.array(np.array(BILLING_PERIODS)[m.billing[idx]]),
            "monthly_fee": text.fixed(m.monthly_fee_on(d, idx), 2),
            "join_date": iso_dates(m.join[idx], np.ones(len(idx), dtype=bool)),
            "status": pa.array(np.select([cancelled, frozen], ["cancelled", "frozen"], "active")),
            "cancel_date": iso_dates(m.cancel[idx], cancelled),
            "exported_at": pa.array([f"{day.day} 23:50:00"] * len(idx)),
            "marketing_consent": pa.array(np.where(m.marketing_consent[idx], "true", "false")),
            "research_consent": pa.array(np.where(research, "true", "false")),
            "research_consent_date": iso_dates(m.research_from[idx], research),
            "wearable_device_id": pa.array(np.where(m.wearable_id[idx] > 0, m.wearable_id[idx].astype(str), None)),
        },
        keys=m.member_id[idx],
    )


def linked_accounts(day: Day) -> Records:
    """The first export holds every account linked by then; later ones the links made or ended that day."""
    links, d = draw_links(day.seed, day.members), day.day.toordinal()
    made = links.linked <= d if day.first_of_period else (links.linked == d) | (links.unlinked == d)
    idx = np.flatnonzero(made)
    idx = idx[np.lexsort((links.linked[idx], links.provider[idx], links.member[idx]))]
    member_ids = pa.array(day.members.member_id[links.member[idx]], pa.string())
    providers = pa.array(np.array(PROVIDERS)[links.provider[idx]], pa.string())
    accounts = text.strings(links.account[idx])
    linked = iso_dates(links.linked[idx], np.ones(len(idx), dtype=bool))
    return Records(
        columns={
            "member_id": member_ids,
            "provider": providers,
            "account_id": accounts,
            "linked_date": linked,
            "unlinked_date": iso_dates(links.unlinked[idx], links.unlinked[idx] <= d),
        },
        keys=text.join(member_ids, "/", providers, "/", accounts, "/", linked),
    )


def session_ids(location_ids: np.ndarray, stamps: str | pa.Array, start_minute: np.ndarray) -> pa.Array:
    """The studio system's id of a class session, `<site>-<yyyymmdd>-<hhmm>`: site, local date and start."""
    hhmm = text.zero_pad(start_minute // 60 * 100 + start_minute % 60, 4)
    return text.join(pa.array(location_ids), "-", stamps, "-", hhmm)


def class_schedule(day: Day) -> Records:
    s = day.gym.sessions
    loc_ids = day.location_ids(s.location)
    ids = session_ids(loc_ids, day.stamp, s.start_minute)
    types = [CLASS_TYPES[t] for t in s.class_type]
    return Records(
        columns={
            "session_id": ids,
            "location_id": pa.array(loc_ids),
            "class_type": pa.array([t.name for t in types]),
            "instructor_id": pa.array([day.world.instructors[i].instructor_id for i in s.instructor]),
            "start_time": day.local(s.start_minute * 60),
            "duration_minutes": pa.array([t.minutes for t in types]),
            "capacity": pa.array(s.capacity),
            "site_timezone": pa.array(day.timezones(s.location)),
        },
        keys=ids,
    )


def attendance(day: Day) -> Records:
    """Booking events: 'booked' when a place was confirmed, then the outcome (a waitlisted booking has
    one event). Times are local to the site."""
    b, s = day.gym.bookings, day.gym.sessions
    n = len(b.member)
    booking_ids = day.ids("BK", n)
    confirmed = np.flatnonzero(b.status != STATUSES.index("waitlist"))
    # Each confirmed booking's 'booked' event, then every booking's outcome, in time order.
    which = np.r_[confirmed, np.arange(n)]
    status = np.r_[np.full(len(confirmed), "booked"), np.array(STATUSES)[b.status]]
    when = np.r_[b.booked_second[confirmed], b.status_second]
    order = np.lexsort((which, when))
    which, status, when = which[order], status[order], when[order]
    sess = b.session[which]
    event_bookings = booking_ids.take(pa.array(which))
    schedule = class_schedule(day).columns
    return Records(
        columns={
            "booking_id": event_bookings,
            "session_id": schedule["session_id"].take(pa.array(sess)),
            "member_id": pa.array(day.members.member_id[b.member[which]]),
            "instructor_id": schedule["instructor_id"].take(pa.array(sess)),
            "class_type": schedule["class_type"].take(pa.array(sess)),
            "status": pa.array(status),
            "event_time": day.local(when),
            "site_timezone": pa.array(day.timezones(s.location[sess])),
        },
        keys=event_bookings,
    )


def checkins(day: Day) -> Records:
    v = day.gym.visits
    ids = day.ids("CK", len(v))
    return Records(
        columns={
            "checkin_id": ids,
            "member_id": pa.array(day.members.member_id[v.member]),
            "location_id": pa.array(day.location_ids(v.location)),
            "checkin_time": day.local(v.second),
            "site_timezone": pa.array(day.timezones(v.location)),
            "channel": pa.array(np.where(v.by_app, "app", "front_desk")),
        },
        keys=ids,
    )


def cancellations(day: Day) -> Records:
    m, d = day.members, day.day.toordinal()
    idx = np.flatnonzero((m.cancel_requested == d) & (m.cancel < NEVER))
    rng = day.rng(CANCELLATIONS.source)
    reasons = np.array(CANCEL_REASONS)[m.cancel_reason[idx]]
    notes = [CANCEL_NOTES[r][int(rng.integers(3))] or None for r in reasons]
    effective = (m.cancel[idx] - 719163).astype("datetime64[D]").astype(str)
    seconds = rng.integers(9 * 3600, 20 * 3600, len(idx))
    return Records(
        columns={
            "cancellation_id": pa.array(np.char.add("CX", m.member_id[idx])),
            "member_id": pa.array(m.member_id[idx]),
            "location_id": pa.array(day.location_ids(m.home[idx])),
            "requested_at": day.local(seconds),
            "effective_date": pa.array(effective),
            "reason": pa.array(reasons),
            "notes": pa.array(notes, pa.string()),
        },
        keys=m.member_id[idx],
        contacts=np.where(np.arange(len(idx)) % 2 == 0, m.email[idx], m.phone[idx]),
    )
