"""Decision rules as data: validation messages, JSON round trips, plain-English descriptions."""

import json
from fractions import Fraction

import pytest

from voting.majority import MajorityRule, RuleError, Threshold

EU_QMV = MajorityRule(
    counting="double",
    member_threshold=Threshold(Fraction(55, 100), strict=False, base="eligible"),
    weight_threshold=Threshold(Fraction(65, 100), strict=False, base="eligible"),
    blocking_minority_members=4,
    early_close=False,
)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (MajorityRule(member_threshold=Threshold(Fraction(0))), "member threshold is 0; a threshold must be more than 0 and at most 1"),
        (MajorityRule(weight_threshold=Threshold(Fraction(3, 2))), "weight threshold is 1.5; a threshold must be more than 0 and at most 1"),
        (MajorityRule(quorum_members=Fraction(-1, 4)), "quorum_members is -0.25; a quorum must be between 0 and 1"),
        (MajorityRule(quorum_weight=Fraction(5, 4)), "quorum_weight is 1.25; a quorum must be between 0 and 1"),
        (MajorityRule(counting="plural"), "unknown counting 'plural'; choose one of: equal, weighted, double"),  # type: ignore[arg-type]
        (MajorityRule(member_threshold=Threshold(base="all")), "member threshold: unknown base 'all'"),  # type: ignore[arg-type]
        (MajorityRule(member_threshold=Threshold(0.5)), "member threshold must be an exact number"),  # type: ignore[arg-type]
        (MajorityRule(blocking_minority_members=4), "it needs counting 'weighted' or 'double', not 'equal'"),
        (MajorityRule(counting="double", blocking_minority_members=0), "blocking_minority_members must be a whole number"),
        (MajorityRule(consensus="yes"), "consensus must be true or false"),  # type: ignore[arg-type]
    ],
)
def test_invalid_rules_raise_rule_errors_that_name_the_problem(rule, message):
    with pytest.raises(RuleError) as raised:
        rule.validate()

    assert message in str(raised.value)


def test_rule_errors_are_value_errors():
    assert issubclass(RuleError, ValueError)


@pytest.mark.parametrize(
    "rule",
    [
        MajorityRule(),
        EU_QMV,
        MajorityRule(counting="weighted", weight_threshold=Threshold(Fraction(2, 3), strict=False, base="cast"), quorum_weight=Fraction(1, 3)),
        MajorityRule(consensus=True, unanimity=True, quorum_members=Fraction(0)),
    ],
)
def test_a_rule_survives_a_json_round_trip(rule):
    text = json.dumps(rule.to_dict())

    assert MajorityRule.from_dict(json.loads(text)) == rule


def test_to_dict_writes_numbers_as_exact_strings_in_a_stable_order():
    data = EU_QMV.to_dict()

    assert list(data) == [
        "counting",
        "member_threshold",
        "weight_threshold",
        "quorum_members",
        "quorum_weight",
        "consensus",
        "unanimity",
        "blocking_minority_members",
        "early_close",
    ]
    assert data["member_threshold"] == {"fraction": "0.55", "strict": False, "base": "eligible"}
    assert data["weight_threshold"]["fraction"] == "0.65"


def test_from_dict_reads_fractions_written_as_ratios_and_fills_defaults():
    rule = MajorityRule.from_dict({"counting": "equal", "member_threshold": {"fraction": "2/3"}})

    assert rule.member_threshold == Threshold(Fraction(2, 3), strict=True, base="yes_no")
    assert rule.quorum_members is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quorum": "1/2"}, "unknown rule field(s) quorum"),
        ({"member_threshold": {"fraction": 0.5}}, "member threshold: 0.5 is a binary float"),
        ({"member_threshold": {"fraction": "0"}}, "member threshold is 0; a threshold must be more than 0"),
        ({"weight_threshold": {"fraction": "1.5"}}, "weight threshold is 1.5"),
        ({"quorum_members": "-0.1"}, "quorum_members is -0.1"),
        ({"quorum_members": "half"}, "quorum_members: 'half' is not a number"),
        ({"member_threshold": {"fraction": "1/2", "strictly": True}}, "unknown field(s) strictly"),
        ({"member_threshold": "1/2"}, "member threshold must be an object"),
        ([1, 2], "a rule must be an object"),
    ],
)
def test_from_dict_refuses_bad_input_with_a_clear_message(data, message):
    with pytest.raises(RuleError) as raised:
        MajorityRule.from_dict(data)

    assert message in str(raised.value)


def test_describe_says_the_eu_rule_in_plain_english():
    assert EU_QMV.describe() == (
        "Passes when yes wins at least 55% of all eligible members, and at least 65% of the weight of all eligible members. "
        "The weight criterion is deemed met unless at least 4 members count against (blocking minority). "
        "The ballot stays open until its closing time."
    )


def test_describe_mentions_quorum_consensus_and_unanimity():
    rule = MajorityRule(member_threshold=Threshold(Fraction(2, 3)), quorum_members=Fraction(1, 2), consensus=True, unanimity=True)

    text = rule.describe()

    assert text.startswith("Passes when yes wins more than 2/3 (about 66.7%) of the members voting yes or no.")
    assert "Quorum: at least 50% of the eligible members must take part (abstentions count)." in text
    assert "Unanimity: no member may vote no; abstentions do not prevent adoption" in text
    assert "a single block fails the proposal" in text
