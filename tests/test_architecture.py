"""The floors of docs/DESIGN.md hold: imports point down, never up, never in a circle.

The contracts are in pyproject.toml (``[tool.importlinter]``) and checked by import-linter;
cycles between the modules of one package are found on grimp's import graph (the engine
of import-linter) with networkx.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grimp
import networkx as nx
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "ontology", "graph", "loaders", "publish", "service", "api")


@contextmanager
def _in_root() -> Iterator[None]:
    """Run in the repository root, where pyproject.toml names the contracts."""
    before = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


def test_imports_keep_the_floors_and_settings_are_read_at_the_edge() -> None:
    with _in_root():
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, "an import-linter contract of pyproject.toml is broken (see the output)"


def circles(graph: grimp.ImportGraph, package: str) -> list[set[str]]:
    """Return the circles (strongly connected sets of more than one module) among the
    children of ``package``; a subpackage counts as one module with all it holds."""
    children = sorted(graph.find_children(package))
    owner = {}
    for child in children:
        owner[child] = child
        for descendant in graph.find_descendants(child):
            owner[descendant] = child
    siblings: nx.DiGraph = nx.DiGraph()
    siblings.add_nodes_from(children)
    for module, child in owner.items():
        for imported in graph.find_modules_directly_imported_by(module):
            target = owner.get(imported)
            if target is not None and target != child:
                siblings.add_edge(child, target)
    return [c for c in nx.strongly_connected_components(siblings) if len(c) > 1]


def _all_packages(graph: grimp.ImportGraph) -> list[str]:
    """Return every package of the project (those with children), top-level ones first."""
    found = []
    for module in sorted(graph.modules):
        if module.split(".")[0] in PACKAGES and graph.find_children(module):
            found.append(module)
    return found


@pytest.fixture(scope="module")
def import_graph() -> grimp.ImportGraph:
    with _in_root():
        return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_circle_between_the_modules_of_one_package(import_graph: grimp.ImportGraph) -> None:
    found = {}
    for package in _all_packages(import_graph):
        bad = [sorted(c) for c in circles(import_graph, package)]
        if bad:
            found[package] = bad
    assert not found, f"modules that import each other in a circle: {found}"


def test_the_circle_check_sees_a_circle(import_graph: grimp.ImportGraph) -> None:
    graph = import_graph.__class__()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert circles(graph, "pkg") == [{"pkg.a", "pkg.b"}]
