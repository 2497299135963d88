"""Overview: members on the books, monthly recurring revenue and churn, month by month."""

import altair as alt
import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows

header("Overview", "membership_monthly", "active_members", "locations")

locations = rows("locations")
choices = ["every location", *([] if locations is None else locations["location_id"])]
chosen = st.selectbox("Location", choices)
location = None if chosen == choices[0] else chosen

months = rows("membership_monthly", location=location)
if months is not None:
    months["mrr"] = months["mrr"].astype(float)
    # Churn rate: members who left in the month over those on the books at its end plus the leavers.
    months["churn_rate"] = months["churned_members"] / (months["active_members"] + months["churned_members"])
    latest = months.iloc[-1]
    before = months.iloc[-2] if len(months) > 1 else latest
    left, middle, right = st.columns(3)
    left.metric(
        "Members on the books", f"{latest.active_members:,}", int(latest.active_members - before.active_members)
    )
    middle.metric("MRR (USD)", f"{latest.mrr:,.0f}", f"{latest.mrr - before.mrr:,.0f}")
    right.metric("Churn this month", f"{latest.churn_rate:.1%}", f"{latest.churn_rate - before.churn_rate:+.1%}",
                 delta_color="inverse")  # fmt: skip
    st.caption(f"Month of {latest.month:%B %Y}, against the month before.")
    st.subheader("Members and MRR by month")
    st.line_chart(months, x="month", y=["active_members", "new_members", "churned_members"])
    st.bar_chart(months, x="month", y="mrr")
    st.subheader("Churn rate by month")
    st.altair_chart(
        alt.Chart(months).mark_line(point=True).encode(x="month:T", y=alt.Y("churn_rate:Q", axis=alt.Axis(format="%"))),
        width="stretch",
    )

st.subheader("Members who checked in, by week")
weekly = rows("active_members", grain="week", location=location or "ALL")
if weekly is not None:
    st.line_chart(weekly, x="period_start", y="active_members")
