"""The package's layout: one stage per folder, imports only downwards, no import cycle.

The import graph is computed from the source with ``ast`` and counts every import: top level,
inside functions and under ``TYPE_CHECKING``. docs/architecture.md explains the stages.
"""

from __future__ import annotations

import ast
import functools
import warnings
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mtcollect_nb"

#: Stage of each top-level name; a module may import only modules of its own stage or lower.
STAGES: dict[str, int] = {
    "errors": 0, "columns": 0, "outputs": 0, "params": 0, "season": 0, "files": 0, "startup": 0,
    "version": 0,
    "load": 1,
    "synthetic": 2,
    "compute": 3, "testing": 3,
    "checks": 4,
    "privacy": 5,
    "window": 6,
    "report": 7,
    "explore": 8, "state": 8,
    "cli": 9, "preflight": 9, "__init__": 9,
}
#: Stages of equal rank that must not import each other.
SIBLINGS = {("explore", "state"), ("state", "explore")}
#: A module longer than this is worth a look (a warning): does it hold more than one concern?
WARN_LINES = 320
#: A module longer than this fails: split it by concern.
MAX_LINES = 500


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p): p for p in sorted(package.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The package modules ``path`` imports (a ``from pkg import sub`` counts as ``pkg.sub``)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "mtcollect_nb"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "mtcollect_nb":
                continue
            subs = {f"{node.module}.{a.name}" for a in node.names}
            found = subs & known
            out |= found or {node.module}
            if found != subs:
                out.add(node.module)
    return {m for m in out if m in known}


@functools.cache
def graph() -> dict[str, set[str]]:
    """The package's import graph (parsed once per session: every module's test reads it)."""
    mods = modules()
    known = set(mods)
    return {m: imports_of(p, known) - {m} for m, p in mods.items()}


def stage_of(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def upward_imports(module: str, imports: set[str]) -> list[str]:
    """What ``module`` imports from a higher stage or a sibling stage (sorted)."""
    here = stage_of(module)
    return [m for m in sorted(imports)
            if STAGES[stage_of(m)] > STAGES[here] or (here, stage_of(m)) in SIBLINGS]


def size_problem(module: str, lines: int) -> tuple[str, str] | None:
    """("warn"|"fail", message) for a module over :data:`WARN_LINES`/:data:`MAX_LINES`."""
    if lines > MAX_LINES:
        return "fail", f"{module}: {lines} lines, over {MAX_LINES}: split it by concern"
    if lines > WARN_LINES:
        return "warn", f"{module}: {lines} lines, over {WARN_LINES}: one concern still?"
    return None


def undocumented_subpackages(package: Path) -> list[Path]:
    """Subpackages whose ``__init__`` docstring does not say what they may import."""
    out = []
    for init in sorted(package.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        if "May import" not in doc and init.parent.name != "synthetic":
            out.append(init)
    return out


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``g`` as a list of modules, or None (iterative DFS)."""
    state: dict[str, int] = {}
    for root in sorted(g):
        if state.get(root):
            continue
        stack = [(root, iter(sorted(g[root])))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(g[nxt]))))
    return None


def test_find_cycle_finds_a_cycle_and_none_where_there_is_none() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_imports_of_counts_function_and_type_checking_imports(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                   "    from mtcollect_nb.report import pipeline\n"
                   "def f():\n    from mtcollect_nb.load.loader import load_bundle\n")
    known = {"mtcollect_nb.report", "mtcollect_nb.report.pipeline", "mtcollect_nb.load.loader"}
    assert imports_of(src, known) == {"mtcollect_nb.report.pipeline", "mtcollect_nb.load.loader"}


@pytest.mark.slow
def test_no_import_cycle() -> None:
    assert find_cycle(graph()) is None


def unknown_stages(names: list[str]) -> set[str]:
    """Stages of ``names`` (module names) that :data:`STAGES` does not rank."""
    return {stage_of(m) for m in names} - set(STAGES)


def test_every_stage_is_known() -> None:
    assert unknown_stages(list(modules())) == set()


def test_the_stage_order_is_the_documented_one() -> None:
    order = ["load", "synthetic", "compute", "checks", "privacy", "window", "report", "state"]
    assert [STAGES[s] for s in order] == sorted(STAGES[s] for s in order)
    assert STAGES["explore"] == STAGES["state"] < STAGES["cli"]


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_only_go_down(module: str) -> None:
    bad = upward_imports(module, graph()[module])
    assert not bad, f"{module} ({stage_of(module)}) imports a higher stage: {bad}"


def test_an_upward_or_sibling_import_is_caught() -> None:
    """The check above fails on what it is there to catch."""
    assert upward_imports("mtcollect_nb.window.keys", {"mtcollect_nb.report.workbook",
                                                       "mtcollect_nb.privacy.masking"}) == [
        "mtcollect_nb.report.workbook"]
    assert upward_imports("mtcollect_nb.privacy.masking", {"mtcollect_nb.window.keys"})
    assert upward_imports("mtcollect_nb.state.batch", {"mtcollect_nb.explore.views"})
    assert not upward_imports("mtcollect_nb.report.pipeline", {"mtcollect_nb.window.keys"})


def test_an_unknown_stage_is_caught() -> None:
    assert unknown_stages(["mtcollect_nb.newstage.x", "mtcollect_nb.report.figures",
                           "mtcollect_nb.newmodule", "mtcollect_nb"]) == {"newstage", "newmodule"}


def test_every_subpackage_says_what_it_holds_and_may_import() -> None:
    assert undocumented_subpackages(PACKAGE) == []


def test_a_subpackage_without_may_import_is_caught(tmp_path: Path) -> None:
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "__init__.py").write_text('"""Stage 9: new things."""\n')
    assert undocumented_subpackages(tmp_path) == [tmp_path / "new" / "__init__.py"]


@pytest.mark.parametrize("module", sorted(modules()))
def test_module_size(module: str) -> None:
    """Over WARN_LINES: a warning (is it still one concern?); over MAX_LINES: a failure."""
    problem = size_problem(module, len(modules()[module].read_text().splitlines()))
    if problem is not None:
        kind, message = problem
        assert kind == "warn", message
        warnings.warn(message, stacklevel=1)


def test_the_size_check_warns_then_fails() -> None:
    assert size_problem("m", WARN_LINES) is None
    assert size_problem("m", WARN_LINES + 1)[0] == "warn"
    assert size_problem("m", MAX_LINES)[0] == "warn"
    assert size_problem("m", MAX_LINES + 1)[0] == "fail"
