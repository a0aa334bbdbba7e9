"""Ballots end to end through the API: freezing, casting, changing, closing at the deadline."""

from datetime import timedelta

from sqlmodel import select

from app.db import read_session
from app.tasks import close_due_everywhere
from governance.clock import utcnow
from governance.models import Coalition, Proposal
from tests.app.support import log_events, quick_coalition, snapshot
from tests.factories import add_member, decide, make_coalition, make_proposal, open_ballot, vote


def test_weighted_majority_passes_where_member_majority_fails(client, clock) -> None:
    fixture = make_coalition(client, members={"big": 60, "small-a": 20, "small-b": 20})
    rule = {"counting": "weighted", "weight_threshold": {"fraction": "1/2", "strict": True, "base": "yes_no"}}

    result = decide(client, fixture, {"big": "yes", "small-a": "no", "small-b": "no"}, now=clock.now, rule=rule)

    assert result["outcome"] == "passed"
    assert result["members"]["yes"] == 1 and result["members"]["no"] == 2
    assert result["weight"]["yes"] == "60" and result["weight"]["no"] == "40"


def test_ballot_closes_once_at_its_deadline_on_the_next_read(client, clock, session) -> None:
    fixture = make_coalition(client, members={"a": 1, "b": 1, "c": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, days=1)
    assert vote(client, fixture, number, "a", choice="yes").status_code == 200
    assert vote(client, fixture, number, "b", choice="yes").status_code == 200
    clock.advance(days=2)

    first = client.get(fixture.url(f"/proposals/{number}/ballot")).json()
    second = client.get(fixture.url(f"/proposals/{number}/ballot")).json()
    late = vote(client, fixture, number, "c", choice="no")

    assert first["status"] == "closed" and first["result"]["outcome"] == "passed"
    assert second["closed_at"] == first["closed_at"]
    assert late.status_code == 409
    entries = client.get(fixture.url("/log/entries")).json()["items"]
    assert [e["type"] for e in entries].count("ballot.closed") == 1


def ballot_url(fixture, number: int, path: str = "") -> str:  # noqa: ANN001
    return fixture.url(f"/proposals/{number}/ballot{path}")


def close_early(client, fixture, number: int):  # noqa: ANN001, ANN201
    return client.post(ballot_url(fixture, number, "/close"), headers=fixture.admin)


def test_a_weight_change_after_opening_touches_neither_the_frozen_weights_nor_the_result(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"ferry": 3, "harbour": 2})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, rule={"counting": "weighted"})
    vote(client, fixture, number, "ferry", choice="yes")
    vote(client, fixture, number, "harbour", choice="no")

    changed = client.put(fixture.url("/members/harbour/weight"), headers=fixture.admin,
                         json={"weight": "5", "basis": "500 members", "reason": "Membership audit"})
    frozen = client.get(ballot_url(fixture, number)).json()["eligible"]
    result = close_early(client, fixture, number).json()["result"]

    assert changed.status_code == 200
    assert {row["member"]: row["weight"] for row in frozen} == {"ferry": "3", "harbour": "2"}
    assert result["outcome"] == "passed"  # 3 against 2 as frozen; live weights would make it 3 against 5
    assert result["weight"]["no"] == "2"
    assert client.get(fixture.url("/members/harbour")).json()["weight"] == "5"


def test_a_member_admitted_after_opening_cannot_vote(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    add_member(client, fixture, "latecomer", 4)
    before = snapshot(engine)

    response = vote(client, fixture, number, "latecomer", choice="yes")

    assert response.status_code == 403
    assert "not an eligible member when this ballot opened" in response.json()["detail"]
    assert snapshot(engine) == before


def test_the_weights_register_shows_every_weight_with_its_reason(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"ferry": 3, "harbour": 2})
    clock.advance(days=3)
    client.put(fixture.url("/members/harbour/weight"), headers=fixture.admin,
               json={"weight": 0.42, "basis": "annual fee share", "reason": "Fee-based weights from 2026"})

    register = client.get(fixture.url("/weights")).json()
    harbour = client.get(fixture.url("/weights"), params={"member": "harbour"}).json()

    rows = [(r["member"], r["old_weight"], r["new_weight"], r["basis"], r["reason"]) for r in register["items"]]
    assert rows == [("ferry", None, "3", "members", "admitted"), ("harbour", None, "2", "members", "admitted"),
                    ("harbour", "2", "0.42", "annual fee share", "Fee-based weights from 2026")]
    assert register["page"]["total"] == 3 and harbour["page"]["total"] == 2
    assert harbour["items"][-1]["actor"] == "wpn-admin"
    assert harbour["items"][-1]["changed_at"].startswith("2026-03-04T09:00")


def test_a_representative_changes_its_vote_and_the_last_one_counts(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)

    casts = [vote(client, fixture, number, "a", choice=choice) for choice in ("yes", "abstain", "no")]
    vote(client, fixture, number, "b", choice="yes")
    result = close_early(client, fixture, number).json()["result"]
    votes = client.get(ballot_url(fixture, number, "/votes")).json()["items"]

    assert [r.status_code for r in casts] == [200, 200, 200]
    assert [r.json()["vote"]["casts"] for r in casts] == [1, 2, 3]
    assert result["members"]["no"] == 1 and result["members"]["yes"] == 1 and result["members"]["abstain"] == 0
    assert {v["member"]: (v["vote"], v["casts"]) for v in votes} == {"a": ({"choice": "no"}, 3),
                                                                    "b": ({"choice": "yes"}, 1)}
    events = log_events(engine, fixture.slug)
    cast_events = [e for e in events if e["type"] == "vote.cast"]
    assert [(e["body"]["member"], e["body"]["actor"]) for e in cast_events] == [
        ("a", "rep-wpn-a"), ("a", "rep-wpn-a"), ("a", "rep-wpn-a"), ("b", "rep-wpn-b")]
    assert len({e["body"]["commitment"] for e in cast_events}) == 4
    reveals = [e for e in events if e["type"] == "ballot.closed"][0]["body"]["votes"]
    assert {m: (r["vote"], r["idx"]) for m, r in reveals.items()} == {
        "a": ({"choice": "no"}, cast_events[2]["idx"]), "b": ({"choice": "yes"}, cast_events[3]["idx"])}
    assert [r.json()["log_index"] for r in casts] == [e["idx"] for e in cast_events[:3]]


