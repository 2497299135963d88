"""Classes: fill rate, no-shows and late cancels per class type, and the busiest hours of the week."""

import altair as alt
import pandas as pd
import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows

header("Classes", "class_fill_rates", "class_outcomes", "class_months", "attendance_by_hour")

months = rows("class_months")
if months is not None:
    month = st.selectbox("Month", list(months["month"]), format_func=lambda d: f"{d:%B %Y}")
    rates = rows("class_fill_rates", month=month)
    if rates is not None:
        st.subheader("Fill rate by class type and location")
        st.altair_chart(
            alt.Chart(rates).mark_bar().encode(
                x=alt.X("fill_rate:Q", axis=alt.Axis(format="%"), title="fill rate"),
                y=alt.Y("class_type:N", sort="-x", title=None),
                color="location_id:N",
                yOffset="location_id:N",
                tooltip=["location_id", "class_type", "sessions", "places", "attended",
                         alt.Tooltip("fill_rate:Q", format=".0%")],
            ),
            width="stretch",
        )  # fmt: skip
        st.dataframe(rates, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="percent")
                                    for c in ("fill_rate", "no_show_rate", "late_cancel_rate")})  # fmt: skip
    outcomes = rows("class_outcomes", month=month)
    if outcomes is not None:
        st.subheader("No-shows and late cancels")
        st.bar_chart(outcomes, x="class_type", y=["no_shows", "late_cancels"], stack=False)

st.subheader("Busiest hours (members attending, all months)")
by_hour = rows("attendance_by_hour")
if by_hour is not None:
    by_hour["weekday"] = pd.to_datetime(by_hour["class_date"]).dt.day_name()
    heat = by_hour.groupby(["weekday", "class_hour"], as_index=False)["attendance"].sum()
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    st.altair_chart(
        alt.Chart(heat)
        .mark_rect()
        .encode(
            x=alt.X("class_hour:O", title="hour the class starts"),
            y=alt.Y("weekday:N", sort=days, title=None),
            color=alt.Color("attendance:Q", scale=alt.Scale(scheme="oranges")),
            tooltip=["weekday", "class_hour", "attendance"],
        ),
        width="stretch",
    )
