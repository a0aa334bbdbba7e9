"""Power analysis through the API: reports per rule, frozen ballot power, pivotal members, what-ifs."""

from tests.factories import decide, make_coalition, make_proposal, open_ballot

WEIGHTED = {"counting": "weighted", "weight_threshold": {"fraction": "1/2", "strict": True, "base": "yes_no"}}


def test_one_percent_member_has_the_power_of_the_forty_nine_percent_member(client, clock) -> None:
    fixture = make_coalition(client, members={"large": 50, "middle": 49, "small": 1})
    response = client.put(fixture.url("/rules/decision"), headers=fixture.admin,
                          json={"rule": WEIGHTED, "reason": "weight counts"})
    assert response.status_code == 200

    report = client.get(fixture.url("/power")).json()["reports"][0]["report"]

    # Winning coalitions with quota 51: {L,M}, {L,S}, {L,M,S}; L swings in 3, M and S in 1 each.
    assert report["banzhaf"] == {"large": "3/5", "middle": "1/5", "small": "1/5"}
    # Orders of 3: L is pivotal unless it comes first: 4 of 6 orders.
    assert report["shapley_shubik"] == {"large": "2/3", "middle": "1/6", "small": "1/6"}
    assert report["veto"] == ["large"]
    assert report["weight_share"] == {"large": "0.5", "middle": "0.49", "small": "0.01"}


def test_forty_five_percent_member_is_a_dummy_beside_fifty_five(client) -> None:
    fixture = make_coalition(client, members={"big": 55, "other": 45})
    client.put(fixture.url("/rules/decision"), headers=fixture.admin, json={"rule": WEIGHTED, "reason": "weights"})

    report = client.get(fixture.url("/power")).json()["reports"][0]["report"]

    assert report["dummies"] == ["other"]
    assert report["dictator"] == "big"
    assert report["banzhaf"] == {"big": "1", "other": "0"}


def test_ballot_freezes_its_power_and_reports_pivotal_members(client, clock) -> None:
    fixture = make_coalition(client, members={"large": 50, "middle": 49, "small": 1})

    result = decide(client, fixture, {"large": "yes", "middle": "no", "small": "yes"}, now=clock.now, rule=WEIGHTED)
    ballot = client.get(fixture.url("/proposals/1/ballot")).json()

    assert result["outcome"] == "passed"
    assert ballot["power"]["banzhaf"]["small"] == "1/5"
    # 51 of 100 passes; if large or small had voted no, 50 or 1 yes of 100 fails; middle voting yes changes nothing.
    assert ballot["pivotal"] == {"large": ["no"], "small": ["no"]}


def test_what_if_shows_past_outcomes_that_would_change_and_stores_nothing(client, clock) -> None:
    fixture = make_coalition(client, members={"large": 60, "a": 20, "b": 20})
    decide(client, fixture, {"large": "yes", "a": "no", "b": "no"}, now=clock.now)  # equal counting: 1 of 3, rejected
    size_before = client.get(fixture.url()).json()["log_size"]

    response = client.post(fixture.url("/power/what-if"), json={"kind": "decision", "rule": WEIGHTED})

    assert response.status_code == 200
    body = response.json()
    assert body["changed_outcomes"] == [{"number": 1, "title": "A proposal", "recorded": "rejected",
                                         "would_be": "passed"}]
    assert body["current"]["report"]["banzhaf"] == {"large": "1/3", "a": "1/3", "b": "1/3"}
    assert body["proposed"]["report"]["dictator"] == "large"
    assert client.get(fixture.url()).json()["log_size"] == size_before


def test_what_if_with_unknown_member_weight_is_a_404(client) -> None:
    fixture = make_coalition(client, members={"a": 1})

    response = client.post(fixture.url("/power/what-if"), json={"weights": {"nobody": "3"}})

    assert response.status_code == 404


def test_power_history_counts_success_and_pivotality(client, clock) -> None:
    fixture = make_coalition(client, members={"a": 1, "b": 1, "c": 1})
    decide(client, fixture, {"a": "yes", "b": "yes", "c": "no"}, now=clock.now)

    history = client.get(fixture.url("/power/history")).json()

    assert history["ballots"][0]["pivotal"] == {"a": ["no"], "b": ["no"]}
    records = {row["member"]: row for row in history["members"]}
    assert records["a"]["success_rate"] == "1" and records["c"]["success_rate"] == "0"
    assert records["a"]["pivotal"] == 1 and records["c"]["pivotal"] == 0


def test_choice_ballots_have_no_simple_game_power(client, clock) -> None:
    fixture = make_coalition(client, members={"a": 1, "b": 1})
    number = make_proposal(client, fixture, kind="choice", options=["X", "Y"])

    ballot = open_ballot(client, fixture, number, now=clock.now)

    assert ballot["power"] is None


def test_past_the_memory_budget_the_report_is_an_estimate_marked_not_exact(client, app, monkeypatch) -> None:
    from governance import power as governance_power

    monkeypatch.setattr(governance_power, "MONTE_CARLO_SAMPLES", 300)
    app.state.power_cache.memory_bytes = 1000
    fixture = make_coalition(client, members={"large": 50, "middle": 49, "small": 1, "tiny": 1})
    client.put(fixture.url("/rules/decision"), headers=fixture.admin, json={"rule": WEIGHTED, "reason": "weights"})

    report = client.get(fixture.url("/power")).json()["reports"][0]["report"]

    assert report["exact"] is False
    assert report["note"]["reason"] == "memory" and report["note"]["limit_bytes"] == 1000
    assert set(report["shapley_shubik"]["large"]) == {"estimate", "low", "high"}
