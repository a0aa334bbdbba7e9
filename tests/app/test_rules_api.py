"""Every yes/no/abstain rule variant decided through the API, with expected results worked out by hand."""

from tests.app.support import quick_coalition, snapshot
from tests.factories import decide, make_proposal, open_ballot, vote


def threshold(fraction: str, *, strict: bool, base: str = "yes_no") -> dict:
    return {"fraction": fraction, "strict": strict, "base": base}


def criterion(result: dict, name: str) -> dict:
    return next(c for c in result["criteria"] + result["quorum"] if c["name"] == name)


def test_a_tie_fails_under_more_than_half_and_passes_under_at_least_half(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1, "d": 1})
    votes = {"a": "yes", "b": "yes", "c": "no", "d": "no"}

    more_than = decide(client, fixture, votes, now=clock.now, rule={"member_threshold": threshold("1/2", strict=True)})
    at_least = decide(client, fixture, votes, now=clock.now, rule={"member_threshold": threshold("1/2", strict=False)})

    assert more_than["outcome"] == "rejected"
    assert criterion(more_than, "members")["share"] == "0.5" and not criterion(more_than, "members")["met"]
    assert at_least["outcome"] == "passed"


def test_a_weighted_tie_fails(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"north": "50.5", "south": "50.5", "east": 3})

    result = decide(client, fixture, {"north": "yes", "south": "no", "east": "abstain"}, now=clock.now,
                    rule={"counting": "weighted"})

    assert result["outcome"] == "rejected"
    assert result["weight"]["yes"] == "50.5" and result["weight"]["no"] == "50.5"
    assert criterion(result, "weight")["share"] == "0.5"


def test_the_threshold_base_decides_which_votes_count(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1, "d": 1, "e": 1})
    votes = {"a": "yes", "b": "yes", "c": "no", "d": "abstain"}  # e does not vote

    outcomes = {}
    for base, strict in (("yes_no", False), ("cast", False), ("cast", True), ("eligible", False)):
        result = decide(client, fixture, votes, now=clock.now,
                        rule={"member_threshold": threshold("1/2", strict=strict, base=base)})
        outcomes[base, strict] = (result["outcome"], criterion(result, "members")["share"])

    assert outcomes == {
        ("yes_no", False): ("passed", "2/3"),      # 2 yes of 3 voting yes or no
        ("cast", False): ("passed", "0.5"),        # 2 yes of 4 cast: at least half
        ("cast", True): ("rejected", "0.5"),       # ... but not more than half
        ("eligible", False): ("rejected", "0.4"),  # 2 yes of 5 eligible
    }


EU_LIKE = {"counting": "double", "member_threshold": threshold("0.55", strict=False, base="eligible"),
           "weight_threshold": threshold("0.65", strict=False, base="eligible")}
EU_MEMBERS = {"big-1": 40, "big-2": 30, "small-1": 10, "small-2": 10, "small-3": 10}


def test_double_majority_fails_when_the_weight_passes_but_the_members_do_not(app, client, clock) -> None:
    fixture = quick_coalition(app, members=EU_MEMBERS)
    votes = {"big-1": "yes", "big-2": "yes", "small-1": "no", "small-2": "no", "small-3": "no"}

    result = decide(client, fixture, votes, now=clock.now, rule=EU_LIKE)

    assert result["outcome"] == "rejected"
    assert (criterion(result, "members")["met"], criterion(result, "members")["share"]) == (False, "0.4")
    assert (criterion(result, "weight")["met"], criterion(result, "weight")["share"]) == (True, "0.7")
    explanation = result["explanation"]
    assert explanation.startswith("Rejected: 2 of 5 eligible members voted yes (40%, needed at least 55%: not met)")
    assert "70% of the weight of all eligible members (70 of 100; needed at least 65%: met)" in explanation


def test_double_majority_fails_when_the_members_pass_but_the_weight_does_not(app, client, clock) -> None:
    fixture = quick_coalition(app, members=EU_MEMBERS)
    votes = {"big-1": "no", "big-2": "no", "small-1": "yes", "small-2": "yes", "small-3": "yes"}

    result = decide(client, fixture, votes, now=clock.now, rule=EU_LIKE)

    assert result["outcome"] == "rejected"
    assert (criterion(result, "members")["met"], criterion(result, "members")["share"]) == (True, "0.6")
    assert (criterion(result, "weight")["met"], criterion(result, "weight")["share"]) == (False, "0.3")
    assert "3 of 5 eligible members voted yes (60%, needed at least 55%: met)" in result["explanation"]
    assert "(30 of 100; needed at least 65%: not met)" in result["explanation"]


