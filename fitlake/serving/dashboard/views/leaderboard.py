"""Leaderboard: the top instructors and class types of a location in an ISO week."""

import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows

header("Leaderboard", "instructor_leaderboard", "class_leaderboard", "leaderboard_weeks")

weeks = rows("leaderboard_weeks")
if weeks is not None:
    left, right = st.columns(2)
    week = left.selectbox("Week starting", list(weeks["week_start"]), format_func=lambda d: f"{d:%a %d %b %Y}")
    instructors = rows("instructor_leaderboard", week=week)
    locations = [] if instructors is None else sorted(instructors["location_id"].unique())
    location = right.selectbox("Location", locations)
    if instructors is not None and location is not None:
        st.subheader("Top instructors by attendance")
        top = instructors[instructors["location_id"] == location]
        st.bar_chart(top, x="instructor_id", y="attendance", horizontal=True, sort="-attendance")
        st.dataframe(top, hide_index=True, width="stretch")
        st.subheader("Top class types by attendance")
        classes = rows("class_leaderboard", week=week, location=location)
        if classes is not None:
            st.bar_chart(classes, x="class_type", y="attendance", horizontal=True, sort="-attendance")
            st.dataframe(classes, hide_index=True, width="stretch")
