"""The report's *Since the last run*: real tables in plain words (issue 20 item 5).

What the district sees after a rerun: the totals in a sentence, the spring count per budget
unit of the previous run beside this run's (``120``, not ``120.0``), and the findings fixed,
new or reviewed with what the district typed (reviewed, note) in full. The workbook's *Since
last run* sheet (:func:`mtcollect_nb.report.summary.since_blocks`) lists every finding; this
page names the ones that changed. Every value is escaped; the tables have no index.

Example:
    >>> plain_number(80.5), plain_number(120.0)
    ('80.5', '120')
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd

from mtcollect_nb.outputs import FINDINGS_XLSX
from mtcollect_nb.report.html import STYLE, findings_table
from mtcollect_nb.report.sheets import school_labels

if TYPE_CHECKING:
    from mtcollect_nb.window.finished import FinishedRun

#: Rows of the report's *Since the last run* findings table (all are on the workbook's sheet).
MAX_SINCE_ROWS = 300
#: Plain words for the count table's columns.
_COUNT_HEADS = {"budgetUnit": "Budget unit",
                "springCountReportedPrevious": "Spring count reported, previous run",
                "springCountReported": "Spring count reported, this run",
                "springCountValidatedPrevious": "Spring count validated, previous run",
                "springCountValidated": "Spring count validated, this run"}
#: What happened to a finding, in the order the table lists them.
_CHANGE_WORDS = ("fixed since the previous run", "new in this run",
                 "still in the data, reviewed", "still open")


def plain_number(value: object) -> str:
    """A count as people write it: 12 (not 12.0), 1.5, 2,340.25; blank for none.

    Example:
        >>> [plain_number(v) for v in (12.0, 1.5, 2340.25, float("nan"), None, 0.3333333)]
        ['12', '1.5', '2,340.25', '', '', '0.333']
    """
    number = pd.to_numeric(pd.Series([value], dtype=object), errors="coerce").iloc[0]
    if pd.isna(number):
        return ""
    return f"{float(number):,.3f}".rstrip("0").rstrip(".")


def _table(frame: pd.DataFrame, numeric: tuple[str, ...] = ()) -> str:
    """A plain HTML table of text cells (escaped; no index; numbers right-aligned)."""
    right = ' style="text-align:right !important"'
    align = [right if c in numeric else "" for c in frame.columns]
    heads = "".join(f"<th{a}>{html.escape(str(c))}</th>"
                    for a, c in zip(align, frame.columns, strict=True))
    rows = "".join(  # at most MAX_SINCE_ROWS rows
        "<tr>" + "".join(f"<td{a}>{html.escape(str(v))}</td>"
                         for a, v in zip(align, r, strict=True)) + "</tr>"
        for r in frame.itertuples(index=False))
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"


def since_tables(finished: FinishedRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The report's two *Since the last run* tables, in plain words: counts and findings.

    Counts: the spring count per budget unit, previous run beside this run (numbers as text:
    12, 1.5). Findings: every finding fixed, new or still there, with what the district typed
    (reviewed, as typed; the note in full); a reviewed finding still in the data
    reads "still in the data, reviewed", never "still open".
    """
    from mtcollect_nb.columns import CHANGE, CHANGE_FIXED, CHANGE_NEW, NOTE, REVIEWED
    from mtcollect_nb.window.carry import is_reviewed

    w = finished.window
    counts = w.counts.copy()
    for col in counts.columns[1:]:
        counts[col] = counts[col].map(plain_number)
    counts = counts.rename(columns=_COUNT_HEADS)
    s = w.since
    typed = s[REVIEWED].fillna("").astype(str).str.strip()
    reviewed = is_reviewed(typed)
    fixed, new, reviewed_word, open_word = _CHANGE_WORDS
    change = pd.Series(open_word, index=s.index, dtype=object)
    change = change.mask(reviewed, reviewed_word).mask(s[CHANGE] == CHANGE_NEW, new)
    change = change.mask(s[CHANGE] == CHANGE_FIXED, fixed)
    table = findings_table(s.reindex(columns=[
        "schoolNumber", "stateID", "studentName", "enrollmentID", "courseNumber", "sectionID",
        "staffStateID", "field", "value", "expected", "message"], fill_value=""),
        school_labels(finished.run))
    table.insert(0, "rule", s["ruleId"].fillna("").astype(str).to_numpy())
    table.insert(0, "what happened", change.to_numpy())
    table["reviewed"] = typed.where(reviewed, "").to_numpy()  # as the district typed it
    table["note"] = s[NOTE].fillna("").astype(str).to_numpy()
    table = table.drop(columns=["expected"])
    order = table["what happened"].map({w_: i for i, w_ in enumerate(_CHANGE_WORDS)})
    table = table.assign(_o=order).sort_values("_o", kind="mergesort").drop(columns="_o")
    return counts, table.reset_index(drop=True)


def since_html(finished: FinishedRun, max_rows: int = MAX_SINCE_ROWS) -> str:
    """The report's *Since the last run*: totals in words, then two real tables.

    Example:
        >>> import tempfile
        >>> from mtcollect_nb import testing
        >>> from mtcollect_nb.checks import run as checks_run
        >>> from mtcollect_nb.window import finished, keys
        >>> run = checks_run.run_from_analysis(testing.tiny_analysis())
        >>> done = finished.finish(keys.with_keys(run), tempfile.mkdtemp())
        >>> page = since_html(done)
        >>> "First run in this output folder" in page, "<th>Budget unit</th>" in page
        (True, True)
    """
    w = finished.window
    last = w.previous_run
    t = w.totals()
    if last is None:
        intro = ("First run in this output folder: nothing to compare yet. The next run here "
                 "compares itself with this one and carries the reviewed and note columns "
                 f"that you fill in {FINDINGS_XLSX}.")
    else:
        when = str(last.get("started", "")).replace("T", " ")[:16]
        intro = (f"Previous run: {when}. Since then: {t['fixed']} fixed, {t['new']} new, "
                 f"{t['stillOpen']} still in the data ({t['reviewed']} of them reviewed).")
    if w.previous.problem:
        intro += (f" The previous {FINDINGS_XLSX} could not be read ({w.previous.problem}): "
                  "no reviewed or note was carried forward.")
    counts, findings = since_tables(finished)
    parts = [STYLE, '<div class="mt-report"><h2>Since the last run</h2>',
             f"<p>{html.escape(intro)}</p>",
             "<h3>Spring count per budget unit</h3>",
             _table(counts, numeric=tuple(counts.columns[1:]))]
    changed = findings.loc[findings["what happened"] != _CHANGE_WORDS[-1]] if last else (
        findings.iloc[0:0])
    if len(changed):
        shown = changed.loc[:, (changed != "").any() | changed.columns.isin(["reviewed", "note"])]
        more = (f"<p>and {len(changed) - max_rows} more: see the Since last run sheet of "
                f"{FINDINGS_XLSX}.</p>" if len(changed) > max_rows else "")
        parts += ["<h3>Findings fixed, new or reviewed since the previous run</h3>",
                  _table(shown.head(max_rows)), more]
    return "".join(parts) + "</div>"
