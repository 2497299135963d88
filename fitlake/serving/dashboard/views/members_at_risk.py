"""Members at risk: the churn model's risk deciles, the campaign segments, and a segment's members for the CRM.

Members are shown by pseudonym (`member_key`) only. The download is the segment's rows as a CSV to load into the CRM
by key; the HubSpot file with contact details is `fitlake export-crm`'s, never the dashboard's.
"""

import streamlit as st

from fitlake.serving.dashboard.page_data import header, rows
from gold.campaign_segments import SEGMENTS

header("Members at risk", "risk_deciles", "segment_sizes", "members_at_risk")

st.subheader("Churn risk deciles")
deciles = rows("risk_deciles")
if deciles is None:
    st.caption("`fitlake train` then `fitlake score` write gold.churn_predictions once there is history to learn from.")
else:
    st.caption(f"Scored on {deciles['as_of_date'].iloc[0]:%d %B %Y}; decile 10 is the riskiest.")
    st.bar_chart(deciles, x="risk_decile", y="members")
    st.dataframe(deciles, hide_index=True, width="stretch")

st.subheader("Campaign segments")
sizes = rows("segment_sizes")
if sizes is not None:
    st.bar_chart(sizes, x="segment", y="members", color="location_id")

segment = st.selectbox("Segment", list(SEGMENTS))
members = rows("members_at_risk", segment=segment, limit=1000)
if members is not None:
    st.dataframe(members, hide_index=True, width="stretch")
    st.download_button(
        f"Download the {len(members):,} members of {segment} for the CRM (CSV, by member_key)",
        members.to_csv(index=False).encode(),
        file_name=f"fitlake_{segment}_members.csv",
        mime="text/csv",
    )
