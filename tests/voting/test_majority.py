"""Hand-checked decisions of yes/no/abstain rules: every counting, threshold kind and base, and the edge cases."""

from fractions import Fraction

import pytest

from voting.majority import MajorityRule, Threshold, VoteError, decide, passes

# Six members, total weight 12. Hand counts:
#   members: yes 2 (a, d), no 2 (b, c), abstain 1 (e), not voted 1 (f)
#   weight:  yes 4+1 = 5, no 2+2 = 4, abstain 2, not voted 1
# Shares of yes:  members  yes_no 2/4 = 1/2, cast 2/5, eligible 2/6 = 1/3
#                 weight   yes_no 5/9,       cast 5/11, eligible 5/12
SCENARIO_WEIGHTS = {"a": Fraction(4), "b": Fraction(2), "c": Fraction(2), "d": Fraction(1), "e": Fraction(2), "f": Fraction(1)}
SCENARIO_VOTES = {"a": "yes", "b": "no", "c": "no", "d": "yes", "e": "abstain"}
MEMBER_SHARE = {"yes_no": Fraction(1, 2), "cast": Fraction(2, 5), "eligible": Fraction(1, 3)}
WEIGHT_SHARE = {"yes_no": Fraction(5, 9), "cast": Fraction(5, 11), "eligible": Fraction(5, 12)}


def rule_with(counting, strict, base, member_fraction, weight_fraction):
    return MajorityRule(
        counting=counting,
        member_threshold=Threshold(member_fraction, strict, base),
        weight_threshold=Threshold(weight_fraction, strict, base),
    )


@pytest.mark.parametrize("counting", ["equal", "weighted", "double"])
@pytest.mark.parametrize("base", ["yes_no", "cast", "eligible"])
@pytest.mark.parametrize(("strict", "expected"), [(True, "rejected"), (False, "passed")])
def test_a_share_exactly_at_the_threshold_fails_more_than_and_passes_at_least(counting, base, strict, expected):
    rule = rule_with(counting, strict, base, MEMBER_SHARE[base], WEIGHT_SHARE[base])

    result = decide(rule, eligible=SCENARIO_WEIGHTS, votes=SCENARIO_VOTES)

    assert result.outcome == expected
    shares = {criterion.name: criterion.share for criterion in result.criteria}
    if counting != "weighted":
        assert shares["members"] == MEMBER_SHARE[base]
    if counting != "equal":
        assert shares["weight"] == WEIGHT_SHARE[base]


# Same scenario, every threshold one half; expected outcomes worked out from the shares above.
HALF_EXPECTED = {
    ("equal", "yes_no"): {True: "rejected", False: "passed"},  # 1/2: a tie
    ("equal", "cast"): {True: "rejected", False: "rejected"},  # 2/5
    ("equal", "eligible"): {True: "rejected", False: "rejected"},  # 1/3
    ("weighted", "yes_no"): {True: "passed", False: "passed"},  # 5/9
    ("weighted", "cast"): {True: "rejected", False: "rejected"},  # 5/11
    ("weighted", "eligible"): {True: "rejected", False: "rejected"},  # 5/12
    ("double", "yes_no"): {True: "rejected", False: "passed"},  # members 1/2 and weight 5/9
    ("double", "cast"): {True: "rejected", False: "rejected"},
    ("double", "eligible"): {True: "rejected", False: "rejected"},
}


@pytest.mark.parametrize(("counting", "base"), sorted(HALF_EXPECTED))
@pytest.mark.parametrize("strict", [True, False])
def test_simple_majority_outcomes_for_every_counting_and_base(counting, base, strict):
    rule = rule_with(counting, strict, base, Fraction(1, 2), Fraction(1, 2))

    result = decide(rule, eligible=SCENARIO_WEIGHTS, votes=SCENARIO_VOTES)

    assert result.outcome == HALF_EXPECTED[counting, base][strict]


def test_counts_by_members_and_by_weight_are_exact_whatever_the_counting():
    result = decide(MajorityRule(), eligible=SCENARIO_WEIGHTS, votes=SCENARIO_VOTES)

    members, weight = result.members, result.weight
    assert (members.yes, members.no, members.abstain, members.block, members.not_voted, members.eligible) == (2, 2, 1, 0, 1, 6)
    assert (weight.yes, weight.no, weight.abstain, weight.block, weight.not_voted, weight.eligible) == (5, 4, 2, 0, 1, 12)
    assert all(type(value) is Fraction for value in (weight.yes, weight.no, weight.not_voted, weight.eligible))
    assert all(type(value) is int for value in (members.yes, members.not_voted, members.eligible))


