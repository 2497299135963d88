"""Workout consistency: how often, how regularly and how unbrokenly each member trains outdoors.

Counted workouts are real runs and run/walk mixes (gold.workout_classification): both are training, and
run/walk intervals are how most beginners train. Walks are left out (mostly the dog's outing, logged in the
running app) and outliers are not workouts. Every member who logged a workout has a row, with zeros when
none of them counts, so a member who only walks shows up as not training rather than missing.

Weeks are ISO weeks (Monday to Sunday). "Now" is `as_of_date`, the latest workout date in the data, never
the clock, so a rerun on the same data gives the same table. Per member:

- `workouts_per_week` = counted workouts / `weeks_observed`, the weeks from the member's first counted
  workout to the as-of week, both included (weeks after a member stopped count against them);
- `timing_regularity` = 1 - CV of the days between consecutive workout dates (population standard
  deviation over mean), clipped to [0, 1]: 1 is a fixed rhythm, 0 gaps as uneven as they are long. NULL
  with fewer than two gaps (three workout dates), where there is no rhythm to judge;
- `longest_streak_weeks`: the longest run of consecutive ISO weeks with a counted workout;
  `current_streak_weeks`: the run that reaches the as-of week or the week before it (the as-of week may not
  be over yet), else 0;
- `consistency_score` = 100 x (0.4 x frequency + 0.3 x regularity + 0.3 x streaks), to one decimal, where
  frequency = min(workouts_per_week / 3, 1) (three 50-minute sessions make the WHO's 150 minutes of moderate
  activity a week), regularity = timing_regularity (0 when NULL), and streaks =
  (min(longest, 12) + min(current, 12)) / 24 (a new habit takes a median of 66 days to become automatic,
  Lally et al. 2010: twelve weeks is past it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from fitlake.contracts import BIGINT, DATE, DOUBLE, INT, Column, TableContract, between, references, rule
from silver.members import MEMBER_KEY

INPUTS = ("gold.workout_classification",)

COUNTED_CLASSES = ("real_run", "mixed")
TARGET_WORKOUTS_PER_WEEK = 3
STREAK_TARGET_WEEKS = 12
WEIGHTS = {"frequency": 0.4, "regularity": 0.3, "streaks": 0.3}
A_MONDAY = date(1970, 1, 5)  # week numbers count from it, so consecutive ISO weeks differ by 1 across years

CONTRACT = TableContract(
    name="gold.workout_consistency",
    comment="Per member who logged a workout: frequency, timing regularity and ISO-week streaks of real runs "
    "and run/walk mixes, and a 0-100 consistency score, as of the latest workout date in the data. "
    "Research data: only members with research consent.",
    columns=(
        replace(MEMBER_KEY, comment="Member"),
        Column("as_of_date", DATE, "Latest workout date in the data: what current means here", nullable=False),
        Column("logged_workouts", BIGINT, "Workouts the member logged, every class", nullable=False),
        Column("workouts", BIGINT, "Counted workouts: real runs and run/walk mixes", nullable=False),
        Column("first_workout_date", DATE, "Date of the first counted workout; NULL when none"),
        Column("last_workout_date", DATE, "Date of the latest counted workout; NULL when none"),
        Column("active_weeks", BIGINT, "ISO weeks with at least one counted workout", nullable=False),
        Column("weeks_observed", INT, "ISO weeks from the first counted workout to the as-of week; NULL when none"),
        Column("workouts_per_week", DOUBLE, "Counted workouts per observed week; 0 when none", nullable=False),
        Column(
            "timing_regularity",
            DOUBLE,
            "1 - coefficient of variation of the days between workout dates, clipped to 0-1; NULL with fewer "
            "than three workout dates",
        ),
        Column("longest_streak_weeks", BIGINT, "Longest run of consecutive ISO weeks with a workout", nullable=False),
        Column(
            "current_streak_weeks",
            BIGINT,
            "Consecutive ISO weeks with a workout up to the as-of week or the week before; 0 if broken",
            nullable=False,
        ),
        Column(
            "consistency_score",
            DOUBLE,
            "0-100: 40% frequency (3 a week is full marks), 30% timing regularity, 30% streaks (12 weeks is "
            "full marks), as in the module's docstring",
            nullable=False,
        ),
    ),
    keys=("member_key",),
    expectations=(
        between("consistency_score", 0, 100),
        between("timing_regularity", 0, 1),
        rule("counted_among_logged", "workouts <= logged_workouts"),
        rule("active_weeks_within_observed", "active_weeks <= coalesce(weeks_observed, 0)"),
        rule(
            "streaks_within_active_weeks",
            "current_streak_weeks <= longest_streak_weeks AND longest_streak_weeks <= active_weeks",
        ),
        rule("last_workout_not_after_as_of", "last_workout_date IS NULL OR last_workout_date <= as_of_date"),
    ),
    foreign_keys=(references("member_key", "silver.members"),),
)


def week_number(day: SparkColumn) -> SparkColumn:
    """The ISO week of `day`, as a count of weeks since A_MONDAY."""
    monday = F.date_sub(day, (F.dayofweek(day) + 5) % 7)  # dayofweek: Sunday 1 .. Saturday 7
    return (F.datediff(monday, F.lit(A_MONDAY)) / 7).cast("int")


def _regularity(counted: DataFrame) -> DataFrame:
    """Per member: 1 - CV of the days between consecutive workout dates, from two gaps on."""
    days = counted.select("member_key", "workout_date").distinct()
    # Window functions in their own column: Sail cannot plan one nested in an expression.
    previous = F.lag("workout_date").over(Window.partitionBy("member_key").orderBy("workout_date"))
    gap = F.datediff("workout_date", "previous").cast("bigint")
    sums = (
        days.withColumn("previous", previous)
        .groupBy("member_key")
        .agg(F.count(gap).alias("n"), F.sum(gap).alias("s"), F.sum(gap * gap).alias("s2"))
    )
    # CV = population sd / mean = sqrt(n * sum(g^2) - sum(g)^2) / sum(g): from sums of integers, which are
    # exact in any order, so a rerun over differently laid out files gives the same figure to the last bit.
    cv = F.sqrt(F.col("n") * F.col("s2") - F.col("s") * F.col("s")) / F.col("s")
    regularity = F.greatest(F.lit(0.0), 1 - cv)
    return sums.select("member_key", F.when(F.col("n") >= 2, regularity).alias("timing_regularity"))


def _streaks(counted: DataFrame, as_of: DataFrame) -> DataFrame:
    """Per member: the longest run of consecutive active weeks and the one still going at the as-of week."""
    weeks = counted.select("member_key", week_number(F.col("workout_date")).alias("week")).distinct()
    # Consecutive weeks less their rank are the same number along a run (gaps and islands).
    rank = F.row_number().over(Window.partitionBy("member_key").orderBy("week"))
    runs = (
        weeks.withColumn("rank", rank)
        .groupBy("member_key", (F.col("week") - F.col("rank")).alias("run"))
        .agg(F.count(F.lit(1)).alias("length"), F.max("week").alias("last_week"))
    )
    going = F.col("last_week") >= week_number(F.col("as_of_date")) - 1
    return (
        runs.crossJoin(as_of)
        .groupBy("member_key")
        .agg(
            F.max("length").alias("longest_streak_weeks"),
            F.coalesce(F.max(F.when(going, F.col("length"))), F.lit(0)).alias("current_streak_weeks"),
        )
    )


def _capped(column: str, target: int) -> SparkColumn:
    return F.least(F.col(column) / target, F.lit(1.0))


def _score() -> SparkColumn:
    """The module docstring's formula, over the columns it names."""
    streaks = [_capped(c, STREAK_TARGET_WEEKS) for c in ("longest_streak_weeks", "current_streak_weeks")]
    parts = {
        "frequency": _capped("workouts_per_week", TARGET_WORKOUTS_PER_WEEK),
        "regularity": F.coalesce(F.col("timing_regularity"), F.lit(0.0)),
        "streaks": (streaks[0] + streaks[1]) / 2,
    }
    return F.round(100 * sum((WEIGHTS[name] * part for name, part in parts.items()), F.lit(0.0)), 1)


