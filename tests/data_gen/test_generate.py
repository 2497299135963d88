"""The generator's promises, checked by reading its files independently of the pipeline."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from data_gen.generate import generate
from tests.data_gen.reader import FITBIT, LOCAL, Landing

SEED = 11


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate(out, "tiny", seed=SEED, days=21)
    return out


@pytest.fixture(scope="module")
def quarter(tmp_path_factory) -> Landing:
    """Four months of the small gym: enough members and days for rates and seasonality."""
    out = tmp_path_factory.mktemp("small")
    generate(out, "small", seed=5, days=120)
    return Landing(out / "landing")


def truth(out: Path) -> dict:
    return json.loads((out / "_truth" / "defects.json").read_text())


def test_same_seed_same_bytes_another_seed_other_bytes(tiny, tmp_path):
    generate(tmp_path / "again", "tiny", seed=SEED, days=21, workers=2)  # parallel writes the same bytes
    generate(tmp_path / "other", "tiny", seed=SEED + 1, days=21)
    assert tree_digest(tmp_path / "again") == tree_digest(tiny)
    assert tree_digest(tmp_path / "other") != tree_digest(tiny)


def test_truth_lists_exactly_the_defects_an_independent_reader_finds(tiny):
    recorded = {(d["source"], d["kind"], d["file"], d["line"]) for d in truth(tiny)["defects"]}
    in_files = {d for d in recorded if d[1] != "late_file"}
    assert Landing(tiny / "landing").defects() == in_files
    counts = Counter((source, kind) for source, kind, _, _ in recorded)
    assert {(s, k): n for s, kinds in truth(tiny)["counts"].items() for k, n in kinds.items()} == counts


def test_tiny_holds_every_kind_of_defect(tiny):
    kinds = {d["kind"] for d in truth(tiny)["defects"]}
    assert kinds == set(truth(tiny)["rates"])


def test_a_damaged_value_is_recorded_with_its_clean_value(tiny):
    for d in truth(tiny)["defects"]:
        if d["kind"] == "bad_timestamp" and d["source"] == "checkins":
            assert datetime.strptime(d["was"], LOCAL)
        if d["kind"] == "sku_variant":
            assert d["was"] in Landing(tiny / "landing").catalog_names() and d["field"] == "item_name"


def test_day_batches_add_up_to_the_backfill_and_late_files_land_on_their_day(tmp_path):
    days, start = 9, date(2025, 1, 1)
    generate(tmp_path / "backfill", "tiny", seed=SEED, days=days)
    incremental = tmp_path / "incremental"
    first_seen: dict[str, date] = {}
    for offset in range(days):
        day = start + timedelta(days=offset)
        generate(incremental, "tiny", seed=SEED, days=days, day=day)
        for path in tree_digest(incremental / "landing"):
            first_seen.setdefault(path, day)
    assert tree_digest(incremental) == tree_digest(tmp_path / "backfill")

    late = [d for d in truth(incremental)["defects"] if d["kind"] == "late_file"]
    assert late, "tiny makes every source that can be late late on its first day"
    for d in late:
        covered = date.fromisoformat(d["file"].split("/")[1])
        assert first_seen[d["file"]] == date.fromisoformat(d["arrives"]) > covered
    on_time = [p for p in first_seen if p not in {d["file"] for d in late}]
    assert all(first_seen[p] == date.fromisoformat(p.split("/")[1]) for p in on_time)


def test_a_day_outside_the_period_or_another_data_set_is_refused(tiny, tmp_path):
    with pytest.raises(ValueError, match="outside the period"):
        generate(tmp_path, "tiny", seed=SEED, days=21, day=date(2026, 1, 1))
    with pytest.raises(ValueError, match="holds another data set"):
        generate(tiny, "tiny", seed=SEED + 1, days=21, day=date(2025, 1, 2))
    with pytest.raises(ValueError, match="unknown scale 'huge'"):
        generate(tmp_path, "huge")


def test_checkins_peak_at_the_morning_and_evening_rush(quarter):
    hours = Counter(int(r["checkin_time"][11:13]) for r in quarter.clean("checkins"))
    assert {hour for hour, _ in hours.most_common(4)} <= {6, 7, 17, 18}, hours.most_common(6)
    assert sum(hours[h] for h in range(0, 5)) == 0  # closed at night


def test_visits_follow_the_week_and_joins_the_january_rush(quarter):
    weekdays = Counter(datetime.strptime(r["checkin_time"], LOCAL).weekday() for r in quarter.clean("checkins"))
    assert weekdays[0] > weekdays[4] > weekdays[6]  # Monday busiest, Sunday quietest
    joins = Counter(
        r["join_date"][:7] for r in quarter.clean("members") if r["join_date"] >= "2025-01-01" and r["status"]
    )
    assert joins["2025-01"] > 1.4 * joins["2025-04"]


def _final_members(landing: Landing) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for r in landing.clean("members"):
        if r["exported_at"] >= latest.get(r["member_id"], {}).get("exported_at", ""):
            latest[r["member_id"]] = r
    return latest


def test_monthly_churn_is_between_2_and_6_percent(quarter):
    members = _final_members(quarter).values()
    for month in ("2025-01", "2025-02", "2025-03"):
        first = f"{month}-01"
        on_books = [
            m for m in members if m["join_date"] < first and (not m["cancel_date"] or m["cancel_date"] >= first)
        ]
        churned = [m for m in on_books if m["cancel_date"].startswith(month)]
        assert 0.02 <= len(churned) / len(on_books) <= 0.06, (month, len(churned), len(on_books))


def test_no_show_rate_is_between_8_and_20_percent_and_classes_respect_capacity(quarter):
    outcome = {r["booking_id"]: r for r in quarter.clean("attendance") if r["status"] != "booked"}
    statuses = Counter(r["status"] for r in outcome.values())
    booked = statuses["attended"] + statuses["no_show"] + statuses["late_cancel"]
    assert 0.08 <= statuses["no_show"] / booked <= 0.20, statuses
    assert statuses["waitlist"] > 0 and statuses["late_cancel"] > 0
    capacity = {r["session_id"]: int(r["capacity"]) for r in quarter.clean("class_schedule")}
    attended = Counter(r["session_id"] for r in outcome.values() if r["status"] == "attended")
    assert all(n <= capacity[s] for s, n in attended.items())


def test_members_visit_less_in_the_weeks_before_they_cancel(quarter):
    cancelled = {
        m["member_id"]: date.fromisoformat(m["cancel_date"])
        for m in _final_members(quarter).values()
        if m["cancel_date"] and m["cancel_date"] >= "2025-04-01"
    }
    near, far = 0, 0
    for r in quarter.clean("checkins"):
        if r["member_id"] in cancelled:
            before = (cancelled[r["member_id"]] - datetime.strptime(r["checkin_time"], LOCAL).date()).days
            near += 0 < before <= 30
            far += 60 < before <= 90
    assert near < 0.7 * far, (near, far)


def test_clean_records_are_referentially_intact(quarter):
    members = quarter.member_ids()
    sites = {r["location_id"] for r in quarter.clean("locations")}
    instructors = {r["instructor_id"] for r in quarter.clean("instructors")}
    sessions = {r["session_id"]: r for r in quarter.clean("class_schedule")}
    assert {r["instructor_id"] for r in sessions.values()} <= instructors
    sources = ("checkins", "attendance", "facility_usage", "equipment_sessions", "app_events", "workouts")
    for source in (*sources, "linked_accounts"):
        rows = quarter.clean(source)
        assert rows and {r["member_id"] for r in rows} <= members, source
    for source in ("checkins", "retail", "facility_usage", "class_schedule"):
        assert {r["location_id"] for r in quarter.clean(source)} <= sites, source
    for r in quarter.clean("attendance"):
        session = sessions[r["session_id"]]
        assert (r["instructor_id"], r["class_type"]) == (session["instructor_id"], session["class_type"])
    assert {r["item_name"] for r in quarter.clean("retail")} <= quarter.catalog_names()


def test_wearable_minutes_cover_whole_days_of_known_devices_in_the_fitbit_format(tiny):
    # Tiny data: minute rows are the bulk of any data set, and three weeks of them show every rule.
    landing = Landing(tiny / "landing")
    rows = landing.clean("wearables")
    assert all(datetime.strptime(r["ActivityMinute"], FITBIT) for r in rows)
    defects = landing.source_defects("wearables")
    resent = {(f, n) for _, kind, f, n in defects if kind == "duplicate"}
    truncated = {f for _, kind, f, _ in defects if kind == "truncated_file"}
    per_device_day = Counter((f, r["Id"]) for f, n, r, _ in landing.records("wearables") if r and (f, n) not in resent)
    # A synced day has every minute, but for the one cut off at the end of a truncated file.
    assert per_device_day and set(per_device_day.values()) <= {1439, 1440}
    assert {f for (f, _), n in per_device_day.items() if n == 1439} <= truncated
    assert {r["SleepValue"] for r in rows} == {"", "1", "2", "3"}
    devices = {r["wearable_device_id"] for r in landing.clean("members")} - {""}
    assert {device for _, device in per_device_day} <= devices


def _links(landing: Landing) -> dict[tuple, dict]:
    """(member, provider, account, linked date) -> the link as last exported."""
    return {
        (r["member_id"], r["provider"], r["account_id"], r["linked_date"]): r for r in landing.clean("linked_accounts")
    }


def test_linked_accounts_are_every_device_and_mapmyrun_account_and_a_device_changes_hands_only_when_unlinked(quarter):
    links = _links(quarter).values()
    assert {r["provider"] for r in links} == {"fitbit", "mapmyrun"}
    fitbit = {(r["member_id"], r["account_id"]) for r in links if r["provider"] == "fitbit"}
    devices = {(m["member_id"], m["wearable_device_id"]) for m in _final_members(quarter).values()}
    assert {d for d in devices if d[1]} <= fitbit
    mapmyrun = {r["member_id"]: r["account_id"] for r in links if r["provider"] == "mapmyrun"}
    assert {r["member_id"] for r in quarter.clean("workouts")} <= set(mapmyrun)
    assert all(re.fullmatch(r"[1-9][0-9]{8}", a) for a in mapmyrun.values())
    assert len(set(mapmyrun.values())) == len(mapmyrun)  # one account, one member
    # A device that changed hands was unlinked from its owner on the day they left, before anyone linked it again.
    cancelled = {m["member_id"]: m["cancel_date"] for m in _final_members(quarter).values()}
    by_device = defaultdict(list)
    for r in links:
        if r["provider"] == "fitbit":
            by_device[r["account_id"]].append(r)
    moved = [sorted(held, key=lambda r: r["linked_date"]) for held in by_device.values() if len(held) > 1]
    assert moved
    for first, then in moved:
        assert first["unlinked_date"] == cancelled[first["member_id"]] < then["linked_date"]
        assert first["member_id"] != then["member_id"] and then["unlinked_date"] == ""


def test_every_device_minute_is_of_a_device_linked_to_a_member_that_day(tiny):
    landing = Landing(tiny / "landing")
    held = defaultdict(list)
    for r in _links(landing).values():
        held[r["account_id"]].append((r["linked_date"], r["unlinked_date"] or "9999-12-31"))
    days = {
        (r["Id"], datetime.strptime(r["ActivityMinute"], FITBIT).date().isoformat()) for r in landing.clean("wearables")
    }
    assert days and all(sum(start <= day < end for start, end in held[d]) == 1 for d, day in days)


def test_workouts_mix_runs_and_mislabelled_walks(quarter):
    kinds: dict[str, str] = {}
    for path in sorted((quarter.root.parent / "_truth" / "workouts").glob("*.csv")):
        for line in path.read_text().splitlines()[1:]:
            workout_id, _, kind = line.split(",")
            kinds[workout_id] = kind
    labels = defaultdict(Counter)
    for r in quarter.clean("workouts"):
        labels[kinds[r["Link"].rsplit("/", 1)[1]]][r["Activity Type"]] += 1
    assert labels["walk"]["Run"] > 0 and labels["walk"]["Walk"] > 0  # some dog walks are logged as runs
    assert set(labels["real_run"]) == {"Run"} and labels["mixed"] and labels["outlier"]
    paces = defaultdict(list)
    for r in quarter.clean("workouts"):
        paces[kinds[r["Link"].rsplit("/", 1)[1]]].append(float(r["Avg Pace (min/mi)"]))
    assert max(paces["real_run"]) < min(paces["walk"]) + 8 and sum(paces["walk"]) / len(paces["walk"]) > 15


def _bookings(landing: Landing) -> dict[tuple[str, str], set[str]]:
    """(session_id, member_id) -> the statuses of its booking events, damaged values read as they were."""
    defects = truth(landing.root.parent)["defects"]
    was = {(d["file"], d["line"]): (d["field"], d["was"]) for d in defects if "field" in d}
    statuses: dict[tuple[str, str], set[str]] = defaultdict(set)
    for file, number, r, _ in landing.records("attendance"):
        if r is not None:
            field, value = was.get((file, number), (None, None))
            r = {**r, field: value} if field else r
            statuses[r["session_id"], r["member_id"]].add(r["status"])
    return statuses


def test_only_members_who_came_to_a_class_answer_its_survey_a_share_of_them_within_two_days(quarter):
    # A booking whose `attended` line was cut off still has its `booked` line: a member who came is one who
    # booked and has no other outcome.
    bookings = _bookings(quarter)
    came = {pair for pair, statuses in bookings.items() if not statuses & {"no_show", "late_cancel", "waitlist"}}
    answers = quarter.clean("class_feedback")
    assert answers and {(r["session_id"], r["member_id"]) for r in answers} <= came
    attended = sum("attended" in statuses for statuses in bookings.values())
    responses = {r["response_id"] for _, _, r, _ in quarter.records("class_feedback") if r}
    assert 0.20 <= len(responses) / attended <= 0.35, (len(responses), attended)
    sessions = {r["session_id"]: r for r in quarter.clean("class_schedule")}
    for r in answers:
        session = sessions[r["session_id"]]
        ends = datetime.strptime(session["start_time"], LOCAL) + timedelta(minutes=int(session["duration_minutes"]))
        assert ends < datetime.strptime(r["submitted_at"], LOCAL) < ends + timedelta(days=2), (r, session)
        assert r["site_timezone"] == session["site_timezone"]


def test_ratings_are_mostly_4_or_5_and_differ_by_instructor_far_beyond_chance(quarter):
    answers = quarter.clean("class_feedback")
    stars = Counter(int(r["rating"]) for r in answers)
    assert set(stars) == {1, 2, 3, 4, 5} and (stars[4] + stars[5]) / len(answers) >= 0.7, stars
    assert 0.3 <= sum(r["comment"] != "" for r in answers) / len(answers) <= 0.6
    # One-way ANOVA of the stars by instructor: without an instructor effect F is about 1.
    instructor = {r["session_id"]: r["instructor_id"] for r in quarter.clean("class_schedule")}
    by_instructor = defaultdict(list)
    for r in answers:
        by_instructor[instructor[r["session_id"]]].append(int(r["rating"]))
    groups = [g for g in by_instructor.values() if len(g) >= 30]
    everyone = [s for g in groups for s in g]
    grand = sum(everyone) / len(everyone)
    between = sum(len(g) * (sum(g) / len(g) - grand) ** 2 for g in groups) / (len(groups) - 1)
    within = sum((s - sum(g) / len(g)) ** 2 for g in groups for s in g) / (len(everyone) - len(groups))
    assert len(groups) >= 10 and between / within > 2.5, (len(groups), between / within)
