"""`fitlake serve api`: the Gold API on uvicorn, over the local lakehouse or a Databricks SQL warehouse."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from fitlake.errors import UsageError
from fitlake.serving.api import create_app
from fitlake.serving.api_tokens import api_tokens
from fitlake.serving.local_gold import LocalGold
from fitlake.serving.named_query import NamedQuery
from fitlake.serving.queries import QUERIES
from fitlake.serving.read_path import ReadPath
from fitlake.settings import Settings


def read_path_for(settings: Settings, queries: Mapping[str, NamedQuery] = QUERIES) -> ReadPath:
    """The read path of the engine the settings name: a SQL warehouse on Databricks, else the local Delta tables."""
    if settings.engine == "databricks":
        from fitlake.serving.warehouse import SqlWarehouse

        return ReadPath(SqlWarehouse(settings), queries)
    if not settings.tables_root.is_dir():
        raise UsageError(f"no lakehouse tables in {settings.tables_root}: run `fitlake run` first")
    return ReadPath(LocalGold(settings.tables_root), queries)


def serve_api(settings: Settings, host: str, port: int, echo: Callable[[str], None]) -> None:
    import uvicorn

    tokens = api_tokens(settings)  # first: without a token nothing starts
    app = create_app(read_path_for(settings), tokens)
    echo(f"serving the Gold API on http://{host}:{port} (OpenAPI: /docs, /openapi.json); Ctrl-C stops it")
    # No access log: a line a request costs more than a cached answer does.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


# Streamlit options of `fitlake serve dashboard`: no usage statistics sent, no browser opened, no e-mail prompt, and no
# watching of the installed package's files for changes (a server, not an editor's preview).
DASHBOARD_OPTIONS = {
    "browser.gatherUsageStats": "false",
    "server.headless": "true",
    "server.fileWatcherType": "none",
    "client.toolbarMode": "viewer",
}


def serve_dashboard(settings: Settings, host: str, port: int, echo: Callable[[str], None]) -> None:
    """The studio dashboard on Streamlit's server, in this process. Its pages read the settings from the environment
    (Streamlit runs them as scripts), so they are put there first."""
    from streamlit.web import cli as streamlit

    from fitlake.serving.dashboard.pages import APP

    read_path_for(settings)  # first: a lakehouse with no tables is one line and exit 2, not a page of errors
    os.environ.update(settings.environment())
    options = {**DASHBOARD_OPTIONS, "server.address": host, "server.port": str(port)}
    echo(f"serving the dashboard on http://{host}:{port}; Ctrl-C stops it")
    streamlit.main(["run", str(APP), *(f"--{k}={v}" for k, v in options.items())], prog_name="fitlake serve dashboard")
