"""Post-class surveys: when a class ends, the studio system sends its attendees a one-question survey (1 to 5
stars and an optional comment). Some answer, most within hours, a few the next day or the day after.

A day's answers are about the classes of that day and the two before it. Each class day's answers are drawn
from that class day's own stream, for all its attendees at once, and a day keeps those submitted on it. So a
class gets the same answers whichever day asks, each answer lands on exactly one day, and `--day` still adds
up to the backfill without a day depending on the days written before it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

import numpy as np

from data_gen.activity import STATUSES
from data_gen.day import Day, stream
from data_gen.world import CLASS_TYPES

RESPONSE_SHARE = 0.28  # e-mailed post-class surveys get answered by 20-35% of attendees
MEAN_DELAY_HOURS = 6.0  # most answer on the way home or that evening, a few the next day
SURVEY_OPEN_DAYS = 2  # the survey link expires two days after the class
WAKE_HOUR = 7  # a survey opened at night is answered at breakfast, not at 3am
# Stars: a satisfaction around 4.3 that good instructors raise (their popularity, 0.5 to 2, is also what makes
# members follow them), rounded and kept within 1-5; so most answers are 4 or 5, as in real class surveys.
MEAN_STARS, STARS_SD, INSTRUCTOR_WEIGHT = 4.3, 1.0, 0.8
COMMENT_SHARE = 0.45  # of answers with a comment; the rest leave the box empty


@dataclass(frozen=True)
class Answers:
    member: np.ndarray
    location: np.ndarray  # index into world.locations
    class_day: np.ndarray  # ordinal of the class's local date
    start_minute: np.ndarray  # of the class
    stars: np.ndarray  # 1-5
    second: np.ndarray  # submitted, local seconds after the answering day's midnight
    comment: np.ndarray  # which of the comments for its stars; -1 for none

    def __len__(self) -> int:
        return len(self.member)

    def take(self, idx: np.ndarray) -> Answers:
        return Answers(*(getattr(self, f.name)[idx] for f in fields(self)))


def _answers_to_classes_of(day: Day, class_day: date) -> Answers:
    """Every answer to the classes of `class_day`, timed from that day's midnight."""
    gym = day.gym_on(class_day)
    s, b = gym.sessions, gym.bookings
    came = np.flatnonzero(b.status == STATUSES.index("attended"))
    session = b.session[came]
    n = len(came)
    rng = stream(day.seed, class_day, "class_feedback")
    answers = rng.random(n) < RESPONSE_SHARE
    minutes = np.array([c.minutes for c in CLASS_TYPES])[s.class_type[session]]
    ends = (s.start_minute[session] + minutes) * 60
    submitted = ends + rng.exponential(MEAN_DELAY_HOURS * 3600, n).astype(np.int64) + 60
    clock = submitted % 86400
    woken = submitted - clock + WAKE_HOUR * 3600 + rng.integers(0, 2 * 3600, n)
    submitted = np.where(clock < WAKE_HOUR * 3600, woken, submitted)
    popularity = np.array([i.popularity for i in day.world.instructors])[s.instructor[session]]
    mean = MEAN_STARS + INSTRUCTOR_WEIGHT * np.log(popularity)
    stars = np.clip(np.rint(rng.normal(mean, STARS_SD)), 1, 5).astype(np.int64)
    comment = np.where(rng.random(n) < COMMENT_SHARE, rng.integers(0, 1 << 16, n), -1)
    kept = np.flatnonzero(answers & (submitted - ends < SURVEY_OPEN_DAYS * 86400))
    return Answers(
        member=b.member[came][kept],
        location=s.location[session][kept],
        class_day=np.full(len(kept), class_day.toordinal()),
        start_minute=s.start_minute[session][kept],
        stars=stars[kept],
        second=submitted[kept],
        comment=comment[kept],
    )


def answered_on(day: Day) -> Answers:
    """The answers submitted on `day` (local date at the class's site), in the order they came in."""
    parts = []
    for back in range(SURVEY_OPEN_DAYS + 1):
        class_day = day.day - timedelta(days=back)
        if class_day < day.start:
            continue  # the studio exported no classes before the period
        answers = _answers_to_classes_of(day, class_day)
        today = answers.take(np.flatnonzero(answers.second // 86400 == back))
        parts.append(replace(today, second=today.second - back * 86400))
    merged = Answers(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Answers)))
    return merged.take(np.lexsort((merged.member, merged.second)))
