r"""How a header name is read against the alias table (:mod:`mtcollect_nb.load.aliases`).

Matching compares :func:`normalize` keys: case, a BOM, spaces, underscores, hyphens and other
punctuation do not matter ("#" reads as "number"). A header ``object.field`` whose ``field``
is known also matches when ``object`` is one of the table's own Ad Hoc objects
(:data:`~mtcollect_nb.load.aliases.PREFIXES`) or an object no table claims; the object of
another file's table (``districtResidency.startDate`` in enrollments) or of no file
(``district.number`` in schools) does not, so it cannot pass for a column of this file.
Standard library only, so this module fits anywhere in the package.

Example:
    >>> resolve("students", "\ufeffLocal Student Number"), resolve("calendars", "exclude")
    ('studentNumber', 'stateExclude')
    >>> resolve("gifted", "Start Date"), resolve("enrollments", "districtResidency.startDate")
    ('evaluatedDate', None)
    >>> closest("students", "Stat ID")
    'stateID'
"""

from __future__ import annotations

import difflib
import unicodedata

from mtcollect_nb.load.aliases import ALIASES, NEGATED, NOT_USED, OTHER_OBJECTS, PREFIXES


def normalize(header: str) -> str:
    r"""The comparison key of a header: lower case, letters, digits and object dots only.

    A BOM, spaces, underscores, hyphens, slashes, apostrophes and other punctuation are
    dropped, ``#`` reads as ``number``, and empty dot-separated parts are removed.

    Example:
        >>> [normalize(h) for h in ("\ufeff Person_ID ", "Student #", "courseInfo.SCED-Area.")]
        ['personid', 'studentnumber', 'courseinfo.scedarea']
    """
    text = unicodedata.normalize("NFKC", header).casefold().replace("#", "number")
    kept = "".join(ch for ch in text if ch.isalnum() or ch == ".")
    return ".".join(part for part in kept.split(".") if part)


def _index(table: str) -> dict[str, str]:
    """Normalised key -> contract column of ``table``; a key naming two columns is an error."""
    out: dict[str, str] = {}
    for column, aliases in ALIASES[table].items():
        for name in (column, *aliases):
            key = normalize(name)
            if out.setdefault(key, column) != column:
                raise ValueError(f"{table}: header {name!r} would mean both {out[key]!r} and "
                                 f"{column!r}")
    return out


_INDEX: dict[str, dict[str, str]] = {table: _index(table) for table in ALIASES}
_OWN: dict[str, frozenset[str]] = {
    table: frozenset(normalize(p) for p in prefixes) for table, prefixes in PREFIXES.items()
}
CLAIMED: frozenset[str] = frozenset().union(*_OWN.values(), map(normalize, OTHER_OBJECTS))


def _split(table: str, key: str) -> str | None:
    """The field part of ``object.field`` when ``object``'s prefix may be ignored in ``table``."""
    obj, dot, field = key.rpartition(".")
    obj = obj.rpartition(".")[2]
    if not dot or (obj in CLAIMED and obj not in _OWN[table]):
        return None
    return field


def resolve(table: str, header: str) -> str | None:
    """The contract column that ``header`` names in ``table``'s file, or ``None``.

    Raises:
        KeyError: ``table`` is not an extract table.

    Example:
        >>> resolve("enrollments", "student.grade"), resolve("students", "Student Number")
        ('grade', 'studentNumber')
        >>> resolve("enrollments", "Student Number") is None
        True
    """
    index = _INDEX[table]
    key = normalize(header)
    if key in index:
        return index[key]
    field = _split(table, key)
    return None if field is None else index.get(field)


def negated(table: str, header: str) -> str | None:
    """The yes/no column ``header`` names with the opposite meaning in ``table``, or ``None``.

    Example:
        >>> negated("periods", "Non-Instructional"), negated("periods", "period.nonInstructional")
        ('instructional', 'instructional')
    """
    names = {normalize(h): c for h, c in NEGATED.get(table, {}).items()}
    key = normalize(header)
    if key in names:
        return names[key]
    field = _split(table, key)
    return None if field is None else names.get(field)


def not_used(header: str) -> str | None:
    """Why a recognised header is not used (:data:`NOT_USED`), or ``None``.

    Example:
        >>> not_used("grade_level_exclude_state")[:25]
        "the student view's gradeL"
    """
    key = normalize(header).rpartition(".")[2]
    return next((why for h, why in NOT_USED.items() if normalize(h) == key), None)


def alias_rank(table: str, column: str, header: str) -> int:
    """Position of ``header`` among ``column``'s names (0: the column's own name).

    Then the aliases in :data:`ALIASES` order (1 = the first alias). Used when two headers of
    one file name the same column: the lower rank is read, the other kept as an extra column.

    Example:
        >>> [alias_rank("programs", "program", h) for h in ("program", "code", "name")]
        [0, 2, 3]
    """
    key = normalize(header)
    field = _split(table, key)
    names = [normalize(n) for n in (column, *ALIASES[table][column])]
    for i, name in enumerate(names):
        if key == name or field == name:
            return i
    return len(names)


def aliases_of(table: str, column: str) -> tuple[str, ...]:
    """The alternative headers of ``table``'s ``column`` (KeyError for an unknown one).

    Example:
        >>> aliases_of("calendars", "stateExclude")
        ('exclude', 'calendar.exclude', 'Calendar Exclude')
    """
    return ALIASES[table][column]


def closest(table: str, header: str) -> str | None:
    """The known header of ``table`` nearest to ``header``, for an error message.

    A header that resolves gives its contract column; otherwise the most similar column name
    or alias (as written in :data:`ALIASES`), or ``None`` when nothing is similar enough.

    Example:
        >>> closest("courses", "SCED Subjet Area"), closest("courses", "zzz")
        ('scedSubjectArea', None)
    """
    column = resolve(table, header)
    if column is not None:
        return column
    known = {normalize(n): n for c, a in ALIASES[table].items() for n in (*a, c)}
    key = normalize(header)
    field = _split(table, key)
    tries = [key] if field is None else [key, field]
    best = max(((difflib.SequenceMatcher(None, t, k).ratio(), k) for t in tries for k in known),
               default=(0.0, ""))
    return known[best[1]] if best[0] >= 0.75 else None
