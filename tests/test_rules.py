import pandas as pd
import pytest

from mtcollect_nb.errors import RuleDefinitionError
from mtcollect_nb.rules import all_rules, rule, rules_table

SPEC_IDS = (
    [f"ANB-{i:02d}" for i in range(1, 23)] + [f"TCH-{i:02d}" for i in range(1, 5)]
    + [f"CTE-{i:02d}" for i in range(1, 5)] + ["GRD-01", "GRD-02", "PHO-01", "PHO-02"]
    + ["GFT-01", "GFT-02", "GFT-03", "DQ-01", "DQ-02", "DQ-03"]
)


def _noop(analysis):
    return pd.DataFrame()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"id": "ANB1"}, "form"),
    ({"severity": "fatal"}, "severity"),
    ({"collection": "Fall ANB"}, "collection"),
    ({"tables": ("nope",)}, "unknown tables"),
    ({"remedy": ""}, "remedy"),
])
def test_bad_declarations_fail_at_import(kwargs, match):
    args = {"id": "ZZ-01", "severity": "error", "collection": "Data quality", "title": "t",
            "remedy": "r", "tables": (), "registry": {}}
    args.update(kwargs)
    with pytest.raises(RuleDefinitionError, match=match):
        rule(args.pop("id"), args.pop("severity"), args.pop("collection"), **args)(_noop)


def test_duplicate_id_rejected():
    reg: dict = {}
    rule("ZZ-01", "info", "Data quality", title="t", remedy="r", registry=reg)(_noop)
    with pytest.raises(RuleDefinitionError, match="twice"):
        rule("ZZ-01", "info", "Data quality", title="t", remedy="r", registry=reg)(_noop)


def test_catalog_is_exactly_the_spec():
    assert sorted(all_rules()) == sorted(SPEC_IDS)


def test_spec_severities():
    spec = {"ANB-01": "error", "ANB-02": "warning", "ANB-03": "warning", "ANB-14": "info",
            "ANB-22": "warning", "TCH-04": "info", "CTE-04": "warning", "GFT-03": "warning",
            "DQ-02": "error"}
    rules = all_rules()
    for rid, sev in spec.items():
        assert rules[rid].severity == sev, rid


def test_rules_table_lists_every_rule_with_a_remedy():
    t = rules_table()
    assert len(t) == len(SPEC_IDS)
    assert (t["remedy"].str.len() > 20).all()
