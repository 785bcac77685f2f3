"""State IDs that lost their leading zeros in Excel, caught across files and read with them.

A clerk who opens ``students.csv`` in Excel and saves it loses the leading zero of every state
ID that has one (Excel reads ``012345678`` as the number 12345678). When *every* ID of the
file lost it, the file alone looks fine (one width: :mod:`id_notes` sees nothing), but the IDs
no longer match the other files: the ESA list and the fall count (false ANB-11 and ANB-19).

So the state IDs of students.csv are compared with those of the files the checks match them
with, by value (esa_participants.csv, fall_count.csv), and by person with any file keyed by
personID that carries a state ID column of its own (an enrollments export with
``student.stateID``: an extra column, read only here). Two digit-only IDs that differ only by
leading zeros are one ID whose shorter copy lost them. Where that is unambiguous, the shorter
copy is **read with its zeros back** (decisions.md: the checks then see the IDs the district
has in IC, and reruns keep their keys when the file is exported again), and a loader note on
the file says what happened and what to do. Unambiguous means: the short text has exactly one
longer match across the files compared, the file that holds it does not hold the longer text
too (that would be two students), and, by person, the person has one state ID in the other
file. Notes name lines, never the IDs (PII).

Example:
    >>> students = pd.DataFrame({"personID": [1, 2], "stateID": ["12345678", "T-9"],
    ...                          "_line": [2, 3]})
    >>> fall = pd.DataFrame({"stateID": ["012345678"], "_line": [2]})
    >>> tables, notes = restore_zeros({"students": students, "fall_count": fall},
    ...                               {"students": "students.csv", "fall_count": "fall_count.csv"})
    >>> tables["students"]["stateID"].tolist(), notes["note"].str[:38].tolist()
    (['012345678', 'T-9'], ['1 state ID(s) lost their leading zeros'])
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mtcollect_nb.columns import LINE, NOTE_COLUMNS
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.load.header_names import resolve
from mtcollect_nb.load.id_notes import lines_text

#: Files whose state IDs the checks match with students.csv's by value.
BY_VALUE: tuple[str, ...] = ("esa_participants", "fall_count")
STATE_ID = "stateID"
HOW_TO = ("Excel drops leading zeros when it opens and saves a CSV; export {file} again from "
          "Infinite Campus, or open it in Excel through Data > From Text/CSV with the {col} "
          "column set to Text before saving")


def _digits(values: pd.Series) -> pd.Series:
    """The digit-only values (stripped), by row; others are dropped.

    Example:
        >>> _digits(pd.Series([" 012 ", "7", "000", "x1", "", "٣"])).to_dict()
        {0: '012', 1: '7'}
    """
    text = values.astype(str)
    try:
        arr = pa.array(text.to_numpy(dtype=object), type=pa.string())
    except (pa.ArrowException, UnicodeError):  # text that is not UTF-8: all by Python
        arr = pa.array([""] * len(text), type=pa.string())
    plain = pc.match_substring_regex(arr, "^[0-9]+$").to_numpy(zero_copy_only=False)
    keep = plain & pc.match_substring_regex(arr, "[1-9]").to_numpy(zero_copy_only=False)
    if not plain.all():  # spaces or other text (a few rows): Python's own strip decides
        rest = text[~plain].str.strip()
        ok = rest.str.fullmatch(r"[0-9]+") & (rest.str.lstrip("0") != "")
        text = text.copy()
        text[~plain] = rest
        keep[~plain] = ok.to_numpy(dtype=bool)
    return text[keep]


def _pairs_by_value(students: pd.Series | set[str], other: pd.Series) -> pd.DataFrame:
    """(short, full, in_students) of IDs that match only without their leading zeros.

    ``students``: the state IDs of students.csv, or their :func:`_digits` as a set.

    Example:
        >>> _pairs_by_value(pd.Series(["12345678", "7"]), pd.Series(["012345678", "7"])
        ...                 ).values.tolist()
        [['12345678', '012345678', True]]
    """
    s = students if isinstance(students, set) else set(_digits(students))
    o = set(_digits(other))
    s_only, o_only = s - o, o - s
    # a pair needs its digits (without the zeros) on both sides: only those rows are framed
    both = {t.lstrip("0") for t in s_only} & {t.lstrip("0") for t in o_only}
    rows = ([(t, True) for t in s_only if t.lstrip("0") in both]
            + [(t, False) for t in o_only if t.lstrip("0") in both])
    df = pd.DataFrame(rows, columns=["text", "student"])
    df["key"], df["n"] = df["text"].str.lstrip("0"), df["text"].str.len()
    g = df.groupby("key")["student"]
    # exactly one copy in each file (two copies with other zeros in one file: ambiguous)
    df = df[(g.transform("size") == 2) & (g.transform("nunique") == 2)]
    df = df.sort_values(["key", "n"], kind="mergesort")
    short, full = df.iloc[0::2], df.iloc[1::2]
    return pd.DataFrame({"short": short["text"].to_numpy(), "full": full["text"].to_numpy(),
                         "in_students": short["student"].to_numpy(dtype=bool)})


def _person_state_ids(table: pd.DataFrame, name: str) -> pd.DataFrame | None:
    """(personID, other) of a table's own state ID column (an extra one), one per person."""
    if "personID" not in table.columns or name == "students":
        return None
    contract = set(TABLES[name].column_names) if name in TABLES else set()
    cols = [c for c in table.columns if c not in contract and c != LINE
            and resolve("students", str(c)) == STATE_ID]
    if not cols:
        return None
    ids = table[["personID", cols[0]]].drop_duplicates().set_axis(["personID", "other"], axis=1)
    digits = _digits(ids["other"])
    ids = ids.loc[digits.index].assign(other=digits).drop_duplicates()
    return ids[~ids["personID"].duplicated(keep=False)]  # one state ID per person


