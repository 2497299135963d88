"""The API in process (FastAPI's TestClient) over a hand-built Gold table: tokens, filters, OpenAPI, health.
Every endpoint's numbers against a built lakehouse: tests/integration/test_serving.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fitlake.serving.api import ENDPOINTS, create_app
from fitlake.serving.local_gold import LocalGold
from fitlake.serving.read_path import ReadPath
from tests.fitlake.serving.gold_rows import leaderboard_rows, write_leaderboard

TOKEN = "serving-test-token-0123456789"
AUTHORISED = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(tmp_path) -> TestClient:
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1), ("CHI", "I2", 4, 1)))
    return TestClient(create_app(ReadPath(LocalGold(tmp_path)), (TOKEN,)))


@pytest.mark.reliability(
    input="a request to every endpoint but /health without a token, with a wrong one, and with another scheme",
    expected="401 with WWW-Authenticate: Bearer, no data",
    observed="401 'a valid bearer token is required' for each; /health answers without a token",
)
@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-the-token"}, {"Authorization": f"Basic {TOKEN}"}]
)
def test_every_endpoint_but_health_needs_a_valid_bearer_token(client, headers):
    for endpoint in ENDPOINTS:
        response = client.get(endpoint.path, headers=headers)
        assert response.status_code == 401, endpoint.path
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json() == {"detail": "a valid bearer token is required"}
    assert client.get("/health").status_code != 401  # 503 here: the other Gold tables are not built


def test_an_authorised_request_gets_the_rows(client):
    response = client.get("/leaderboard/instructors", params={"location": "CHI"}, headers=AUTHORISED)
    assert response.status_code == 200
    assert [r["instructor_id"] for r in response.json()["rows"]] == ["I2"]


@pytest.mark.reliability(
    input="a bad filter: a Tuesday as week, limit 0, an unknown grain, SQL in location, a misspelt filter name",
    expected="422 naming the filter and why; no query runs",
    observed="422 with detail[0].loc = ['query', <filter>] and a message ('must be a Monday ...', 'Extra inputs "
    "are not permitted', ...)",
)
@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("/leaderboard/instructors", "week=2025-03-04", "must be a Monday, the first day of an ISO week"),
        ("/leaderboard/instructors", "limit=0", "greater than or equal to 1"),
        ("/leaderboard/classes", "location=BKN' OR '1'='1", "should match pattern"),
        ("/leaderboard/classes", "locaton=BKN", "Extra inputs are not permitted"),
        ("/metrics/active-members", "grain=year", "Input should be 'day', 'week' or 'month'"),
        ("/classes/fill-rates", "month=2025-03-02", "must be the first day of a month"),
        ("/members/at-risk", "segment=everyone", "Input should be 'lapsing', 'new_member' or 'no_show_prone'"),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(client, path, query, message):
    response = client.get(f"{path}?{query}", headers=AUTHORISED)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["query", query.split("=")[0]] and message in problem["msg"]


def test_a_table_not_built_is_a_503_saying_so(client):
    response = client.get("/metrics/revenue", headers=AUTHORISED)
    assert response.status_code == 503
    assert "gold.revenue_monthly has not been built" in response.json()["detail"]


@pytest.mark.reliability(
    input="the newest commit of gold.instructor_leaderboard's Delta log torn in half while the API serves it",
    expected="503 naming the table, the file and what to do; the server keeps serving",
    observed="503 'gold.instructor_leaderboard cannot be read: its Delta log file <path> is damaged (...); restore it "
    "...'; then 200 again once the file is deleted (the table back at its previous version)",
)
def test_a_damaged_log_is_a_503_naming_the_file(tmp_path):
    path = write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1)))
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 6, 1)))
    newest = path / "_delta_log" / f"{1:020d}.json"
    newest.write_bytes(newest.read_bytes()[:40])
    client = TestClient(create_app(ReadPath(LocalGold(tmp_path)), (TOKEN,)))
    response = client.get("/leaderboard/instructors", headers=AUTHORISED)
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert detail.startswith(f"gold.instructor_leaderboard cannot be read: its Delta log file {newest} is damaged")
    newest.unlink()
    served = client.get("/leaderboard/instructors", headers=AUTHORISED)
    assert served.status_code == 200 and served.json()["rows"][0]["attendance"] == 5


def test_health_names_the_versions_served_or_what_is_missing(tmp_path):
    write_leaderboard(tmp_path, leaderboard_rows(("BKN", "I1", 5, 1)))
    response = TestClient(create_app(ReadPath(LocalGold(tmp_path)), (TOKEN,))).get("/health")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_the_openapi_schema_documents_every_endpoint_its_filters_and_rows(client):
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/health", *(e.path for e in ENDPOINTS)}
    classes = schema["paths"]["/leaderboard/classes"]["get"]
    assert [p["name"] for p in classes["parameters"]] == ["week", "location", "class_type", "limit"]
    assert all(p.get("description") for p in classes["parameters"])
    assert classes["security"] == [{"HTTPBearer": []}]
    row = schema["components"]["schemas"]["ClassLeaderboardRow"]["properties"]
    assert row["attendance"]["description"] == "Members who came to classes of this type that week"
