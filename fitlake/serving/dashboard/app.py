"""The script Streamlit runs: the navigation over the pages (fitlake.serving.dashboard.pages)."""

import streamlit as st

from fitlake.serving.dashboard.pages import PAGES

st.set_page_config(page_title="FitLake", page_icon=":material/fitness_center:", layout="wide")
pages = [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=i == 0) for i, p in enumerate(PAGES)]
st.navigation(pages).run()
