"""Ops: the tables the pipelines write about their own runs (run log, ingestion ledger, reconciliation, quality
results). One module per table holding only its contract; the fitlake module that writes the table imports it.
No transform: no build task rebuilds them, they only grow (or are replaced per run) as the runs go."""
