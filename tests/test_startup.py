"""The deferred rfc3987_syntax import: no cost at start-up, same IRI answers when used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

pytest.importorskip("rfc3987_syntax")

IRIS = ["http://example.com/a b", "http://example.com/ä", "x y", "urn:isbn:0451450523", "", "a:b"]
PROBE = """
import json, sys
{setup}
import jsonschema
loaded_at_import = "rfc3987_syntax.syntax_helpers" in sys.modules
checker = jsonschema.FormatChecker()
answers = [[checker.conforms(v, f) for f in ("iri", "iri-reference")] for v in {iris!r}]
print(json.dumps({{"loaded_at_import": loaded_at_import, "answers": answers}}))
"""


def probe(setup: str) -> dict:
    code = PROBE.format(setup=setup, iris=IRIS)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_jsonschema_no_longer_loads_the_grammar_at_import_but_answers_the_same() -> None:
    plain = probe("")
    deferred = probe("import mtcollect_nb")
    assert plain["loaded_at_import"] is True  # what the fix avoids
    assert deferred["loaded_at_import"] is False
    assert deferred["answers"] == plain["answers"]
    assert [False, False] in plain["answers"] and [True, True] in plain["answers"]


def printed(code: str) -> list[str]:
    """What ``code`` prints in a fresh interpreter, split into words."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_the_real_module_replaces_the_stand_in_on_first_use() -> None:
    code = ("import sys, mtcollect_nb\n"
            "m = sys.modules['rfc3987_syntax']\n"
            "print(type(m).__name__, m.is_valid_syntax_iri('http://example.com/x'),"
            " type(sys.modules['rfc3987_syntax']).__name__)")
    assert printed(code) == ["_Deferred", "True", "module"]


def test_an_already_imported_module_is_left_alone() -> None:
    code = ("import sys, rfc3987_syntax\nfrom mtcollect_nb.startup import defer_rfc3987_syntax\n"
            "print(defer_rfc3987_syntax(), type(sys.modules['rfc3987_syntax']).__name__)")
    assert printed(code) == ["False", "module"]


def test_scanning_sys_modules_for_files_does_not_load_the_grammar() -> None:
    """Hypothesis's pytest plugin reads every module's __file__ at collection."""
    code = ("import sys, mtcollect_nb\n"
            "files = [getattr(m, '__file__', None) for m in list(sys.modules.values())]\n"
            "print('rfc3987_syntax.syntax_helpers' in sys.modules,"
            " sys.modules['rfc3987_syntax'].__file__.endswith('__init__.py'))")
    assert printed(code) == ["False", "True"]
