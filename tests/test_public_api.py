"""The public API: every exported name imports and is documented."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect

import pytest

import mtcollect_nb


def test_all_has_no_duplicates() -> None:
    assert len(set(mtcollect_nb.__all__)) == len(mtcollect_nb.__all__)


@pytest.mark.parametrize("name", mtcollect_nb.__all__)
def test_name_imports_and_has_a_docstring(name: str) -> None:
    obj = getattr(mtcollect_nb, name)
    if name == "__version__":
        assert isinstance(obj, str) and obj == importlib.metadata.version("mtcollect-nb")
        return
    if name == "RULES":
        assert isinstance(obj, dict)
        return
    doc = inspect.getdoc(obj)
    assert doc and doc.strip(), f"mtcollect_nb.{name} has no docstring"


@pytest.mark.parametrize("module", ["cli", "report.notebook"])
def test_command_line_modules_are_documented(module: str) -> None:
    mod = importlib.import_module(f"mtcollect_nb.{module}")
    assert inspect.getdoc(mod)
    for name, obj in vars(mod).items():
        if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == mod.__name__:
            assert inspect.getdoc(obj), f"mtcollect_nb.{module}.{name} has no docstring"
