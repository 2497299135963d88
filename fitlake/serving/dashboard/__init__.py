"""The studio dashboard (`fitlake serve dashboard`, or a Databricks App): a multi-page Streamlit app over Gold.

It lives in fitlake/serving beside the API because it is another reader of the same read path
(fitlake.serving.read_path): every page asks named queries (fitlake.serving.dashboard_queries) and never reads a
table another way, so locally it reads delta-rs Arrow with DuckDB and on Databricks a SQL warehouse, cached by the
Gold tables' Delta versions. `app.py` is the script Streamlit runs, and
its folder is then on sys.path, so no module here shares a top-level package's name (`gold`); each page is a
script in `views/`, listed in `pages.py`.
"""