def transform(classified: DataFrame) -> DataFrame:
    as_of = classified.agg(F.max("workout_date").alias("as_of_date"))
    is_counted = F.col("workout_class").isin(*COUNTED_CLASSES)
    counted = classified.filter(is_counted)
    members = classified.groupBy("member_key").agg(
        F.count(F.lit(1)).alias("logged_workouts"),
        F.count(F.when(is_counted, F.lit(1))).alias("workouts"),
        F.min(F.when(is_counted, F.col("workout_date"))).alias("first_workout_date"),
        F.max(F.when(is_counted, F.col("workout_date"))).alias("last_workout_date"),
        F.countDistinct(F.when(is_counted, week_number(F.col("workout_date")))).alias("active_weeks"),
    )
    weeks_observed = week_number(F.col("as_of_date")) - week_number(F.col("first_workout_date")) + 1
    return (
        members.crossJoin(as_of)
        .join(_regularity(counted), "member_key", "left")
        .join(_streaks(counted, as_of), "member_key", "left")
        .fillna(0, subset=["longest_streak_weeks", "current_streak_weeks"])
        .withColumn("weeks_observed", weeks_observed)
        .withColumn("workouts_per_week", F.coalesce(F.col("workouts") / F.col("weeks_observed"), F.lit(0.0)))
        .withColumn("consistency_score", _score())
        .select(*CONTRACT.column_names)
    )
