"""Property: the forecast's streak at as_of is the normal run's streak with the count date set
to as_of, and the call list holds exactly the enrollments the rule names (plain reference)."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.testing import absences, enrollment, make_analysis, params, school_days, student

COUNT_DATE = pd.Timestamp("2025-02-03")
DAYS = list(pd.bdate_range("2025-01-02", "2025-02-14"))
STARTS = [pd.Timestamp("2024-08-26"), *DAYS[:-3]]
PRESENT = [0, 0, 0, 0, None, 100, 150, 179, 180, 240, 300]


@st.composite
def districts(draw):
    """Two calendars (own holidays, short days, thresholds), up to 4 students."""
    tables = {"days": [], "calendars": [], "grade_levels": [], "enrollments": [],
              "attendance": []}
    for c in (1, 2):
        holidays = draw(st.sets(st.sampled_from(DAYS), max_size=4))
        days = school_days(c, start="2024-12-02", end="2025-02-14",
                           holidays=[str(h.date()) for h in holidays])
        for d in days:
            if d["instruction"] and draw(st.integers(0, 7)) == 0:
                d["minutes"] = 180
        tables["days"] += days
        tables["calendars"].append({
            "calendarID": c, "schoolID": 1, "name": f"c{c}", "endYear": 2025,
            "startDate": "2024-08-26", "endDate": "2025-06-06",
            "wholeDayAbsence": draw(st.sampled_from([None, 200, 300]))})
        gl = draw(st.sampled_from([None, 150, 330]))
        if gl is not None:
            tables["grade_levels"].append({"calendarID": c, "grade": "06",
                                           "wholeDayAbsence": gl})
    inst1 = sorted(d["date"] for d in tables["days"]
                   if d["calendarID"] == 1 and d["instruction"] and d["date"] < COUNT_DATE
                   and d["date"] >= DAYS[5])
    as_of = draw(st.sampled_from(inst1))
    eid = 1
    people = draw(st.integers(1, 4))
    for p in range(1, people + 1):
        for c in (1, 2):
            n = draw(st.integers(0, 2))
            starts = [STARTS[0]] if n == 1 and draw(st.booleans()) else draw(
                st.lists(st.sampled_from(STARTS), min_size=n, max_size=n, unique=True))
            for start in starts:
                end = draw(st.sampled_from(DAYS)) if draw(st.integers(0, 2)) == 0 else None
                if end is not None and end < start:
                    end = None
                tables["enrollments"].append(enrollment(
                    eid, p, calendarID=c, startDate=str(start.date()),
                    grade=draw(st.sampled_from(["05", "06"])),
                    serviceType="P" if c == 1 else "S",
                    noShow=draw(st.integers(0, 6)) == 0,
                    **({} if end is None else {"endDate": str(end.date())})))
                eid += 1
            if draw(st.booleans()):  # a run of absences up to as_of (the call list's case)
                hi = DAYS.index(as_of) + draw(st.integers(0, 1))
                lo = max(hi - draw(st.integers(0, 14)), 0)
            else:
                lo = draw(st.integers(0, len(DAYS) - 1))
                hi = draw(st.integers(lo, min(lo + 16, len(DAYS) - 1)))
            run = set(DAYS[lo:hi + 1])
            for d in sorted(run | draw(st.sets(st.sampled_from(DAYS), max_size=4))):
                if d in run and draw(st.integers(0, 9)) > 0:  # a run: mostly whole days
                    present, excuse = 0, draw(st.sampled_from(["E", "U"]))
                else:
                    present = draw(st.sampled_from(PRESENT))
                    excuse = draw(st.sampled_from(["E", "U", "U", "", "X"]))
                tables["attendance"] += absences(p, [d], calendar_id=c, present_minutes=present,
                                                 excuse=excuse)
    tables["students"] = [student(p) for p in range(1, people + 1)]
    return tables, as_of, draw(st.integers(1, 5))


# ---- a plain reference of rules.md "Before the count date" --------------------------------
def _covers(e, day):
    return e["startDate"] <= day and (pd.isna(e["endDate"]) or day <= e["endDate"])


def reference(a, as_of, min_streak):
    """Per enrollment on the count date: (streakAsOf, daysLeft, atRisk, reaches11On)."""
    inst = {c: sorted(g["date"]) for c, g in a.instructional_days.groupby("calendarID")}
    minutes = {(r["calendarID"], r["date"]): r["minutes"]
               for r in a.instructional_days.to_dict("records")}
    cal_thr = a.calendars.set_index("calendarID")["wholeDayAbsence"].to_dict()
    gl_thr = {(r["calendarID"], r["grade"]): r["wholeDayAbsence"]
              for r in a.table("grade_levels").to_dict("records")}
    att = {(r["personID"], r["calendarID"], r["date"]): r
           for r in a.table("attendance").to_dict("records")}
    enr = [e for e in a.table("enrollments").to_dict("records") if not e["noShow"]]

    def whole_day(p, c, day):
        r = att.get((p, c, day))
        if r is None or r["date"] > as_of:
            return False
        if ("" if pd.isna(r["excuse"]) else str(r["excuse"])).strip().upper() == "X":
            return False
        cover = [e for e in enr if e["personID"] == p and e["calendarID"] == c
                 and _covers(e, day)]
        grade = max(cover, key=lambda e: e["startDate"])["grade"] if cover else None
        thr = gl_thr.get((c, grade))
        thr = cal_thr.get(c) if pd.isna(thr) else thr
        thr = 240 if pd.isna(thr) else thr
        present = 0 if pd.isna(r["presentMinutes"]) else r["presentMinutes"]
        return minutes[(c, day)] - present >= min(thr, minutes[(c, day)])

    out = {}
    for e in enr:
        p, c = e["personID"], e["calendarID"]
        days = inst.get(c, [])
        ecd = next((d for d in days if d >= COUNT_DATE), None)
        if ecd is None or not _covers(e, ecd):
            continue
        streak = 0
        for day in reversed([d for d in days if d <= as_of]):
            enrolled = any(x["personID"] == p and x["calendarID"] == c and _covers(x, day)
                           for x in enr)
            if not (enrolled and whole_day(p, c, day)):
                break
            streak += 1
        after = [d for d in days if as_of < d <= ecd]
        risk = streak >= min_streak and streak + len(after) >= 11
        reaches = after[11 - streak - 1] if risk and streak < 11 else None
        out[e["enrollmentID"]] = (streak, len(after), risk, reaches)
    return out


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_streak_at_as_of_is_the_normal_runs_streak_with_the_count_date_set_to_as_of(district):
    tables, as_of, min_streak = district
    forecast = make_analysis(params(as_of=as_of.date(), call_list_min_streak=min_streak),
                             **tables)
    normal = make_analysis(params(spring_count_date=as_of.date()), **tables)
    # the normal run's streak per (person, calendar) on its count date (= as_of)
    on = normal.on_count_date[["enrollmentID", "personID", "calendarID"]].merge(
        normal.streaks, on="enrollmentID")
    at_as_of = {(r["personID"], r["calendarID"]): r["streak"] for r in on.to_dict("records")}
    inst = set(zip(normal.instructional_days["calendarID"], normal.instructional_days["date"],
                   strict=True))
    compared = 0
    for r in forecast.streaks_as_of.to_dict("records"):
        if (r["calendarID"], as_of) not in inst:  # as_of is a holiday of that calendar
            continue
        assert r["streakAsOf"] == at_as_of.get((r["personID"], r["calendarID"]), 0), r
        compared += 1

    want = reference(forecast, as_of, min_streak)
    got = {r["enrollmentID"]: (r["streakAsOf"], r["daysLeft"], r["atRisk"])
           for r in forecast.streaks_as_of.to_dict("records")}
    assert got == {k: v[:3] for k, v in want.items()}
    listed = forecast.call_list
    assert set(listed["enrollmentID"]) == {k for k, v in want.items() if v[2]}
    for r in listed.to_dict("records"):
        reaches = want[r["enrollmentID"]][3]
        assert (None if pd.isna(r["reaches11On"]) else r["reaches11On"]) == reaches


@pytest.mark.slow
def test_the_generator_makes_call_lists():
    """Guards the property test against a generator that never lists anyone."""
    listed = 0

    @settings(max_examples=15, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(districts())
    def count(district):
        nonlocal listed
        tables, as_of, m = district
        a = make_analysis(params(as_of=as_of.date(), call_list_min_streak=m), **tables)
        listed += len(a.call_list)

    count()
    assert listed > 0
