"""The layers the folders show, checked: imports point one way and nothing imports in a cycle.

Data flows discovery -> formats -> knowledge -> indexes -> policies -> engine -> pytest_layer,
which hands one result model to the report formats (reports/).
Only imports that run when a module is imported count: imports inside functions (the lazy
loading of formats by the kinds registry) and under ``if TYPE_CHECKING:`` do not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "pytest_devops_policy"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# What each layer may import at run time, by top-level part of the module name.
BASE = {"api", "model", "options", "kinds", "discovery", "masking", "waivers", "hosts"}
ALLOWED: dict[str, set[str]] = {
    "formats": {"api", "model", "formats"},
    "knowledge": {*BASE, "context", "formats", "knowledge"},
    "indexes": {*BASE, "safefile", "context", "formats", "knowledge", "indexes"},
    "policies": {*BASE, "context", "formats", "knowledge", "indexes", "policies"},
    "engine": {*BASE, "context", "formats", "knowledge", "indexes", "engine"},
    # A live host as policies see it, and the one adapter to testinfra (catalog §8).
    "hosts": {"api", "options", "hosts"},
    # The report formats read the result model only; pytest_layer/reports.py feeds them.
    # controls: the framework table; waivers: which policies a waiver's specs name.
    "reports": {"api", "masking", "fingerprint", "reports", "controls", "waivers"},
}
# Modules that read or write the file system, run programs or talk to the network.
IO_MODULES = {"os", "pathlib", "shutil", "subprocess", "socket", "glob", "tempfile", "http"}
IO_SUBMODULES = {"urllib.request"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            yield from _top_level(node.body)
            yield from _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _top_level(node.body)
            for handler in node.handlers:
                yield from _top_level(handler.body)


def _imports(name: str) -> set[str]:
    """The modules of this package (and the outside modules) ``name`` imports when loaded."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _top_level(tree.body):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
            continue
        base = node.module or ""
        modules = {f"{base}.{a.name}" for a in node.names} & MODULES.keys()
        found |= modules  # "from pkg import module" imports pkg.module
        if len(modules) < len(node.names) or base != PACKAGE:
            found.add(base)
    return found


def _internal(name: str) -> set[str]:
    return {m for m in _imports(name) if m in MODULES and m != name}


def _layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_there_are_no_import_cycles() -> None:
    graph = {m: _internal(m) for m in MODULES}
    # Importing a package runs its __init__: an edge to a.b.c is an edge to a.b too.
    for deps in graph.values():
        for dep in list(deps):
            parent = dep.rsplit(".", 1)[0]
            while parent in MODULES and parent != PACKAGE:
                deps.add(parent)
                parent = parent.rsplit(".", 1)[0]
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if dep == node or dep.startswith(node + "."):
                continue  # a package importing its own submodule is not a cycle
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep) :], dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layers_import_only_what_is_below_them(layer: str) -> None:
    wrong = []
    for name in MODULES:
        if _layer(name) != layer:
            continue
        for dep in _internal(name):
            if _layer(dep) not in ALLOWED[layer]:
                wrong.append(f"{name} imports {dep}")
    assert not wrong, "\n".join(wrong)


def test_policies_do_no_io() -> None:
    wrong = []
    for name, path in MODULES.items():
        if _layer(name) != "policies":
            continue
        outside = {m for m in _imports(name) if not m.startswith(PACKAGE)}
        io = {m for m in outside if m.split(".")[0] in IO_MODULES or m in IO_SUBMODULES}
        wrong += [f"{name} imports {m}" for m in sorted(io)]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            n.lineno
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "open"
        ]
        wrong += [f"{name}:{line} calls open()" for line in calls]
    assert not wrong, "\n".join(wrong)


def test_pytest_is_imported_only_by_the_pytest_layer() -> None:
    allowed = {"pytest_layer", "plugin", "builtin", "hookspecs", "settings"}
    wrong = [
        name
        for name in MODULES
        if "pytest" in _imports(name) and _layer(name) not in allowed and name != PACKAGE
    ]
    assert not wrong, wrong
