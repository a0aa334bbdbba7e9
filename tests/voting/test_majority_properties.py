"""Properties of yes/no/abstain decisions: renaming and rescaling change nothing, more yes never hurts, an independent recount agrees."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from voting.majority import MajorityRule, Threshold, decide

SETTINGS = settings(max_examples=150, deadline=None)
NAMES = [f"m{i}" for i in range(7)]

fractions_in_unit = st.builds(Fraction, st.integers(1, 12), st.integers(1, 12)).filter(lambda f: f <= 1)
thresholds = st.builds(Threshold, fractions_in_unit, st.booleans(), st.sampled_from(["yes_no", "cast", "eligible"]))
quorums = st.none() | st.builds(Fraction, st.integers(0, 6), st.just(6))


@st.composite
def rules(draw, consensus=st.booleans()):
    counting = draw(st.sampled_from(["equal", "weighted", "double"]))
    minority = draw(st.none() | st.integers(1, 4)) if counting != "equal" else None
    return MajorityRule(
        counting=counting,
        member_threshold=draw(thresholds),
        weight_threshold=draw(thresholds),
        quorum_members=draw(quorums),
        quorum_weight=draw(quorums),
        consensus=draw(consensus),
        unanimity=draw(st.booleans()),
        blocking_minority_members=minority,
    )


@st.composite
def ballots(draw, rule):
    size = draw(st.integers(0, len(NAMES)))
    eligible = {name: Fraction(draw(st.integers(0, 9))) for name in NAMES[:size]}
    choices = ["yes", "no", "abstain"] + (["block"] if rule.consensus else [])
    voters = draw(st.lists(st.sampled_from(NAMES[:size]), unique=True)) if size else []
    votes = {name: draw(st.sampled_from(choices)) for name in voters}
    return eligible, votes


rule_and_ballot = rules().flatmap(lambda rule: st.tuples(st.just(rule), ballots(rule)))
monotone_rule_and_ballot = rules(consensus=st.just(False)).flatmap(lambda rule: st.tuples(st.just(rule), ballots(rule)))


def shares(result):
    return [(c.name, c.share, c.met) for c in result.criteria + result.quorum]


@SETTINGS
@given(rule_and_ballot, st.randoms(use_true_random=False))
def test_renaming_the_members_changes_nothing(case, random):
    rule, (eligible, votes) = case
    new_names = [f"org-{i}" for i in range(len(eligible))]
    random.shuffle(new_names)
    renamed = dict(zip(eligible, new_names))

    original = decide(rule, eligible=eligible, votes=votes)
    relabelled = decide(
        rule,
        eligible={renamed[m]: w for m, w in reversed(list(eligible.items()))},
        votes={renamed[m]: c for m, c in votes.items()},
    )

    assert relabelled.outcome == original.outcome
    assert shares(relabelled) == shares(original)
    assert relabelled.members == original.members
    assert relabelled.weight == original.weight


@SETTINGS
@given(rule_and_ballot, st.builds(Fraction, st.integers(1, 50), st.integers(1, 50)))
def test_scaling_every_weight_by_the_same_factor_changes_nothing(case, factor):
    rule, (eligible, votes) = case

    original = decide(rule, eligible=eligible, votes=votes)
    scaled = decide(rule, eligible={m: w * factor for m, w in eligible.items()}, votes=votes)

    assert scaled.outcome == original.outcome
    assert shares(scaled) == shares(original)
    assert scaled.weight.yes == original.weight.yes * factor


@SETTINGS
@given(monotone_rule_and_ballot, st.data())
def test_one_more_yes_never_turns_a_pass_into_a_rejection(case, data):
    rule, (eligible, votes) = case
    not_yes = [m for m in eligible if votes.get(m) != "yes"]
    if not not_yes:
        return
    convert = data.draw(st.sampled_from(not_yes))

    before = decide(rule, eligible=eligible, votes=votes)
    after = decide(rule, eligible=eligible, votes={**votes, convert: "yes"})

    if before.outcome == "passed":
        assert after.outcome == "passed"


def clears(yes, total, threshold):
    """Cross-multiplied integer comparison: yes / total against p / q without any division."""
    if total == 0:
        return False
    p, q = threshold.fraction.numerator, threshold.fraction.denominator
    return yes * q > p * total if threshold.strict else yes * q >= p * total


def recount(rule, eligible, votes):
    """An independent, deliberately plain reimplementation of the rule (integer weights only)."""
    def tally(weigh):
        sums = {"yes": 0, "no": 0, "abstain": 0, "block": 0}
        for member, choice in votes.items():
            sums[choice] += weigh(member)
        total = sum(weigh(m) for m in eligible)
        cast = sum(sums.values())
        return sums, {"yes_no": sums["yes"] + sums["no"], "cast": cast, "eligible": total}, cast, total

    heads, head_bases, heads_cast, heads_total = tally(lambda m: 1)
    weights, weight_bases, weight_cast, weight_total = tally(lambda m: int(eligible[m]))
    for quorum, cast, total in ((rule.quorum_members, heads_cast, heads_total), (rule.quorum_weight, weight_cast, weight_total)):
        if quorum is not None and quorum != 0 and (total == 0 or cast * quorum.denominator < quorum.numerator * total):
            return "no_quorum"
    ok = True
    if rule.counting in ("equal", "double"):
        t = rule.member_threshold
        ok &= clears(heads["yes"], head_bases[t.base], t)
    if rule.counting in ("weighted", "double"):
        t = rule.weight_threshold
        met = clears(weights["yes"], weight_bases[t.base], t)
        if not met and rule.blocking_minority_members and weight_bases[t.base] and heads["yes"]:
            against = {"yes_no": heads["no"], "cast": heads_cast - heads["yes"], "eligible": heads_total - heads["yes"]}
            met = against[t.base] < rule.blocking_minority_members
        ok &= met
    if rule.unanimity:
        ok &= heads["no"] == 0 and heads["block"] == 0 and heads["yes"] > 0
    if rule.consensus:
        ok &= heads["block"] == 0
    return "passed" if ok else "rejected"


@settings(max_examples=300, deadline=None)
@given(rule_and_ballot)
def test_an_independent_integer_recount_reaches_the_same_outcome(case):
    rule, (eligible, votes) = case

    assert decide(rule, eligible=eligible, votes=votes).outcome == recount(rule, eligible, votes)


@SETTINGS
@given(rules())
def test_every_rule_survives_a_round_trip_through_its_dict(rule):
    assert MajorityRule.from_dict(rule.to_dict()) == rule
