"""Build a synthetic district and write its extract bundle (and the demo's parameters file).

Example:
    >>> import tempfile
    >>> out = write_district(Path(tempfile.mkdtemp()), students=60, seed=1)
    >>> sorted(p.name for p in out.iterdir())[:3]
    ['attendance.csv', 'calendars.csv', 'courses.csv']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from mtcollect_nb.load.contract import IC_LAYOUT_ONLY, TABLES, Column
from mtcollect_nb.synthetic.attendance import attendance_rows, build_attendance_codes
from mtcollect_nb.synthetic.derive import apply_overrides, derive, fall_count
from mtcollect_nb.synthetic.enroll import build_enrollments
from mtcollect_nb.synthetic.ic_counts import plant_ic_counts
from mtcollect_nb.synthetic.ic_layout import to_ic_layout
from mtcollect_nb.synthetic.model import District
from mtcollect_nb.synthetic.people import build_people
from mtcollect_nb.synthetic.periods import PERIOD_FORM_ONLY, grade_levels_frame, periods_frame
from mtcollect_nb.synthetic.plant import (
    NEAR_MISSES,
    plant_enrollments,
    plant_schedule,
    plant_text,
)
from mtcollect_nb.synthetic.plant_fall import FALL_PLANTED, plant_fall
from mtcollect_nb.synthetic.plant_forecast import EDGES, FORECAST_AS_OF, LISTED, plant_forecast
from mtcollect_nb.synthetic.schedule import build_schedule

#: The layouts a district can be written in (``write_district(layout=...)``).
LAYOUTS: tuple[str, ...] = ("contract", "ic")
#: The demo's forecast parameters file (beside ``parameters.yaml``).
FORECAST_PARAMS = "parameters-forecast.yaml"
#: Files written in Windows-1252 (IC's default export on Windows); the rest are UTF-8.
CP1252_TABLES: frozenset[str] = frozenset({"students", "staff"})
#: students.csv dates use IC's export default MM/DD/YYYY; the other files use ISO dates.
US_DATE_TABLES: frozenset[str] = frozenset({"students"})


def build_district(*, students: int = 600, seed: int = 1, district_number: str = "0999",
                   district_name: str = "Synthetic Public Schools",
                   plant: bool = True) -> District:
    """Generate one district in memory (typed frames; see :class:`District`).

    Example:
        >>> d = build_district(students=80, seed=2, plant=False)
        >>> len(d.tables["students"])
        80
    """
    d = District.new(students=students, seed=seed, number=district_number, name=district_name)
    build_people(d)
    build_enrollments(d)
    if plant:
        plant_enrollments(d)
    build_schedule(d)
    build_attendance_codes(d)
    if plant:
        plant_schedule(d)
        plant_fall(d)
    derive(d)
    apply_overrides(d)
    fall_count(d)
    d.tables["attendance"] = attendance_rows(d)
    if plant:  # rewrites rows up to a January as_of only: the count date's data are unchanged
        plant_forecast(d)
    d.tables["periods"] = periods_frame(d.tables["calendars"], d.tables["days"])
    d.tables["grade_levels"] = grade_levels_frame(d.tables["enrollments"])
    if plant:
        plant_ic_counts(d)
    return d


def _text(s: pd.Series, col: Column, us_dates: bool) -> pd.Series:
    """Render one typed column as CSV text (blank for missing)."""
    if col.type == "date":
        fmt = "%m/%d/%Y" if us_dates else "%Y-%m-%d"
        return pd.to_datetime(s).dt.strftime(fmt).fillna("")
    if col.type == "bool":
        truthy = s.astype(object).where(s.notna(), False).astype(bool)  # no fillna downcast
        return pd.Series(np.where(truthy, "1", "0"), index=s.index)
    if col.type == "num":
        f = pd.to_numeric(s, errors="coerce").round(2)
        txt = f.astype(str).str.replace(r"\.0$", "", regex=True)
        return txt.where(f.notna(), "")
    if col.type == "int":
        v = pd.Series(pd.array(s, dtype="Int64"), index=s.index)
        return v.astype(str).where(v.notna(), "")
    return s.fillna("").astype(str)


def to_text(d: District) -> dict[str, pd.DataFrame]:
    """Every contract table the district has, as text columns in contract order."""
    out = {}
    for name, table in TABLES.items():
        if name not in d.tables:  # an optional extract this district does not export
            continue
        df = d.tables[name].reset_index(drop=True)
        cols = {}
        for col in table.columns:
            if col.name in (*PERIOD_FORM_ONLY.get(name, ()), *IC_LAYOUT_ONLY.get(name, ())):
                continue  # the contract layout's daily form (synthetic/periods.py, ic_layout.py)
            s = df[col.name] if col.name in df.columns else pd.Series([None] * len(df))
            cols[col.name] = _text(s, col, name in US_DATE_TABLES)
        out[name] = pd.DataFrame(cols)
    return out


def write_tables(frames: dict[str, pd.DataFrame], out_dir: Path) -> Path:
    """Write ``frames`` as ``NAME.csv`` into ``out_dir`` (created)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        enc = "cp1252" if name in CP1252_TABLES else "utf-8"
        df.to_csv(out_dir / f"{name}.csv", index=False, encoding=enc, lineterminator="\n")
    return out_dir


