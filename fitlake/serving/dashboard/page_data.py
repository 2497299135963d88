"""What every page uses to read Gold: the read path (one per process and settings) and a result as a DataFrame.

A table a page needs that is not built (gold.churn_predictions before a model is trained) is said plainly on the
page, with what builds it; a damaged Delta log is one line naming the table and file. Neither is a traceback.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from fitlake.errors import TableDamaged
from fitlake.serving.dashboard_queries import ALL_QUERIES
from fitlake.serving.delta_versions import TableNotBuilt
from fitlake.serving.read_path import ReadPath
from fitlake.serving.server import read_path_for
from fitlake.settings import Settings


@st.cache_resource(show_spinner=False)
def _read_path(settings: Settings) -> ReadPath:
    return read_path_for(settings, ALL_QUERIES)


def read_path() -> ReadPath:
    """The read path of the settings in the environment (`fitlake serve dashboard` puts its options there)."""
    return _read_path(Settings.resolve())


def rows(query: str, **parameters: Any) -> pd.DataFrame | None:
    """The query's rows, or None after saying on the page why there are none to show."""
    try:
        result = read_path().run(query, parameters)
    except TableNotBuilt as e:
        st.info(f"Not built yet: {e}.")
        return None
    except TableDamaged as e:
        st.error(str(e))
        return None
    frame = pd.DataFrame(result.rows, columns=read_path().queries[query].column_names)
    if frame.empty:
        st.info(f"{', '.join(read_path().queries[query].tables)} holds no rows for this yet.")
        return None
    return frame


def header(title: str, *queries: str) -> None:
    """The page's title and the tables it shows, taken from its queries (so the list cannot drift from them)."""
    st.title(title)
    tables = sorted({t for q in queries for t in ALL_QUERIES[q].tables})
    st.caption(f"Reads {', '.join(f'`{t}`' for t in tables)}")
