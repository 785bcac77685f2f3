"""Statewide rollup of a batch: ANB by budget unit, district rankings, rule frequency.

Reads only the machine-readable district outputs (``budget_units.parquet``,
``findings.parquet``; never Excel), and of the findings only ``ruleId``, ``severity`` and
``collection``: no student-level column is ever loaded. Every table meant for display goes
through :func:`publish`, which applies small-count suppression
(:mod:`mtcollect_nb.state.suppression`) across all tables at once, because the tables share totals.

Example:
    >>> bu = pd.DataFrame({"district": ["0001", "0001"], "budgetUnit": ["Elementary",
    ...     "High School"], "fallCount": [100.0, 40.0], "springCountReported": [100.0, 40.0],
    ...     "springCountValidated": [98.0, 40.0], "anbReported": [100.0, 40.0],
    ...     "anbValidated": [99.0, 40.0]})
    >>> statewide_budget_units(bu).loc["Total", "fundingEffect"]
    np.float64(-1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mtcollect_nb.columns import BUDGET_UNIT_COLUMNS, ELEMENTARY, HIGH_SCHOOL, SEVERITIES
from mtcollect_nb.files import csv_restore
from mtcollect_nb.outputs import BATCH_SUMMARY_CSV, TABLE_FILES
from mtcollect_nb.season import SEASONS, SPRING, Season
from mtcollect_nb.state import suppression as sp

TOTAL = "Total"
EFFECT = "fundingEffect"
BU_NUMBERS: tuple[str, ...] = (*BUDGET_UNIT_COLUMNS[1:], EFFECT)
#: FTE and ANB at risk before the count date (a forecast run's call list; 0 otherwise).
AT_RISK: tuple[str, ...] = ("fteAtRisk", "anbAtRisk")
DISTRICT_NUMBERS: tuple[str, ...] = (EFFECT, "errors", "warnings", *AT_RISK)
RULE_KEYS: tuple[str, ...] = ("ruleId", "severity", "collection")
_ANB_PAIR = ("anbReported", "anbValidated")


def season_of_units(budget_units: pd.DataFrame) -> Season:
    """The season of a district's ``budget_units`` table (a fall run's holds the fall counts).

    Example:
        >>> season_of_units(pd.DataFrame(columns=["budgetUnit", "fallCountReported"])).name
        'fall'
    """
    return next((s for s in SEASONS.values() if s.count_reported in budget_units.columns),
                SPRING)


def effect_pair(season: Season = SPRING) -> tuple[str, str]:
    """(reported, validated) whose difference is the funding effect: ANB, or the fall count.

    A fall batch has no ANB (it needs both counts): its effect is the fall count's.

    Example:
        >>> from mtcollect_nb.season import FALL
        >>> effect_pair(), effect_pair(FALL)
        (('anbReported', 'anbValidated'), ('fallCountReported', 'fallCountValidated'))
    """
    if set(_ANB_PAIR) <= set(season.budget_unit_columns):
        return _ANB_PAIR
    return season.count_reported, season.count_validated


def bu_numbers(season: Season = SPRING) -> tuple[str, ...]:
    """The statewide budget-unit table's number columns in a batch of ``season``."""
    return (*season.budget_unit_columns[1:], EFFECT)


@dataclass
class State:
    """Everything the rollup reads from one batch output folder.

    Attributes:
        summary: the batch summary, one row per district (``district`` as text).
        budget_units: ``district`` plus the district's ``budget_units.parquet`` columns.
        rule_counts: ``district``, ruleId, severity, collection, ``findings`` (a count).
        names: district number -> district name, for the districts included.
        season: the batch's season (its first district's; a district of another season is
            reported as failed: one rollup, one season's counts).
    """

    summary: pd.DataFrame
    budget_units: pd.DataFrame
    rule_counts: pd.DataFrame
    names: pd.Series
    season: Season = SPRING