BIG_AND_SMALL = {"big": Fraction(10), "s1": Fraction(1), "s2": Fraction(1), "s3": Fraction(1), "s4": Fraction(1)}


def test_double_majority_fails_when_only_the_weight_majority_is_reached():
    votes = {"big": "yes", "s1": "no", "s2": "no", "s3": "no", "s4": "no"}

    double = decide(MajorityRule(counting="double"), eligible=BIG_AND_SMALL, votes=votes)
    weighted = decide(MajorityRule(counting="weighted"), eligible=BIG_AND_SMALL, votes=votes)

    assert double.outcome == "rejected"
    assert [(c.name, c.share, c.met) for c in double.criteria] == [
        ("members", Fraction(1, 5), False),
        ("weight", Fraction(10, 14), True),
    ]
    assert weighted.outcome == "passed"


def test_double_majority_fails_when_only_the_member_majority_is_reached():
    votes = {"big": "no", "s1": "yes", "s2": "yes", "s3": "yes", "s4": "yes"}

    double = decide(MajorityRule(counting="double"), eligible=BIG_AND_SMALL, votes=votes)
    equal = decide(MajorityRule(counting="equal"), eligible=BIG_AND_SMALL, votes=votes)

    assert double.outcome == "rejected"
    assert [(c.name, c.share, c.met) for c in double.criteria] == [
        ("members", Fraction(4, 5), True),
        ("weight", Fraction(4, 14), False),
    ]
    assert equal.outcome == "passed"


def test_a_quorum_can_be_reached_only_thanks_to_abstentions():
    eligible = dict.fromkeys("abcdef", Fraction(1))
    rule = MajorityRule(quorum_members=Fraction(1, 2))

    with_abstentions = decide(rule, eligible=eligible, votes={"a": "yes", "b": "abstain", "c": "abstain"})
    without = decide(rule, eligible=eligible, votes={"a": "yes"})

    assert with_abstentions.outcome == "passed"
    assert with_abstentions.quorum[0].share == Fraction(1, 2)
    assert without.outcome == "no_quorum"
    assert not without.quorum_reached


def test_no_quorum_whatever_the_votes():
    eligible = dict.fromkeys("abcdefghij", Fraction(1))
    rule = MajorityRule(counting="weighted", quorum_weight=Fraction(1, 2))

    result = decide(rule, eligible=eligible, votes={"a": "yes", "b": "yes", "c": "yes", "d": "yes"})

    assert result.outcome == "no_quorum"
    assert result.explanation.startswith("No quorum: members taking part hold 40% of the eligible weight")
    assert result.weight.yes == 4


def test_a_single_block_fails_a_consensus_proposal():
    eligible = dict.fromkeys("abcde", Fraction(1))
    votes = {"a": "yes", "b": "yes", "c": "yes", "d": "yes", "e": "block"}

    result = decide(MajorityRule(consensus=True), eligible=eligible, votes=votes)

    assert result.outcome == "rejected"
    assert result.blocked_by == ("e",)
    assert result.members.block == 1
    assert "blocked by e" in result.explanation


def test_a_block_is_refused_when_the_rule_has_no_consensus_clause():
    with pytest.raises(VoteError, match="'e' voted 'block', but this rule has no consensus clause"):
        decide(MajorityRule(), eligible={"e": Fraction(1)}, votes={"e": "block"})


def test_unanimity_is_not_prevented_by_an_abstention():
    eligible = dict.fromkeys("abcd", Fraction(1))
    rule = MajorityRule(unanimity=True)

    with_abstention = decide(rule, eligible=eligible, votes={"a": "yes", "b": "yes", "c": "yes", "d": "abstain"})
    with_one_no = decide(rule, eligible=eligible, votes={"a": "yes", "b": "yes", "c": "yes", "d": "no"})
    all_abstain = decide(rule, eligible=eligible, votes=dict.fromkeys("abcd", "abstain"))

    assert with_abstention.outcome == "passed"
    assert "abstention does not prevent unanimity" in with_abstention.explanation
    assert with_one_no.outcome == "rejected"
    assert all_abstain.outcome == "rejected"


def test_ties_fail_by_members_and_by_weight():
    eligible = {"a": Fraction(3), "b": Fraction(1), "c": Fraction(2), "d": Fraction(2)}
    votes = {"a": "yes", "b": "yes", "c": "no", "d": "no"}  # 2 v 2 members, 4 v 4 weight

    equal = decide(MajorityRule(counting="equal"), eligible=eligible, votes=votes)
    weighted = decide(MajorityRule(counting="weighted"), eligible=eligible, votes=votes)

    assert equal.outcome == weighted.outcome == "rejected"
    assert equal.criteria[0].share == weighted.criteria[0].share == Fraction(1, 2)


