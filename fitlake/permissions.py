"""Owner-only folders (0700) and files (0600) for what holds personal data in the clear on local disk.

That is: the tables whose contract has PII columns outside Bronze (silver.member_pii; Bronze encrypts them), the
CRM export, the staging scratch space (a Silver build stages members' names there), and `_secrets/`. The engine
writes files with the process's umask (0644 in 0755 folders, readable by every local user); a folder made 0700
before anything is written into it keeps every file inside from other users at once, and the files are made
0600 after each write so a copy taken out of the folder does not carry them to others.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from fitlake.contracts import TableContract

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def holds_personal_data(contract: TableContract) -> bool:
    """PII columns in the clear: declared `pii` (fitlake.contracts.Column), in any layer but Bronze, which
    stores them encrypted."""
    return contract.schema != "bronze" and bool(contract.pii_columns)


def private_folder(path: Path) -> Path:
    """`path` made if missing, and owner-only either way."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    path.chmod(PRIVATE_FOLDER)
    return path


def make_private(root: Path) -> None:
    """`root` and everything under it owner-only. A file that vanishes meanwhile (a replaced commit's temporary
    file) is skipped."""
    if not root.exists():
        return
    root.chmod(PRIVATE_FOLDER)
    for folder, subfolders, files in os.walk(root):
        for name in subfolders:
            _chmod(Path(folder) / name, PRIVATE_FOLDER)
        for name in files:
            _chmod(Path(folder) / name, PRIVATE_FILE)


def _chmod(path: Path, mode: int) -> None:
    with suppress(FileNotFoundError):
        path.chmod(mode)


def create_private_file(path: Path) -> int:
    """A new or truncated file open for writing, owner-only from the start: its descriptor."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)  # an existing file keeps its mode through O_CREAT
    return fd