def load_state(batch_dir: str | Path) -> State:
    """Read the batch summary and the tables of every district that ran (ok or skipped).

    A district marked ok whose tables are missing is reported as failed, not dropped silently.
    """
    root = Path(batch_dir)
    text = {c: str for c in ("district", "name", "status", "ready", "message", "paramsFile",
                             "outputDir", "asOf")}
    summary = csv_restore(pd.read_csv(root / BATCH_SUMMARY_CSV, dtype=text, keep_default_na=False,
                                      na_values={"seconds": [""]}))  # our escaping undone
    ran = summary["status"].isin(["ok", "skipped"])
    units, counts, names = [], [], {}
    season: Season | None = None
    for idx in summary.index[ran]:  # one iteration per district, not per student
        row = summary.loc[idx]
        out = root / str(row["outputDir"])
        try:
            bu = pd.read_parquet(out / TABLE_FILES["budget_units"])
            fi = pd.read_parquet(out / TABLE_FILES["findings"], columns=list(RULE_KEYS))
        except (OSError, ValueError) as exc:
            summary.loc[idx, ["status", "message"]] = ["failed", f"rollup: {exc}".splitlines()[0]]
            continue
        own = season_of_units(bu)
        season = season or own
        if own is not season:  # one rollup adds up one season's counts
            summary.loc[idx, ["status", "message"]] = [
                "failed", f"rollup: a {own.name} run in a batch of {season.name} runs"]
            continue
        units.append(bu[list(season.budget_unit_columns)].assign(district=row["district"]))
        counts.append(fi.groupby(list(RULE_KEYS)).size().rename("findings").reset_index()
                      .assign(district=row["district"]))
        names[row["district"]] = row["name"]
    season = season or SPRING
    bu_cols = ["district", *season.budget_unit_columns]
    rc_cols = ["district", *RULE_KEYS, "findings"]
    return State(
        summary=summary,
        budget_units=pd.concat(units, ignore_index=True)[bu_cols] if units
        else pd.DataFrame(columns=bu_cols),
        rule_counts=pd.concat(counts, ignore_index=True)[rc_cols] if counts
        else pd.DataFrame(columns=rc_cols),
        names=pd.Series(names, dtype=object, name="name"), season=season,
    )


def statewide_budget_units(budget_units: pd.DataFrame, season: Season = SPRING) -> pd.DataFrame:
    """Statewide sums per budget unit plus a Total row; ``fundingEffect`` = validated - reported.

    The columns are the batch's season's (a fall batch: the fall count reported and validated,
    its funding effect the fall count's: :func:`effect_pair`).

    Example:
        >>> statewide_budget_units(pd.DataFrame(columns=["district", *BUDGET_UNIT_COLUMNS]))
        ...     # doctest: +NORMALIZE_WHITESPACE
                     fallCount  springCountReported  ...  anbValidated  fundingEffect
        budgetUnit                                   ...
        Elementary         0.0                  0.0  ...           0.0            0.0
        High School        0.0                  0.0  ...           0.0            0.0
        Total              0.0                  0.0  ...           0.0            0.0
        <BLANKLINE>
        [3 rows x 6 columns]
    """
    num = list(season.budget_unit_columns[1:])
    t = (budget_units.astype({c: "float64" for c in num}).groupby("budgetUnit")[num].sum()
         .reindex([ELEMENTARY, HIGH_SCHOOL], fill_value=0.0))
    t.loc[TOTAL] = t.sum()
    reported, validated = effect_pair(season)
    t[EFFECT] = t[validated] - t[reported]
    t.index.name = "budgetUnit"
    return t


def district_table(state: State) -> pd.DataFrame:
    """Per district: name, funding effect, errors, warnings, FTE and ANB at risk; + Total.

    The funding effect is ANB validated - reported; FTE and ANB at risk are those of a
    forecast run's call list (0 otherwise). Error and warning counts come from the findings
    tables, so they add up to the rule table; FTE and ANB at risk from the batch summary (each
    district's ``summary.json``).
    """
    reported, validated = effect_pair(state.season)
    effect = (state.budget_units.astype({validated: "float64", reported: "float64"})
              .assign(**{EFFECT: lambda d: d[validated] - d[reported]})
              .groupby("district")[EFFECT].sum())
    sev = (state.rule_counts.pivot_table(index="district", columns="severity", values="findings",
                                         aggfunc="sum", fill_value=0)
           .reindex(columns=list(SEVERITIES), fill_value=0))
    t = pd.DataFrame(index=pd.Index(sorted(state.names.index), name="district"))
    t["name"] = state.names
    t[EFFECT] = effect.reindex(t.index, fill_value=0.0)
    t["errors"] = sev["error"].reindex(t.index, fill_value=0).astype("int64")
    t["warnings"] = sev["warning"].reindex(t.index, fill_value=0).astype("int64")
    s = state.summary
    s = s.drop_duplicates("district").set_index("district") if "district" in s else s
    for col in AT_RISK:
        values = (pd.to_numeric(s[col], errors="coerce") if col in s.columns
                  else pd.Series(dtype="float64"))
        t[col] = values.reindex(t.index).fillna(0.0).astype("float64")
    t.loc[TOTAL] = ["Statewide", t[EFFECT].sum(), t["errors"].sum(), t["warnings"].sum(),
                    *(t[c].sum() for c in AT_RISK)]
    return t


