"""The thin slice end to end, through the `fitlake` command a user types, on a temporary lakehouse.

Each command runs in its own process, as it does for a user, so these tests also prove the session
starts, re-registers the catalog from disk and stops cleanly every time.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime

import pytest
from pyspark.sql import functions as F

from fitlake import registry
from fitlake.privacy import CONTACT_PATTERN
from tests.integration.conftest import DATA_TABLES, copy_of, fitlake, row_counts, sql, tables_on_disk

# Each defect the generator injects, and how the pipeline deals with it: quarantined in a table under a rule,
# removed as a duplicate, repaired in place, or simply read when it lands. A new (source, kind) fails the test
# until it is given its outcome here.
QUARANTINE_RULE = {
    ("checkins", "malformed_json"): "well_formed_record",
    ("checkins", "truncated_file"): "well_formed_record",
    ("checkins", "missing_required"): "not_null(member_id)",
    ("checkins", "bad_timestamp"): "parseable(checkin_local_time)",
    ("members", "wrong_field_count"): "well_formed_record",
    ("members", "bad_timestamp"): "parseable(join_date)",
    ("attendance", "malformed_json"): "well_formed_record",
    ("attendance", "truncated_file"): "well_formed_record",
    ("attendance", "missing_required"): "not_null(member_id)",
    ("attendance", "bad_timestamp"): "parseable(event_local_time)",
    ("attendance", "orphan_key"): "foreign_key(session_id)",
    ("cancellations", "bad_timestamp"): "parseable(requested_local_time)",
    ("retail", "wrong_field_count"): "well_formed_record",
    ("retail", "truncated_file"): "well_formed_record",
    ("retail", "bad_timestamp"): "parseable(sold_local_time)",
    ("retail", "orphan_key"): "foreign_key(member_id)",
    ("retail", "negative_price"): "between(unit_price,0,10000)",
    ("facility_usage", "truncated_file"): "well_formed_record",
    ("facility_usage", "missing_required"): "not_null(member_id)",
    ("facility_usage", "bad_timestamp"): "parseable(entered_local_time)",
    ("facility_usage", "orphan_key"): "foreign_key(member_id)",
    ("equipment_sessions", "malformed_json"): "well_formed_record",
    ("equipment_sessions", "truncated_file"): "well_formed_record",
    ("equipment_sessions", "missing_required"): "not_null(machine_id)",
    ("equipment_sessions", "bad_timestamp"): "parseable(started_at)",
    ("equipment_sessions", "orphan_key"): "foreign_key(member_id)",
    ("app_events", "malformed_json"): "well_formed_record",
    ("app_events", "truncated_file"): "well_formed_record",
    ("app_events", "missing_required"): "not_null(member_id)",
    ("app_events", "bad_timestamp"): "parseable(event_at)",
    ("app_events", "orphan_key"): "foreign_key(member_id)",
    ("wearables", "truncated_file"): "well_formed_record",
    ("wearables", "bad_timestamp"): "parseable(minute_local_time)",
    ("class_feedback", "wrong_field_count"): "well_formed_record",
    ("class_feedback", "truncated_file"): "well_formed_record",
    ("class_feedback", "missing_required"): "not_null(member_id)",
    ("class_feedback", "orphan_key"): "foreign_key(member_id)",
    ("class_feedback", "bad_timestamp"): "parseable(submitted_local_time)",
    ("class_feedback", "out_of_range"): "between(rating,1,5)",
}
DUPLICATE = {
    *("checkins", "attendance", "retail", "facility_usage", "equipment_sessions"),
    *("app_events", "wearables", "workouts", "class_feedback"),
}
NOT_A_BAD_ROW = {"late_file"}  # the file is read whenever it lands
# (source, kind) -> the table that keeps the record, repaired (e.g. contact details redacted from a note).
REPAIRED: dict[tuple[str, str], str] = {
    ("cancellations", "pii_in_notes"): "silver.cancellations",
    ("retail", "sku_variant"): "silver.retail_lines",
    ("workouts", "pii_in_notes"): "silver.workouts",
    ("class_feedback", "pii_in_notes"): "silver.class_feedback",
}


def _truth(home) -> dict:
    return json.loads((home / "_truth" / "defects.json").read_text())


def test_gold_answers_an_analysts_question(home):
    (row,) = sql(home, "select count(*) as n from gold.active_members where grain = 'day'")
    assert row["n"] > 0
    (same,) = sql(home, "select count(*) as n from fitlake.gold.active_members where grain = 'day'")  # three-part
    assert same == row


def test_tables_lists_every_table_with_its_rows(home):
    listed = json.loads(fitlake(home, "tables", "--format", "json").stdout)
    assert {t["table"]: t["rows"] for t in listed} == {f"fitlake.{t}": n for t, n in row_counts(home).items()}
    assert {t["table"].removeprefix("fitlake.") for t in listed} >= DATA_TABLES


def test_every_injected_defect_kind_has_an_outcome(home):
    for source, kinds in _truth(home)["counts"].items():
        for kind in kinds:
            handled = (source, kind) in QUARANTINE_RULE or (source, kind) in REPAIRED or kind in NOT_A_BAD_ROW
            handled = handled or (kind == "duplicate" and source in DUPLICATE)
            assert handled, f"no outcome declared for {kind} in {source}"


# An event whose member (or class session) was itself quarantined cannot be resolved either: it is quarantined
# as an orphan until a corrected record lands, then the next run's rebuild takes it in.
# rule -> (source whose defects cause it, the conformed lookup table, its column)
CASCADES = {
    "foreign_key(member_id)": ("members", "silver.member_pii", "member_id"),
    "foreign_key(session_id)": ("class_schedule", "silver.class_sessions", "session_id"),
}


def _lost(tables, truth, rule) -> set[str]:
    """Keys of records whose every export was quarantined: what `rule` can no longer resolve."""
    source, table, column = CASCADES[rule]
    damaged = {d["key"] for d in truth["defects"] if d["source"] == source and d.get("key")}
    if table not in tables:
        return set()
    return damaged - {r[0] for r in tables[table].select(column).collect()}


def test_every_injected_defect_is_quarantined_under_its_rule_and_nothing_else_is(home, sail):
    tables, truth = tables_on_disk(sail, home), _truth(home)
    bronze_of = {m.module.SOURCE.folder: m.name for m in registry.table_modules("bronze")}
    expected: dict[str, dict[tuple, str]] = {}  # Bronze table -> (file, line) -> rule
    for d in truth["defects"]:
        if (d["source"], d["kind"]) in QUARANTINE_RULE:
            expected.setdefault(bronze_of[d["source"]], {})[d["file"], d["line"]] = QUARANTINE_RULE[
                d["source"], d["kind"]
            ]
    conformed = {f"{m.name}_quarantine": m.inputs[0] for m in registry.table_modules("silver") if m.history is None}
    assert set(expected) <= set(conformed.values())
    for table, bronze in sorted(conformed.items()):
        fields = [c for c in tables[bronze].columns if not c.startswith("_")]
        line_of = tables[bronze].select("_source_file", "_line_number", *fields)
        rows = tables[table].join(line_of, ["_source_file", "_line_number"]).collect()
        found = {(r._source_file, r._line_number): r for r in rows}
        for line, rule in expected.get(bronze, {}).items():
            assert line in found, (table, line, rule)
            reasons = found[line]._quarantine_reason.split("; ")
            assert rule in reasons or _is_cascade(found[line], tables, truth), (table, line, rule, reasons)
        for line, row in found.items():
            if line not in expected.get(bronze, {}):
                explained = _is_cascade(row, tables, truth) or _is_true_to_life(row, home)
                assert explained, f"{table} quarantined {line} ({row._quarantine_reason})"


# Rules that catch what the generator makes as life does, not as a defect: a workout logged from a car (the
# truth's `outlier` workouts) and a wearable minute in the hour the clocks skip in spring (every site is in the
# US, where that is 2:00-2:59 on the second Sunday of March).
def _is_true_to_life(row, home) -> bool:
    reasons = set(row._quarantine_reason.split("; "))
    if reasons == {"pace_humanly_possible"}:
        day = row._source_file.split("/")[1]
        truth = csv.DictReader((home / "_truth" / "workouts" / f"{day}.csv").open())
        return any(w["member_id"] == row.member_id and w["kind"] == "outlier" for w in truth)
    if reasons == {"local_minute_exists"}:
        local = datetime.strptime(row.ActivityMinute, "%m/%d/%Y %I:%M:%S %p")
        second_sunday = next(d for d in range(8, 15) if date(local.year, 3, d).weekday() == 6)
        return local.date() == date(local.year, 3, second_sunday) and local.hour == 2
    return False


def _is_cascade(row, tables, truth) -> bool:
    """The row is an orphan only because the record it references was itself quarantined."""
    cascade = set(row._quarantine_reason.split("; ")) & set(CASCADES)
    return bool(cascade) and all(row[CASCADES[rule][2]] in _lost(tables, truth, rule) for rule in cascade)


def _quarantined_lines(tables, table: str) -> set[tuple]:
    return {tuple(r) for r in tables[f"{table}_quarantine"].select("_source_file", "_line_number").collect()}


# Research data of a member without research consent never leaves Bronze: it is withheld, neither kept nor
# quarantined. How each research source names its member, in the generator's truth keys and in Bronze.
RESEARCH_SUBJECT = {"wearables": "wearable_device_id", "workouts": "member_id"}


def _consenting(tables) -> dict[str, dict[str, date]]:
    """identifier kind -> identifier -> the date research consent was given, for members who gave it.

    An identifier linked to more than one member is left out, as Silver leaves it out."""
    members = {
        r.member_key: r.research_consent_date
        for r in tables["silver.members"].collect()
        if r.research_consent and r.research_consent_date
    }
    pii = tables["silver.member_pii"].collect()
    consent = {}
    for identifier in RESEARCH_SUBJECT.values():
        linked: dict[str, set] = {}
        for r in pii:
            if r[identifier]:
                linked.setdefault(r[identifier], set()).add(r.member_key)
        consent[identifier] = {
            i: members[k] for i, keys in linked.items() if len(keys) == 1 and (k := next(iter(keys))) in members
        }
    return consent


def _subject(tables, defect) -> str | None:
    """Whose research data the damaged line is: the device in a wearable minute's key (Bronze holds it
    encrypted), the member number of a workout's Bronze line."""
    if defect["source"] == "wearables":
        return defect["key"].split("/")[0]
    if defect["source"] == "workouts":
        at_line = (F.col("_source_file") == defect["file"]) & (F.col("_line_number") == defect["line"])
        return tables["bronze.workouts_raw"].filter(at_line).select("member_id").first()[0]
    return None


