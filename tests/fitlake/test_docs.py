"""`fitlake docs`: the data dictionary and the ERD come from the contracts, and the committed copies are current.

The renderer is shown on two hand-built contracts with foreign keys, so the staleness test cannot pass by
comparing two empty or broken renderings; the registry's output is then checked for completeness and for
Mermaid and link structure a reader's renderer needs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pyspark.sql.types import ArrayType, StringType
from typer.testing import CliRunner

from fitlake import docs, registry
from fitlake.cli import app
from fitlake.contracts import (
    DATE,
    FIRST_DELIVERY,
    ROW_LINEAGE,
    STRING,
    Column,
    TableContract,
    decimal,
    parsed,
    references,
    rule,
)
from fitlake.docs.dictionary import data_dictionary
from fitlake.docs.erd import entity, erd
from fitlake.docs.markdown import anchor
from fitlake.errors import UsageError
from fitlake.quality import quarantine_contract
from silver._parsing import KNOWN_TIMEZONES, known_timezone

REPO_DOCS = Path(__file__).resolve().parents[2] / "docs"
REGENERATE = "run `.venv/bin/fitlake docs` and commit docs/"

MEMBERS = TableContract(
    name="silver.members",
    comment="One row per member",
    columns=(
        Column("member_key", STRING, "Pseudonym", nullable=False),
        Column("email", STRING, "E-mail address, <name>@<domain>", pii=True),
        Column("monthly_fee", decimal(8, 2), "Fee a month"),
        Column("tags", ArrayType(StringType()), "Labels | flags"),
    ),
    keys=("member_key",),
    expectations=(rule("fee_positive", "monthly_fee IS NULL OR monthly_fee > 0", level="warn"),),
)
VISITS = TableContract(
    name="silver.visits",
    comment="Visits to a site",
    columns=(
        Column("visit_id", STRING, "Visit number", nullable=False),
        Column("member_key", STRING, "Visitor", nullable=False),
        Column("referrer_key", STRING, "Member who brought the visitor, if any"),
        Column("visit_date", DATE, "Day of the visit", nullable=False),
        *ROW_LINEAGE,
    ),
    keys=("visit_id", "member_key"),
    partition_by=("visit_date",),
    expectations=(rule("named", "visit_id || '' <> ''"),),
    foreign_keys=(
        references("member_key", "silver.members"),
        references("referrer_key", "silver.members", "member_key", level="warn"),
    ),
    parse_rules=(parsed("visit_date"), known_timezone("site_timezone")),
    keep=FIRST_DELIVERY,
)
HAND_BUILT = [docs.Pipeline("daily", "Daily", (VISITS, quarantine_contract(VISITS), MEMBERS))]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return docs.render()


def test_the_committed_docs_are_what_the_contracts_give(rendered):
    stale = [name for name, text in rendered.items() if _read(REPO_DOCS / name) != text]
    assert not stale, f"docs/{' and docs/'.join(stale)} no longer match the table contracts: {REGENERATE}"


def test_regenerating_gives_the_same_bytes(rendered):
    assert docs.render() == rendered


def test_the_dictionary_shows_keys_personal_data_foreign_keys_rules_and_quarantines():
    lines = data_dictionary(HAND_BUILT).splitlines()
    expected = [
        "#### silver.members",
        "`<catalog>.silver.members`: One row per member",
        "- Keys: `member_key`, unique, checked as `unique(member_key)`",
        "- Rejected rows go to [silver.visits_quarantine](#silvervisits_quarantine)",
        "- Quarantine of [silver.visits](#silvervisits)",
        "- Partitioned by: `visit_date`",
        "- Keys: `visit_id`, `member_key`, unique, checked as `unique(visit_id,member_key)`",
        "- Foreign key: `member_key` → [silver.members](#silvermembers) (`member_key`), error, "
        "checked as `foreign_key(member_key -> silver.members(member_key))`",
        "- Foreign key: `referrer_key` → [silver.members](#silvermembers) (`member_key`), warn, "
        "checked as `foreign_key(referrer_key -> silver.members(member_key))`",
        "| `email` | `string` | yes | yes | E-mail address, \\<name>@\\<domain> |",
        "| `member_key` | `string` | no | no | Visitor |",
        "| `tags` | `array<string>` | yes | no | Labels \\| flags |",
        "| `fee_positive` | warn | `monthly_fee IS NULL OR monthly_fee > 0` |",
        # a table with a quarantine: every rule a row is quarantined for, in its tier, and which copy is kept
        "Rows sharing the keys: the first delivery wins; later copies are re-sent records (kept: the first by "
        "_ingested_at, _source_file, _line_number).",
        "| `well_formed_record` | 1 record | error | `_parse_error IS NULL` |",
        "| `parseable(visit_date)` | 2 parsing | error | `` `visit_date_text` IS NULL OR `visit_date` IS NOT NULL `` |",
        f"| `known_timezone` | 2 parsing | error | `site_timezone` is NULL or one of the {len(KNOWN_TIMEZONES)} IANA "
        "region zones (Area/City) |",
        "| `not_null(visit_date)` | 3 contract | error | `` `visit_date` IS NOT NULL `` |",
        "| `named` | 3 contract | error | `visit_id \\|\\| '' <> ''` |",
    ]
    assert [line for line in expected if line not in lines] == []
    headings = [line for line in lines if line.startswith("#### ")]
    # each quarantine right after its table, whatever the order given
    assert headings == ["#### silver.members", "#### silver.visits", "#### silver.visits_quarantine"]
    # A table without a quarantine says NOT NULL once, in the introduction, not as a row of its own
    members = lines[lines.index("#### silver.members") : lines.index("#### silver.visits")]
    assert not [line for line in members if line.startswith("| `not_null(")]


def test_the_dictionary_lists_every_rule_a_row_of_each_table_can_be_quarantined_for(rendered):
    sections = re.split(r"^#### ", rendered[docs.DICTIONARY_FILE], flags=re.MULTILINE)
    by_table = {section.split("\n", 1)[0]: section for section in sections[1:]}
    checked = 0
    for name, contract in registry.contracts().items():
        if quarantine_contract(contract).name not in registry.contracts():
            continue
        judge = registry.contracts()[contract.judged_by] if contract.judged_by else contract
        listed = set(re.findall(r"^\| `([^`]+)` \| \d \w+ \| (?:error|warn) \|", by_table[name], re.MULTILINE))
        assert listed == {e.rule for tier in judge.rule_tiers() for e in tier}, name
        checked += 1
    assert checked >= 16


def test_no_line_of_the_dictionary_is_over_500_characters(rendered):
    long = [line[:80] for line in rendered[docs.DICTIONARY_FILE].splitlines() if len(line) > 500]
    assert long == []


def test_the_erd_marks_keys_draws_foreign_keys_and_spells_types_mermaid_can_read():
    lines = erd(HAND_BUILT).splitlines()
    expected = [
        "    silver_members {",
        "        string member_key PK",
        '        decimal_8_2 monthly_fee "decimal(8,2)"',
        '        array_string tags "array<string>"',
        "    silver_visits {",
        "        string visit_id PK",
        "        string member_key PK, FK",
        "        string referrer_key FK",
        '    silver_visits }o--|| silver_members : "member_key"',
        # a foreign key that may be NULL: a visit need not have a referrer
        '    silver_visits }o--o| silver_members : "referrer_key"',
    ]
    assert [line for line in expected if line not in lines] == []
    assert not [line for line in lines if line.startswith(" ") and ("_source_file" in line or "quarantine" in line)]
    _check_mermaid(erd(HAND_BUILT), [MEMBERS, VISITS])


def test_every_table_of_the_registry_has_one_entry_in_the_dictionary(rendered):
    headings = re.findall(r"^#### (\S+)$", rendered[docs.DICTIONARY_FILE], re.MULTILINE)
    assert sorted(headings) == sorted(registry.contracts())


def test_the_erd_is_well_formed_mermaid_and_draws_every_foreign_key(rendered):
    _check_mermaid(rendered[docs.ERD_FILE], list(registry.contracts().values()))


def test_every_link_points_at_a_heading_of_the_dictionary(rendered):
    dictionary = rendered[docs.DICTIONARY_FILE]
    anchors = {anchor(h) for h in re.findall(r"^#+ (.+)$", dictionary, re.MULTILINE)}
    links = re.findall(r"\]\(#([^)]+)\)", dictionary)
    links += re.findall(r"\]\(data_dictionary\.md#([^)]+)\)", rendered[docs.ERD_FILE])
    assert links and set(links) <= anchors


def test_check_fails_on_a_stale_copy_without_starting_an_engine_and_passes_once_written(tmp_path):
    (tmp_path / docs.ERD_FILE).write_text("an old diagram\n")
    # -X importtime lists every module the command imports: an engine cannot start without them
    stale = _fitlake("-X", "importtime", "-m", "fitlake", "docs", "--check", "--out", str(tmp_path))
    assert stale.returncode == 1, stale.stdout
    message = [line for line in stale.stderr.splitlines() if line.startswith("fitlake:")]
    assert len(message) == 1 and "fitlake docs" in message[0], stale.stderr
    assert str(tmp_path / docs.ERD_FILE) in message[0] and str(tmp_path / docs.DICTIONARY_FILE) in message[0]
    assert (tmp_path / docs.ERD_FILE).read_text() == "an old diagram\n", "--check must change nothing"
    imported = {line.split("|")[-1].strip() for line in stale.stderr.splitlines() if line.startswith("import time:")}
    assert "fitlake.registry" in imported
    assert not imported & {"pysail", "fitlake.engine", "fitlake.session", "great_expectations"}

    written = _fitlake("-m", "fitlake", "docs", "--out", str(tmp_path))
    assert written.returncode == 0, written.stderr
    assert f"wrote {tmp_path / docs.ERD_FILE}" in written.stdout
    again = _fitlake("-m", "fitlake", "docs", "--out", str(tmp_path))
    assert f"unchanged {tmp_path / docs.ERD_FILE}" in again.stdout
    assert _fitlake("-m", "fitlake", "docs", "--check", "--out", str(tmp_path)).returncode == 0


def test_without_a_docs_folder_beside_the_package_it_asks_for_out(monkeypatch):
    monkeypatch.setattr(docs, "repo_docs_folder", lambda: None)
    result = CliRunner().invoke(app, ["docs", "--check"])
    assert isinstance(result.exception, UsageError) and "--out" in str(result.exception)


def _fitlake(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120)


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


NAME = r"[A-Za-z][A-Za-z0-9_]*"
ATTRIBUTE = re.compile(rf'^ {{8}}{NAME} (?P<name>[A-Za-z_][A-Za-z0-9_]*)( (PK|FK|UK)(, (PK|FK|UK))*)?( "[^"%]*")?$')
RELATIONSHIP = re.compile(rf'^ {{4}}(?P<many>{NAME}) \}}o--(\|\||o\|) (?P<one>{NAME}) : "[^"]+"$')


def _check_mermaid(markdown: str, contracts: list[TableContract]) -> None:
    """Each block: erDiagram, entity blocks of `type name [keys] ["comment"]` lines in Mermaid's grammar, then
    relationships between declared entities; all blocks together draw every foreign key of `contracts` once."""
    blocks = re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.MULTILINE | re.DOTALL)
    assert blocks and markdown.count("```") == 2 * len(blocks)
    drawn = []
    for block in blocks:
        lines = block.splitlines()
        assert lines[0] == "erDiagram"
        entities, inside = set(), False
        for line in lines[1:]:
            if opened := re.fullmatch(rf" {{4}}({NAME}) \{{", line):
                assert not inside and opened[1] not in entities, line
                entities.add(opened[1])
                inside = True
            elif line == "    }":
                assert inside
                inside = False
            elif inside:
                attribute = ATTRIBUTE.fullmatch(line)
                # Mermaid's lexer reads PK, FK and UK (any case) as key markers wherever they stand
                assert attribute and attribute["name"].upper() not in {"PK", "FK", "UK"}, line
            else:
                relationship = RELATIONSHIP.fullmatch(line)
                assert relationship, line
                assert {relationship["many"], relationship["one"]} <= entities, f"undeclared entity: {line}"
                drawn.append(line.strip())
        assert not inside
    declared = [(c, fk) for c in contracts for fk in c.foreign_keys]
    assert len(drawn) == len(set(drawn)) == len(declared)
    for c, fk in declared:
        assert any(d.startswith(entity(c.name)) and entity(fk.table) in d for d in drawn), fk
