"""The read-only Gold API (`fitlake serve api`): one endpoint per named query, bearer tokens, OpenAPI at /openapi.json.

Every answer is the read path's cached result, sent as the bytes it was encoded to once (fitlake.serving.read_path):
a cached request costs the token check, two file stats a table and a dictionary lookup. Rows hold pseudonymous
member keys and Gold's ids only; no query returns a contract column marked personal (fitlake.serving.named_query).
"""

# No `from __future__ import annotations` here: FastAPI reads the routes' annotations as objects, and those of the
# routes made in functions (the filters model, the token dependency) name local variables a string cannot reach.
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, create_model
from pyspark.sql.types import BooleanType, DataType, DateType, DecimalType, DoubleType, IntegerType, LongType

from fitlake.contracts import Column
from fitlake.errors import TableDamaged
from fitlake.serving import filters
from fitlake.serving.api_tokens import is_accepted
from fitlake.serving.delta_versions import TableNotBuilt
from fitlake.serving.named_query import NamedQuery
from fitlake.serving.read_path import ReadPath


@dataclass(frozen=True)
class Endpoint:
    path: str
    query: str
    filters: type[filters.Filters]
    tag: str
    summary: str


ENDPOINTS = (
    Endpoint("/leaderboard/instructors", "instructor_leaderboard", filters.InstructorLeaderboardFilters, "leaderboards",
             "Top instructors by attendance"),
    Endpoint("/leaderboard/classes", "class_leaderboard", filters.ClassLeaderboardFilters, "leaderboards",
             "Top class types by attendance"),
    Endpoint("/metrics/active-members", "active_members", filters.ActiveMembersFilters, "metrics", "Active members"),
    Endpoint("/metrics/revenue", "revenue", filters.RevenueFilters, "metrics", "Revenue"),
    Endpoint("/classes/fill-rates", "class_fill_rates", filters.ClassFillRateFilters, "classes", "Class fill rates"),
    Endpoint("/members/at-risk", "members_at_risk", filters.MembersAtRiskFilters, "members",
             "Members at risk, by pseudonym"),
)  # fmt: skip


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No bearer token, or not a valid one"},
    422: {"description": "A filter is unknown or not valid: the body names it and why"},
    503: {"description": "A Gold table it reads has not been built, or its Delta log is damaged: the body says which"},
}


def _python_type(data_type: DataType) -> type:
    # A decimal is sent as a JSON number (money at 2 decimals reads back exactly).
    for spark, python in ((BooleanType, bool), (IntegerType, int), (LongType, int), (DoubleType, float),
                          (DecimalType, float), (DateType, dt.date)):  # fmt: skip
        if isinstance(data_type, spark):
            return python
    return str


def _field_type(column: Column) -> Any:
    python = _python_type(column.data_type)
    return python | None if column.nullable else python


def result_model(query: NamedQuery) -> type[BaseModel]:
    """The response schema of a query, from the contract columns it returns (their comments document them)."""
    fields: dict[str, Any] = {c.name: (_field_type(c), Field(description=c.comment)) for c in query.columns}
    title = "".join(part.title() for part in query.name.split("_"))
    row = create_model(f"{title}Row", **fields)
    return create_model(
        f"{title}Result",
        query=(str, Field(description="The named query that answered")),
        parameters=(dict[str, Any], Field(description="Every parameter as bound, defaults included")),
        versions=(dict[str, int], Field(description="Delta version of each Gold table read")),
        rows=(list[row], ...),  # type: ignore[valid-type]
    )


def create_app(read_path: ReadPath, tokens: tuple[str, ...]) -> FastAPI:
    if not tokens:
        raise ValueError("the API needs at least one token")
    app = FastAPI(
        title="FitLake Gold API",
        description="Read-only leaderboards and metrics from the Gold tables. Send `Authorization: Bearer <token>`.",
        version="1",
    )
    bearer = HTTPBearer(auto_error=False, description="A token of FITLAKE_API_TOKENS")

    async def authorised(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if credentials is None or not is_accepted(credentials.credentials, tokens):
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(TableNotBuilt)
    @app.exception_handler(TableDamaged)
    async def unavailable(request: Request, error: TableNotBuilt | TableDamaged) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    @app.get("/health", tags=["health"], summary="The Gold tables served and their Delta versions (no token)")
    def health() -> JSONResponse:
        try:
            return JSONResponse({"status": "ok", "versions": read_path.versions(read_path.tables)})
        except TableNotBuilt as e:
            return JSONResponse({"status": "unavailable", "detail": str(e)}, status_code=503)

    for endpoint in ENDPOINTS:
        _add_route(app, endpoint, read_path, authorised)
    return app


def _add_route(app: FastAPI, endpoint: Endpoint, read_path: ReadPath, authorised: Any) -> None:
    query = read_path.queries[endpoint.query]

    # A cached answer is sent from the event loop (two file stats and a lookup); a cache miss (a table read and a
    # query) runs in the thread pool, so it never stalls the requests around it.
    async def answer(chosen: Annotated[endpoint.filters, Query()]) -> Response:  # type: ignore[name-defined]
        request = read_path.request(endpoint.query, chosen.model_dump())
        result = read_path.cached(request) or await run_in_threadpool(read_path.compute, request)
        return Response(result.json, media_type="application/json")

    app.get(
        endpoint.path,
        tags=[endpoint.tag],
        summary=endpoint.summary,
        description=f"{query.description} Reads {', '.join(query.tables)}.",
        response_model=result_model(query),
        dependencies=[Depends(authorised)],
        responses=ERROR_RESPONSES,
    )(answer)
