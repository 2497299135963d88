"""Cohorts and lifetime value: how each join month's members stay, and what a member is worth by tenure."""

import altair as alt
import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows

header("Cohorts and lifetime value", "cohort_retention", "lifetime_value_by_tenure")

st.subheader("Retention by join month")
cohorts = rows("cohort_retention")
if cohorts is not None:
    st.altair_chart(
        alt.Chart(cohorts).mark_rect().encode(
            x=alt.X("months_since_join:O", title="months since joining"),
            y=alt.Y("yearmonth(join_month):O", title="join month"),
            color=alt.Color("retention_rate:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                            legend=alt.Legend(format="%")),
            tooltip=[alt.Tooltip("yearmonth(join_month):T", title="join month"), "months_since_join", "cohort_size",
                     "retained_members", alt.Tooltip("retention_rate:Q", format=".0%")],
        ),
        width="stretch",
    )  # fmt: skip

st.subheader("Survival and expected remaining value by tenure")
tenure = rows("lifetime_value_by_tenure")
if tenure is not None:
    left, right = st.columns(2)
    left.line_chart(tenure, x="tenure_months", y="survival")
    right.bar_chart(tenure, x="tenure_months", y="expected_remaining_value")
