"""The district-facing report's own parts: the header, the verdict and the findings per rule.

The district's page is ``district_validation.html``: the executed notebook exported without
code (:func:`mtcollect_nb.report.html_export.export_html` with ``report=True``). The notebook
shows :func:`header_html`, :func:`verdict_html` and :func:`findings_html` as HTML outputs;
every value from the data is escaped.

Example:
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> from mtcollect_nb.columns import FINDINGS_COLUMNS
    >>> run = run_from_analysis(tiny_analysis())
    >>> row = {"ruleId": "ANB-04", "severity": "error", "stateID": "<S1>", "remedy": "r"}
    >>> run.results.findings = pd.DataFrame([row]).reindex(columns=list(FINDINGS_COLUMNS),
    ...                                                    fill_value="")
    >>> page = findings_html(run)
    >>> "(error, 1 finding)" in page, "&lt;S1&gt;" in page, "<S1>" in page
    (True, True, False)
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from mtcollect_nb.columns import SEVERITIES, STREAK_START
from mtcollect_nb.compute import law as compute_law
from mtcollect_nb.compute.absence import EXCLUDE_STREAK
from mtcollect_nb.outputs import FINDINGS_XLSX, call_list_line
from mtcollect_nb.report.sheets import school_labels

if TYPE_CHECKING:
    from mtcollect_nb.checks.run import DistrictRun
    from mtcollect_nb.params import Params
    from mtcollect_nb.window.finished import FinishedRun

#: Findings listed per rule in the page (all of them are in findings.xlsx).
MAX_ROWS_PER_RULE = 200
#: Columns of a rule's findings table in the report.
FINDING_COLUMNS: tuple[str, ...] = ("school", "student", "record", "field", "value",
                                    "expected", "message")
STYLE = (
    "<style>.mt-report table{border-collapse:collapse;margin:.4em 0 1em;font-size:13px}"
    "div.mt-report table th,div.mt-report table td{border:1px solid #ccd;padding:3px 6px;"
    "text-align:left !important;vertical-align:top}div.mt-report table th{background:#D9E1F2}"
    ".mt-report .error{color:#c0392b}.mt-report .warning{color:#b9770e}"
    ".mt-report .info{color:#2e86c1}.mt-report .ok{color:#1e8449}</style>"
)


def law_applied(params: Params) -> str:
    """The law the run applied, for the header (:func:`mtcollect_nb.compute.law.law_applied`).

    Example:
        >>> from mtcollect_nb.testing import params
        >>> law_applied(params()).startswith("law of 2024-25")
        True
    """
    return compute_law.law_applied(params.school_year)


def header_html(run: DistrictRun, law: str | None = None, ran: datetime | None = None) -> str:
    """The report's header: district, school year, count dates, the law applied, when it ran.

    Example:
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> "District 0001 Test District" in header_html(run_from_analysis(tiny_analysis()))
        True
    """
    p = run.params
    ran = ran or datetime.now().astimezone()
    rows = [("School year", f"{p.school_year - 1}-{p.school_year % 100:02d}"),
            ("Fall count date", p.fall.isoformat()),
            ("Spring count date", p.spring.isoformat()),
            ("Kindergarten age date", p.k_age_date.isoformat()),
            ("Collections checked", p.season.checked(p)),
            ("Law applied", law or law_applied(p)),
            ("Ran", ran.strftime("%Y-%m-%d %H:%M %Z").strip()),
            ("Names and IDs", "masked" if run.masked else "as in Infinite Campus")]
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in rows)
    title = html.escape(f"District {p.district_number} {p.district_name}")
    season = html.escape(f"{p.season.title} ANB and Teacher-Class")  # the season's
    return (f'{STYLE}<div class="mt-report"><h1>{title}: {season} '
            f"validation</h1><table>{body}</table></div>")


def verdict_html(finished: FinishedRun) -> str:
    """Ready to certify? Per collection: errors open, warnings not reviewed, rules not run.

    ``reviewed`` is what the district typed into the previous ``findings.xlsx`` of the run's
    output folder (the run's collection window, read once:
    :func:`mtcollect_nb.window.finished.finish`), so the verdict is the one this run's
    workbook and ``mtcollect run`` give.

    Example:
        >>> import tempfile
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.window.finished import finish
        >>> from mtcollect_nb.window.keys import with_keys
        >>> run = with_keys(run_from_analysis(tiny_analysis()))
        >>> page = verdict_html(finish(run, tempfile.mkdtemp()))
        >>> page.count('<td class="ok"><b>Ready to certify'), page.count('"error"')
        (2, 0)
    """
    from mtcollect_nb.window.certify import REMINDERS_NOTE, outside_certification

    rows = "".join(
        f"<tr><th>{html.escape(str(r['collection']))}</th>"
        f"<td class=\"{'ok' if r['ready'] else 'error'}\"><b>{html.escape(str(r['verdict']))}"
        f"</b></td></tr>" for r in finished.window.ready.to_dict("records"))
    errors, warnings = outside_certification(finished.run.findings,
                                             finished.run.params.season)
    other = (f"<p><b>Not part of this certification: {errors} error{'s' * (errors != 1)} and "
             f"{warnings} warning{'s' * (warnings != 1)}.</b> {html.escape(REMINDERS_NOTE)}</p>"
             if errors or warnings else "")
    return (f'{STYLE}<div class="mt-report"><h2>Ready to certify?</h2><table>{rows}</table>'
            f"{other}</div>")


def call_list_html(finished: FinishedRun, max_rows: int = MAX_ROWS_PER_RULE) -> str:
    """A forecast run's call list, first in the report: who, since when, days left, school.

    The line ``mtcollect run`` prints, FTE and ANB at risk per budget unit, then one row per
    enrollment as the Call list sheet orders them, with the note the district typed (carried
    from the previous workbook). Empty in a normal run (nothing to show).

    Example:
        >>> import tempfile
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.window.finished import finish
        >>> from mtcollect_nb.window.keys import with_keys
        >>> call_list_html(finish(with_keys(run_from_analysis(tiny_analysis())),
        ...                       tempfile.mkdtemp()))
        ''
    """
    run = finished.run
    p = run.params
    if p.as_of is None:
        return ""
    a = run.analysis
    calls = finished.window.calls
    units = a.at_risk_by_unit
    line = call_list_line(len(calls), float(units["fteAtRisk"].sum()),
                          float(units["anbAtRisk"].sum()), p.count_date.isoformat())
    since = a.streaks_as_of.set_index("enrollmentID")[STREAK_START]
    labels = school_labels(run)

    def text(col: str) -> pd.Series:
        return calls[col].fillna("").astype(str)

    def day(col: str | pd.Series) -> pd.Series:
        d = pd.to_datetime(calls[col] if isinstance(col, str) else col, errors="coerce")
        return d.dt.strftime("%Y-%m-%d").fillna("")

    table = pd.DataFrame({
        "school": text("schoolNumber").map(labels).fillna(text("schoolNumber")),
        "student": (text("stateID") + " " + text("studentName")).str.strip(),
        "grade": text("grade"),
        "absent since": day(calls["enrollmentID"].map(since)),
        "days absent": calls["streakAsOf"].astype("Int64").astype(str),
        "days left": calls["daysLeft"].astype("Int64").astype(str),
        "reaches 11 on": day("reaches11On").replace("", "already"),
        "FTE at risk": calls["fteAtRisk"].map("{:.2f}".format),
        "chronically absent": calls["chronicallyAbsent"].map({True: "yes", False: ""}).fillna(""),
        "note": text("note"),
    })
    more = (f"<p>and {len(table) - max_rows} more: see the Call list sheet of "
            f"{FINDINGS_XLSX}.</p>" if len(table) > max_rows else "")
    body = (table.head(max_rows).to_html(index=False, escape=True, border=0) if len(table)
            else "<p>No student is on course to be excluded.</p>")
    title = html.escape(f"Call list as of {p.as_of.isoformat()}: who would be lost on "
                        f"{p.count_date.isoformat()}")
    return (f'{STYLE}<div class="mt-report"><h2>{title}</h2>'
            f"<p><b>{html.escape(line)}</b>. A student absent every remaining school day "
            f"until the count date is excluded from the count ({EXCLUDE_STREAK} "
            "consecutive days); one day present keeps them. Call the family; note the call "
            f"in the <i>note</i> column of the Call list sheet.</p>"
            f"{units.to_html(index=False, escape=True, border=0, float_format='{:.2f}'.format)}"
            f"{body}{more}</div>")


def findings_table(findings: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """One rule's findings as the report lists them (columns :data:`FINDING_COLUMNS`).

    ``school`` is "number name", ``student`` "stateID name", ``record`` the enrollment,
    course, section or staff member the finding is about.

    Example:
        >>> f = pd.DataFrame({"schoolNumber": ["0001"], "stateID": ["S1"], "studentName": [""],
        ...     "enrollmentID": ["10"], "courseNumber": [""], "sectionID": [""],
        ...     "staffStateID": [""], "field": ["grade"], "value": ["KG"], "expected": ["01"],
        ...     "message": ["m"]})
        >>> findings_table(f, pd.Series({"0001": "0001 Lincoln"})).iloc[0].tolist()
        ['0001 Lincoln', 'S1', 'enrollment 10', 'grade', 'KG', '01', 'm']
    """
    def text(col: str) -> pd.Series:
        return findings[col].fillna("").astype(str)

    school = text("schoolNumber")
    record = pd.Series("", index=findings.index, dtype=object)
    for col, word in (("enrollmentID", "enrollment"), ("courseNumber", "course"),
                      ("sectionID", "section"), ("staffStateID", "staff")):
        part = text(col)
        record = record + "; " + (word + " " + part).where(part != "", "")
    record = record.str.replace(r"(; )+", "; ", regex=True).str.strip("; ")
    return pd.DataFrame({
        "school": school.map(labels).fillna(school),
        "student": (text("stateID") + " " + text("studentName")).str.strip(),
        "record": record, "field": text("field"), "value": text("value"),
        "expected": text("expected"), "message": text("message"),
    }).reset_index(drop=True)


def findings_html(run: DistrictRun, max_rows: int = MAX_ROWS_PER_RULE) -> str:
    """Every finding, rule by rule (errors first): title, count, remedy, and a table.

    Columns that are blank for every finding of a rule are left out of its table.

    Example:
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> findings_html(run_from_analysis(tiny_analysis()))
        '<div class="mt-report"><p>No findings.</p></div>'
    """
    f = run.findings
    if f.empty:
        return '<div class="mt-report"><p>No findings.</p></div>'
    titles = _titles(run)
    labels = school_labels(run)
    order = f.assign(_s=f["severity"].map({s: i for i, s in enumerate(SEVERITIES)}))
    parts = [STYLE, '<div class="mt-report">']
    for (_, rule), g in order.groupby(["_s", "ruleId"], sort=True):  # one block per rule
        sev = str(g["severity"].iloc[0])
        t = findings_table(g, labels)
        t = t.loc[:, (t != "").any()]
        remedies = g["remedy"].fillna("").astype(str).unique()
        if len(remedies) > 1:
            t["remedy"] = g["remedy"].fillna("").astype(str).to_numpy()
        more = (f"<p>and {len(t) - max_rows} more: see the Findings sheet of "
                f"{FINDINGS_XLSX}.</p>" if len(t) > max_rows else "")
        head = html.escape(f"{rule}: {titles.get(rule, '')}".rstrip(": "))
        parts += [f'<h3>{head} <span class="{sev}">({sev}, {len(g)} '
                  f'finding{"s" if len(g) != 1 else ""})</span></h3>',
                  (f"<p><b>Remedy:</b> {html.escape(remedies[0])}</p>"
                   if len(remedies) == 1 and remedies[0] else ""),
                  t.head(max_rows).to_html(index=False, escape=True, border=0), more]
    return "".join(parts) + "</div>"


def _titles(run: DistrictRun) -> dict[str, str]:
    """Rule id -> title, from the rule catalog."""
    from mtcollect_nb.checks.catalog import all_rules

    return {rid: r.title for rid, r in all_rules().items()}