def _withheld(consent, source: str, subject: str, file: str) -> bool:
    """The record is research data its member did not consent to on the day of the file (`<source>/<day>/...`)."""
    if source not in RESEARCH_SUBJECT:
        return False
    given = consent[RESEARCH_SUBJECT[source]].get(subject)
    return given is None or date.fromisoformat(file.split("/")[1]) < given


def test_every_repaired_defect_is_kept_in_its_table(home, sail):
    """Kept, repaired; quarantined as the orphan of a quarantined member, or withheld for lack of consent;
    never quarantined for the defect itself."""
    tables, truth = tables_on_disk(sail, home), _truth(home)
    consent = _consenting(tables)
    repaired = [d for d in truth["defects"] if (d["source"], d["kind"]) in REPAIRED]
    assert repaired
    lines = {}  # table -> lines it keeps or quarantines
    for name in set(REPAIRED.values()):
        kept = {tuple(r) for r in tables[name].select("_source_file", "_line_number").collect()}
        lines[name] = kept | _quarantined_lines(tables, name)
    kept_somewhere = 0
    for d in repaired:
        if (d["file"], d["line"]) in lines[REPAIRED[d["source"], d["kind"]]]:
            kept_somewhere += 1
        else:
            assert _withheld(consent, d["source"], _subject(tables, d), d["file"]), (d["source"], d["kind"], d["line"])
    assert kept_somewhere


