"""The studio dashboard in a real browser: `fitlake serve dashboard` in its own process, headless Chromium (Debian's
`chromium`, driven by Playwright) opening every page in one session, timed from the click in the sidebar to the
page rendered (its title shown and Streamlit's script run finished), checked for error boxes, and screenshot.

Target (issue 20): each page renders in under 2 s on `small`; the medians of --repeats visits are printed.
The screenshots in docs/screenshots/ are made by this script, from `small`:

    apt-get install -y chromium
    .venv/bin/python bench/dashboard.py --repeats 3 --screenshots docs/screenshots   # builds small first
    .venv/bin/python bench/dashboard.py --home /tmp/small --repeats 3                  # or a built one

tests/integration/test_dashboard_browser.py uses `running_dashboard` and `visit_pages` on the tiny lakehouse.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fitlake.serving.dashboard.pages import PAGES, Page

START_SECONDS = 60
PAGE_SECONDS = 30
# What Streamlit shows for an uncaught exception (stException) and for st.error (an error alert).
ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'
# Rendered: the page's own title is shown (so the new page's script run has begun: every title differs) and the app
# root says no script run is under way (the attribute Streamlit's own browser tests wait on).
RENDERED = """title => {
    const app = document.querySelector('[data-testid="stApp"]');
    const heading = document.querySelector('[data-testid="stMainBlockContainer"] h1');
    return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
        && heading !== null && heading.innerText.trim() === title;
}"""


@dataclass(frozen=True)
class PageVisit:
    page: Page
    seconds: float
    errors: list[str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def chromium() -> str:
    """Debian's chromium: Playwright drives it, and never downloads browsers of its own."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise SystemExit("no chromium on PATH: apt-get install -y chromium (make test installs it)")
    return found


@contextlib.contextmanager
def running_dashboard(home: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`fitlake serve dashboard` on a free loopback port, until the block ends; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fitlake", "--home", str(home), "serve", "dashboard", "--port", str(port)],
        env=env if env is not None else os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _healthy(base):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start:\n{_output(server)}")
            time.sleep(0.2)
        yield base
    finally:
        server.send_signal(signal.SIGINT)  # Streamlit's own clean stop, as Ctrl-C
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _output(server: subprocess.Popen) -> str:
    if server.poll() is None:
        server.kill()
    return server.communicate(timeout=5)[0][-3000:]


def visit_pages(
    base: str, screenshots: Path | None = None, repeats: int = 1, chart_wait_ms: int = 500
) -> list[PageVisit]:
    """Open the dashboard, then every page from the sidebar, `repeats` times in one browser session. A screenshot is
    taken `chart_wait_ms` after the page rendered: charts draw after the script run ends."""
    from playwright.sync_api import sync_playwright

    visits = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base, timeout=PAGE_SECONDS * 1000)
            page.wait_for_function(RENDERED, arg=PAGES[0].title, timeout=PAGE_SECONDS * 1000)
            # From the second page on, the first last: a click on the page shown would not run it again.
            order = [*PAGES[1:], PAGES[0]]
            for round_ in range(repeats):
                for shown in order:
                    started = time.perf_counter()
                    # By its title: the first page's link is the root URL, not its url_path.
                    title = re.compile(rf"{re.escape(shown.title)}\s*$")
                    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
                    page.wait_for_function(RENDERED, arg=shown.title, timeout=PAGE_SECONDS * 1000)
                    seconds = time.perf_counter() - started
                    errors = [e.inner_text() for e in page.locator(ERROR_BOXES).all()]
                    visits.append(PageVisit(shown, seconds, errors))
                    if screenshots is not None and round_ == 0:
                        page.wait_for_timeout(chart_wait_ms)
                        page.screenshot(path=screenshots / f"{shown.url_path}.png", full_page=True)
        finally:
            browser.close()
    return visits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="a built lakehouse (default: generate and run small first)")
    parser.add_argument("--repeats", type=int, default=3, help="visits of every page")
    parser.add_argument("--screenshots", type=Path, help="folder for one screenshot a page")
    args = parser.parse_args()
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fitlake-bench-dashboard-") as tmp:
        home = args.home or Path(tmp)
        env = {**os.environ, "FITLAKE_SETTLE_SECONDS": "0"}
        if args.home is None:
            print("building small (generate + run) ...", file=sys.stderr)
            for command in (["generate", "--scale", "small", "--seed", "7"], ["run"]):
                subprocess.run([sys.executable, "-m", "fitlake", "--home", str(home), *command], env=env, check=True,
                               capture_output=True, timeout=900)  # fmt: skip
        with running_dashboard(home, env) as base:
            visits = visit_pages(base, args.screenshots, args.repeats)
    print(f"# dashboard pages, {dt.date.today()}, {platform.node()}, {os.cpu_count()} cores, {args.repeats} visits")
    print("| page | median s | max s | error boxes |\n|---|---|---|---|")
    for shown in PAGES:
        mine = [v for v in visits if v.page == shown]
        times = [v.seconds for v in mine]
        errors = sum(len(v.errors) for v in mine)
        print(f"| {shown.title} | {statistics.median(times):.2f} | {max(times):.2f} | {errors} |")


if __name__ == "__main__":
    main()
