"""Wearables: sedentary, active and sleep minutes a member, day by day (research-consented members only)."""

import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows

header("Wearables", "wearables_daily")

daily = rows("wearables_daily")
if daily is not None:
    left, middle, right = st.columns(3)
    left.metric("Members with wearable data (latest day)", f"{daily['members'].iloc[-1]:,}")
    middle.metric("Mean sedentary minutes", f"{daily['mean_sedentary_minutes'].mean():,.0f}")
    right.metric("Mean minutes asleep", f"{daily['mean_asleep_minutes'].mean():,.0f}")
    st.subheader("Sedentary and active minutes a member")
    st.line_chart(daily, x="local_date", y=["mean_sedentary_minutes", "mean_active_minutes"])
    st.subheader("Sleep a member")
    st.bar_chart(daily, x="local_date", y="mean_asleep_minutes")
