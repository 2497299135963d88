"""The studio dashboard on the tiny built lakehouse, rendered by Streamlit's AppTest in this process: every page
renders with no exception or error box, the leaderboard shows gold.instructor_leaderboard's top 10 (read
independently with delta-rs), a table that is not built is said plainly, no page shows a member's name, e-mail or
phone, and the SQL explorer runs a Gold query and refuses Silver."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from fitlake.delta_tables import open_table, read_table
from fitlake.privacy import CONTACT_PATTERN
from fitlake.serving.dashboard.pages import APP, PAGES
from gold import campaign_segments, instructor_leaderboard

# A page renders in well under a second here; the first one also opens the read path (the cold tables).
PAGE_TIMEOUT_SECONDS = 30


def _rows(home: Path, table: str, columns: list[str] | None = None) -> list[dict]:
    schema, name = table.split(".")
    return read_table(open_table(table, home / "fitlake" / schema / name), columns).to_pylist()


@pytest.fixture(scope="module")
def dashboard(home) -> Iterator[AppTest]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FITLAKE_HOME", str(home))
        env.delenv("FITLAKE_CATALOG", raising=False)
        env.delenv("FITLAKE_ENGINE", raising=False)
        app = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT_SECONDS)
        yield app.run()


def _open(dashboard: AppTest, script: str) -> AppTest:
    dashboard.switch_page(str(next(p.path for p in PAGES if p.script == script)))
    return dashboard.run()


def _shown_text(page: AppTest) -> str:
    """Every text and table the page shows, as one string to scan."""
    texts = [e.value for kind in ("title", "caption", "markdown", "info", "success", "warning", "subheader")
             for e in getattr(page, kind)]  # fmt: skip
    texts += [f"{m.label} {m.value}" for m in page.metric]
    # A table's text columns: a number's digits (0.0042952175 s) would pass for a phone; a name, e-mail or phone that
    # Gold held would be text.
    texts += [d.value.select_dtypes(exclude="number").to_csv(index=False) for d in page.dataframe]
    return "\n".join(str(t) for t in texts)


@pytest.mark.parametrize("page", PAGES, ids=[p.script.removesuffix(".py") for p in PAGES])
def test_every_page_renders_with_no_exception_or_error_and_names_its_tables(dashboard, page):
    shown = _open(dashboard, page.script)
    assert [e.value for e in shown.exception] == []
    assert [e.value for e in shown.error] == []
    assert [t.value for t in shown.title] == [page.title]
    if page.script != "sql_explorer.py":
        assert re.search(r"Reads `(gold|ops)\.\w+`", _shown_text(shown)), page.script


def test_the_leaderboard_shows_gold_instructor_leaderboards_top_10_of_every_location(home, dashboard):
    gold = _rows(home, "gold.instructor_leaderboard")
    latest = max(r["week_start"] for r in gold)
    page = _open(dashboard, "leaderboard.py")
    week, location = page.selectbox
    assert week.value == latest
    locations = sorted({r["location_id"] for r in gold if r["week_start"] == latest})
    assert location.options == locations
    for chosen in locations:
        page = location.select(chosen).run()
        shown = page.dataframe[0].value.to_dict("records")
        expected = sorted(
            (r for r in gold if r["week_start"] == latest and r["location_id"] == chosen),
            key=lambda r: (r["rank"], r["instructor_id"]),
        )
        assert expected and max(r["rank"] for r in expected) <= instructor_leaderboard.TOP
        assert [(r["instructor_id"], r["attendance"], r["rank"]) for r in shown] == [
            (r["instructor_id"], r["attendance"], r["rank"]) for r in expected
        ]
        location = page.selectbox[1]


@pytest.mark.reliability(
    input="the Members at risk page on a lakehouse too small to train a churn model (no gold.churn_predictions)",
    expected="the page says the table is not built and how to build it; the rest of the page renders",
    observed="an info box 'Not built yet: gold.churn_predictions has not been built ...', no exception, the segments "
    "shown",
)
def test_a_table_that_is_not_built_is_said_plainly(dashboard):
    page = _open(dashboard, "members_at_risk.py")
    assert any("gold.churn_predictions has not been built" in i.value for i in page.info)
    assert [e.value for e in page.exception] == [] and page.dataframe  # the segments below still render


def _personal_data_in(text: str, people: list[dict]) -> set[str]:
    names = {p[c].lower() for p in people for c in ("first_name", "last_name") if p[c]}
    contacts = {p[c] for p in people for c in ("email", "phone") if p[c]}
    found = {w for w in re.findall(r"[^\W\d_]+", text.lower()) if w in names}
    return found | {c for c in contacts if c in text} | set(re.findall(CONTACT_PATTERN, text))


@pytest.mark.reliability(
    input="every page of the dashboard and every campaign segment's members, scanned for members' names, e-mails "
    "and phones",
    expected="none of them on any page",
    observed="no first or last name of silver.member_pii among the pages' words, no e-mail, phone or contact "
    "pattern; the same scan finds a planted name",
)
def test_no_page_shows_a_name_email_or_phone(home, dashboard):
    people = _rows(home, "silver.member_pii", ["first_name", "last_name", "email", "phone"])
    assert people
    shown = {p.script: _shown_text(_open(dashboard, p.script)) for p in PAGES}
    at_risk = _open(dashboard, "members_at_risk.py")
    for segment in campaign_segments.SEGMENTS:
        at_risk = at_risk.selectbox[0].select(segment).run()
        shown[f"members_at_risk.py {segment}"] = _shown_text(at_risk)
    assert all(shown.values())
    assert {page: found for page, text in shown.items() if (found := _personal_data_in(text, people))} == {}
    assert _personal_data_in(f"{people[0]['first_name']} came", people) == {people[0]["first_name"].lower()}


def test_the_sql_explorer_runs_a_gold_query_and_refuses_silver(dashboard):
    page = _open(dashboard, "sql_explorer.py")
    page = page.text_area[0].input("SELECT plan, count(*) AS n FROM gold.dim_member GROUP BY plan").run()
    page = page.button[0].click().run()
    assert [w.value for w in page.warning] == []
    assert set(page.dataframe[0].value.columns) == {"plan", "n"} and len(page.dataframe[0].value) > 0
    page = page.text_area[0].input("SELECT first_name FROM silver.member_pii").run()
    page = page.button[0].click().run()
    assert [w.value for w in page.warning] == [
        "Not run: silver.member_pii is not a table the explorer reads: it reads the Gold and ops tables "
        "(e.g. gold.dim_member)"
    ]
    assert not page.dataframe
