"""STEDI step-trainer landing zone (Udacity's STEDI Human Balance Analytics data), as exported.

Built by `fitlake stedi --landing DIR`, not by the daily pipeline. Files arrive as
<DIR>/<source>/landing/*.json, one JSON object per line.
"""
