"""Workouts: runs and walks over time, the spread of paces, and how a chosen date changed habits."""

import altair as alt
import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows

header("Workouts", "workouts_weekly", "pace_distribution", "workouts_before_after")

st.subheader("Workouts by week")
weekly = rows("workouts_weekly")
if weekly is not None:
    st.bar_chart(weekly, x="week_start", y="workouts", color="workout_class")

st.subheader("Pace distribution")
paces = rows("pace_distribution")
if paces is not None:
    st.altair_chart(
        alt.Chart(paces)
        .mark_bar(opacity=0.7)
        .encode(
            x=alt.X("pace_band:Q", bin=alt.Bin(step=0.5), title="pace, min per km"),
            y=alt.Y("workouts:Q", stack=None),
            color="workout_class:N",
        ),
        width="stretch",
    )

st.subheader("Before and after a date")
span = rows("workout_dates")
if span is not None and span["first_date"].notna().iloc[0]:
    first, last = span["first_date"].iloc[0], span["last_date"].iloc[0]
    left, middle, right = st.columns(3)
    pivot = left.date_input("Date of the change", first + (last - first) / 2, min_value=first, max_value=last)
    days = middle.slider("Days each side", 7, 91, 28, step=7)
    member = right.text_input("One member (member_key), or every member", max_chars=64).strip() or None
    compared = rows("workouts_before_after", pivot=pivot, days=days, member=member)
    if compared is not None:
        st.caption(f"{days} days before {pivot:%d %b %Y} against {days} days from it on.")
        left, right = st.columns(2)
        left.altair_chart(
            alt.Chart(compared).mark_bar().encode(
                x=alt.X("period:N", sort=["before", "after"], title=None), y="workouts:Q",
                color="workout_class:N", xOffset="workout_class:N"),
            width="stretch",
        )  # fmt: skip
        right.altair_chart(
            alt.Chart(compared).mark_bar().encode(
                x=alt.X("period:N", sort=["before", "after"], title=None),
                y=alt.Y("mean_pace_min_per_km:Q", title="mean pace, min per km"),
                color="workout_class:N", xOffset="workout_class:N"),
            width="stretch",
        )  # fmt: skip
        st.dataframe(compared, hide_index=True, width="stretch")
else:
    st.info("gold.workout_classification holds no workouts to compare yet.")
