"""gold.workout_classification judged against what the generator really drew (`_truth/workouts/`).

Measured on the CLI's data: tiny seed 3, 11 of 11 workouts right (no member has enough workouts to
cluster, so all by pace bands); small seed 7 (FITLAKE_TEST_SCALE=small), 10,932 of 11,687 right (93.5%):
real runs found 97.9%, walks 96.4%, run/walk mixes 50.2% (a mix sits between the two, and is often in a
cluster of runs). The bounds below are those figures less a margin for another seed's draw; mixes, 8% of
the workouts and the method's weak spot, get no bound of their own.
"""

from __future__ import annotations

import csv
from collections import Counter

from tests.builders import pseudonym_of
from tests.integration.conftest import tables_on_disk

MIN_ACCURACY = 0.90
MIN_RECALL = {"real_run": 0.90, "walk": 0.90}


def _truth(home) -> dict[str, str]:
    """Each workout's drawn kind, by the pseudonym Silver gives its number (with the home's own salt)."""
    salt = (home / "_secrets" / "pseudonym_salt").read_text().strip()
    kinds = {}
    for day in sorted((home / "_truth" / "workouts").glob("*.csv")):
        with day.open(newline="") as f:
            kinds.update({pseudonym_of(str(int(r["workout_id"])), salt): r["kind"] for r in csv.DictReader(f)})
    return kinds


def test_workouts_are_classified_as_the_generator_drew_them(home, sail):
    tables = tables_on_disk(sail, home)
    classified = {r.workout_key: r.workout_class for r in tables["gold.workout_classification"].collect()}
    silver = {r.workout_key for r in tables["silver.workouts"].select("workout_key").collect()}
    truth = _truth(home)
    assert set(classified) == silver and silver <= set(truth)  # every Silver workout once, each a real one
    right = Counter(truth[w] for w, cls in classified.items() if cls == truth[w])
    drawn = Counter(truth[w] for w in classified)
    assert sum(right.values()) / len(classified) >= MIN_ACCURACY, (right, drawn)
    for kind, bound in MIN_RECALL.items():
        assert drawn[kind] and right[kind] / drawn[kind] >= bound, (kind, right, drawn)


def test_every_member_with_a_workout_has_a_consistency_row(home, sail):
    tables = tables_on_disk(sail, home)
    with_workouts = {r.member_key for r in tables["gold.workout_classification"].select("member_key").collect()}
    scored = {r.member_key for r in tables["gold.workout_consistency"].select("member_key").collect()}
    assert scored == with_workouts and with_workouts


def test_no_silver_or_gold_table_holds_a_workout_number_that_would_rebuild_its_link(home, sail):
    numbers = set()
    for day in (home / "_truth" / "workouts").glob("*.csv"):
        with day.open(newline="") as f:
            numbers |= {str(int(r["workout_id"])) for r in csv.DictReader(f)}
    tables = tables_on_disk(sail, home)
    found = {}
    for name in ("silver.workouts", "gold.workout_classification"):
        values = {str(v) for row in tables[name].collect() for v in row}
        found[name] = values & numbers
    assert numbers and found == {"silver.workouts": set(), "gold.workout_classification": set()}
