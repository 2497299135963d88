"""Bronze: every landing line as it arrived, typed as text, with lineage. One module per source table."""