def test_duplicates_removed_are_exactly_the_resent_records(home, sail):
    """Every re-sent copy is removed as a duplicate, unless it was quarantined with its original (an orphan
    of a quarantined member, checked above); nothing else is."""
    tables, truth = tables_on_disk(sail, home), _truth(home)
    consent = _consenting(tables)
    steps = {r["table_name"]: r for r in tables["ops.run_log"].filter("task = 'build_silver'").collect()}
    by_source = {m.module.SOURCE.folder: m.name for m in registry.table_modules("bronze")}
    checked = 0
    for m in registry.table_modules("silver"):
        source = next((s for s, t in by_source.items() if m.inputs and t == m.inputs[0]), None)
        if source not in DUPLICATE:
            continue
        copies = {
            (d["file"], d["line"]) for d in truth["defects"] if d["source"] == source and d["kind"] == "duplicate"
        }
        quarantined_copies = copies & _quarantined_lines(tables, m.name)
        # A copy of a record withheld for lack of consent is withheld with it.
        withheld_copies = {
            (d["file"], d["line"])
            for d in truth["defects"]
            if d["source"] == source
            and d["kind"] == "duplicate"
            and _withheld(consent, source, _subject(tables, d), d["file"])
        }
        expected = len(copies - quarantined_copies - withheld_copies)
        assert steps[m.name]["rows_duplicate"] == expected, m.name
        checked += expected > 0
    assert checked


