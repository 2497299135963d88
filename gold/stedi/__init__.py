"""STEDI curated zone: the customers and the paired readings the data scientists train on.

Built by `fitlake stedi`, not by the daily pipeline. No personal data: no name, e-mail, phone or birthday.
"""