def write_district(out_dir: Path, *, students: int = 600, seed: int = 1,
                   district_number: str = "0999",
                   district_name: str = "Synthetic Public Schools", plant: bool = True,
                   layout: str = "contract") -> Path:
    """Write one district's extract bundle (every table of spec/extracts.md) into ``out_dir``.

    ``layout``: ``contract`` (the contract's own layout and names, the default) or ``ic``
    (IC's: period schedules, period attendance with codes and no minutes on absent periods,
    IC's names; :mod:`mtcollect_nb.synthetic.ic_layout`). Same district, same findings.
    Deterministic: the same arguments give byte-identical files.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r} (use {', '.join(LAYOUTS)})")
    d = build_district(students=students, seed=seed, district_number=district_number,
                       district_name=district_name, plant=plant)
    frames = to_text(d)
    if plant:
        plant_text(d, frames)
    out = write_tables(frames, Path(out_dir))
    return to_ic_layout(out, seed=seed) if layout == "ic" else out


def parameters(district_number: str, district_name: str, extracts_dir: str,
               output_dir: str, mask_pii: bool) -> dict[str, object]:
    """The parameters-file mapping of a synthetic district (dates left to their defaults)."""
    return {"district_number": district_number, "district_name": district_name,
            "school_year": 2025, "extracts_dir": extracts_dir, "output_dir": output_dir,
            "pir_days": 1, "mask_pii": mask_pii}


class _ParamsDumper(yaml.SafeDumper):
    """Writes digit-only text quoted (``district_number: '0999'``), as the README asks users to."""


_ParamsDumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="'" if value.isdigit() else None))


def write_params(path: Path, values: dict[str, object]) -> Path:
    r"""Write a parameters YAML file (district_number stays quoted text).

    Example:
        >>> import tempfile
        >>> p = write_params(Path(tempfile.mkdtemp()) / "p.yaml", {"district_number": "0999"})
        >>> p.read_text()
        "district_number: '0999'\n"
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(values, Dumper=_ParamsDumper, sort_keys=False,
                              allow_unicode=True), encoding="utf-8")
    return path


#: The demo's parameters file of each season (``mtcollect demo --season fall``).
DEMO_PARAMETERS: dict[str, str] = {"spring": "parameters.yaml", "fall": "parameters-fall.yaml"}


