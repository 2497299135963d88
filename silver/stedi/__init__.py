"""STEDI trusted zone: consented customers and their devices' readings, typed and pseudonymous.

Built by `fitlake stedi`, not by the daily pipeline. A customer is known by `customer_key`, a salted
sha2 of their e-mail address; names, e-mail addresses, phones and birthdays stay encrypted in Bronze.
"""