def test_nobody_voting_yes_or_no_leaves_the_share_undefined_and_fails():
    eligible = dict.fromkeys("abc", Fraction(1))

    result = decide(MajorityRule(counting="double"), eligible=eligible, votes={"a": "abstain"})

    assert result.outcome == "rejected"
    assert [criterion.share for criterion in result.criteria] == [None, None]
    assert "nobody voted yes or no" in result.explanation


def test_weight_criteria_cannot_be_met_when_the_eligible_hold_no_weight():
    eligible = dict.fromkeys("abc", Fraction(0))
    votes = dict.fromkeys("abc", "yes")

    weighted = decide(MajorityRule(counting="weighted"), eligible=eligible, votes=votes)
    equal = decide(MajorityRule(counting="equal"), eligible=eligible, votes=votes)
    weight_quorum = decide(MajorityRule(quorum_weight=Fraction(1, 10)), eligible=eligible, votes=votes)

    assert weighted.outcome == "rejected"
    assert "hold no weight at all" in weighted.explanation
    assert equal.outcome == "passed"
    assert weight_quorum.outcome == "no_quorum"


def test_a_zero_weight_member_changes_no_weighted_share():
    eligible = {"a": Fraction(2), "b": Fraction(1), "z": Fraction(0)}

    result = decide(MajorityRule(counting="weighted"), eligible=eligible, votes={"a": "no", "b": "yes", "z": "yes"})

    assert result.criteria[0].share == Fraction(1, 3)
    assert result.outcome == "rejected"


def test_the_explanation_states_the_count_and_the_threshold():
    eligible = {f"m{i}": Fraction(1) for i in range(11)}
    votes = {f"m{i}": "yes" if i < 7 else "no" for i in range(11)}

    result = decide(MajorityRule(), eligible=eligible, votes=votes)

    assert result.explanation == "Passed: 7 of 11 members voting yes or no voted yes (about 63.6%, needed more than 50%: met)."


def test_the_explanation_gives_weights_exactly_and_rounded_shares_with_about():
    eligible = {"a": Fraction(7), "b": Fraction(5)}
    rule = MajorityRule(counting="weighted", weight_threshold=Threshold(Fraction(55, 100), False, "eligible"))

    result = decide(rule, eligible=eligible, votes={"a": "yes", "b": "no"})

    assert result.explanation == (
        "Passed: members voting yes hold about 58.3% of the weight of all eligible members "
        "(7 of 12; needed at least 55%: met)."
    )
    assert result.criteria[0].share == Fraction(7, 12)


def test_result_to_dict_uses_exact_strings():
    result = decide(MajorityRule(counting="weighted"), eligible={"a": Fraction(1, 3), "b": Fraction(1, 2)}, votes={"a": "yes"})

    data = result.to_dict()

    assert data["weight"] == {"yes": "1/3", "no": "0", "abstain": "0", "block": "0", "not_voted": "0.5", "eligible": "5/6"}
    assert data["members"]["eligible"] == 2
    assert data["criteria"][0]["share"] == "1"
    assert data["rule"]["counting"] == "weighted"


@pytest.mark.parametrize(
    ("eligible", "votes", "message"),
    [
        ({"a": 1}, {"x": "yes"}, "'x' voted but is not an eligible member of this ballot"),
        ({"a": 1}, {"a": "maybe"}, "'a' voted 'maybe'; a vote is one of: yes, no, abstain, block"),
        ({"a": -1}, {}, "weight of 'a' is -1; a weight cannot be negative"),
        ({"a": 0.5}, {}, "weight of 'a': 0.5 is a binary float"),
    ],
)
def test_bad_votes_and_weights_raise_vote_errors_that_say_what_is_wrong(eligible, votes, message):
    with pytest.raises(VoteError) as raised:
        decide(MajorityRule(), eligible=eligible, votes=votes)

    assert message in str(raised.value)


def test_passes_treats_everyone_outside_the_yes_coalition_as_voting_no():
    weights = {"a": Fraction(50), "b": Fraction(49), "c": Fraction(1)}
    rule = MajorityRule(counting="weighted")

    winning = {frozenset(s) for s in ({"a", "b"}, {"a", "c"}, {"a", "b", "c"})}
    coalitions = [frozenset(s) for s in ({"a"}, {"b"}, {"c"}, {"a", "b"}, {"a", "c"}, {"b", "c"}, {"a", "b", "c"}, set())]

    assert {c for c in coalitions if passes(rule, eligible=weights, yes=c)} == winning


def test_passes_refuses_a_yes_voter_who_is_not_eligible():
    with pytest.raises(VoteError, match="'zz' not eligible"):
        passes(MajorityRule(), eligible={"a": Fraction(1)}, yes={"zz"})
