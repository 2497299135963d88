"""A user's own export put into the landing folder exactly once, its bytes as downloaded.

`fitlake import` (MapMyRun workout histories, Fitbit exports) lands each file in its source's day folder
under a name that ends in the first 16 hex digits of its SHA-256: the same bytes imported again, under any
name and on any day, are found by that name and not landed twice, and the normal pipeline ingests each file
once (fitlake.ingest's ledger). The file is written under a hidden name and renamed into place, so a run never
reads half of it (landing files are only read once they have settled: fitlake.landing_versions).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

HASH_CHARS = 16
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Landed:
    source: Path  # the user's file
    path: Path  # where it is in the landing folder
    sha256: str
    new: bool  # False: the same bytes were landed before, at `path`


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def landed_name(stem: str, sha256: str, suffix: str) -> str:
    """`<stem>-<first 16 hex digits of the hash><suffix>`: the name tells the content."""
    return f"{stem}-{sha256[:HASH_CHARS]}{suffix}"


def already_landed(landing: Path, folder: str, sha256: str) -> Path | None:
    """The landing file of `folder` holding these bytes, in any day folder, if one was landed."""
    for found in sorted((landing / folder).glob(f"*/*-{sha256[:HASH_CHARS]}.*")):
        if found.is_file() and sha256_of(found) == sha256:
            return found
    return None


def land_once(source: Path, landing: Path, folder: str, stem: str, today: date | None = None) -> Landed:
    """Copy `source` into `<landing>/<folder>/<today>/<stem>-<hash><suffix>` unless these bytes are there already.

    `today` is the UTC date by default: the day folder says when the file arrived, as for any landing file.
    """
    sha256 = sha256_of(source)
    found = already_landed(landing, folder, sha256)
    if found is not None:
        return Landed(source, found, sha256, new=False)
    day = (today or datetime.now(UTC).date()).isoformat()
    target = landing / folder / day / landed_name(stem, sha256, source.suffix.lower())
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")  # hidden: no source reads it (fitlake.landing.is_hidden)
    shutil.copyfile(source, partial)
    with partial.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)
    return Landed(source, target, sha256, new=True)
