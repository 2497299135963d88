"""docs/reliability.md, the cases tried against FitLake and what came of each, rendered from the tests that try them.

A test states its case with a marker whose arguments are literal strings:

    @pytest.mark.reliability(
        input="two `fitlake run` on one home at once",
        expected="the second refuses, exit 2; tables as one run leaves them",
        observed="exit 2, 'another fitlake command (pid N) is writing <home>'; every table equal to one run's",
    )
    def test_two_runs_at_once(...): ...

The test's assertions are what keeps `observed` true; tests/reliability/test_cases.py fails when the document is
not what the markers give. Regenerate it with `python -m tests.reliability.cases`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
DOCUMENT = TESTS.parent / "docs" / "reliability.md"
FIELDS = ("input", "expected", "observed")

HEADER = """# Reliability: cases tried and what happened

Every row is a test of the suite (`make test`), which fails if FitLake stops doing what the row says. Generated from
the tests' `reliability` markers by `python -m tests.reliability.cases`; a test fails when this file is stale.

| # | input | expected | observed | test |
|---|---|---|---|---|
"""


@dataclass(frozen=True)
class Case:
    input: str
    expected: str
    observed: str
    test: str


def _marker_arguments(decorator: ast.expr) -> dict[str, str] | None:
    if not (isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.reliability"):
        return None
    found = {k.arg: k.value for k in decorator.keywords}
    if set(found) != set(FIELDS) or decorator.args:
        raise ValueError(f"a reliability marker takes exactly the keywords {FIELDS}: {ast.unparse(decorator)}")
    values = {}
    for name, node in found.items():
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            raise ValueError(f"reliability {name}= must be a literal string: {ast.unparse(node)}")
        values[name] = " ".join(node.value.split())
    return values


def collect(tests: Path = TESTS) -> list[Case]:
    """Every marked test under `tests`, in file order then line order."""
    cases = []
    for path in sorted(tests.rglob("test_*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    values = _marker_arguments(decorator)
                    if values is not None:
                        where = f"{path.relative_to(tests.parent).as_posix()}::{node.name}"
                        cases.append((path.as_posix(), node.lineno, Case(**values, test=where)))
    return [c for _, _, c in sorted(cases, key=lambda t: (t[0], t[1]))]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(cases: list[Case]) -> str:
    rows = [
        f"| {n} | {_cell(c.input)} | {_cell(c.expected)} | {_cell(c.observed)} | `{c.test}` |"
        for n, c in enumerate(cases, start=1)
    ]
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(render(collect()))
    print(f"wrote {DOCUMENT}")
