"""The header alias table (mtcollect_nb/load/aliases.py) and its copy in docs/extracts.md."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtcollect_nb.load.aliases import ALIASES, OTHER_OBJECTS, PREFIXES, alias_markdown
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.load.header_names import aliases_of, closest, normalize, resolve

DOC = Path(__file__).resolve().parents[2] / "docs" / "extracts.md"
ALL = [(t, c, a) for t, cols in ALIASES.items() for c, names in cols.items() for a in names]
#: Columns and tables the December 2026 contract adds before TABLES has them.
PLANNED = {
    "enrollments": {"specialEd"}, "attendance": {"periodID"},
    "periods": set(ALIASES["periods"]), "grade_levels": set(ALIASES["grade_levels"]),
    "ic_counts": set(ALIASES["ic_counts"]),
}


@pytest.mark.parametrize(("table", "column", "alias"), ALL)
def test_every_alias_resolves_to_its_column(table: str, column: str, alias: str) -> None:
    assert resolve(table, alias) == column


@pytest.mark.parametrize("table", sorted(ALIASES))
def test_every_column_name_resolves_to_itself(table: str) -> None:
    assert {c: resolve(table, c) for c in ALIASES[table]} == {c: c for c in ALIASES[table]}


def test_aliases_cover_the_contract_and_only_planned_columns() -> None:
    assert set(TABLES) <= set(ALIASES)
    assert set(PREFIXES) == set(ALIASES)
    for table, cols in ALIASES.items():
        known = set(TABLES[table].column_names) if table in TABLES else set()
        assert known <= set(cols), table
        assert set(cols) - known <= PLANNED.get(table, set()), table


def _clashes(table: str) -> dict[str, set[str]]:
    """Normalised headers that would name two columns of ``table``: the same key listed for
    two columns, or a dotted alias whose field part, under an object prefix that is ignored
    there (the table's own object, or one no table claims), names another column."""
    own = {normalize(p) for p in PREFIXES[table]}
    claimed = {normalize(p) for prefixes in PREFIXES.values() for p in prefixes} | {
        normalize(p) for p in OTHER_OBJECTS}
    owners: dict[str, set[str]] = defaultdict(set)
    for column, names in ALIASES[table].items():
        for name in (column, *names):
            owners[normalize(name)].add(column)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    for key, columns in owners.items():
        obj, _, field = key.rpartition(".")
        if obj and (obj in own or obj not in claimed) and owners.get(field, columns) != columns:
            clashes[key] = columns | owners[field]
    return clashes


@pytest.mark.parametrize("table", sorted(ALIASES))
def test_no_header_names_two_columns_of_one_table(table: str) -> None:
    assert _clashes(table) == {}


def test_the_clash_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = {**ALIASES["gifted"], "endDate": ("gifted.identifiedDate",)}
    monkeypatch.setitem(ALIASES, "gifted", wrong)
    assert _clashes("gifted") == {"gifted.identifieddate": {"endDate", "identifiedDate"}}


@pytest.mark.parametrize("table", sorted(ALIASES))
def test_no_alias_is_only_a_spelling_of_another(table: str) -> None:
    """An alias that normalises like its column or a sibling alias adds nothing: the
    normalisation already accepts it (and the docs would list it twice)."""
    for column, names in ALIASES[table].items():
        keys = [normalize(n) for n in (column, *names)]
        assert len(keys) == len(set(keys)), (table, column)


def test_ambiguous_alias_is_refused_when_the_index_is_built(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from mtcollect_nb.load import header_names

    monkeypatch.setitem(ALIASES, "schools", {"schoolID": ("Number",),
                                             "schoolNumber": ("number",)})
    with pytest.raises(ValueError, match="would mean both"):
        header_names._index("schools")


@pytest.mark.parametrize(("table", "header", "column"), [
    ("students", "PERSONID", "personID"),
    ("students", "  Person ID  ", "personID"),
    ("students", "person_id", "personID"),
    ("students", "\ufeffpersonID", "personID"),
    ("students", "student.personID", "personID"),
    ("students", "Student.Person_ID", "personID"),
    ("students", "Student #", "studentNumber"),
    ("students", "local-student-number", "studentNumber"),
    ("enrollments", "activeEnrollment.endDate", "endDate"),
    ("enrollments", "Exclude Spring ANB – 10 Day Rule", "mtExcludeSpringANB"),
    ("courses", "COURSEINFO.SCED_SUBJECT_AREA", "scedSubjectArea"),
    ("courses", "Course #", "number"),
    ("calendars", "Calendar.Exclude", "stateExclude"),
    ("gifted", "gifted.start_date", "evaluatedDate"),
    ("sections", "Section ID", "sectionID"),
    ("ic_counts", "School Number", "schoolNumber"),
    ("attendance", "Period ID", "periodID"),
])
def test_spelling_variants_resolve(table: str, header: str, column: str) -> None:
    assert resolve(table, header) == column


@pytest.mark.parametrize(("table", "header"), [
    ("enrollments", "Student Number"),  # a students column only: never personID
    ("attendance", "State ID"),
    ("enrollments", "districtResidency.startDate"),  # another file's object
    ("enrollments", "calendar.stateExclude"),  # the calendar's flag, not the enrollment's
    ("enrollments", "exclude"),
    ("rosters", "student.startDate"),  # the student's enrollment start
    ("students", "Favourite Colour"),
    ("students", ""),
])
def test_headers_that_name_no_column(table: str, header: str) -> None:
    assert resolve(table, header) is None


def test_an_object_no_table_claims_is_ignored() -> None:
    assert resolve("students", "studentSummary.lastName") == "lastName"


@pytest.mark.parametrize(("table", "header", "suggestion"), [
    ("students", "Stat ID", "stateID"),
    ("students", "Local Studnt Number", "Local Student Number"),
    ("students", "Brithdate", "birthdate"),
    ("courses", "SCED Course Identifer", "SCED Course Identifier"),
    ("section_staff", "Techer Role", "Teacher Role"),
    ("enrollments", "Spring Aggregate Hour", "Spring Aggregate Hours"),
])
def test_closest_suggests_the_intended_name(table: str, header: str, suggestion: str) -> None:
    assert resolve(table, header) is None
    assert closest(table, header) == suggestion


def test_closest_of_a_known_header_is_its_column_and_of_nonsense_none() -> None:
    assert closest("students", "Local Student Number") == "studentNumber"
    assert closest("students", "qqqq") is None


def test_aliases_of() -> None:
    assert aliases_of("gifted", "evaluatedDate")[0] == "startDate"
    assert aliases_of("schools", "accredited") == ()
    with pytest.raises(KeyError):
        aliases_of("students", "studentID")


@st.composite
def _respelled(draw: st.DrawFn) -> tuple[str, str, str]:
    table, column, alias = draw(st.sampled_from(ALL))
    out = []
    for ch in alias:
        out.append(ch.upper() if draw(st.booleans()) else ch.lower())
        out.append(draw(st.sampled_from(["", "", " ", "_", "  "])))
    pad = draw(st.sampled_from(["", " ", "\ufeff", "\ufeff "]))
    return table, column, pad + "".join(out) + draw(st.sampled_from(["", " ", "\t"]))


@pytest.mark.slow
@given(_respelled())
def test_case_and_space_changes_of_an_alias_still_resolve(case: tuple[str, str, str]) -> None:
    table, column, header = case
    assert resolve(table, header) == column


def test_every_alias_appears_in_the_docs() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [(t, a) for t, _, a in ALL if f"`{a}`" not in text]
    assert missing == []


@pytest.mark.parametrize("table", sorted(ALIASES))
def test_docs_show_the_generated_alias_table(table: str) -> None:
    """Regenerate with ``print(alias_markdown(table))`` after changing ALIASES."""
    assert alias_markdown(table) in DOC.read_text(encoding="utf-8")
