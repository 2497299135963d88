"""`fitlake import mapmyrun FILE... [--member ID]`: a member's own MapMyRun workout-history download into the landing
folder of bronze.workouts_raw, each file once.

A download names no member inside (the app connector's export has a member_id column; a person's download has not),
so its landing file name says whose it is, as silver.workouts reads it (`IMPORTED_EXPORT`): the member given with
--member, or else the MapMyRun account MapMyRun names the download after, `user<account id>_workout_history.csv`,
which silver.linked_accounts gives to a member. The account id is not written in the clear: the landing file name
ends up in `_source_file`, the lineage of every Silver row, and an account id identifies its holder as surely as a
phone number. The file is named by the account's pseudonym instead, the `account_key` silver.linked_accounts holds,
salted with the home's pseudonym salt.

A file is taken by its header, not its name: every field bronze.workouts_raw requires must be there under one of
its spellings (the contract's aliases), and a distance or not (an indoor workout history has none). Columns the
contract does not declare are not refused: MapMyRun's header drifts between app versions, and Bronze keeps such a
field in `_rescued_data` (encrypted), so nothing is lost. Every file is checked before any is landed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bronze.workouts_raw import CONTRACT, SOURCE
from fitlake.csv_records import header_names
from fitlake.errors import UsageError
from fitlake.landing_import import Landed, land_once
from fitlake.privacy import guard_secrets, load_secrets, pseudonym_value
from fitlake.settings import Settings
from silver.workouts import imported_export_stem

# How MapMyRun names the download: user118862045_workout_history.csv.
DOWNLOAD_NAME = re.compile(r"^user([0-9]{1,20})_workout_history\.csv$", re.IGNORECASE)
# A member id goes into a file name and a regular expression over it (silver.workouts' IMPORTED_EXPORT).
MEMBER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
EXPECTED_HEADER = ", ".join(f"{f} (or {', '.join(CONTRACT.spellings(f)[1:])})" if CONTRACT.spellings(f)[1:] else f
                            for f in CONTRACT.required)  # fmt: skip


class NotAMapMyRunExport(UsageError):
    """A file is no MapMyRun workout history, or says nobody's it is: nothing is landed."""


@dataclass(frozen=True)
class Export:
    """A file to land, and whose it is: `member` (a member id) or `account` (a MapMyRun account id)."""

    path: Path
    owner: str  # "member" or "account"
    owner_id: str

    def stem(self, salt: Callable[[], str]) -> str:
        """The landing name's stem, silver.workouts' IMPORTED_EXPORT: an account by its pseudonym, never its id."""
        owner = self.owner_id if self.owner == "member" else pseudonym_value(self.owner_id, salt())
        return imported_export_stem(self.owner, owner)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        return header_names(f.readline().rstrip("\r\n"))


def missing_fields(header: list[str]) -> list[str]:
    """The required fields of bronze.workouts_raw the header has under none of their spellings."""
    columns = set(header)
    return [f for f in CONTRACT.required if not columns.intersection(CONTRACT.spellings(f))]


def checked(path: Path, member: str | None) -> Export:
    """The file with its owner, or NotAMapMyRunExport naming the file and what was expected, in one line."""
    if not path.is_file():
        raise NotAMapMyRunExport(f"{path}: no such file; expected a MapMyRun workout history (.csv)")
    header = _header(path) if path.suffix.lower() == ".csv" else []
    missing = missing_fields(header) if header else list(CONTRACT.required)
    if missing:
        shown = ",".join(header[:6]) + (",..." if len(header) > 6 else "") if header else "no CSV header"
        raise NotAMapMyRunExport(
            f"{path}: {shown} is no MapMyRun workout history (no {', '.join(missing)}); expected a CSV whose "
            f"header has {EXPECTED_HEADER}"
        )
    if member is not None:
        return Export(path, "member", member)
    named = DOWNLOAD_NAME.match(path.name)
    if named is None:
        raise NotAMapMyRunExport(
            f"{path}: the name gives no MapMyRun account; expected user<account id>_workout_history.csv as "
            "MapMyRun names the download, or say whose it is with --member ID"
        )
    return Export(path, "account", named.group(1))


def plan(files: Sequence[Path], member: str | None = None) -> list[Export]:
    """Every file with its owner; refuses them all (NotAMapMyRunExport, UsageError) if one is not a MapMyRun export,
    names nobody, or the member id cannot name a file."""
    if not files:
        raise UsageError("no file given: pass the workout history CSV files MapMyRun let you download")
    if member is not None and not MEMBER_ID.match(member):
        raise UsageError(f"--member {member!r} is no member id: letters, digits, '.', '_' or '-', e.g. M000042")
    return [checked(path, member) for path in files]


def account_salt(settings: Settings) -> str:
    """The home's pseudonym salt, the one silver.linked_accounts names accounts with: checked against the tables'
    fingerprint, made on a home that has no table yet (fitlake.privacy), as every command that writes does."""
    guard_secrets(settings)
    return load_secrets(settings).pseudonym_salt


def import_mapmyrun(
    files: Sequence[Path], settings: Settings, member: str | None = None, say: Callable[[str], None] = print
) -> list[Landed]:
    """Land each file in bronze.workouts_raw's landing folder once (fitlake.landing_import), named by its owner.

    The salt is read only for files named by their account: an import with --member needs no secret."""
    exports = plan(files, member)
    salt = functools.cache(lambda: account_salt(settings))
    landed = []
    for export in exports:
        done = land_once(export.path, settings.landing, SOURCE.folder, export.stem(salt))
        whose = f"member {export.owner_id}" if export.owner == "member" else "its MapMyRun account"
        where = done.path.relative_to(settings.landing)
        if done.new:
            say(f"landed {export.path.name} ({whose}): landing/{where}")
        else:  # the same bytes, landed before under whatever owner they were given then
            say(f"already landed {export.path.name}: landing/{where}")
        landed.append(done)
    return landed
