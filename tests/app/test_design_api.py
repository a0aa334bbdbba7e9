"""The rule designer through the API: a search in the background, exact candidates, refusals, the rate limit."""

from datetime import timedelta
from fractions import Fraction

import pytest
from fastapi.testclient import TestClient

from app.db import write_session
from app.design_jobs import jobs_of
from app.main import create_app
from governance.clock import utcnow
from governance.models import DesignRun
from tests.app.design_kit import design_runs
from tests.factories import make_coalition
from voting.power import Criterion, Game, analyze

MEMBERS = {"ferry": 400, "dock": 100, "bakers": 100, "tenants": 25}


@pytest.fixture(autouse=True)
def small_budget(app):
    """Searches of a few hundred weightings: enough for four members, and quick."""
    jobs_of(app)[0].evaluations = 300


def finished(client, app, fixture, job_id):
    jobs, _ = jobs_of(app)
    jobs.wait(job_id)
    response = client.get(fixture.url(f"/design/{job_id}"))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_search_returns_exact_candidates_for_the_members_weights(client, app) -> None:
    fixture = make_coalition(client, members=MEMBERS)

    started = client.post(fixture.url("/design"), json={"target": "sqrt", "max_weight": 12})

    assert started.status_code == 202, started.text
    body = finished(client, app, fixture, started.json()["id"])
    assert body["status"] == "done"
    best = body["result"]["candidates"][0]
    assert set(best["weights"]) == set(MEMBERS)
    assert body["result"]["targets"] == {"ferry": "4/9", "dock": "2/9", "bakers": "2/9", "tenants": "1/9"}
    game = Game(tuple(best["weights"]), (Criterion(tuple(best["weights"].values()), best["quota"]),))
    assert {m.name: str(m.banzhaf) for m in analyze(game).members} == best["indices"]
    assert Fraction(best["max_deviation"]) == max(
        abs(Fraction(best["indices"][m]) - Fraction(body["result"]["targets"][m])) for m in MEMBERS)


def test_explicit_shares_and_constraints_reach_the_search(client, app) -> None:
    fixture = make_coalition(client, members=MEMBERS)
    shares = {"ferry": "1/4", "dock": "1/4", "bakers": "1/4", "tenants": "1/4"}

    started = client.post(fixture.url("/design"), json={"target": "shares", "values": shares, "no_veto": True,
                                                        "double_majority": True, "max_weight": 6})

    body = finished(client, app, fixture, started.json()["id"])
    for candidate in body["result"]["candidates"]:
        assert candidate["veto"] == []
        assert isinstance(candidate["members_quota"], int)


def test_bad_requests_are_refused_with_a_message_and_start_nothing(client, app) -> None:
    fixture = make_coalition(client, members=MEMBERS)
    cases = [
        ({"target": "shares", "values": {"ferry": "1"}}, 400, "every member"),
        ({"values": {"nobody": "3"}}, 404, "nobody"),
        ({"max_share": "lots"}, 422, "max_share"),
        ({"values": {"ferry": "-4"}}, 422, "negative"),
        ({"max_weight": 0}, 422, "max_weight"),
    ]

    for body, status, words in cases:
        response = client.post(fixture.url("/design"), json=body)

        assert response.status_code == status, (body, response.text)
        assert words in response.text
    assert design_runs(app) == []


def test_an_unknown_search_is_not_found(client) -> None:
    fixture = make_coalition(client, members=MEMBERS)

    assert client.get(fixture.url("/design/nope")).status_code == 404


def test_anonymous_searches_are_rate_limited_by_address(client, app) -> None:
    fixture = make_coalition(client, members={"a": 2, "b": 1, "c": 1})
    _, limiter = jobs_of(app)
    limiter.limits["address"] = 2

    codes = [client.post(fixture.url("/design"), json={"max_weight": 3}).status_code for _ in range(3)]
    signed_in = client.post(fixture.url("/design"), json={"max_weight": 3}, headers=fixture.admin)

    assert codes == [202, 202, 429]
    assert signed_in.status_code == 202


def test_a_search_too_large_for_the_server_is_refused_before_it_starts(client, app) -> None:
    fixture = make_coalition(client, members={f"m{i}": i + 1 for i in range(20)})

    response = client.post(fixture.url("/design"), json={"index": "shapley_shubik", "max_weight": 1000})

    assert response.status_code == 400
    assert "too large for the web page (20 members, weights up to 1000)" in response.text
    assert design_runs(app) == []


def test_another_server_process_shows_a_search_it_did_not_run(client, app, settings, clock) -> None:
    fixture = make_coalition(client, members=MEMBERS)
    job_id = client.post(fixture.url("/design"), json={"max_weight": 12}).json()["id"]
    jobs_of(app)[0].wait(job_id)
    other = create_app(app.state.engine, settings=settings, clock=clock)

    with TestClient(other) as second:
        response = second.get(fixture.url(f"/design/{job_id}"))

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "done"
    assert response.json()["result"] == finished(client, app, fixture, job_id)["result"]


def test_a_search_whose_process_stopped_shows_as_failed_not_running_for_ever(client, app) -> None:
    fixture = make_coalition(client, members=MEMBERS)
    job_id = client.post(fixture.url("/design"), json={"max_weight": 12}).json()["id"]
    jobs_of(app)[0].wait(job_id)
    with write_session(app.state.engine) as session:  # as a process killed mid-search leaves its row
        run = session.get(DesignRun, job_id)
        run.status, run.result, run.updated_at = "running", None, utcnow() - timedelta(minutes=5)
        session.commit()

    response = client.get(fixture.url(f"/design/{job_id}"))

    assert response.json()["status"] == "failed"
    assert "server stopped" in response.json()["error"]


def test_searches_older_than_a_month_are_dropped_when_another_starts(client, app) -> None:
    fixture = make_coalition(client, members=MEMBERS)
    old = client.post(fixture.url("/design"), json={"max_weight": 12}).json()["id"]
    jobs_of(app)[0].wait(old)
    with write_session(app.state.engine) as session:
        session.get(DesignRun, old).created_at = utcnow() - timedelta(days=31)
        session.commit()

    new = client.post(fixture.url("/design"), json={"max_weight": 12}).json()["id"]

    assert [run.id for run in design_runs(app)] == [new]
    assert client.get(fixture.url(f"/design/{old}")).status_code == 404
