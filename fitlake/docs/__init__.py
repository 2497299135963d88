"""The data dictionary (fitlake.docs.dictionary) and the ERD (fitlake.docs.erd), rendered from the table
contracts: `fitlake docs` writes them to docs/.

Both are pure functions of the contracts, in a fixed order and without timestamps, so regenerating gives
the same bytes and a test can tell when a contract changed and the committed docs did not. No session is
needed: contracts load without an engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import fitlake
from fitlake.docs import dictionary, erd
from fitlake.docs.markdown import DICTIONARY_FILE, ERD_FILE
from fitlake.docs.pipelines import Pipeline, registry_pipelines


def render(pipelines: Sequence[Pipeline] | None = None) -> dict[str, str]:
    """File name -> content: the registry's tables unless `pipelines` are given."""
    pipelines = registry_pipelines() if pipelines is None else pipelines
    return {DICTIONARY_FILE: dictionary.data_dictionary(pipelines), ERD_FILE: erd.erd(pipelines)}


def repo_docs_folder() -> Path | None:
    """The repository's docs/ when fitlake runs from a checkout (an editable install); None from a wheel."""
    folder = Path(fitlake.__file__).resolve().parents[1] / "docs"
    return folder if folder.is_dir() else None


def stale_files(folder: Path, rendered: dict[str, str]) -> list[Path]:
    """The files in `folder` that are missing or differ from `rendered`."""
    return [folder / name for name, text in rendered.items() if _read(folder / name) != text]


def write_files(folder: Path, rendered: dict[str, str]) -> list[Path]:
    """Write the files that changed, and name them; an unchanged file is not touched."""
    changed = stale_files(folder, rendered)
    folder.mkdir(parents=True, exist_ok=True)
    for path in changed:
        path.write_text(rendered[path.name], encoding="utf-8", newline="\n")
    return changed


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
