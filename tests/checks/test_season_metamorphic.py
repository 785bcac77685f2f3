"""The metamorphic test of issue 22, at the engine level.

A district run as spring, and the same district run as fall with its spring fields renamed to
fall fields and the fall count date set to the spring count date, give the same findings and
counts except the early-graduate rules (ANB-17..19, not part of the fall collection; early
graduates are in the spring count only) and the CTE roster window (from the fall count date in
the spring, from the calendar's first instructional day in the fall). Findings of the fall run
name the fall collections, fields and labels: the spring run's, translated word by word.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.checks.engine import RuleResults, run_rules
from mtcollect_nb.columns import FINDINGS_COLUMNS
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.season import FALL, SPRING
from mtcollect_nb.synthetic import write_district
from mtcollect_nb.testing import params

EARLY_GRADUATE_RULES = ("ANB-17", "ANB-18", "ANB-19")
WINDOW_RULES = ("CTE-04",)  # the CTE roster window differs by season
FIELDS = dict(zip(SPRING.fields.names, FALL.fields.names, strict=True))
COUNTS = {SPRING.count_reported: FALL.count_reported,
          SPRING.count_validated: FALL.count_validated}


@lru_cache(maxsize=8)
def district(students: int, seed: int) -> Bundle:
    """A planted synthetic district, written and loaded as a district's extracts are."""
    with tempfile.TemporaryDirectory(prefix="season-") as tmp:
        folder = Path(tmp) / "extracts"
        write_district(folder, students=students, seed=seed, plant=True)
        return load_bundle(folder)  # read into memory: the folder can go


def as_fall(bundle: Bundle) -> Bundle:
    """The same district with its spring fields renamed to fall fields (fall ones dropped)."""
    e = bundle.tables["enrollments"]
    e = e.drop(columns=[c for c in FALL.fields.names if c in e.columns]).rename(columns=FIELDS)
    return dataclasses.replace(bundle, tables={**bundle.tables, "enrollments": e})


def runs(bundle: Bundle) -> tuple[Analysis, RuleResults, Analysis, RuleResults]:
    spring_params = params(district_number="0999", pir_days=1)
    fall_params = params(district_number="0999", pir_days=1, collection_season="fall",
                         fall_count_date=spring_params.spring)
    spring, fall = Analysis(bundle, spring_params), Analysis(as_fall(bundle), fall_params)
    return spring, run_rules(spring), fall, run_rules(fall)


def _phrases() -> list[tuple[re.Pattern[str], str]]:
    """Spring's words -> fall's, longest first, as whole words (no 'Springfield')."""
    pairs = {SPRING.words[k]: FALL.words[k] for k in SPRING.words}
    pairs.update({"spring section": "fall section", "Spring section": "Fall section"})
    return [(re.compile(rf"(?<![A-Za-z]){re.escape(s)}(?![A-Za-z])"), f)
            for s, f in sorted(pairs.items(), key=lambda p: -len(p[0]))]


PHRASES = _phrases()


def to_fall(text: str) -> str:
    """A spring finding's text as the fall run words it."""
    for pattern, fall in PHRASES:
        text = pattern.sub(fall, text)
    return text


def findings_but(res: RuleResults, rules: tuple[str, ...]) -> pd.DataFrame:
    f = res.findings.loc[~res.findings["ruleId"].isin(rules)]
    return f.sort_values(list(FINDINGS_COLUMNS), kind="mergesort").reset_index(drop=True)


