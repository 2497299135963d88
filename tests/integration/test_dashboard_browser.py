"""The dashboard in a real browser: `fitlake serve dashboard` started as a command on a free loopback port, headless
Chromium (Debian's) opening every page from the sidebar in one session, waiting for each to render, finding no error
box, and saving a screenshot; the server stops on Ctrl-C. The same code makes docs/screenshots/ (bench/dashboard.py).
"""

from __future__ import annotations

from bench.dashboard import ERROR_BOXES, running_dashboard, visit_pages
from fitlake.serving.dashboard.pages import PAGES
from tests.integration.conftest import cli_env

PNG = b"\x89PNG\r\n\x1a\n"


def test_every_page_renders_in_chromium_with_no_error_box(home, tmp_path):
    with running_dashboard(home, cli_env()) as base:
        assert base.startswith("http://127.0.0.1:")
        visits = visit_pages(base, screenshots=tmp_path, chart_wait_ms=0)  # charts drawn or not: docs/ has the finished
    assert sorted(v.page.title for v in visits) == sorted(p.title for p in PAGES)
    assert {v.page.title: v.errors for v in visits if v.errors} == {}, f"error boxes ({ERROR_BOXES})"
    for page in PAGES:
        shot = (tmp_path / f"{page.url_path}.png").read_bytes()
        assert shot.startswith(PNG) and len(shot) > 10_000, page.url_path
