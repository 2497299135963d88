"""Data health: the latest run's steps, the Bronze-to-Silver balance, quarantine shares, data-quality results and
how fresh each table is, from the ops tables the pipeline writes."""

import altair as alt
import pandas as pd
import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows

header("Data health", "latest_run_steps", "reconciliation_latest", "dq_latest", "table_freshness")

steps = rows("latest_run_steps")
if steps is not None:
    failed = steps[steps["status"] != "ok"]
    st.caption(f"Latest run `{steps['run_id'].iloc[0]}`, started {steps['started_at'].min():%Y-%m-%d %H:%M} UTC.")
    left, middle, right = st.columns(3)
    left.metric("Steps", f"{len(steps):,}")
    middle.metric("Failed steps", f"{len(failed):,}")
    right.metric("Rows quarantined", f"{int(steps['rows_quarantined'].fillna(0).sum()):,}")
    if not failed.empty:
        st.warning(f"{len(failed)} step(s) of the latest run failed: {', '.join(failed['table_name'].astype(str))}")
    st.subheader("Quarantine share by table (latest run)")
    built = steps[steps["rows_in"].fillna(0) > 0].copy()
    built["quarantine_share"] = built["rows_quarantined"].fillna(0) / built["rows_in"]
    quarantining = built[built["quarantine_share"] > 0]
    if quarantining.empty:
        st.success("No row was quarantined in the latest run.")
    else:
        st.altair_chart(
            alt.Chart(quarantining)
            .mark_bar()
            .encode(
                x=alt.X("quarantine_share:Q", axis=alt.Axis(format="%"), title="rows quarantined, of rows read"),
                y=alt.Y("table_name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
                tooltip=["table_name", "rows_in", "rows_quarantined", alt.Tooltip("quarantine_share:Q", format=".2%")],
            ),
            width="stretch",
        )
    with st.expander("Every step of the latest run"):
        st.dataframe(steps, hide_index=True, width="stretch")

st.subheader("Reconciliation: every Bronze row accounted for")
balance = rows("reconciliation_latest")
if balance is not None:
    unbalanced = int(balance["unbalanced_batches"].sum())
    if unbalanced:
        st.error(f"{unbalanced} batch(es) do not balance: Bronze rows differ from Silver + quarantined + removed.")
    else:
        st.success(f"All {len(balance)} Silver tables balance against Bronze.")
    st.dataframe(balance, hide_index=True, width="stretch")

st.subheader("Data-quality expectations (latest check)")
checks = rows("dq_latest")
if checks is not None:
    failing = checks[~checks["success"].astype(bool)]
    st.metric("Expectations failing", f"{len(failing):,} of {len(checks):,}")
    st.dataframe(failing if not failing.empty else checks, hide_index=True, width="stretch")

st.subheader("Freshness: last successful build of each table")
fresh = rows("table_freshness")
if fresh is not None:
    fresh["age_hours"] = (pd.Timestamp.now(tz="UTC").tz_localize(None) - pd.to_datetime(fresh["started_at"]).dt
                          .tz_localize(None)).dt.total_seconds() / 3600  # fmt: skip
    st.dataframe(fresh, hide_index=True, width="stretch",
                 column_config={"age_hours": st.column_config.NumberColumn("age (hours)", format="%.1f")})  # fmt: skip
