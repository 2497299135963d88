"""Studio sources in Bronze: which fields are personal data. (That every generated field is declared is
tests/bronze/test_raw.py's job, for every source.)"""

from bronze import (
    attendance_raw,
    cancellations_raw,
    class_feedback_raw,
    class_schedule_raw,
    instructors_raw,
    linked_accounts_raw,
    locations_raw,
)


def test_staff_names_typed_notes_and_account_ids_are_encrypted_and_the_rest_is_not():
    assert set(instructors_raw.CONTRACT.pii_columns) == {"first_name", "last_name", "_raw", "_rescued_data"}
    assert set(cancellations_raw.CONTRACT.pii_columns) == {"notes", "_raw", "_rescued_data"}
    assert set(class_feedback_raw.CONTRACT.pii_columns) == {"comment", "_raw", "_rescued_data"}
    assert set(linked_accounts_raw.CONTRACT.pii_columns) == {"account_id", "_raw", "_rescued_data"}
    for plain in (locations_raw, class_schedule_raw, attendance_raw):
        assert not plain.CONTRACT.pii_columns
