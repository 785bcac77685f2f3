"""The season object: what differs between the spring and fall collections, in one place."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from mtcollect_nb.columns import (
    ABSENCES_COLUMNS,
    ANB_COLUMNS,
    BUDGET_UNIT_COLUMNS,
    CERTIFIED_COLLECTIONS,
    COLLECTIONS,
    RECONCILE_COLUMNS,
)
from mtcollect_nb.season import COLLECTION_KINDS, FALL, SEASONS, SPRING, season_of
from mtcollect_nb.testing import params

PACKAGE = Path(__file__).resolve().parents[1] / "mtcollect_nb"


def test_the_seasons_fields_and_labels_are_the_specs():
    assert SPRING.fields.names == ("mtSpringAggregateHours", "mtSpringAbsent",
                                   "mtExcludeSpringANB")
    assert FALL.fields.names == ("mtFallAggregateHours", "mtFallAbsent", "mtExcludeFallANB")
    assert (FALL.fields.hours_label, FALL.fields.absent_label, FALL.fields.exclude_label) == (
        "Fall Aggregate Hours", "Fall Absent", "Exclude Fall ANB – 10 Day Rule")
    assert (SPRING.anb, SPRING.teacher_class, FALL.anb, FALL.teacher_class) == (
        "Spring ANB", "Spring Teacher-Class", "Fall ANB", "Fall Teacher-Class")
    assert SPRING.early_graduates and not FALL.early_graduates
    assert SPRING.reads_fall_count and not FALL.reads_fall_count
    assert FALL.window_from_first_day and not SPRING.window_from_first_day


def test_count_date_of_each_season_and_of_params():
    p = params(fall_count_date="2024-10-14")
    assert SPRING.count_date(p) == dt.date(2025, 2, 3) == p.count_date
    assert FALL.count_date(p) == dt.date(2024, 10, 14)
    f = params(collection_season="fall")
    assert season_of(f) is f.season is FALL and f.count_date == dt.date(2024, 10, 7)


def test_collections_are_coherent_with_columns():
    named = {s.collection(k) for s in SEASONS.values() for k in COLLECTION_KINDS}
    assert named == set(COLLECTIONS) and len(COLLECTIONS) == len(set(COLLECTIONS))
    assert SPRING.certified == CERTIFIED_COLLECTIONS  # the spring run's, as reports read it
    assert FALL.certified == ("Fall ANB", "Fall Teacher-Class")


def test_a_spring_runs_columns_are_todays():
    assert SPRING.anb_columns == ANB_COLUMNS
    assert SPRING.budget_unit_columns == BUDGET_UNIT_COLUMNS
    assert SPRING.absences_columns == ABSENCES_COLUMNS
    assert SPRING.reconcile_columns == RECONCILE_COLUMNS


def test_a_fall_runs_columns():
    assert FALL.budget_unit_columns == ("budgetUnit", "fallCountReported", "fallCountValidated")
    assert "fallCount" not in FALL.anb_columns and "difference" in FALL.anb_columns
    assert FALL.absences_columns[-3:] == ("mtFallAbsent", "mtExcludeFallANB", "excludeComputed")
    assert FALL.reconcile_columns[3:5] == ("fallCountReported", "fallCountValidated")
    assert FALL.column("grade") == "grade"


def test_fill_names_the_seasons_words_and_refuses_an_unknown_one():
    assert FALL.fill("{Season} {anb}: {exclude_flag}") == "Fall Fall ANB: Exclude Fall ANB"
    with pytest.raises(KeyError):
        SPRING.fill("{nope}")


def _season_ifs(path: Path) -> list[int]:
    """Lines of ``path`` comparing something with a season name ("fall"/"spring")."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            values = [c for c in [node.left, *node.comparators] if isinstance(c, ast.Constant)]
            if any(v.value in SEASONS for v in values):
                lines.append(node.lineno)
    return lines


@pytest.mark.slow
def test_nothing_but_the_season_object_tests_the_season_by_name():
    found = {str(p.relative_to(PACKAGE)): _season_ifs(p) for p in PACKAGE.rglob("*.py")
             if p.name != "season.py"}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_scan_finds_a_season_if(tmp_path):
    # the twin of the scan above: a comparison with a season name is found
    p = tmp_path / "x.py"
    p.write_text('def f(p):\n    return 1 if p.collection_season == "fall" else 2\n')
    assert _season_ifs(p) == [2]
