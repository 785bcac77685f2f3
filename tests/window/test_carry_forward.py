"""carry_forward, changes_since and the masking of previous rows, on small frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from mtcollect_nb.window.carry import carry_forward, changes_since, masked_previous

TODAY = dt.date(2025, 2, 10)


def current(*keys_sev: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"findingKey": [k for k, _ in keys_sev],
                         "severity": [s for _, s in keys_sev],
                         "ruleId": [k.split(":")[0] for k, _ in keys_sev]})


def previous(rows: list[tuple[str, str | None, str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"findingKey": [r[0] for r in rows],
                         "firstSeen": pd.to_datetime([r[1] for r in rows]),
                         "reviewed": [r[2] for r in rows], "note": [r[3] for r in rows],
                         "ruleId": [r[0].split(":")[0] for r in rows]})


def test_statuses_and_carried_columns() -> None:
    f = current(("ANB-02:A", "warning"), ("ANB-01:B", "error"), ("PHO-01:C", "info"),
                ("ANB-03:D", "warning"))
    p = previous([("ANB-02:A", "2025-02-04", "x", "ok"), ("ANB-01:B", "2025-02-05", "yes", "n1"),
                  ("PHO-01:C", "2025-02-04", "", "look")])
    out = carry_forward(f, p, TODAY).set_index("findingKey")
    assert out["status"].to_dict() == {"ANB-02:A": "reviewed", "ANB-01:B": "open",
                                       "PHO-01:C": "open", "ANB-03:D": "new"}
    assert out["note"].to_dict() == {"ANB-02:A": "ok", "ANB-01:B": "n1", "PHO-01:C": "look",
                                     "ANB-03:D": ""}
    assert out["firstSeen"].dt.date.astype(str).tolist() == [
        "2025-02-04", "2025-02-05", "2025-02-04", "2025-02-10"]


def test_history_first_seen_wins_and_history_keys_are_not_new() -> None:
    f = current(("ANB-02:A", "warning"), ("ANB-03:D", "warning"))
    p = previous([("ANB-02:A", "2025-02-09", "", "")])  # a district edited the cell
    seen = pd.DataFrame({"findingKey": ["ANB-02:A", "ANB-03:D"],
                         "firstSeen": ["2025-02-03", "2025-02-06"]})
    out = carry_forward(f, p, TODAY, seen).set_index("findingKey")
    assert out["firstSeen"].dt.date.astype(str).tolist() == ["2025-02-03", "2025-02-06"]
    assert out["status"].tolist() == ["open", "open"]


def test_no_previous_everything_new_today() -> None:
    out = carry_forward(current(("ANB-02:A", "warning")), previous([]), TODAY)
    assert out["status"].tolist() == ["new"] and out["note"].tolist() == [""]
    assert out["firstSeen"].dt.date.tolist() == [TODAY]


def test_changes_since_fixed_new_still_open() -> None:
    f = carry_forward(current(("ANB-02:A", "warning"), ("ANB-03:D", "warning")),
                      previous([("ANB-02:A", "2025-02-04", "x", "ok"),
                                ("DQ-01:E", "2025-02-04", "", "removed in IC")]), TODAY)
    p = previous([("ANB-02:A", "2025-02-04", "x", "ok"),
                  ("DQ-01:E", "2025-02-04", "", "removed in IC")])
    s = changes_since(f, p)
    assert s[["change", "findingKey", "note"]].values.tolist() == [
        ["fixed", "DQ-01:E", "removed in IC"], ["new", "ANB-03:D", ""],
        ["still open", "ANB-02:A", "ok"]]


def test_rows_from_an_unmasked_previous_run_are_masked() -> None:
    rows = pd.DataFrame({"ruleId": ["ANB-01", "ANB-01"], "stateID": ["012345678",
                                                                     "S-0123456789AB"],
                         "studentName": ["Doe, Jo", ""], "value": ["Doe", ""],
                         "message": ["Jo Doe absent", "x"], "note": ["called Jo's mom", ""]})
    out = masked_previous(rows)
    assert out["stateID"].str.fullmatch(r"S-[0-9A-F]{12}").all()
    assert out.at[1, "stateID"] == "S-0123456789AB" and out.at[0, "stateID"] != "012345678"
    assert (out["studentName"] == "").all() and (out["value"] == "").all()
    assert "Doe" not in " ".join(out["message"]) and out.at[0, "note"] == "called Jo's mom"
