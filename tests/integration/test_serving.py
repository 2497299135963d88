"""The Gold API on the tiny built lakehouse: every endpoint's numbers equal the Gold rows read independently
(delta-rs rows, computed in Python, not SQL), no response holds a member's name, e-mail or phone, and
`fitlake serve api` starts as a command, answers and stops."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fitlake.delta_tables import open_table, read_table
from fitlake.privacy import CONTACT_PATTERN
from fitlake.serving.api import ENDPOINTS, create_app
from fitlake.serving.local_gold import LocalGold
from fitlake.serving.read_path import ReadPath
from gold import campaign_segments
from tests.integration.conftest import cli_env

TOKEN = "integration-test-token-0123456789"
AUTHORISED = {"Authorization": f"Bearer {TOKEN}"}


def _rows(home: Path, table: str, columns: list[str] | None = None) -> list[dict]:
    schema, name = table.split(".")
    return read_table(open_table(table, home / "fitlake" / schema / name), columns).to_pylist()


def _api_rows(client: TestClient, path: str, **filters) -> list[dict]:
    response = client.get(path, params=filters, headers=AUTHORISED)
    assert response.status_code == 200, response.text
    return response.json()["rows"]


@pytest.fixture(scope="module")
def client(home) -> Iterator[TestClient]:
    with TestClient(create_app(ReadPath(LocalGold(home / "fitlake")), (TOKEN,))) as client:
        yield client


def _iso(day: dt.date) -> str:
    return day.isoformat()


def test_instructor_leaderboard_is_gold_instructor_leaderboard(home, client):
    gold = _rows(home, "gold.instructor_leaderboard")
    for week in (max(r["week_start"] for r in gold), min(r["week_start"] for r in gold)):
        expected = sorted(
            (r for r in gold if r["week_start"] == week),
            key=lambda r: (r["location_id"], r["rank"], r["instructor_id"]),
        )
        served = _api_rows(client, "/leaderboard/instructors", week=_iso(week))
        assert served == [{**r, "week_start": _iso(week)} for r in expected]
    location = gold[0]["location_id"]
    top3 = _api_rows(client, "/leaderboard/instructors", location=location, limit=3)
    assert top3 and {r["location_id"] for r in top3} == {location} and max(r["rank"] for r in top3) <= 3


def _class_ranking(attendance: list[dict], week: dt.date) -> list[dict]:
    in_week = [r for r in attendance if week <= r["class_date"] <= week + dt.timedelta(days=6)]
    counts = collections.Counter((r["location_id"], r["class_type"]) for r in in_week)
    sessions = collections.defaultdict(set)
    for r in in_week:
        sessions[(r["location_id"], r["class_type"])].add(r["session_id"])
    ranked = []
    for (location, class_type), n in counts.items():
        rank = 1 + sum(1 for (loc, _), m in counts.items() if loc == location and m > n)  # SQL's RANK
        ranked.append({"week_start": _iso(week), "location_id": location, "class_type": class_type, "attendance": n,
                       "classes": len(sessions[(location, class_type)]), "rank": rank})  # fmt: skip
    return sorted(ranked, key=lambda r: (r["location_id"], r["rank"], r["class_type"]))


def test_class_leaderboard_ranks_gold_fact_class_attendance(home, client):
    attendance = _rows(home, "gold.fact_class_attendance")
    last_day = max(r["class_date"] for r in attendance)
    latest_week = last_day - dt.timedelta(days=last_day.weekday())
    assert _api_rows(client, "/leaderboard/classes", limit=100) == _class_ranking(attendance, latest_week)
    first_day = min(r["class_date"] for r in attendance)
    first_week = first_day - dt.timedelta(days=first_day.weekday())
    class_type = attendance[0]["class_type"]
    served = _api_rows(client, "/leaderboard/classes", week=_iso(first_week), class_type=class_type, limit=100)
    expected = _class_ranking([r for r in attendance if r["class_type"] == class_type], first_week)
    assert served == expected and served


def test_active_members_are_gold_active_members(home, client):
    gold = _rows(home, "gold.active_members")
    for grain, location in (("month", "ALL"), ("day", gold[0]["location_id"])):
        expected = sorted((r for r in gold if r["grain"] == grain and r["location_id"] == location),
                          key=lambda r: r["period_start"])  # fmt: skip
        served = _api_rows(client, "/metrics/active-members", grain=grain, location=location)
        assert served == [{**r, "period_start": _iso(r["period_start"])} for r in expected] and served


def test_revenue_sums_gold_revenue_monthly(home, client):
    totals: dict[tuple, list] = collections.defaultdict(lambda: [0, 0])
    for r in _rows(home, "gold.revenue_monthly"):
        key = (_iso(r["month"]), r["location_id"], r["stream"])
        totals[key][0] += r["quantity"]
        totals[key][1] += r["revenue"]  # Decimal: exact cents
    expected = [{"month": m, "location_id": loc, "stream": s, "quantity": q, "revenue": float(v)}
                for (m, loc, s), (q, v) in sorted(totals.items())]  # fmt: skip
    assert _api_rows(client, "/metrics/revenue") == expected and expected
    retail = _api_rows(client, "/metrics/revenue", stream="retail")
    assert retail == [r for r in expected if r["stream"] == "retail"]


def test_fill_rates_are_gold_class_popularity(home, client):
    gold = _rows(home, "gold.class_popularity")
    latest = max(r["month"] for r in gold)
    columns = client.app.openapi()["components"]["schemas"]["ClassFillRatesRow"]["properties"]
    expected = sorted((r for r in gold if r["month"] == latest), key=lambda r: (r["location_id"], -r["fill_rate"],
                                                                                 r["class_type"]))  # fmt: skip
    served = _api_rows(client, "/classes/fill-rates")
    assert served == [{c: _iso(r[c]) if c == "month" else r[c] for c in columns} for r in expected] and served


def test_members_at_risk_are_gold_campaign_segments_by_pseudonym(home, client):
    gold = _rows(home, "gold.campaign_segments")
    columns = client.app.openapi()["components"]["schemas"]["MembersAtRiskRow"]["properties"]
    served_any = False
    for segment in campaign_segments.SEGMENTS:
        in_segment = [r for r in gold if r["segment"] == segment]
        never_first = sorted(
            in_segment,
            key=lambda r: (r["days_since_last_visit"] is not None, -(r["days_since_last_visit"] or 0), r["member_key"]),
        )
        served = _api_rows(client, "/members/at-risk", segment=segment, limit=1000)
        assert served == [{c: r[c] for c in columns} for r in never_first]
        served_any |= bool(served)
    assert served_any
    assert set(columns) == {*campaign_segments.CONTRACT.column_names} - {
        "as_of_date", "favourite_class_type", "favourite_instructor_id"
    }  # fmt: skip


def _words(value) -> Iterator[str]:
    """Every word of every text value of a JSON document, lower case."""
    if isinstance(value, dict):
        for v in value.values():
            yield from _words(v)
    elif isinstance(value, list):
        for v in value:
            yield from _words(v)
    elif isinstance(value, str):
        yield from (w.lower() for w in re.findall(r"[^\W\d_]+", value))


def _personal_data_in(body: str, people: list[dict]) -> set[str]:
    names = {p[c].lower() for p in people for c in ("first_name", "last_name") if p[c]}
    contacts = {p[c] for p in people for c in ("email", "phone") if p[c]}
    found = {w for w in _words(json.loads(body)) if w in names}
    found |= {c for c in contacts if c in body} | set(re.findall(CONTACT_PATTERN, body))
    return found


@pytest.mark.reliability(
    input="every endpoint of the Gold API, every campaign segment, scanned for the members' names, e-mails and phones",
    expected="none of them in any response",
    observed="no first or last name of silver.member_pii among the responses' words, no e-mail or phone, no contact "
    "pattern; the same scan finds a name planted in a response",
)
def test_no_response_holds_a_name_email_or_phone(home, client):
    people = _rows(home, "silver.member_pii", ["first_name", "last_name", "email", "phone"])
    assert people
    bodies = {e.path: client.get(e.path, headers=AUTHORISED).text for e in ENDPOINTS}
    for segment in campaign_segments.SEGMENTS:
        at_risk = client.get("/members/at-risk", params={"segment": segment, "limit": 1000}, headers=AUTHORISED)
        bodies[f"/members/at-risk?segment={segment}"] = at_risk.text
    found = {path: found for path, body in bodies.items() if (found := _personal_data_in(body, people))}
    assert found == {} and len(bodies) == len(ENDPOINTS) + len(campaign_segments.SEGMENTS)
    planted = json.dumps({"rows": [{"note": f"{people[0]['first_name']} came"}]})
    assert _personal_data_in(planted, people) == {people[0]["first_name"].lower()}  # the scan can fail


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


def test_fitlake_serve_api_starts_answers_and_stops(home):
    port = _free_port()
    command = [sys.executable, "-m", "fitlake", "--home", str(home), "serve", "api", "--port", str(port)]
    server = subprocess.Popen(command, env=cli_env(FITLAKE_API_TOKENS=TOKEN), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                status, health = _get(f"{base}/health")
                break
            except OSError:
                assert time.monotonic() < deadline, "the API did not answer /health within 60 s"
                time.sleep(0.2)
        assert status == 200 and health["versions"]["gold.instructor_leaderboard"] >= 0
        assert "pysail" not in Path(f"/proc/{server.pid}/maps").read_text()  # no engine library loaded, none started
        status, body = _get(f"{base}/leaderboard/instructors", AUTHORISED)
        assert status == 200 and body["rows"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
    # uvicorn shuts down cleanly on SIGTERM, then re-raises the signal it caught: a clean stop ends by SIGTERM.
    output = server.stdout.read()
    assert server.returncode == -signal.SIGTERM and "Traceback" not in output, output


def test_fitlake_serve_api_without_a_token_refuses_to_start_with_one_line(home):
    result = subprocess.run([sys.executable, "-m", "fitlake", "--home", str(home), "serve", "api"],
                            env=cli_env(), capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "fitlake: no API token configured: set FITLAKE_API_TOKENS to one or more comma-separated tokens"
    ]
