"""When people go to the gym: seasonality by month, weekday and hour, and the sites' UTC offsets."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np

# Joins per day by month: the January rush and the summer dip.
JOIN_SEASON = (2.6, 1.5, 1.2, 1.0, 0.9, 0.7, 0.6, 0.7, 1.3, 1.0, 0.9, 0.6)
# Visits by weekday (Monday first) and by month, relative to a member's usual rate.
WEEKDAY_FACTOR = np.array([1.25, 1.15, 1.10, 1.05, 0.85, 0.90, 0.70])
MONTH_FACTOR = np.array([1.30, 1.15, 1.05, 1.00, 0.95, 0.80, 0.75, 0.80, 1.00, 1.00, 0.95, 0.85])
# Hour of day at the site: 6-8am and 5-7pm rush, a lunch bump, quiet otherwise (open 5am-10pm).
HOUR_WEIGHTS = np.array([0, 0, 0, 0, 0, 2, 14, 16, 8, 4, 3, 4, 7, 5, 3, 3, 5, 15, 16, 9, 5, 3, 1, 0], dtype=float)
HOUR_WEIGHTS /= HOUR_WEIGHTS.sum()


def season(day: date) -> float:
    return float(WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR[day.month - 1])


def utc_offset_seconds(timezone: str, day: date) -> int:
    """The site's offset from UTC during opening hours (DST switches at 2am, when the gym is closed)."""
    return int(datetime.combine(day, time(12), ZoneInfo(timezone)).utcoffset().total_seconds())
