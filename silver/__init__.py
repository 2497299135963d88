"""Silver: typed, conformed, deduplicated tables; rejected rows go to `<table>_quarantine`."""