class _Found:
    """What the comparison found: per file, short text -> full text; per person, in students."""

    def __init__(self) -> None:
        self.fix: dict[str, dict[str, str]] = {}  # "" marks an ambiguous short text
        self.by_person: dict[int, str] = {}
        self.sources: dict[str, set[str]] = {}  # file fixed -> the files that showed it

    def add(self, lost: str, short: str, full: str, source: str) -> None:
        prev = self.fix.setdefault(lost, {}).setdefault(short, full)
        if prev != full:
            self.fix[lost][short] = ""  # two different fulls: left as it is
        self.sources.setdefault(lost, set()).add(source)


def _compare(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> _Found:
    """Compare students' state IDs by value (:data:`BY_VALUE`) and by person."""
    students = tables["students"]
    found = _Found()
    digit_ids: set[str] | None = None  # students' digit IDs, read once for both files
    for name in BY_VALUE:
        other = tables.get(name)
        if other is None or other.empty:
            continue
        if digit_ids is None:
            digit_ids = set(_digits(students[STATE_ID]))
        for p in _pairs_by_value(digit_ids, other[STATE_ID]).itertuples(index=False):
            lost, ref = ("students", name) if p.in_students else (name, "students")
            found.add(lost, p.short, p.full, files.get(ref, f"{ref}.csv"))
    for name, table in tables.items():
        ids = _person_state_ids(table, name)
        if ids is None:
            continue
        m = ids.merge(students[["personID", STATE_ID]], on="personID")
        own = m[STATE_ID].astype(str).str.strip()
        lost = ((own != m["other"]) & (own.str.lstrip("0") == m["other"].str.lstrip("0"))
                & (own.str.len() < m["other"].str.len()))
        if lost.any():
            found.by_person.update(zip(m.loc[lost, "personID"].astype(int),
                                       m.loc[lost, "other"], strict=True))
            found.sources.setdefault("students", set()).add(files.get(name, f"{name}.csv"))
    return found


def _restored(df: pd.DataFrame, fix: dict[str, str], by_person: dict[int, str]) -> pd.Series:
    """Per row, the state ID with its zeros back (NaN: unchanged or ambiguous)."""
    text = df[STATE_ID].astype(str).str.strip()
    mapped = text.map({k: v for k, v in fix.items() if v})
    if by_person:
        person = df["personID"].map(by_person)
        clash = mapped.notna() & person.notna() & (mapped != person)
        mapped = mapped.fillna(person).mask(clash)
    return mapped.where(~mapped.isin(set(text)))  # the full ID is someone else's already


def restore_zeros(tables: dict[str, pd.DataFrame], files: dict[str, str],
                  ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """``tables`` with lost leading zeros of state IDs restored, and one note per file fixed."""
    students = tables.get("students")
    if students is None or students.empty:
        return tables, pd.DataFrame(columns=list(NOTE_COLUMNS))
    found = _compare(tables, files)
    out = dict(tables)
    rows = []
    for name in ("students", *BY_VALUE):
        if name not in tables or name not in found.sources:
            continue
        df = tables[name]
        mapped = _restored(df, found.fix.get(name, {}),
                           found.by_person if name == "students" else {})
        hit = mapped.notna().to_numpy()
        if not hit.any():
            continue
        df = df.copy()
        df.loc[hit, STATE_ID] = mapped[hit].to_numpy()
        out[name] = df
        file = files.get(name, f"{name}.csv")
        lines = df[LINE].to_numpy()[hit].astype(int).tolist()
        refs = ", ".join(sorted(found.sources[name]))
        rows.append((file, STATE_ID, (
            f"{len(lines)} state ID(s) lost their leading zeros (they match {refs} only with "
            f"the zeros back) and were read with them, so the files match each other again: "
            f"line {lines_text(lines)}. " + HOW_TO.format(file=file, col=STATE_ID))))
    return out, pd.DataFrame(rows, columns=list(NOTE_COLUMNS))
