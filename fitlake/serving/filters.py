"""The query-string filters of each API endpoint, validated before any query runs: a bad or unknown filter is a 422
naming it, never a silently ignored typo (`?locaton=BKN` answering for every location)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from gold import active_members, campaign_segments, instructor_leaderboard, revenue_monthly


def _monday(day: dt.date | None) -> dt.date | None:
    if day is not None and day.isoweekday() != 1:
        raise ValueError(f"must be a Monday, the first day of an ISO week; {day} is a {day:%A}")
    return day


def _first_of_month(day: dt.date | None) -> dt.date | None:
    if day is not None and day.day != 1:
        raise ValueError(f"must be the first day of a month, not {day}")
    return day


# Identifiers as Gold holds them (`BKN`, `pilates`): letters, digits, `_` and `-`.
_IDENTIFIER = r"^[A-Za-z0-9_-]{1,40}$"
Location = Annotated[str | None, Field(pattern=_IDENTIFIER, description="Location id, e.g. BKN; default: every one")]
ClassType = Annotated[str | None, Field(pattern=_IDENTIFIER, description="Class type, e.g. yoga; default: every one")]
Week = Annotated[
    dt.date | None,
    AfterValidator(_monday),
    Field(description="Monday of the ISO week (YYYY-MM-DD); default: the latest week"),
]
Month = Annotated[
    dt.date | None,
    AfterValidator(_first_of_month),
    Field(description="First day of the month (YYYY-MM-DD); default: the latest month"),
]
Since = Annotated[dt.date | None, Field(description="First period start to include (YYYY-MM-DD)")]
Until = Annotated[dt.date | None, Field(description="Last period start to include (YYYY-MM-DD)")]


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown query parameter is a 422, not ignored


class InstructorLeaderboardFilters(Filters):
    week: Week = None
    location: Location = None
    limit: int = Field(
        instructor_leaderboard.TOP,
        ge=1,
        le=instructor_leaderboard.TOP,
        description=f"Ranks to show per location, ties included (Gold keeps the top {instructor_leaderboard.TOP})",
    )


class ClassLeaderboardFilters(Filters):
    week: Week = None
    location: Location = None
    class_type: ClassType = None
    limit: int = Field(10, ge=1, le=100, description="Ranks to show per location, ties included")


class ActiveMembersFilters(Filters):
    grain: Literal[active_members.GRAINS] = Field("month", description="Period length")  # type: ignore[valid-type]
    location: str = Field(
        active_members.ALL_LOCATIONS,
        pattern=_IDENTIFIER,
        description=f"Location id, or {active_members.ALL_LOCATIONS} for all together (a member counted once)",
    )
    since: Since = None
    until: Until = None


class RevenueFilters(Filters):
    location: Location = None
    stream: Literal[revenue_monthly.STREAMS] | None = Field(None, description="membership or retail; default: both")  # type: ignore[valid-type]
    since: Since = None
    until: Until = None


class ClassFillRateFilters(Filters):
    month: Month = None
    location: Location = None
    class_type: ClassType = None


class MembersAtRiskFilters(Filters):
    segment: Literal[tuple(campaign_segments.SEGMENTS)] = Field("lapsing", description="Campaign segment")  # type: ignore[valid-type]
    location: Location = None
    limit: int = Field(100, ge=1, le=1000, description="Members to show at most")
