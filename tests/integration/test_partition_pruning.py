"""A query filtered on a partitioned Gold table's partition column reads only the matching partitions."""

import json
import re

from gold import fact_class_attendance
from tests.integration.conftest import fitlake

TABLE = fact_class_attendance.CONTRACT
PARTITION = TABLE.partition_by[0]


def _scans(home, tmp_path, filters: dict[str, str]) -> dict[str, tuple[int, set[str]]]:
    """Per filter, the files the engine's plan reads (its count of file groups, one file each here) and the
    partitions of the files it lists (it lists at most five): every plan from one `fitlake sql --file`."""
    queries = tmp_path / "explain.sql"
    queries.write_text(
        "".join(
            f"-- name: {name}\nEXPLAIN SELECT * FROM {TABLE.name} WHERE {where};\n" for name, where in filters.items()
        )
    )
    plans = json.loads(fitlake(home, "sql", "--file", str(queries), "--format", "json").stdout)
    found = {}
    for name, (row,) in plans.items():
        groups = int(re.search(r"file_groups=\{(\d+) groups?", row["plan"]).group(1))
        found[name] = groups, set(re.findall(rf"{TABLE.table}/{PARTITION}=([0-9-]+)/", row["plan"]))
    return found


def test_a_filter_on_class_date_scans_only_the_matching_partitions(home, tmp_path):
    on_disk = sorted(p.name.split("=")[1] for p in (home / "fitlake" / "gold" / TABLE.table).glob(f"{PARTITION}=*"))
    assert len(on_disk) > 3
    one, two, three = on_disk[:3]
    scans = _scans(
        home,
        tmp_path,
        {
            "all": "true",
            "one_day": f"{PARTITION} = DATE'{two}'",
            "two_days": f"{PARTITION} BETWEEN DATE'{one}' AND DATE'{two}'",
            "one_day_and_more": f"{PARTITION} = DATE'{three}' AND location_id IS NOT NULL",
        },
    )
    assert scans["all"][0] == len(on_disk)  # one file per partition, all read without a filter
    assert scans["one_day"] == (1, {two})
    assert scans["two_days"] == (2, {one, two})
    assert scans["one_day_and_more"] == (1, {three})