def rule_frequency(state: State) -> pd.DataFrame:
    """Per rule: districts with at least one finding, findings statewide; + a Total per severity.

    Example:
        >>> rc = pd.DataFrame({"district": ["0001", "0002"], "ruleId": ["ANB-01", "ANB-01"],
        ...     "severity": ["error"] * 2, "collection": ["Spring ANB"] * 2, "findings": [3, 20]})
        >>> rule_frequency(State(pd.DataFrame(), pd.DataFrame(), rc, pd.Series()))
        ...     # doctest: +NORMALIZE_WHITESPACE
                      severity  collection  districts  findings
        ruleId
        ANB-01           error  Spring ANB          2        23
        Total error      error                      2        23
        Total warning  warning                      0         0
        Total info        info                      0         0
    """
    rc = state.rule_counts
    t = (rc.groupby(list(RULE_KEYS)).agg(districts=("district", "nunique"),
                                           findings=("findings", "sum")).reset_index())
    order = t["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    t = t.assign(_o=order).sort_values(["_o", "ruleId"]).drop(columns="_o").set_index("ruleId")
    totals = pd.DataFrame({
        "severity": list(SEVERITIES), "collection": "",
        "districts": [rc.loc[rc["severity"] == s, "district"].nunique() for s in SEVERITIES],
        "findings": [int(rc.loc[rc["severity"] == s, "findings"].sum()) for s in SEVERITIES],
    }, index=pd.Index([f"{TOTAL} {s}" for s in SEVERITIES], name="ruleId"))
    out = pd.concat([t, totals])
    return out.astype({"districts": "int64", "findings": "int64"})


def failed_districts(state: State) -> pd.DataFrame:
    """Districts that failed: number, name and the one-line reason (no student data)."""
    f = state.summary.loc[state.summary["status"] == "failed", ["district", "name", "message"]]
    return f.sort_values("district").reset_index(drop=True)


@dataclass
class Publication:
    """The statewide tables after suppression, ready to show.

    Attributes:
        budget_units: statewide ANB by budget unit (suppressed cells "<10" or "*").
        districts: per district funding effect, errors, warnings, with the statewide Total.
        rules: rule frequency with a Total per severity.
        numbers: the same three tables with suppressed cells as NaN (for figures), by name.
        status: suppression status of every protected cell (see :mod:`suppression`).
    """

    budget_units: pd.DataFrame
    districts: pd.DataFrame
    rules: pd.DataFrame
    numbers: dict[str, pd.DataFrame]
    status: pd.Series
    season: Season = SPRING


def publish(state: State) -> Publication:
    """Build the three statewide tables and suppress small counts across all of them at once.

    Identities declared to the suppressor: each budget-unit column (Elementary + High School =
    Total); each budget-unit row (validated = reported + effect, ANB from fall and spring
    counts); each district column (districts add up to the Total); each severity's rules add up
    to its Total; and the totals shared between tables (statewide funding effect, errors,
    warnings).
    """
    season = state.season
    tables = {"budget_units": statewide_budget_units(state.budget_units, season),
              "districts": district_table(state), "rules": rule_frequency(state)}
    numbers = bu_numbers(season)
    cols = {"budget_units": numbers, "districts": DISTRICT_NUMBERS, "rules": ("findings",)}
    values = pd.concat([sp.table_cells(n, t, cols[n]) for n, t in tables.items()])
    bu_rows = list(tables["budget_units"].index)
    rules = tables["rules"]
    groups: list[list[sp.Cell]] = [
        *sp.column_groups("budget_units", [ELEMENTARY, HIGH_SCHOOL], TOTAL, numbers),
        *sp.row_groups("budget_units", bu_rows, [*effect_pair(season), EFFECT]),
        *(g for cols_ in _anb_identities(season) for g in sp.row_groups(
            "budget_units", bu_rows, cols_)),
        *sp.column_groups("districts", list(tables["districts"].index[:-1]), TOTAL,
                          DISTRICT_NUMBERS),
        # ANB at risk is FTE at risk x a known factor: one hidden, both hidden
        *sp.row_groups("districts", list(tables["districts"].index), list(AT_RISK)),
        [("budget_units", TOTAL, EFFECT), ("districts", TOTAL, EFFECT)],
        [("rules", f"{TOTAL} error", "findings"), ("districts", TOTAL, "errors")],
        [("rules", f"{TOTAL} warning", "findings"), ("districts", TOTAL, "warnings")],
    ]
    for s in SEVERITIES:
        parts = rules.index[(rules["severity"] == s) & ~rules.index.str.startswith(TOTAL)]
        groups += sp.column_groups("rules", list(parts), f"{TOTAL} {s}", ["findings"])
    status = sp.suppression_status(values, groups)
    decimals = {c: 2 for c in numbers} | {EFFECT: 2} | dict.fromkeys(AT_RISK, 2)
    marked = {n: sp.mark(n, t, cols[n], status, decimals) for n, t in tables.items()}
    published = {n: sp.published_numbers(n, t, cols[n], status) for n, t in tables.items()}
    return Publication(marked["budget_units"], marked["districts"], marked["rules"],
                       published, status, season)


def _anb_identities(season: Season) -> list[list[str]]:
    """ANB from the fall and the season's counts (a spring batch; a fall batch has no ANB)."""
    if not season.reads_fall_count:
        return []
    return [["fallCount", season.count_reported, "anbReported"],
            ["fallCount", season.count_validated, "anbValidated"]]


def ranked(pub: Publication, column: str) -> pd.DataFrame:
    """Districts ranked by ``column``: funding effect by its size, either sign; others high first.

    Counts and ANB at risk rank the highest first. Suppressed districts come last, in
    district order and without a rank, so the order does not reveal how their hidden values
    compare.
    """
    num = pub.numbers["districts"].drop(index=TOTAL)
    key = num[column].abs() if column == EFFECT else num[column]
    order = (pd.DataFrame({"key": key.to_numpy(), "d": num.index.to_numpy()})
             .sort_values(["key", "d"], ascending=[False, True], na_position="last"))
    out = pub.districts.loc[order["d"]].reset_index()
    published = order["key"].notna().to_numpy()
    out.insert(0, "rank", pd.array(range(1, len(out) + 1), dtype="Int64"))
    out.loc[~published, "rank"] = pd.NA
    return out


def counts_line(state: State) -> str:
    """One line of district counts by batch status.

    Example:
        >>> s = pd.DataFrame({"status": ["ok", "ok", "failed", "skipped"]})
        >>> counts_line(State(s, pd.DataFrame(), pd.DataFrame(), pd.Series()))
        'districts: 4 in batch; in rollup 3 (ok 2, skipped 1); failed 1'
    """
    n = state.summary["status"].value_counts()
    ok, sk, fa = (int(n.get(k, 0)) for k in ("ok", "skipped", "failed"))
    return (f"districts: {len(state.summary)} in batch; in rollup {ok + sk} "
            f"(ok {ok}, skipped {sk}); failed {fa}")


def readiness_line(state: State) -> str:
    """Districts ready to certify, and findings new and fixed since each district's last run.

    Example:
        >>> s = pd.DataFrame({"status": ["ok", "ok", "failed"], "ready": ["yes", "no", ""],
        ...                   "newFindings": [0, 3, None], "fixedFindings": [2, 1, None]})
        >>> readiness_line(State(s, pd.DataFrame(), pd.DataFrame(), pd.Series()))
        'ready to certify: 1 of 2 districts run; since their last run: 3 findings new, 3 fixed'
    """
    s = state.summary
    ran = s.loc[s["status"].isin(["ok", "skipped"])]
    ready = int((ran.get("ready", pd.Series(dtype=object)) == "yes").sum())
    def total(col: str) -> int:
        return int(pd.to_numeric(ran.get(col, pd.Series(dtype="float64")),
                                 errors="coerce").fillna(0).sum())
    return (f"ready to certify: {ready} of {len(ran)} districts run; since their last run: "
            f"{total('newFindings')} findings new, {total('fixedFindings')} fixed")


def headline(state: State, pub: Publication) -> str:
    """The key statewide numbers as text (suppressed values stay suppressed)."""
    bu, d = pub.budget_units.loc[TOTAL], pub.districts.loc[TOTAL]
    reported, validated = effect_pair(pub.season)
    what = "ANB" if (reported, validated) == _ANB_PAIR else f"{pub.season.name} count"
    return "\n".join([
        counts_line(state),
        readiness_line(state),
        f"statewide {what} reported {bu[reported]}, validated {bu[validated]}, "
        f"funding effect {bu[EFFECT]}",
        f"findings statewide: errors {d['errors']}, warnings {d['warnings']}",
    ])


def failed_text(state: State) -> str:
    """The failed districts as a plain table, or a line saying none failed.

    Example:
        >>> s = pd.DataFrame({"district": ["0001"], "name": ["A"], "status": ["ok"],
        ...                   "message": [""]})
        >>> failed_text(State(s, pd.DataFrame(), pd.DataFrame(), pd.Series()))
        'no district failed'
    """
    f = failed_districts(state)
    return f.to_string(index=False) if len(f) else "no district failed"
