"""The import graph of the first-party packages, read from the source with `ast`: no circles, and the layering.

An edge is an import statement of one first-party module naming another. Imports inside functions count:
they only run later, but a circle through one is a circle all the same (neither module can be understood,
tested or moved without the other), and a deferred import is where circles hide. Imports under
`if TYPE_CHECKING:` do not count: they never run. `from package import name` is an edge to `package.name`
when that is a module, else to the package. The parent packages an import runs first (`fitlake/__init__.py`
for `fitlake.io`) are not edges: a package's `__init__` that imports its own submodules would otherwise be
in a circle with each of them.

The rules:
- no circle: not among fitlake's modules, nor through a layer package and back;
- fitlake.ml never imports gold, directly or through another module: gold tables apply the models, so what
  both need lives in fitlake.ml (or is found by name at run time, through fitlake.registry);
- bronze, silver, gold and ops reach none of fitlake's session, engine, task or command modules, directly or
  through another module: transformations and declarations hold no I/O.

Modules found by name at run time (`importlib`, as the registry finds the table modules) are not edges: that
is how fitlake uses the layers without importing them.
"""

from __future__ import annotations

import ast
import graphlib
import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("fitlake", "bronze", "silver", "gold", "ops", "data_gen", "workflows")
LAYERS = ("bronze", "silver", "gold", "ops")
NO_IO_FOR_LAYERS = ("fitlake.tasks", "fitlake.cli", "fitlake.session", "fitlake.engine")

Graph = dict[str, set[str]]


def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the packages under `root`."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_statements(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under `node`, in functions and classes too, but not under `if TYPE_CHECKING:`."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    elif isinstance(node, ast.If) and _is_type_checking(node.test):
        for statement in node.orelse:
            yield from _import_statements(statement)
    else:
        for child in ast.iter_child_nodes(node):
            yield from _import_statements(child)


def _imported(statement: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The first-party modules an import statement of `module` names."""
    if isinstance(statement, ast.Import):
        return {alias.name for alias in statement.names} & known
    base = statement.module or ""
    if statement.level:  # relative: from the module's package, one level up per extra dot
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - statement.level + 1]
        base = ".".join([*package, *([statement.module] if statement.module else [])])
    names = {f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in statement.names}
    return names & known


def import_graph(root: Path, packages: Iterable[str]) -> Graph:
    """Module -> the first-party modules it imports (see the module docstring for what counts)."""
    files = module_files(root, packages)
    known = set(files)
    graph: Graph = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        imported = set().union(*(_imported(s, module, is_package, known) for s in _import_statements(tree)))
        graph[module] = imported - {module}
    return graph


def import_circle(graph: Graph) -> list[str] | None:
    """A circle of imports, `[a, b, ..., a]` (a imports b ...), or None when there is none."""
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as e:
        # The sorter lists each module before the one that imports it: reversed, it reads as imports.
        return list(reversed(e.args[1]))
    return None


def in_package(module: str, packages: Iterable[str]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def import_path(graph: Graph, start: str, targets: Iterable[str]) -> list[str] | None:
    """The shortest chain of imports from `start` to a module of `targets`, or None when it reaches none."""
    targets = tuple(targets)
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        if module != start and in_package(module, targets):
            path = [module]
            while (previous := came_from[path[-1]]) is not None:
                path.append(previous)
            return path[::-1]
        for imported in sorted(graph.get(module, ())):
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    return None


def forbidden_paths(graph: Graph, importers: Iterable[str], forbidden: Iterable[str]) -> list[str]:
    """Each module of the `importers` packages that reaches a module of `forbidden`, with its chain of imports."""
    forbidden = tuple(forbidden)
    return [
        " -> ".join(path)
        for module in sorted(graph)
        if in_package(module, importers)
        if (path := import_path(graph, module, forbidden))
    ]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return import_graph(ROOT, PACKAGES)


def test_the_graph_sees_the_imports_the_code_makes(graph):
    # A parser that found nothing would pass every rule below.
    assert "fitlake.io" in graph["fitlake.runlog"]
    assert "fitlake.ml.train" in graph["fitlake.tasks"]  # inside a function
    assert "fitlake.registry" not in graph["fitlake.quality"]  # only under TYPE_CHECKING


def test_no_import_circle(graph):
    circle = import_circle(graph)
    assert circle is None, f"import circle: {' -> '.join(circle)}"


def test_fitlake_ml_never_imports_gold(graph):
    found = forbidden_paths(graph, ["fitlake.ml"], ["gold"])
    assert not found, "; ".join(found)


def test_layers_reach_no_session_engine_task_or_command_module(graph):
    found = forbidden_paths(graph, LAYERS, NO_IO_FOR_LAYERS)
    assert not found, "; ".join(found)


# The checks themselves, on a made-up package: they must be able to fail.


def _write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def test_a_circle_through_a_function_level_import_is_reported_and_type_checking_imports_are_not(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg import a\n",
            "pkg/a.py": "from pkg.b import thing\n",
            "pkg/b.py": "def thing():\n    from . import c\n",
            "pkg/c.py": "import os\nimport pkg.a\n",
            "pkg/d.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\nelse:\n    import pkg.c\n"
            ),
        },
    )
    graph = import_graph(tmp_path, ["pkg"])
    assert graph == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.b"},
        "pkg.b": {"pkg.c"},
        "pkg.c": {"pkg.a"},
        "pkg.d": {"pkg.c"},
    }
    circle = import_circle(graph)
    assert circle is not None and circle[0] == circle[-1]
    assert set(circle) == {"pkg.a", "pkg.b", "pkg.c"}
    # In import order: each module imports the next.
    assert all(later in graph[earlier] for earlier, later in itertools.pairwise(circle))


def test_a_graph_without_a_circle_passes_and_a_forbidden_path_is_reported_through_another_module():
    graph = {
        "gold.x": {"fitlake.io", "fitlake.contracts"},
        "fitlake.io": {"fitlake.session"},
        "fitlake.ml.y": {"fitlake.contracts"},
        "fitlake.contracts": set(),
        "fitlake.session": set(),
    }
    assert import_circle(graph) is None
    assert forbidden_paths(graph, LAYERS, NO_IO_FOR_LAYERS) == ["gold.x -> fitlake.io -> fitlake.session"]
    assert forbidden_paths(graph, ["fitlake.ml"], ["gold"]) == []
    graph["fitlake.contracts"] = {"gold.x"}
    assert forbidden_paths(graph, ["fitlake.ml"], ["gold"]) == ["fitlake.ml.y -> fitlake.contracts -> gold.x"]
    circle = import_circle(graph)
    assert circle is not None and circle[0] == circle[-1] and set(circle) == {"gold.x", "fitlake.contracts"}
