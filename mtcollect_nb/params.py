"""District parameters (parameters/<district>.yaml): load, validate, fill date defaults.

Example:
    >>> p = Params(district_number="0123", district_name="X", school_year=2025,
    ...            extracts_dir="e", output_dir="o")
    >>> p.spring_count_date, p.fall_count_date, p.kindergarten_age_date
    (datetime.date(2025, 2, 3), datetime.date(2024, 10, 7), datetime.date(2024, 9, 10))
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mtcollect_nb.errors import ParameterError
from mtcollect_nb.season import Season, season_of

#: Dates must lie in these calendar years around ``school_year`` (a typo such as 9999 or
#: 2052 is an error, not a run that fails later inside pandas).
DATE_YEARS_BEFORE, DATE_YEARS_AFTER = 2, 1
_DATE_KEYS = ("fall_count_date", "spring_count_date", "kindergarten_age_date", "as_of")


class _Refused(Exception):
    """A YAML construct the parameters file may not use (message names the key and line)."""


#: How to write a Windows path in YAML (said whenever a backslash in double quotes is refused).
WINDOWS_PATHS = ("in YAML's double quotes a backslash starts an escape (\"C:\\temp\\new\" "
                 "would read as a tab and a new line): write Windows paths in single quotes "
                 "('C:\\Users\\clerk\\extracts') or with forward slashes "
                 "(C:/Users/clerk/extracts)")


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases, duplicate keys or implicit dates (pydantic parses them).

    Example:
        >>> yaml.load("a: 2025-02-30", Loader=_StrictLoader)
        {'a': '2025-02-30'}
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            key = f"'{index.value}'" if isinstance(index, yaml.ScalarNode) else "a value"
            raise _Refused(f"{key} uses a YAML anchor or alias (& or *) on line "
                           f"{event.start_mark.line + 1}; write the value out")
        return super().compose_node(parent, index)

    def construct_scalar(self, node: Any) -> Any:
        if getattr(node, "style", None) == '"':
            start, end = node.start_mark, node.end_mark
            raw = start.buffer[start.pointer:end.pointer] if start.buffer is not None else ""
            if "\\" in raw:
                raise _Refused(f"line {start.line + 1}: a backslash in double quotes; "
                               + WINDOWS_PATHS)
        return super().construct_scalar(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _Refused(f"key '{key}' appears twice (lines {seen[key]} and {line}); "
                               "keep one")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def first_monday(year: int, month: int) -> dt.date:
    """The first Monday of ``month`` in ``year``.

    Example:
        >>> first_monday(2025, 2)
        datetime.date(2025, 2, 3)
    """
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


class Params(BaseModel):
    """One district run's parameters; dates default as spec/rules.md says."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    district_number: str = Field(pattern=r"^\d{4}$", description="4-digit OPI district number")
    district_name: str
    school_year: int = Field(ge=2000, le=2100, description="IC endYear (2025 = 2024-25)")
    extracts_dir: str
    output_dir: str
    fall_count_date: dt.date | None = None
    spring_count_date: dt.date | None = None
    kindergarten_age_date: dt.date | None = None
    pir_days: int = Field(default=0, ge=0, le=7)
    mask_pii: bool = False
    whole_day_absence_default: int = Field(
        default=240, ge=1, le=1440,
        description="minutes absent that make a whole-day absence when neither the grade level "
                    "nor the calendar sets it (IC's default)")
    esa_program: bool = Field(
        default=True, description="false: the ESA rules (ANB-11, ANB-12) do not run")
    collection_season: Literal["spring", "fall"] = Field(
        default="spring", description="which count date's collections: spring (February) or "
                                      "fall (October)")
    as_of: dt.date | None = Field(
        default=None, description="a date before the season's count date: a forecast run with "
                                  "the call list (attendance known up to this date)")
    call_list_min_streak: int = Field(
        default=3, ge=1, le=11,
        description="consecutive whole-day absences at as_of that put a student on the call list")
    columns: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="per file: the district's own header -> the contract's column")
    values: dict[str, dict[str, dict[str, str]]] = Field(
        default_factory=dict,
        description="per file and column: the district's own code -> the contract's code")

    @field_validator("district_number", mode="before")
    @classmethod
    def _text_number(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, str):
            raise ValueError("must be text of 4 digits, quoted in YAML (e.g. \"0123\")")
        return v

    @field_validator("pir_days", "school_year", "whole_day_absence_default",
                     "call_list_min_streak", mode="before")
    @classmethod
    def _no_bool(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError("must be a whole number")
        return v

    @model_validator(mode="after")
    def _defaults(self) -> Params:
        y = self.school_year
        low, high = dt.date(y - DATE_YEARS_BEFORE, 1, 1), dt.date(y + DATE_YEARS_AFTER, 12, 31)
        for key in _DATE_KEYS:
            value = getattr(self, key)
            if value is not None and not low <= value <= high:
                raise ValueError(f"{key}: {value.isoformat()} is out of range for school_year "
                                 f"{y} (expected {low.isoformat()} .. {high.isoformat()})")
        defaults = {
            "fall_count_date": first_monday(y - 1, 10),
            "spring_count_date": first_monday(y, 2),
            "kindergarten_age_date": dt.date(y - 1, 9, 10),
        }
        for key, value in defaults.items():
            if getattr(self, key) is None:
                object.__setattr__(self, key, value)
        if self.as_of is not None and self.as_of >= self.count_date:
            raise ValueError(f"as_of: {self.as_of.isoformat()} is not before the "
                             f"{self.collection_season} count date "
                             f"{self.count_date.isoformat()} (a forecast is made before it; "
                             "leave as_of out to check the count date itself)")
        return self

    @property
    def count_date(self) -> dt.date:
        """The count date of the run's season (``collection_season``).

        Example:
            >>> Params(district_number="0123", district_name="X", school_year=2025,
            ...        extracts_dir="e", output_dir="o", collection_season="fall").count_date
            datetime.date(2024, 10, 7)
        """
        return self.season.count_date(self)

    @property
    def season(self) -> Season:
        """The run's season (:mod:`mtcollect_nb.season`): what differs between the collections."""
        return season_of(self)

    @property
    def forecast(self) -> bool:
        """True in a forecast run (``as_of`` set: attendance known only up to it)."""
        return self.as_of is not None

    @property
    def spring(self) -> dt.date:
        """The spring count date (never None after validation)."""
        assert self.spring_count_date is not None
        return self.spring_count_date

    @property
    def fall(self) -> dt.date:
        """The fall count date (never None after validation)."""
        assert self.fall_count_date is not None
        return self.fall_count_date

    @property
    def k_age_date(self) -> dt.date:
        """The kindergarten age date (never None after validation)."""
        assert self.kindergarten_age_date is not None
        return self.kindergarten_age_date


PARAM_KEYS: tuple[str, ...] = tuple(Params.model_fields)


def params_from_mapping(data: dict[str, Any], source: str = "parameters") -> Params:
    """Validate a mapping; any problem is one :class:`ParameterError` naming ``source`` and key.

    Example:
        >>> params_from_mapping({"district_number": "0123"}, "p.yaml")
        Traceback (most recent call last):
        ...
        mtcollect_nb.errors.ParameterError: p.yaml: missing required key 'district_name'
    """
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(file)"
        value = data.get(key, None) if isinstance(data, dict) else None
        if err["type"] == "missing":
            raise ParameterError(f"{source}: missing required key '{key}'") from None
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(PARAM_KEYS)
            raise ParameterError(f"{source}: unknown key '{key}' (allowed: {allowed})") from None
        msg = str(err["msg"]).removeprefix("Value error, ")
        if key == "(file)" and msg.split(":")[0] in _DATE_KEYS:  # the date range check
            raise ParameterError(f"{source}: '{msg.split(':')[0]}' "
                                 f"{msg.split(': ', 1)[1]}") from None
        raise ParameterError(f"{source}: '{key}' {msg}; got {value!r}") from None


def with_overrides(params: Params, source: str | Path, **values: Any) -> Params:
    """``params`` with ``values`` set for one run (``mtcollect run --season fall``), validated.

    The same checks as the file's (``as_of`` before the new season's count date, ...); a
    value of None leaves the file's.

    Example:
        >>> p = Params(district_number="0123", district_name="X", school_year=2025,
        ...            extracts_dir="e", output_dir="o")
        >>> with_overrides(p, "p.yaml", collection_season="fall").count_date
        datetime.date(2024, 10, 7)
    """
    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        return params
    return params_from_mapping({**params.model_dump(), **given}, str(source))


def load_params(path: str | Path) -> Params:
    """Read and validate a parameters YAML file; relative paths resolve against its folder.

    Raises:
        ParameterError: the file is missing or unreadable, not YAML (line and column given),
            uses anchors/aliases or a key twice, or a key or value is wrong.
    """
    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"{p}: parameters file not found")
    try:
        data = yaml.load(p.read_text(encoding="utf-8-sig"), Loader=_StrictLoader)
    except _Refused as exc:
        raise ParameterError(f"{p}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        why = str(exc.problem or exc.context)
        if "escape" in why:  # "C:\Users\..." in double quotes
            why = f"{why}; {WINDOWS_PATHS}"
        raise ParameterError(f"{p}: not valid YAML{where}: {why}") from None
    except yaml.reader.ReaderError as exc:
        raise ParameterError(f"{p}: not valid YAML: character #x{exc.character:04x} is not "
                             f"allowed (at character {exc.position + 1})") from None
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise ParameterError(f"{p}: not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{p}: expected a mapping of keys to values")
    params = params_from_mapping(data, str(p))
    base = p.resolve().parent
    params = params.model_copy(update={
        "extracts_dir": str((base / params.extracts_dir).resolve()),
        "output_dir": str((base / params.output_dir).resolve()),
    })
    check_folders(params, p)
    return params


def check_folders(params: Params, source: Path) -> None:
    """Refuse an output folder that would overwrite or mix with what the run reads.

    ``output_dir`` may not be a drive or file-system root, the extracts folder or a folder
    inside it (outputs mixed into the raw extracts), or the parameters file itself.

    Example:
        >>> p = Params(district_number="0123", district_name="X", school_year=2025,
        ...            extracts_dir="/data/0123", output_dir="/data/0123/out")
        >>> check_folders(p, Path("/data/p.yaml"))
        Traceback (most recent call last):
        ...
        mtcollect_nb.errors.ParameterError: /data/p.yaml: 'output_dir' /data/0123/out is inside \
extracts_dir /data/0123: outputs would mix with the district's extracts; choose another folder
    """
    out, extracts = Path(params.output_dir), Path(params.extracts_dir)
    why = None
    if out == Path(out.anchor):
        why = "is the root of a drive or file system; choose a folder for this district"
    elif out == extracts:
        why = "is extracts_dir: outputs would mix with the district's extracts; " \
              "choose another folder"
    elif extracts in out.parents:
        why = (f"is inside extracts_dir {extracts}: outputs would mix with the district's "
               "extracts; choose another folder")
    elif out == source.resolve():
        why = "is the parameters file itself; choose a folder"
    if why:
        key = "output_dir"
        raise ParameterError(f"{source}: '{key}' {out} {why}")
