"""Synthetic raw exports of a multi-site gym, with known truth and injected defects."""
