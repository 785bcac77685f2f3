"""Process start-up fixes applied once, when the package is imported.

``jsonschema`` (imported by ``nbformat``, which ``plotly.io`` and papermill import) loads the
optional ``rfc3987_syntax`` package eagerly, and that package builds a Lark grammar at import:
about one second in every process and every notebook kernel, before any work
(python-jsonschema/jsonschema#1428). :func:`defer_rfc3987_syntax` puts a small stand-in module
in its place; the real package is imported the first time anything is used from it, so IRI
validation still gives exactly the same answers.

The stand-in is installed when this module is imported (``mtcollect_nb/__init__`` imports it
first; the test suite loads it before pytest's plugins: ``-p mtcollect_nb.startup``). It has the
real module's ``__file__``, so a tool that scans ``sys.modules`` (Hypothesis's pytest plugin
does) does not trigger the import.

Example:
    >>> stand_in = _Deferred("json")  # stands in for a module; the first use imports it
    >>> stand_in.dumps({"a": 1})
    '{"a": 1}'
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

DEFERRED = "rfc3987_syntax"


class _Deferred(types.ModuleType):
    """Stand-in for a module: the first use imports the real module and hands over to it."""

    def _real(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return importlib.import_module(self.__name__)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._real(), attr)


def _is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
    """``rfc3987_syntax.is_valid_syntax``, imported on first call."""
    module = sys.modules.get(DEFERRED)
    real = module._real() if isinstance(module, _Deferred) else importlib.import_module(DEFERRED)
    return real.is_valid_syntax(*args, **kwargs)


def defer_rfc3987_syntax() -> bool:
    """Install the stand-in unless the package is absent or already imported.

    Returns:
        True when the stand-in is (now) in place.
    """
    current = sys.modules.get(DEFERRED)
    if current is not None:
        return isinstance(current, _Deferred)
    spec = importlib.util.find_spec(DEFERRED)
    if spec is None:
        return False
    stand_in = _Deferred(DEFERRED)
    stand_in.__spec__ = spec
    stand_in.__file__ = spec.origin  # tools that scan sys.modules (Hypothesis) read it
    stand_in.__path__ = list(spec.submodule_search_locations or [])
    stand_in.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]
    sys.modules[DEFERRED] = stand_in
    return True


defer_rfc3987_syntax()