def write_demo(out_dir: Path, *, seed: int = 1, season: str = "spring") -> Path:
    """Write the demo district (every rule planted) and its parameters file; return the latter.

    ``out_dir/extracts/`` holds the bundle, ``out_dir/parameters.yaml`` the parameters
    (``mask_pii: true``; paths relative to the file: ``extracts`` and ``output``).
    ``season="fall"`` also writes ``out_dir/parameters-fall.yaml`` (``collection_season:
    fall``: the fall collections, outputs in ``output/fall``) and returns that one; and
    always ``out_dir/parameters-forecast.yaml``: the same district as a forecast run a week before
    its count date (``as_of: 2025-01-27``, output in ``output-forecast``).
    """
    if season not in DEMO_PARAMETERS:
        raise ValueError(f"unknown season {season!r} (use {', '.join(DEMO_PARAMETERS)})")
    out = Path(out_dir)
    write_district(out / "extracts", students=600, seed=seed, district_number="0999",
                   district_name="Synthetic Public Schools", plant=True)
    values = parameters("0999", "Synthetic Public Schools", "extracts", "output", mask_pii=True)
    # the same district in January, a week before its count date (the call list's edges)
    write_params(out / FORECAST_PARAMS, {**values, "output_dir": "output-forecast",
                                         "as_of": FORECAST_AS_OF})
    path = write_params(out / DEMO_PARAMETERS["spring"], values)
    if DEMO_PARAMETERS[season] == path.name:  # the spring demo
        return path
    return write_params(out / DEMO_PARAMETERS[season], {**values, "collection_season": season})


def planted_cases(seed: int = 1, students: int = 600,
                  season: str = "spring") -> dict[str, dict[str, Any]]:
    """What the demo district of ``seed`` holds, per rule id (and ``near:`` near-misses).

    Each value has ``description`` and the planted keys: ``personID`` (with ``stateID``),
    ``enrollmentID``, ``sectionID``, ``courseID`` where the case touched them.
    ``season="fall"``: the cases a fall run finds (:mod:`mtcollect_nb.synthetic.plant_fall`).

    Example:
        >>> cases = planted_cases(seed=1)
        >>> cases["ANB-01"]["stateID"][0] != "" and "DQ-03" in cases
        True
    """
    if season not in DEMO_PARAMETERS:
        raise ValueError(f"unknown season {season!r} (use {', '.join(DEMO_PARAMETERS)})")
    d = build_district(students=students, seed=seed, plant=True)
    plant_text(d, to_text(d))
    sid = d.tables["students"].set_index("personID")["stateID"]
    own = DEMO_PARAMETERS[season] == DEMO_PARAMETERS["spring"]  # the spring cases
    planted, plan = (d.planted, d.plan) if own else (d.fall_planted, FALL_PLANTED)
    out: dict[str, dict[str, Any]] = {}
    for rule, keys in sorted(planted.items()):
        if rule not in plan and not rule.startswith("near:"):
            continue
        entry: dict[str, Any] = {"description": plan.get(rule, NEAR_MISSES.get(rule, ""))}
        entry.update({k: list(v) for k, v in keys.items()})
        if "personID" in keys:
            entry["stateID"] = [sid.get(p, "") for p in keys["personID"]]
        out[rule] = entry
    return out


def forecast_cases(seed: int = 1, students: int = 600) -> pd.DataFrame:
    """The forecast edges planted in the demo district of ``seed`` (synthetic/plant_forecast.py).

    One row per edge: ``edge``, ``planted`` (what), ``listed`` (on the call list of a run as
    of 2025-01-27), ``personID`` and ``enrollmentID`` (real; enrollmentIDs are never masked).

    Example:
        >>> forecast_cases()[["edge", "listed"]].head(2).values.tolist()
        [['exact', True], ['one less', False]]
    """
    d = build_district(students=students, seed=seed, plant=True)
    rows = [{"edge": edge, "planted": EDGES[edge], "listed": edge in LISTED, **keys}
            for edge, keys in d.forecast_planted.items()]
    return pd.DataFrame(rows, columns=["edge", "planted", "listed", "personID", "enrollmentID"])
