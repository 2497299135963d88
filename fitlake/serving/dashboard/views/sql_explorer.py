"""SQL explorer: one read-only query over the Gold and ops tables, with a row limit and a time limit
(fitlake.serving.sql_explorer checks and runs it)."""

import streamlit as st

from fitlake.serving.dashboard.page_data import read_path
from fitlake.serving.sql_explorer import ROW_LIMIT, TIME_LIMIT_SECONDS, QueryRefused, explorable_tables, explore

st.title("SQL explorer")
st.caption(
    f"One read-only query over the Gold and ops tables, named `<schema>.<table>`: at most {ROW_LIMIT:,} rows, "
    f"stopped after {TIME_LIMIT_SECONDS:g} s."
)
with st.expander("Tables you can query"):
    st.write(", ".join(f"`{t}`" for t in explorable_tables()))

sql = st.text_area(
    "Query",
    "SELECT location_id, sum(active_members) AS active_members\n"
    "FROM gold.fact_membership_monthly\n"
    "WHERE month = (SELECT max(month) FROM gold.fact_membership_monthly)\n"
    "GROUP BY location_id",
    height=160,
)
if st.button("Run", type="primary") and sql.strip():
    try:
        explored = explore(read_path(), sql)
    except QueryRefused as e:
        st.warning(f"Not run: {e}")
    except Exception as e:  # the engine's own message (a column that does not exist), on one line
        st.warning(f"The query failed: {' '.join(str(e).split())}")
    else:
        cut = f", cut to the first {ROW_LIMIT:,}" if explored.truncated else ""
        st.caption(f"{explored.rows.num_rows:,} rows{cut}, in {explored.seconds:.2f} s")
        st.dataframe(explored.rows.to_pandas(), hide_index=True, width="stretch")