def test_reconciliation_balances_every_silver_table_and_batch(home, sail):
    rows = [r.asDict() for r in tables_on_disk(sail, home)["ops.reconciliation"].collect()]
    assert rows and all(r["balanced"] for r in rows), [r for r in rows if not r["balanced"]]
    reconciled = {r["table_name"] for r in rows}
    bronze = row_counts(home)
    # Reconciliation is per Bronze batch: a source that exported no records yet (tiny data may have no
    # cancellation at all) has no batch to balance.
    conformed = {m.name for m in registry.table_modules("silver") if m.history is None and bronze[m.inputs[0]]}
    assert reconciled == conformed
    for table in reconciled:
        # A table built from several sources (silver.wearable_minutes) names them all; a Wide line is 60 records.
        sources = {r["source_table"] for r in rows if r["table_name"] == table}.pop().split(", ")
        records = sum(bronze[s] * getattr(registry.contracts()[s], "records_per_line", 1) for s in sources)
        assert sum(r["bronze_rows"] for r in rows if r["table_name"] == table) == records, table


def test_no_table_but_member_pii_holds_an_email_address_or_phone_number(home, sail):
    found = {}
    for name, df in tables_on_disk(sail, home).items():
        texts = [f.name for f in df.schema.fields if f.dataType.simpleString() in ("string", "array<string>")]
        if not texts:
            continue
        # One pattern over the text columns joined, not an OR per column: Fitbit's Wide table has 240 of them,
        # past the depth a Spark Connect plan may nest.
        joined = F.concat_ws("\n", *[F.col(c).cast("string") for c in texts])
        any_contact = F.coalesce(joined.rlike(CONTACT_PATTERN), F.lit(False))
        hits = df.filter(any_contact).count()
        found[name] = hits
    assert found.pop("silver.member_pii") > 0  # the scan does find contact details where they are
    assert {t: n for t, n in found.items() if n} == {}


def test_only_runs_a_single_task(home, tmp_path):
    result = fitlake(copy_of(home, tmp_path / "home"), "run", "--only", "build_gold")
    assert "[build_gold]" in result.stdout and "[build_silver]" not in result.stdout
    assert re.search(rf"^  build_gold +{len(registry.in_build_order('gold'))} tables ", result.stdout, re.MULTILINE)


def test_history_shows_delta_commits(home):
    result = fitlake(home, "history", "silver.checkins")
    assert "CREATE TABLE" in result.stdout and "WRITE" in result.stdout


def test_channels_are_normalised(home, sail):
    rows = tables_on_disk(sail, home)["silver.checkins"].select("channel").distinct().collect()
    assert {r.channel for r in rows} == {"app", "front_desk"}


def test_sql_prints_values_as_they_are_even_when_they_look_like_markup(home):
    result = fitlake(home, "sql", "select 'call me on [redacted]' as note")
    assert "call me on [redacted]" in result.stdout


@pytest.mark.parametrize(
    ("query", "outcome", "message"),
    [
        ("select * from gold.no_such_table", "failed", "no_such_table"),  # by the engine
        ("selec 1", "refused", "selec"),  # before it: what does not parse cannot be checked read-only
    ],
)
def test_bad_sql_prints_one_line_and_exits_2(home, query, outcome, message):
    result = fitlake(home, "sql", query, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"fitlake: query {outcome}:") and message in lines[0]


def test_an_empty_landing_folder_is_refused_and_nothing_is_written(tmp_path):
    home = tmp_path / "empty"
    (home / "landing").mkdir(parents=True)
    result = fitlake(home, "run", check=False)
    assert result.returncode == 1
    assert "no landing files for" in result.stderr and "fitlake generate" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (home / "fitlake").exists() and not (home / "_secrets").exists()
