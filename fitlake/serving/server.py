"""`fitlake serve api`: the Gold API on uvicorn, over the local lakehouse or a Databricks SQL warehouse."""

from __future__ import annotations

from collections.abc import Callable

from fitlake.errors import UsageError
from fitlake.serving.api import create_app
from fitlake.serving.api_tokens import api_tokens
from fitlake.serving.local_gold import LocalGold
from fitlake.serving.read_path import ReadPath
from fitlake.settings import Settings


def read_path_for(settings: Settings) -> ReadPath:
    """The read path of the engine the settings name: a SQL warehouse on Databricks, else the local Delta tables."""
    if settings.engine == "databricks":
        from fitlake.serving.warehouse import SqlWarehouse

        return ReadPath(SqlWarehouse(settings))
    if not settings.tables_root.is_dir():
        raise UsageError(f"no lakehouse tables in {settings.tables_root}: run `fitlake run` first")
    return ReadPath(LocalGold(settings.tables_root))


def serve_api(settings: Settings, host: str, port: int, echo: Callable[[str], None]) -> None:
    import uvicorn

    tokens = api_tokens(settings)  # first: without a token nothing starts
    app = create_app(read_path_for(settings), tokens)
    echo(f"serving the Gold API on http://{host}:{port} (OpenAPI: /docs, /openapi.json); Ctrl-C stops it")
    # No access log: a line a request costs more than a cached answer does.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
