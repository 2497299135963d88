import ast
import textwrap

import pytest

from tests.reliability.cases import DOCUMENT, collect, render


def test_the_reliability_document_is_what_the_tests_markers_give():
    cases = collect()
    assert cases, "no test carries a reliability marker"
    assert DOCUMENT.read_text() == render(cases), (
        "docs/reliability.md is stale: run `python -m tests.reliability.cases`"
    )


def test_a_marker_must_state_input_expected_and_observed_as_literal_strings(tmp_path):
    marked = tmp_path / "test_marked.py"
    marked.write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.reliability(input="a", expected="b")
            def test_one():
                pass
            """
        )
    )
    with pytest.raises(ValueError, match="exactly the keywords"):
        collect(tmp_path)
    marked.write_text(marked.read_text().replace('expected="b"', 'expected="b", observed=str(1)'))
    with pytest.raises(ValueError, match="literal string"):
        collect(tmp_path)
    marked.write_text(marked.read_text().replace("str(1)", '"c |d"'))
    (case,) = collect(tmp_path)
    assert (case.input, case.expected, case.observed) == ("a", "b", "c |d")
    assert case.test.endswith("test_marked.py::test_one")
    assert "c \\|d" in render([case])
    ast.parse(marked.read_text())
