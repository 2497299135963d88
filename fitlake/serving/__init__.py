"""Serving Gold: named, parameterised queries over the Gold tables, and the API that answers them.

One read path (fitlake.serving.read_path) for every reader: locally delta-rs reads a table's Delta version into
Arrow and DuckDB runs the query on it, no Spark engine; on Databricks a SQL warehouse runs the same query. Results
are cached by the Delta versions of the tables a query reads, so an answer is never stale and never recomputed
while Gold is unchanged.
"""
