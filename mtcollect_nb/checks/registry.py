"""The rule registry: every check declared once, with its id, severity, collection and remedy.

A rule is a function ``fn(analysis) -> DataFrame`` returning one row per finding, with any of
the Findings columns (``schoolNumber``, ``stateID``, ``enrollmentID``, ``sectionID``,
``field``, ``value``, ``expected``, ``message`` ...) and optionally ``personID``; the engine
(:mod:`mtcollect_nb.checks.engine`) fills the rest. Declaring a rule is the only step in adding
one.

A rule declares its collection *kind* (:data:`~mtcollect_nb.season.ANB_COLLECTION`,
:data:`~mtcollect_nb.season.TEACHER_CLASS_COLLECTION`, reminders or data quality) and a title
and remedy that may name the season's words (``{hours_label}``, ``{season}``, ...:
:meth:`mtcollect_nb.season.Season.fill`). :meth:`Rule.for_season` names it as a season's run
does ("Fall ANB", "Fall Aggregate Hours"): the engine and
:func:`~mtcollect_nb.checks.catalog.all_rules` hand out rules named for a season; :data:`RULES`
holds the declarations.

Example:
    >>> from mtcollect_nb.season import FALL
    >>> @rule("XX-01", "error", "ANB", title="blank {hours_label}", remedy="fix it",
    ...       registry={})
    ... def _demo(analysis):
    ...     return pd.DataFrame()
    >>> _demo.id, _demo.for_season(FALL).title, _demo.for_season(FALL).collection
    ('XX-01', 'blank Fall Aggregate Hours', 'Fall ANB')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from mtcollect_nb.columns import SEVERITIES
from mtcollect_nb.compute.law import LAWS, law_for
from mtcollect_nb.errors import RuleDefinitionError
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.season import COLLECTION_KINDS, SEASONS, Season

if TYPE_CHECKING:
    from mtcollect_nb.compute.analysis import Analysis

RuleFn = Callable[["Analysis"], pd.DataFrame]
_ID = re.compile(r"^[A-Z]{2,3}-\d{2}$")

#: The collection seasons (``Params.collection_season``), the default of ``seasons=``.
SEASON_NAMES: tuple[str, ...] = tuple(SEASONS)


@dataclass(frozen=True)
class Rule:
    """A declared check.

    Attributes:
        id: e.g. ``ANB-01`` (spec/rules.md).
        severity: ``error`` | ``warning`` | ``info``.
        collection: declared: a collection kind (:data:`mtcollect_nb.season.COLLECTION_KINDS`);
            named for a season (:meth:`for_season`): one of
            :data:`mtcollect_nb.columns.COLLECTIONS` ("Spring ANB").
        title: one line saying what is wrong (the default finding message); declared, it may
            name the season's words (``{exclude_flag}``), filled by :meth:`for_season`.
        remedy: where in Infinite Campus to fix it (screen > field); season's words as title.
        tables: extract tables the rule reads; a missing optional one means "did not run".
        fn: the check.
        param: a true/false parameter (:class:`~mtcollect_nb.params.Params`) that must be
            true for the rule to run (``esa_program`` for ANB-11, ANB-12); when false the
            rule did not run, with :data:`PARAM_REASONS`' reason.
        law: an attribute of :class:`~mtcollect_nb.compute.law.Law` that must be true in the
            law of the school year (``pk_special_ed_counted`` for ANB-24); otherwise the rule
            did not run, naming the law applied.
        seasons: the collection seasons (``collection_season``) the rule is part of; in
            another season it did not run, "not part of the fall collection".
        count_date_attendance: the rule needs attendance on the count date (ANB-01..03);
            in a forecast run (``as_of`` set) it did not run, "count date not reached".
        declared: the declaration a rule named for a season comes from (None: it is one).
    """

    id: str
    severity: str
    collection: str
    title: str
    remedy: str
    tables: tuple[str, ...]
    fn: RuleFn
    param: str | None = None
    law: str | None = None
    seasons: tuple[str, ...] = SEASON_NAMES
    count_date_attendance: bool = False
    declared: Rule | None = field(default=None, repr=False, compare=False)

    def __call__(self, analysis: Analysis) -> pd.DataFrame:
        """Run the check."""
        return self.fn(analysis)

    def for_season(self, season: Season) -> Rule:
        """The rule as a run of ``season`` names it: its collection, title and remedy.

        Always from the declaration (``declared``), so a rule named for one season can be
        named for another.

        Example:
            >>> from mtcollect_nb.season import FALL
            >>> r = Rule("XX-03", "info", "Teacher-Class", "{Season} section", "r", (),
            ...          lambda a: pd.DataFrame())
            >>> r.for_season(FALL).collection, r.for_season(FALL).title
            ('Fall Teacher-Class', 'Fall section')
        """
        base = self.declared or self
        return replace(base, collection=season.collection(base.collection),
                       title=season.fill(base.title), remedy=season.fill(base.remedy),
                       declared=base)


RULES: dict[str, Rule] = {}

#: Why a rule gated by a parameter did not run, per parameter (the Summary's reason text).
PARAM_REASONS: dict[str, str] = {"esa_program": "did not run: ESA program not active"}


def rule(
    id: str,
    severity: str,
    collection: str,
    *,
    title: str,
    remedy: str,
    tables: tuple[str, ...] = (),
    param: str | None = None,
    law: str | None = None,
    seasons: tuple[str, ...] = SEASON_NAMES,
    count_date_attendance: bool = False,
    registry: dict[str, Rule] | None = None,
) -> Callable[[RuleFn], Rule]:
    """Declare a rule; it joins :data:`RULES` (or ``registry``) at import time.

    ``param``, ``law``, ``seasons`` and ``count_date_attendance`` gate the rule (see
    :class:`Rule`); the engine decides, the rule's function never tests them.

    Raises:
        RuleDefinitionError: bad or duplicate id, unknown severity, collection kind, table,
            parameter, law attribute or season, or a title or remedy naming an unknown
            season word.
    """
    reg = RULES if registry is None else registry

    def decorate(fn: RuleFn) -> Rule:
        r = Rule(id, severity, collection, title, remedy, tuple(tables), fn, param, law,
                 tuple(seasons), count_date_attendance)
        _check_declaration(r, reg)
        reg[id] = r
        return r

    return decorate


def _check_declaration(r: Rule, registry: dict[str, Rule]) -> None:
    """Raise :class:`RuleDefinitionError` when ``r`` is declared wrongly (see :func:`rule`)."""
    id = r.id
    if not _ID.match(id):
        raise RuleDefinitionError(f"rule id {id!r} is not of the form ABC-01")
    if id in registry:
        raise RuleDefinitionError(f"rule {id} is declared twice")
    if r.severity not in SEVERITIES:
        raise RuleDefinitionError(f"rule {id}: unknown severity {r.severity!r}")
    if r.collection not in COLLECTION_KINDS:
        raise RuleDefinitionError(f"rule {id}: unknown collection {r.collection!r} (a rule "
                                  f"declares one of {COLLECTION_KINDS})")
    unknown = [t for t in r.tables if t not in TABLES]
    if unknown:
        raise RuleDefinitionError(f"rule {id}: unknown tables {unknown}")
    if not r.title or not r.remedy:
        raise RuleDefinitionError(f"rule {id}: title and remedy are required")
    if r.param is not None and r.param not in PARAM_REASONS:
        raise RuleDefinitionError(f"rule {id}: parameter {r.param!r} has no reason text")
    if r.law is not None and not isinstance(getattr(LAWS[0], r.law, None), bool):
        raise RuleDefinitionError(f"rule {id}: {r.law!r} is not a flag of the law table")
    if not r.seasons or any(x not in SEASONS for x in r.seasons):
        raise RuleDefinitionError(f"rule {id}: seasons {r.seasons!r} not among {SEASON_NAMES}")
    for text in (r.title, r.remedy):
        try:
            [s.fill(text) for s in SEASONS.values()]
        except (KeyError, ValueError, IndexError) as exc:
            raise RuleDefinitionError(f"rule {id}: {text!r} names an unknown season word "
                                      f"({exc}); a literal brace is written {{{{ or }}}}"
                                      ) from None


def not_run_reason(r: Rule, analysis: Analysis) -> str | None:
    """Why ``r`` does not run on ``analysis`` (``None`` when it runs).

    In this order: the season, a forecast run, a parameter, the law, a missing optional file.

    Example:
        >>> from mtcollect_nb.testing import make_analysis, params
        >>> r = Rule("XX-02", "info", "Data quality", "t", "r", (), lambda a: pd.DataFrame(),
        ...          param="esa_program")
        >>> not_run_reason(r, make_analysis(params(esa_program=False)))
        'did not run: ESA program not active'
    """
    params = analysis.params
    if analysis.season.name not in r.seasons:
        return f"not part of the {analysis.season.name} collection"
    if r.count_date_attendance and params.as_of is not None:
        return (f"count date not reached: attendance known to {params.as_of.isoformat()} "
                "(a forecast run)")
    if r.param is not None and not getattr(params, r.param):
        return PARAM_REASONS[r.param]
    if r.law is not None:
        year = analysis.params.school_year
        law = law_for(year)
        if not getattr(law, r.law):
            first = next(x for x in LAWS if getattr(x, r.law))
            return (f"did not run: not in the {law.label} (applies from endYear "
                    f"{first.end_year}, {first.short})")
    missing = [t for t in r.tables if not analysis.has(t)]
    if missing:
        return "optional file not provided: " + ", ".join(f"{t}.csv" for t in missing)
    lacking = {t: analysis.bundle.lacking[t] for t in r.tables if t in analysis.bundle.lacking}
    if lacking:
        return "did not run: " + "; ".join(f"{analysis.bundle.files.get(t, t + '.csv')} has no "
                                           f"{', '.join(cols)} column"
                                           for t, cols in lacking.items())
    return None


def finding_rows(df: pd.DataFrame, keys: Iterable[str], **cols: object) -> pd.DataFrame:
    """What a rule returns: ``df``'s ``keys`` columns (those present) plus ``cols``.

    ``cols`` values are scalars or Series aligned with ``df`` (field, value, expected,
    message); the engine fills names, school and course from the keys.

    Example:
        >>> df = pd.DataFrame({"enrollmentID": [3], "personID": [1], "grade": ["KG"]})
        >>> finding_rows(df, ("enrollmentID", "sectionID"), field="grade",
        ...              value=df["grade"]).to_dict("records")
        [{'enrollmentID': 3, 'field': 'grade', 'value': 'KG'}]
    """
    data: dict[str, object] = {k: df[k].array for k in keys if k in df.columns}
    for name, value in cols.items():  # a Series is aligned on df's index, as out[name] = value
        if isinstance(value, pd.Series):
            value = (value if value.index.equals(df.index) else value.reindex(df.index)).array
        data[name] = value
    return pd.DataFrame(data, index=pd.RangeIndex(len(df)))


def per_value(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``fn(s)`` for an elementwise ``fn``, computed once per distinct value of ``s``.

    Text columns of codes (grade, program, opt-in status) hold a handful of distinct values,
    so string work (strip, upper, regex) on them is done on those and spread back. Unless
    every value is a ``str`` (NaN, numbers, other dtypes), ``fn(s)`` is returned as is.

    Example:
        >>> per_value(pd.Series([" esa", "ESA ", " esa"]), lambda v: v.str.strip().str.upper()
        ...           ).tolist()
        ['ESA', 'ESA', 'ESA']
    """
    if s.dtype != object or len(s) < _PER_VALUE_MIN:
        return fn(s)
    codes, uniques = pd.factorize(s.to_numpy(), use_na_sentinel=False)
    if len(uniques) * 4 > len(s) or pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        return fn(s)
    return pd.Series(fn(pd.Series(uniques, dtype=object)).to_numpy()[codes], index=s.index,
                     name=s.name)


_PER_VALUE_MIN = 64  # below this, factorizing costs more than it saves
