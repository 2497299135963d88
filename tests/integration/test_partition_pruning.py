"""A query filtered on a partitioned Gold table's partition column reads only the matching partitions."""

import re

from gold import fact_class_attendance
from tests.integration.conftest import sql

TABLE = fact_class_attendance.CONTRACT
PARTITION = TABLE.partition_by[0]


def _scan(home, where: str) -> tuple[int, set[str]]:
    """The files the engine's plan reads (its count of file groups, one file each here) and the partitions of
    the files it lists (it lists at most five)."""
    (row,) = sql(home, f"EXPLAIN SELECT * FROM {TABLE.name} WHERE {where}")
    groups = int(re.search(r"file_groups=\{(\d+) groups?", row["plan"]).group(1))
    return groups, set(re.findall(rf"{TABLE.table}/{PARTITION}=([0-9-]+)/", row["plan"]))


def test_a_filter_on_class_date_scans_only_the_matching_partitions(home):
    on_disk = sorted(p.name.split("=")[1] for p in (home / "fitlake" / "gold" / TABLE.table).glob(f"{PARTITION}=*"))
    assert len(on_disk) > 3
    files, _ = _scan(home, "true")
    assert files == len(on_disk)  # one file per partition, all read without a filter
    one, two, three = on_disk[:3]
    assert _scan(home, f"{PARTITION} = DATE'{two}'") == (1, {two})
    assert _scan(home, f"{PARTITION} BETWEEN DATE'{one}' AND DATE'{two}'") == (2, {one, two})
    assert _scan(home, f"{PARTITION} = DATE'{three}' AND location_id IS NOT NULL") == (1, {three})
