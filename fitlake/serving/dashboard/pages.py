"""The dashboard's pages, in the sidebar's order: each a script of views/ (run by Streamlit, not imported)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

VIEWS = Path(__file__).parent / "views"
APP = Path(__file__).parent / "app.py"


class Page(NamedTuple):
    script: str
    title: str
    icon: str

    @property
    def path(self) -> Path:
        return VIEWS / self.script

    @property
    def url_path(self) -> str:
        """Where the page is served: `/leaderboard`, as Streamlit names it from the script."""
        return self.script.removesuffix(".py")


PAGES = (
    Page("overview.py", "Overview", ":material/monitoring:"),
    Page("leaderboard.py", "Leaderboard", ":material/trophy:"),
    Page("classes.py", "Classes", ":material/event_seat:"),
    Page("members_at_risk.py", "Members at risk", ":material/person_alert:"),
    Page("cohorts.py", "Cohorts and lifetime value", ":material/grid_on:"),
    Page("shop.py", "Shop", ":material/storefront:"),
    Page("workouts.py", "Workouts", ":material/directions_run:"),
    Page("wearables.py", "Wearables", ":material/watch:"),
    Page("data_health.py", "Data health", ":material/health_and_safety:"),
    Page("sql_explorer.py", "SQL explorer", ":material/terminal:"),
)