def test_double_majority_passes_when_both_majorities_are_reached(app, client, clock) -> None:
    fixture = quick_coalition(app, members=EU_MEMBERS)
    votes = {"big-1": "yes", "big-2": "yes", "small-1": "yes", "small-2": "no", "small-3": "no"}

    result = decide(client, fixture, votes, now=clock.now, rule=EU_LIKE)

    assert result["outcome"] == "passed"
    assert result["members"]["yes"] == 3 and result["weight"]["yes"] == "80"


def test_the_quorum_is_met_only_thanks_to_an_abstention(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1, "d": 1})
    rule = {"quorum_members": "1/2"}

    with_abstention = decide(client, fixture, {"a": "yes", "b": "abstain"}, now=clock.now, rule=rule)
    without = decide(client, fixture, {"a": "yes"}, now=clock.now, rule=rule)

    assert with_abstention["outcome"] == "passed" and with_abstention["quorum_reached"] is True
    assert criterion(with_abstention, "quorum_members")["share"] == "0.5"
    assert without["outcome"] == "no_quorum" and without["quorum_reached"] is False
    assert without["explanation"].startswith("No quorum: 1 of 4 members took part (25%")


def test_a_quorum_by_weight_counts_weight_not_members(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"big": 60, "small-1": 20, "small-2": 20})
    rule = {"counting": "weighted", "quorum_weight": "1/2"}

    two_small = decide(client, fixture, {"small-1": "yes", "small-2": "yes"}, now=clock.now, rule=rule)
    one_big = decide(client, fixture, {"big": "yes"}, now=clock.now, rule=rule)

    assert two_small["outcome"] == "no_quorum" and criterion(two_small, "quorum_weight")["share"] == "0.4"
    assert one_big["outcome"] == "passed" and criterion(one_big, "quorum_weight")["share"] == "0.6"


def test_a_single_block_fails_a_consensus_ballot(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1})

    result = decide(client, fixture, {"a": "yes", "b": "yes", "c": "block"}, now=clock.now, rule={"consensus": True})

    assert result["outcome"] == "rejected"
    assert result["blocked_by"] == ["c"] and result["members"]["block"] == 1
    assert criterion(result, "members")["met"] is True and criterion(result, "consensus")["met"] is False
    assert "blocked by c" in result["explanation"]


def test_a_block_is_refused_where_the_rule_has_no_consensus(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    before = snapshot(engine)

    response = vote(client, fixture, number, "a", choice="block")

    assert response.status_code == 422
    assert "yes, no, abstain" in response.json()["detail"]
    assert snapshot(engine) == before


def test_unanimity_tolerates_an_abstention_but_not_a_no(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1})

    abstained = decide(client, fixture, {"a": "yes", "b": "yes", "c": "abstain"}, now=clock.now,
                       rule={"unanimity": True})
    one_no = decide(client, fixture, {"a": "yes", "b": "no", "c": "yes"}, now=clock.now, rule={"unanimity": True})

    assert abstained["outcome"] == "passed"
    assert one_no["outcome"] == "rejected"
    assert criterion(one_no, "members")["met"] is True and criterion(one_no, "unanimity")["met"] is False


def test_every_result_shows_the_count_by_members_and_by_weight(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 3, "b": 1, "c": "1.5"})

    result = decide(client, fixture, {"a": "yes", "b": "no", "c": "no"}, now=clock.now, rule={"counting": "equal"})

    assert result["outcome"] == "rejected"
    assert result["members"] == {"yes": 1, "no": 2, "abstain": 0, "block": 0, "not_voted": 0, "eligible": 3}
    assert result["weight"] == {"yes": "3", "no": "2.5", "abstain": "0", "block": "0", "not_voted": "0",
                                "eligible": "5.5"}
    assert result["explanation"] == (
        "Rejected: 1 of 3 members voting yes or no voted yes (about 33.3%, needed more than 50%: not met).")
