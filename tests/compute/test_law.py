"""The law of the school year (compute/law.py) and the count-date defaults of any endYear."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtcollect_nb.compute.law import LAWS, law_applied, law_for, school_year_text
from mtcollect_nb.testing import params


@pytest.mark.parametrize(("year", "row"), [(2000, 2025), (2024, 2025), (2025, 2025),
                                           (2026, 2026), (2027, 2026), (2040, 2026)])
def test_law_for_picks_the_newest_row_at_or_below_the_year(year, row):
    assert law_for(year).end_year == row


def test_rows_are_ordered_sourced_and_hb168_is_2026():
    years = [law.end_year for law in LAWS]
    assert years == sorted(set(years)) and years[0] == 2025
    assert all(law.change and law.source and law.short for law in LAWS)
    assert not law_for(2025).pk_special_ed_counted
    assert law_for(2026).pk_special_ed_counted and "HB 168" in law_for(2026).source


def test_labels_say_which_years_law():
    assert law_for(2026).label == "law of 2025-26: HB 168"
    assert law_for(2025).label == "law of 2024-25: MCA 20-9-311 (2023), ARM 10.20.102"
    assert law_applied(2025) == law_for(2025).label
    assert law_applied(2026) == "law of 2025-26: HB 168"
    assert law_applied(2027).startswith("law of 2025-26: HB 168") and "2026-27" in law_applied(
        2027)
    assert law_applied(2023).startswith("law of 2024-25") and "2022-23" in law_applied(2023)
    assert school_year_text(2100) == "2099-00"


@given(st.integers(2000, 2100))
def test_law_for_matches_a_plain_reference(year):
    newest = max((law for law in LAWS if law.end_year <= year), default=LAWS[0],
                 key=lambda law: law.end_year)
    assert law_for(year) is newest


# ---- count-date defaults (rules.md "Dates") ---------------------------------------------------
@pytest.mark.parametrize(("year", "fall", "spring", "k_age"), [
    (2025, dt.date(2024, 10, 7), dt.date(2025, 2, 3), dt.date(2024, 9, 10)),
    (2026, dt.date(2025, 10, 6), dt.date(2026, 2, 2), dt.date(2025, 9, 10)),
    (2027, dt.date(2026, 10, 5), dt.date(2027, 2, 1), dt.date(2026, 9, 10)),
])
def test_count_date_defaults(year, fall, spring, k_age):
    p = params(school_year=year)
    assert (p.fall_count_date, p.spring_count_date, p.kindergarten_age_date) == (
        fall, spring, k_age)


@given(st.integers(2000, 2100))
def test_count_dates_are_first_mondays_for_any_year(year):
    p = params(school_year=year)
    for day, (y, month) in ((p.fall, (year - 1, 10)), (p.spring, (year, 2))):
        assert (day.year, day.month, day.weekday()) == (y, month, 0) and day.day <= 7
    assert p.k_age_date == dt.date(year - 1, 9, 10)


def test_explicit_dates_win_over_the_defaults():
    p = params(school_year=2026, spring_count_date=dt.date(2026, 2, 9))
    assert p.spring == dt.date(2026, 2, 9) and p.fall == dt.date(2025, 10, 6)
