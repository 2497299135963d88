"""The generator's truth about churn, for judging a model: each member's true monthly cancellation
probability, from `<home>/_truth/members.csv` (written by `fitlake generate`, never read by the pipeline).

The generator draws every remaining tenure from a geometric law with that probability, so it is the best
any model could know from a member's fixed traits; its AUC on the test months is the oracle AUC.
"""

from __future__ import annotations

import pandas as pd

from fitlake.lakehouse import Lakehouse
from fitlake.privacy import pseudonym_value


def true_churn_probability(lh: Lakehouse) -> pd.Series | None:
    """monthly_churn_probability by member_key (the pipeline's pseudonym), or None without a truth file."""
    path = lh.settings.home / "_truth" / "members.csv"
    if not path.is_file():
        return None
    truth = pd.read_csv(path, usecols=["member_id", "monthly_churn_probability"], dtype={"member_id": str})
    salt = lh.secrets.pseudonym_salt  # the pipeline's pseudonym of the member number
    keys = [pseudonym_value(m, salt) for m in truth["member_id"]]
    return pd.Series(truth["monthly_churn_probability"].to_numpy(), index=pd.Index(keys, name="member_key"))
