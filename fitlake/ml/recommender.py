"""The class recommender: for each member, the K recurring class slots they have not been to and would most
likely come to, by item-based collaborative filtering on attendance (implicit feedback).

An item is a recurring slot of the timetable: a location, class type, weekday and starting hour
(`BKN|yoga|Tue|18`). The model is the member x slot matrix of attendances, weighted `log1p(count)`, and the
cosine similarity of its slot columns; a member's score for a slot is the sum of its similarities to the
slots the member attended. The K best-scoring slots the member has not attended are recommended; a slot
with no similarity to any of theirs (score 0) never is, so a member can get fewer than K. Equal scores are
ranked by slot_key, so a rerun on the same attendance gives the same rows.

The same numpy core (`fit`, `recommend`, `recommend_popular`) builds gold.class_recommendations and scores
it offline (fitlake.ml.evaluate): `evaluate` holds out the last `HOLDOUT_DAYS` days and measures precision@K
of the recommendations against the slots each member went to for the first time in them, next to a
popularity baseline.

Measured on `small` (seed 7: 25,511 attendances, 2,661 members, 140 slots; holdout from 3 December):
precision@5 0.093 against the popularity baseline's 0.020, over 843 members; at four earlier cutoffs
0.082-0.090 against 0.019-0.021. The generator's members have a home site (88% of visits) but no
time-of-day or class-type habit of their own (each visit's hour is drawn afresh, class pull is the same for
everyone), and the model finds just that: the most popular slots of the member's main site score 0.091.

Light to import, numpy and pandas only: gold.class_recommendations imports it, and every `fitlake` command
imports the gold modules; scipy and scikit-learn are imported when a model is fitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

K = 5
HOLDOUT_DAYS = 28
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SLOT_PARTS = ("location_id", "class_type", "weekday", "class_hour")
# Scores are rounded before ranking: sums of the same similarities added in another order differ in the
# last bits, and must still tie (and then be ranked by slot_key).
SCORE_DECIMALS = 10
# Members scored at a time: bounds the dense members x slots score block (2,048 x 1,000 slots is 16 MB).
MEMBERS_PER_BLOCK = 2048


def slot_keys(slots: pd.DataFrame) -> pd.Series:
    """The readable key of each slot (`weekday` 0 = Monday), which also breaks ties between equal scores."""
    names = np.array(WEEKDAYS)[slots["weekday"].to_numpy(dtype=int)]
    hours = slots["class_hour"].astype(int).map("{:02d}".format)
    return slots["location_id"] + "|" + slots["class_type"] + "|" + names + "|" + hours


def slot_counts(attendance: pd.DataFrame) -> pd.DataFrame:
    """Attendance rows (gold.fact_class_attendance's columns) as attendances per member and slot, the input of
    `fit`; the transform counts the same in Spark."""
    weekday = pd.to_datetime(attendance["class_date"]).dt.weekday.rename("weekday")
    keys = [attendance["member_key"], attendance["location_id"], attendance["class_type"], weekday,
            attendance["class_hour"]]  # fmt: skip
    return attendance.groupby(keys).size().rename("attendances").reset_index()


@dataclass(frozen=True)
class Model:
    members: np.ndarray  # member_key of each row of `weights`, sorted
    slots: pd.DataFrame  # one row per slot (column of `weights`), sorted by slot_key: its key, parts, attendances
    weights: Any  # scipy.sparse CSR members x slots: log1p(attendances)
    similarity: np.ndarray  # slots x slots cosine similarity of the columns of `weights`, 0 on the diagonal


def fit(counts: pd.DataFrame) -> Model:
    """The model of attendances per member and slot (`slot_counts`'s columns)."""
    from scipy import sparse  # imported here: every `fitlake` command imports this module, through gold
    from sklearn.metrics.pairwise import cosine_similarity

    counts = counts.assign(slot_key=slot_keys(counts))
    # Sorted, so the matrix and the sums over it are the same however the engine ordered the rows.
    counts = counts.sort_values(["member_key", "slot_key"], ignore_index=True)
    members, member_row = np.unique(counts["member_key"].to_numpy(dtype=object), return_inverse=True)
    slot_names, slot_column = np.unique(counts["slot_key"].to_numpy(dtype=object), return_inverse=True)
    attendances = counts["attendances"].to_numpy(dtype=float)
    # log1p, not the raw count: one regular's fifty visits would otherwise outweigh ten members who each came
    # twice, so a slot's neighbours would be its regulars' other habits; not binary, because a slot a member
    # keeps coming back to says more than one they tried once. On `small` (seed 7, `evaluate` at the default
    # cutoff) precision@5 is 0.093 with log1p, 0.092 binary, 0.090 raw counts: a handful of hits among 843
    # members, so the data does not choose; the reasons above do.
    weights = sparse.csr_matrix(
        (np.log1p(attendances), (member_row, slot_column)), shape=(len(members), len(slot_names))
    )
    similarity = cosine_similarity(weights.T, dense_output=True) if len(slot_names) else np.zeros((0, 0))
    np.fill_diagonal(similarity, 0.0)
    slots = (
        counts.groupby("slot_key", sort=True)
        .agg(**{p: (p, "first") for p in SLOT_PARTS}, attendances=("attendances", "sum"))
        .reset_index()
    )
    return Model(members, slots, weights, similarity)


def _ranked(model: Model, k: int, scores_of: Callable[[Any], np.ndarray]) -> pd.DataFrame:
    """The top `k` positive scores per member among the slots they have not attended, as the rows of
    gold.class_recommendations."""
    found = []
    for start in range(0, len(model.members), MEMBERS_PER_BLOCK):
        block = model.weights[start : start + MEMBERS_PER_BLOCK]
        scores = np.round(np.asarray(scores_of(block), dtype=float), SCORE_DECIMALS)
        scores[block.toarray() > 0] = 0.0  # never a slot the member has been to
        # Stable sort of the negated scores: equal scores keep the slots' order, which is slot_key's.
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        top_scores = np.take_along_axis(scores, top, axis=1)
        member, rank = np.nonzero(top_scores > 0)
        found.append(
            pd.DataFrame(
                {
                    "member": start + member,
                    "slot": top[member, rank],
                    "rank": rank + 1,
                    "score": top_scores[member, rank],
                }
            )
        )
    picked = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["member", "slot", "rank", "score"])
    slots = model.slots.iloc[picked["slot"].to_numpy(dtype=int)].reset_index(drop=True)
    rows = pd.DataFrame(
        {
            "member_key": model.members[picked["member"].to_numpy(dtype=int)],
            "rank": picked["rank"].to_numpy(dtype="int32"),
            "slot_key": slots["slot_key"],
            "location_id": slots["location_id"],
            "class_type": slots["class_type"],
            "weekday": np.array(WEEKDAYS, dtype=object)[slots["weekday"].to_numpy(dtype=int)],
            "class_hour": slots["class_hour"].to_numpy(dtype="int32"),
            "score": picked["score"].to_numpy(dtype=float),
        }
    )
    return rows


def recommend(model: Model, k: int = K) -> pd.DataFrame:
    """Collaborative filtering: each member's top `k` unattended slots by summed similarity to their own."""
    return _ranked(model, k, lambda block: (block > 0).astype(float) @ model.similarity)


def recommend_popular(model: Model, k: int = K) -> pd.DataFrame:
    """The popularity baseline: the slots with the most attendances, less those the member has been to."""
    popularity = model.slots["attendances"].to_numpy(dtype=float)
    return _ranked(model, k, lambda block: np.broadcast_to(popularity, block.shape).copy())


def holdout_cutoff(attendance: pd.DataFrame, days: int = HOLDOUT_DAYS) -> date:
    """The first day of the evaluation window: `days` days before the last class date, so the window ends the
    day before it (the last day's later classes have no outcome yet)."""
    return pd.to_datetime(attendance["class_date"]).max().date() - timedelta(days=days)


def _member_slots(counts: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(counts["member_key"], slot_keys(counts), strict=True))


def _precision(recommended: pd.DataFrame, relevant: dict[str, set[str]], k: int) -> float:
    picks = recommended.groupby("member_key")["slot_key"].agg(set)
    hits = [len(picks.get(member, set()) & slots) for member, slots in relevant.items()]
    return float(np.mean(hits) / k)


def evaluate(attendance: pd.DataFrame, cutoff: date, k: int = K) -> dict[str, float]:
    """Temporal holdout: fit on attendance before `cutoff`; a member's relevant slots are those they attended
    in the `HOLDOUT_DAYS` days from `cutoff` and never before it. Precision@k (hits / k, a member given fewer
    than k counts the missing ones as misses), averaged over members with at least one relevant slot and some
    attendance before `cutoff` (the table has nothing for a member without), for the recommendations and
    for the popularity baseline.

    `attendance` holds gold.fact_class_attendance's member_key, location_id, class_type, class_date and
    class_hour (other columns are ignored)."""
    day = pd.to_datetime(attendance["class_date"])
    start = pd.Timestamp(cutoff)
    before = slot_counts(attendance[day < start])
    model = fit(before)
    seen = _member_slots(before)
    window = (day >= start) & (day < start + pd.Timedelta(days=HOLDOUT_DAYS))
    relevant: dict[str, set[str]] = {}
    for member, slot in _member_slots(slot_counts(attendance[window])) - seen:
        relevant.setdefault(member, set()).add(slot)
    known = set(model.members)
    relevant = {member: slots for member, slots in relevant.items() if member in known}
    if not relevant:
        return {"precision_at_k_cf": float("nan"), "precision_at_k_popularity": float("nan"),
                "members_evaluated": 0, "k": k}  # fmt: skip
    return {
        "precision_at_k_cf": _precision(recommend(model, k), relevant, k),
        "precision_at_k_popularity": _precision(recommend_popular(model, k), relevant, k),
        "members_evaluated": len(relevant),
        "k": k,
    }
