import datetime as dt
from pathlib import Path

import pytest
import yaml

from mtcollect_nb.errors import ParameterError
from mtcollect_nb.params import PARAM_KEYS, Params, first_monday, load_params, params_from_mapping

GOOD = {"district_number": "0123", "district_name": "Example Elementary", "school_year": 2025,
        "extracts_dir": "extracts/0123", "output_dir": "output/0123"}


def write(tmp_path: Path, data: object, name: str = "d.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data, encoding="utf-8")
    return p


def test_defaults_follow_rules_md():
    p = Params(**GOOD)
    assert p.fall_count_date == dt.date(2024, 10, 7)
    assert p.spring_count_date == dt.date(2025, 2, 3)
    assert p.kindergarten_age_date == dt.date(2024, 9, 10)
    assert p.pir_days == 0 and p.mask_pii is False


@pytest.mark.parametrize(("year", "month", "expected"), [
    (2025, 2, dt.date(2025, 2, 3)), (2024, 10, dt.date(2024, 10, 7)),
    (2026, 2, dt.date(2026, 2, 2)), (2025, 9, dt.date(2025, 9, 1)),
])
def test_first_monday(year, month, expected):
    assert first_monday(year, month) == expected


def test_explicit_dates_override_defaults(tmp_path):
    data = dict(GOOD, spring_count_date="2026-01-26", pir_days=7)
    p = load_params(write(tmp_path, data))
    assert p.spring_count_date == dt.date(2026, 1, 26) and p.pir_days == 7


def test_relative_paths_resolve_against_the_file(tmp_path):
    sub = tmp_path / "parameters"
    sub.mkdir()
    p = load_params(write(sub, GOOD))
    assert Path(p.extracts_dir) == (sub / "extracts/0123").resolve()
    assert Path(p.output_dir) == (sub / "output/0123").resolve()


@pytest.mark.parametrize(("change", "message"), [
    ({"colour": "red"}, "unknown key 'colour'"),
    ({"pir_days": 8}, "'pir_days'"),
    ({"pir_days": -1}, "'pir_days'"),
    ({"pir_days": "two"}, "'pir_days'"),
    ({"pir_days": True}, "'pir_days'"),
    ({"school_year": "next"}, "'school_year'"),
    ({"district_number": 123}, "'district_number'"),
    ({"district_number": "12345"}, "'district_number'"),
    ({"spring_count_date": "Feb 3rd"}, "'spring_count_date'"),
    ({"mask_pii": "maybe"}, "'mask_pii'"),
])
def test_bad_values_name_file_and_key(tmp_path, change, message):
    path = write(tmp_path, dict(GOOD, **change))
    with pytest.raises(ParameterError) as err:
        load_params(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("key", ["district_number", "district_name", "school_year",
                                 "extracts_dir", "output_dir"])
def test_missing_required_key(tmp_path, key):
    data = {k: v for k, v in GOOD.items() if k != key}
    with pytest.raises(ParameterError, match=f"missing required key '{key}'"):
        load_params(write(tmp_path, data))


def test_unquoted_district_number_is_rejected_not_mangled(tmp_path):
    # YAML reads 0123 as the int 83 (octal) or 123: both would lose the leading zero
    path = write(tmp_path, "district_number: 0123\ndistrict_name: X\nschool_year: 2025\n"
                           "extracts_dir: e\noutput_dir: o\n")
    with pytest.raises(ParameterError, match="district_number"):
        load_params(path)


@pytest.mark.parametrize("content", ["- a\n- b\n", "just text", "a: [unclosed\n"])
def test_not_a_mapping_or_not_yaml(tmp_path, content):
    with pytest.raises(ParameterError, match="d.yaml"):
        load_params(write(tmp_path, content))


def test_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="not found"):
        load_params(tmp_path / "nope.yaml")


#: The parameters file's keys as spec/outputs.md documents them (its ``yaml`` example).
DOCUMENTED_KEYS = frozenset({
    "district_number", "district_name", "school_year", "extracts_dir", "output_dir",
    "fall_count_date", "spring_count_date", "kindergarten_age_date", "pir_days", "mask_pii",
    "whole_day_absence_default", "esa_program", "collection_season", "as_of",
    "call_list_min_streak", "columns", "values",
})
SPEC = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "outputs.md"


def documented_keys(spec_text: str) -> set[str]:
    """The keys of the first ``yaml`` block of spec/outputs.md."""
    block = spec_text.split("```yaml")[1].split("```")[0]
    return {line.split(":")[0].strip() for line in block.splitlines()
            if ":" in line and not line.strip().startswith("#")}


def test_params_take_exactly_the_documented_keys():
    assert set(PARAM_KEYS) == DOCUMENTED_KEYS


def test_the_documented_keys_are_the_spec_s():
    """The key list above is the spec's (../shared is beside the checkout, in CI too)."""
    assert SPEC.is_file(), f"{SPEC}: the shared specification is not beside the checkout"
    assert documented_keys(SPEC.read_text(encoding="utf-8")) == DOCUMENTED_KEYS


def test_documented_keys_reads_the_yaml_block_only():
    text = "x\n```yaml\na: 1\n# b: 2\nc: {}  # note\n```\n```yaml\nd: 3\n```"
    assert documented_keys(text) == {"a", "c"}


def test_params_from_mapping_is_one_line():
    with pytest.raises(ParameterError) as err:
        params_from_mapping({}, "x.yaml")
    assert str(err.value).startswith("x.yaml: missing required key")


@pytest.mark.parametrize("number", ["../../etc", "01/2", "..", "0123\n", " 0123"])
def test_district_number_cannot_become_a_path(tmp_path, number):
    """Output and log names come from the district number: only 4 digits get through."""
    with pytest.raises(ParameterError, match="district_number"):
        load_params(write(tmp_path, dict(GOOD, district_number=number)))


BASE = ("district_number: '0123'\ndistrict_name: X\nschool_year: 2025\nextracts_dir: e\n"
        "output_dir: o\n")


@pytest.mark.parametrize(("extra", "message"), [
    ("spring_count_date: 2025-02-30\n", "'spring_count_date' Input should be a valid date"),
    ("fall_count_date: 9999-10-07\n", "'fall_count_date' 9999-10-07 is out of range"),
    ("kindergarten_age_date: 1900-09-10\n", "'kindergarten_age_date' 1900-09-10 is out of range"),
    ("mask_pii: true\nmask_pii: false\n", "key 'mask_pii' appears twice (lines 6 and 7)"),
    ("pir_days: &n 3\n", "'pir_days' uses a YAML anchor or alias"),
    ("x: &a [1, 2]\nmask_pii: *a\n", "'x' uses a YAML anchor or alias"),
    ("district_name: [unclosed\n", "not valid YAML at line 7, column 1"),
    ("district_name: \x1b[2Jx\n", "character #x001b is not allowed"),
])
def test_yaml_constructs_and_dates_are_refused_with_key_and_place(tmp_path, extra, message):
    path = write(tmp_path, BASE + extra)
    with pytest.raises(ParameterError) as err:
        load_params(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_alias_bomb_is_refused_at_once(tmp_path):
    bomb = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    with pytest.raises(ParameterError, match="anchor or alias"):
        load_params(write(tmp_path, BASE + bomb))


def test_dates_at_the_edges_of_the_allowed_range_are_accepted(tmp_path):
    p = load_params(write(tmp_path, BASE + "fall_count_date: 2023-01-01\n"
                                           "spring_count_date: 2026-12-31\n"))
    assert p.fall_count_date == dt.date(2023, 1, 1) and p.spring == dt.date(2026, 12, 31)


def test_the_cli_gives_exit_2_for_an_impossible_date(tmp_path, capsys):
    from mtcollect_nb.cli import main

    path = write(tmp_path, BASE + "spring_count_date: 2025-02-30\n")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "spring_count_date" in err and str(path) in err


def test_season_picks_the_count_date():
    spring = params_from_mapping(dict(GOOD))
    fall = params_from_mapping(dict(GOOD, collection_season="fall"))
    assert spring.count_date == spring.spring and fall.count_date == fall.fall
    assert spring.count_date != fall.count_date
    with pytest.raises(ParameterError, match="'collection_season'"):
        params_from_mapping(dict(GOOD, collection_season="winter"))


@pytest.mark.parametrize(("season", "as_of", "ok"), [
    ("spring", "2025-01-31", True), ("spring", "2025-02-03", False),
    ("spring", "2025-02-04", False), ("fall", "2024-10-06", True), ("fall", "2024-10-07", False),
])
def test_as_of_must_come_before_the_seasons_count_date(season, as_of, ok):
    data = dict(GOOD, collection_season=season, as_of=as_of)
    if ok:
        p = params_from_mapping(data)
        assert p.forecast and p.as_of.isoformat() == as_of
    else:
        with pytest.raises(ParameterError) as err:
            params_from_mapping(data, "d.yaml")
        assert str(err.value).startswith("d.yaml: 'as_of'") and "count date" in str(err.value)


def test_not_a_forecast_by_default_and_min_streak_range():
    p = params_from_mapping(dict(GOOD))
    assert not p.forecast and p.call_list_min_streak == 3
    for bad in (0, 12, True):
        with pytest.raises(ParameterError, match="call_list_min_streak"):
            params_from_mapping(dict(GOOD, call_list_min_streak=bad))


def test_column_and_value_maps_are_typed():
    p = params_from_mapping(dict(GOOD, columns={"schools": {"sch_no": "schoolNumber"}},
                                 values={"programs": {"program": {"ESA-MT": "ESA"}}}))
    assert p.columns["schools"]["sch_no"] == "schoolNumber"
    assert p.values["programs"]["program"]["ESA-MT"] == "ESA"
    with pytest.raises(ParameterError, match="columns"):
        params_from_mapping(dict(GOOD, columns={"schools": ["sch_no"]}))


@pytest.mark.parametrize("line", [
    'extracts_dir: "C:\\Users\\clerk\\extracts"\n',   # a scanner error (\U wants 8 hex digits)
    'extracts_dir: "C:\\temp\\new"\n',               # would silently read as a tab and a newline
    'extracts_dir: "C:\\data\\0123"\n',
])
def test_windows_path_in_double_quotes_is_refused_with_how_to_write_it(tmp_path, line):
    path = tmp_path / "d.yaml"
    path.write_text(BASE.replace("extracts_dir: e\n", line), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_params(path)
    text = str(err.value)
    assert "single quotes" in text and "forward slashes" in text and "\n" not in text


@pytest.mark.parametrize("value", ["'C:\\Users\\clerk\\extracts'", "C:/Users/clerk/extracts",
                                   "C:\\Users\\clerk\\extracts"])
def test_windows_paths_written_as_documented_are_read_as_written(tmp_path, value):
    path = tmp_path / "d.yaml"
    path.write_text(BASE.replace("extracts_dir: e\n", f"extracts_dir: {value}\n"),
                    encoding="utf-8")
    p = load_params(path)
    assert p.extracts_dir.replace("\\", "/").endswith("C:/Users/clerk/extracts")


@pytest.mark.parametrize(("extracts", "output", "says"), [
    ("e", "e", "is extracts_dir"),
    ("e", "e/out", "is inside extracts_dir"),
    ("e", "/", "root of a drive"),
    ("e", "d.yaml", "parameters file itself"),
])
def test_output_dir_that_would_mix_with_inputs_is_refused(tmp_path, extracts, output, says):
    path = write(tmp_path, dict(GOOD, extracts_dir=extracts, output_dir=output))
    with pytest.raises(ParameterError) as err:
        load_params(path)
    assert "'output_dir'" in str(err.value) and says in str(err.value)


def test_output_beside_or_above_the_extracts_is_fine(tmp_path):
    for extracts, output in (("e", "o"), ("out/extracts", "out")):
        p = load_params(write(tmp_path, dict(GOOD, extracts_dir=extracts, output_dir=output)))
        assert p.output_dir.endswith(output.split("/")[-1])