def test_observers_see_who_voted_but_not_how_until_the_ballot_closes(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    vote(client, fixture, number, "a", choice="yes")
    vote(client, fixture, number, "b", choice="no")

    open_votes = client.get(ballot_url(fixture, number, "/votes")).json()
    open_ballot_view = client.get(ballot_url(fixture, number)).json()
    own_view = client.get(ballot_url(fixture, number, "/votes"), headers=fixture.reps["a"]).json()
    close_early(client, fixture, number)
    closed_votes = client.get(ballot_url(fixture, number, "/votes")).json()

    assert [(v["member"], v["vote"], v["account"]) for v in open_votes["items"]] == [("a", None, None), ("b", None, None)]
    assert sorted(open_ballot_view["voted"]) == ["a", "b"]
    assert open_ballot_view["running_count"] is None and open_ballot_view["result"] is None
    assert {v["member"]: v["vote"] for v in own_view["items"]} == {"a": {"choice": "yes"}, "b": None}
    assert {v["member"]: v["vote"] for v in closed_votes["items"]} == {"a": {"choice": "yes"}, "b": {"choice": "no"}}
    assert all(v["account"] for v in closed_votes["items"])


def test_a_ballot_opened_with_live_results_shows_the_running_count(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 2, "b": 1, "c": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, live_results=True)
    vote(client, fixture, number, "a", choice="yes")
    vote(client, fixture, number, "b", choice="no")

    view = client.get(ballot_url(fixture, number)).json()

    assert view["status"] == "open" and view["result"] is None
    assert view["running_count"]["members"]["yes"] == 1 and view["running_count"]["members"]["no"] == 1
    assert view["running_count"]["weight"]["yes"] == "2"


def test_an_overdue_ballot_closes_on_the_next_write_and_the_late_vote_leaves_no_trace(app, client, clock,
                                                                                     engine) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1, "c": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now, days=1)
    vote(client, fixture, number, "a", choice="yes")
    clock.advance(days=1, seconds=1)

    late = vote(client, fixture, number, "b", choice="no")
    again = vote(client, fixture, number, "c", choice="no")

    assert late.status_code == 409 and again.status_code == 409
    assert "closed" in late.json()["detail"]
    events = log_events(engine, fixture.slug)
    assert [e["type"] for e in events].count("ballot.closed") == 1
    assert [e["body"]["member"] for e in events if e["type"] == "vote.cast"] == ["a"]
    closed = next(e for e in events if e["type"] == "ballot.closed")
    assert closed["body"]["closed_at"] == "2026-03-02T09:00:00Z" and closed["body"]["actor"] is None
    ballot = client.get(ballot_url(fixture, number)).json()
    assert ballot["voted"] == ["a"] and ballot["result"]["members"]["no"] == 0


def test_close_due_closes_overdue_ballots_of_every_coalition(app, client, clock, engine, settings,
                                                             database_url) -> None:
    first = quick_coalition(app, slug="first", members={"a": 1})
    second = quick_coalition(app, slug="second", members={"b": 1})
    clock.now = utcnow() - timedelta(days=10)
    numbers = [make_proposal(client, fixture) for fixture in (first, second)]
    for fixture, number in zip((first, second), numbers):
        open_ballot(client, fixture, number, now=clock.now, days=1)
    vote(client, first, numbers[0], "a", choice="yes")
    still_open = make_proposal(client, second)
    open_ballot(client, second, still_open, now=clock.now, days=30)

    closed = close_due_everywhere(settings.model_copy(update={"database_url": database_url}))
    closed_again = close_due_everywhere(settings.model_copy(update={"database_url": database_url}))

    assert closed == {"first": [numbers[0]], "second": [numbers[1]]}
    assert closed_again == {}
    first_events = log_events(engine, "first")
    assert [e["type"] for e in first_events].count("ballot.closed") == 1
    assert first_events[-1]["body"]["result"]["outcome"] == "passed"
    with read_session(engine) as session:
        states = dict(session.exec(select(Proposal.number, Proposal.state).join(Coalition).where(
            Coalition.slug == "second")).all())
    assert states == {numbers[1]: "closed", still_open: "open"}


def test_an_admin_may_close_early_only_where_the_rule_allows(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1})
    flexible, strict = make_proposal(client, fixture), make_proposal(client, fixture)
    open_ballot(client, fixture, flexible, now=clock.now)
    open_ballot(client, fixture, strict, now=clock.now, rule={"early_close": False})
    by_representative = client.post(ballot_url(fixture, flexible, "/close"), headers=fixture.reps["a"])
    before = snapshot(engine)

    refused = close_early(client, fixture, strict)
    after_refusal = snapshot(engine)
    allowed = close_early(client, fixture, flexible)

    assert by_representative.status_code == 403
    assert refused.status_code == 409 and "does not allow" in refused.json()["detail"]
    assert after_refusal == before
    assert allowed.status_code == 200 and allowed.json()["status"] == "closed"
    assert allowed.json()["closed_at"].startswith("2026-03-01T09:00")
