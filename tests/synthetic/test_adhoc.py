"""Real-export headers of the synthetic district (the runs are compared in test_layouts.py)."""

from __future__ import annotations

import pytest

from mtcollect_nb.load import aliases, header_names
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.synthetic.adhoc import STYLES, export_header


@pytest.mark.parametrize("style", STYLES)
def test_export_headers_resolve_to_their_column(style):
    for table in aliases.ALIASES:
        if table not in TABLES:
            continue
        for col in TABLES[table].columns:
            if col.name in aliases.ALIASES[table]:
                header = export_header(table, col.name, style)
                assert header_names.resolve(table, header) == col.name


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown header style"):
        export_header("students", "personID", "fancy")