def check_metamorphic(bundle: Bundle) -> None:
    spring, sres, fall, fres = runs(bundle)
    skip = EARLY_GRADUATE_RULES + WINDOW_RULES

    # ---- findings: the spring run's, translated; rule ids unchanged -------------------------
    want = findings_but(sres, skip)
    want["field"] = want["field"].replace(FIELDS)
    for col in ("collection", "message", "remedy", "expected", "value"):
        want[col] = want[col].map(to_fall)
    got = findings_but(fres, skip)
    pd.testing.assert_frame_equal(
        got, want.sort_values(list(FINDINGS_COLUMNS), kind="mergesort").reset_index(drop=True))
    assert set(got["collection"]) <= {"Fall ANB", "Fall Teacher-Class", "Other reminders",
                                      "Data quality"}
    assert not got["field"].isin(list(FIELDS)).any()
    # a wider CTE window finds at most the spring run's empty windows
    def cte04(res: RuleResults) -> set[str]:
        return set(res.findings.loc[res.findings["ruleId"] == "CTE-04", "sectionID"])

    assert cte04(fres) <= cte04(sres)

    # ---- the rules that ran, and why the others did not -------------------------------------
    assert fres.ran == tuple(r for r in sres.ran if r not in EARLY_GRADUATE_RULES)
    not_run = dict(fres.not_run.values.tolist())
    assert {r: not_run.pop(r) for r in EARLY_GRADUATE_RULES} == dict.fromkeys(
        EARLY_GRADUATE_RULES, "not part of the fall collection")
    assert not_run == dict(sres.not_run.values.tolist())

    # ---- the frames computed per enrollment ------------------------------------------------
    pd.testing.assert_frame_equal(fall.streaks, spring.streaks)
    pd.testing.assert_frame_equal(fall.computed_hours, spring.computed_hours)
    pd.testing.assert_frame_equal(fall.fte, spring.fte.rename(columns=FIELDS))
    pd.testing.assert_frame_equal(fall.absences_table,
                                  spring.absences_table.rename(columns=FIELDS))
    window = "rosterCountWindow"
    pd.testing.assert_frame_equal(fall.cte_sections.drop(columns=[window]),
                                  spring.cte_sections.drop(columns=[window]))
    assert (fall.cte_sections[window].fillna(0) >= spring.cte_sections[window].fillna(0)).all()

    # ---- the counts: the spring count without its early graduates ---------------------------
    assert fall.early_graduates.empty
    keys = ["schoolNumber", "grade"]
    grads = spring.early_graduates.groupby(keys)[["fteReported", "fteValidated"]].sum()
    s = spring.anb_table.set_index(keys)
    s[SPRING.count_reported] -= grads["fteReported"].reindex(s.index, fill_value=0.0)
    s[SPRING.count_validated] -= grads["fteValidated"].reindex(s.index, fill_value=0.0)
    s["difference"] = s[SPRING.count_validated] - s[SPRING.count_reported]
    s = s.drop(columns=["fallCount"]).rename(columns=COUNTS)
    f = fall.anb_table.set_index(keys)
    assert set(f.index) <= set(s.index)  # spring adds rows of graduates and fall_count only
    extra = s.drop(index=f.index)
    assert (extra[["enrolled", *COUNTS.values()]] == 0).all().all()
    pd.testing.assert_frame_equal(f, s.loc[f.index], check_exact=False, atol=1e-9)
    u = spring.budget_units.set_index("budgetUnit")
    by_unit = spring.early_graduates.groupby("budgetUnit")[["fteReported", "fteValidated"]].sum()
    fu = fall.budget_units.set_index("budgetUnit")
    for col, g in ((SPRING.count_reported, "fteReported"),
                   (SPRING.count_validated, "fteValidated")):
        np.testing.assert_allclose(
            fu[COUNTS[col]], u[col] - by_unit[g].reindex(u.index, fill_value=0.0), atol=1e-9)


@pytest.mark.slow
def test_spring_and_fall_runs_of_the_demo_sized_district_agree():
    bundle = district(600, 1)
    spring, sres, _, fres = runs(bundle)
    # the exceptions are exercised: early graduates and their rules, a CTE window that differs
    assert not spring.early_graduates.empty
    assert set(EARLY_GRADUATE_RULES) <= set(sres.findings["ruleId"])
    assert not fres.findings["collection"].str.startswith("Spring").any()
    check_metamorphic(bundle)


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(students=st.integers(120, 320), seed=st.integers(2, 10_000))
def test_spring_and_fall_runs_agree_over_districts(students, seed):
    check_metamorphic(district(students, seed))


def test_the_translation_is_word_by_word():
    # guards the oracle above: it maps the spring words and leaves other words alone
    assert to_fall("Reported Spring Absent 14; Springfield; spring section; Spring ANB") == (
        "Reported Fall Absent 14; Springfield; fall section; Fall ANB")
