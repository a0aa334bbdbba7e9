"""Who may do what: anonymous reads, bearer tokens, representatives, admins, revoked tokens and accounts."""

from tests.app.support import log_events, quick_coalition, snapshot
from tests.factories import PASSWORD, make_proposal, open_ballot, vote


def test_every_public_read_works_without_an_account(app, client, clock) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 2})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    vote(client, fixture, number, "a", choice="yes")
    paths = ["", "/rules", "/members", "/members/a", "/weights", "/proposals", f"/proposals/{number}",
             f"/proposals/{number}/ballot", f"/proposals/{number}/ballot/votes", "/log/entries"]

    responses = {path: client.get(fixture.url(path)) for path in paths}

    assert {path: r.status_code for path, r in responses.items()} == dict.fromkeys(paths, 200)
    assert client.get("/api/v1/coalitions").json()["page"]["total"] == 1
    assert responses["/members"].json()["total_weight"] == "3"


def test_writes_without_a_token_are_refused_with_401(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    before = snapshot(engine)
    writes = [("post", "/members", {"name": "Intruder", "weight": "1"}),
              ("post", "/proposals", {"title": "Anonymous idea"}),
              ("put", f"/proposals/{number}/ballot/votes/a", {"choice": "yes"}),
              ("post", f"/proposals/{number}/ballot/close", None),
              ("put", "/members/a/weight", {"weight": "9", "reason": "no"})]

    responses = [getattr(client, method)(fixture.url(path), json=body) for method, path, body in writes]
    wrong_scheme = client.put(fixture.url(f"/proposals/{number}/ballot/votes/a"), json={"choice": "yes"},
                              headers={"Authorization": "Basic YTpi"})

    assert [r.status_code for r in responses] == [401] * len(writes)
    assert all(r.headers["www-authenticate"] == "Bearer" for r in responses)
    assert wrong_scheme.status_code == 401 and "Bearer" in wrong_scheme.json()["detail"]
    assert snapshot(engine) == before


def test_a_representative_cannot_vote_for_another_member(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    before = snapshot(engine)

    response = client.put(fixture.url(f"/proposals/{number}/ballot/votes/b"), headers=fixture.reps["a"],
                          json={"choice": "no"})

    assert response.status_code == 403
    assert response.json()["detail"] == "Only a representative of B can vote for it."
    assert snapshot(engine) == before


def test_an_admin_cannot_vote_for_a_member(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    before = snapshot(engine)

    response = client.put(fixture.url(f"/proposals/{number}/ballot/votes/a"), headers=fixture.admin,
                          json={"choice": "yes"})

    assert response.status_code == 403
    assert snapshot(engine) == before


def test_an_admin_of_another_coalition_is_refused(app, client, clock, engine) -> None:
    home = quick_coalition(app, slug="home", members={"a": 1})
    other = quick_coalition(app, slug="other", members={"x": 1})
    number = make_proposal(client, home)
    before = snapshot(engine)

    attempts = [client.post(home.url("/members"), headers=other.admin, json={"name": "Ringer", "weight": "1"}),
                client.post(home.url(f"/proposals/{number}/ballot"), headers=other.admin,
                            json={"closes_at": "2026-03-09T09:00:00Z"}),
                client.post(home.url("/proposals"), headers=other.admin, json={"title": "Takeover"}),
                client.put(home.url(f"/proposals/{number}/ballot/votes/a"), headers=other.reps["x"],
                           json={"choice": "yes"}),
                client.get(home.url("/accounts"), headers=other.admin)]

    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert "Only an admin of Women Peacebuilders Network" in attempts[0].json()["detail"]
    assert snapshot(engine) == before


def test_a_revoked_token_is_refused_and_the_others_still_work(app, client) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    issued = client.post("/api/v1/auth/tokens", json={"username": "rep-wpn-a", "password": PASSWORD,
                                                      "name": "laptop"}).json()
    spare = {"Authorization": f"Bearer {issued['token']}"}

    revoked = client.delete(f"/api/v1/auth/tokens/{issued['id']}", headers=spare)
    with_revoked = client.get("/api/v1/auth/me", headers=spare)
    with_other = client.get("/api/v1/auth/me", headers=fixture.reps["a"])

    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert with_revoked.status_code == 401 and with_revoked.json()["detail"] == "This API token is unknown or revoked."
    assert with_other.status_code == 200 and with_other.json()["member"] == "a"


def test_a_revoked_account_can_no_longer_act_or_sign_in(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1, "b": 1})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)

    revoked = client.delete(fixture.url("/accounts/rep-wpn-a"), headers=fixture.admin)
    before = snapshot(engine)
    voting = vote(client, fixture, number, "a", choice="yes")
    signing_in = client.post("/api/v1/auth/tokens", json={"username": "rep-wpn-a", "password": PASSWORD})
    own_revocation = client.delete(fixture.url("/accounts/wpn-admin"), headers=fixture.admin)

    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert voting.status_code == 401
    assert signing_in.status_code == 401 and signing_in.json()["detail"] == "Wrong username or password."
    assert own_revocation.status_code == 409
    assert snapshot(engine) == before
    assert log_events(engine, fixture.slug)[-1]["type"] == "account.revoked"


def test_tokens_are_listed_without_their_secrets(app, client) -> None:
    quick_coalition(app, members={"a": 1})
    secrets = [client.post("/api/v1/auth/tokens", json={"username": "rep-wpn-a", "password": PASSWORD,
                                                        "name": name}).json()["token"] for name in ("one", "two")]

    listing = client.get("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {secrets[0]}"})

    assert listing.status_code == 200
    assert [t["name"] for t in listing.json()] == ["test", "one", "two"]
    assert all("token" not in t and "token_hash" not in t for t in listing.json())
    assert all(secret not in listing.text and secret[10:20] not in listing.text for secret in secrets)
    assert [t["prefix"] for t in listing.json()][1:] == [secret[:10] for secret in secrets]


def test_no_log_event_holds_a_token_secret_a_token_digest_or_a_password(app, client, clock, engine) -> None:
    fixture = quick_coalition(app, members={"a": 1})
    created = client.post(fixture.url("/accounts"), headers=fixture.admin, json={
        "username": "second-admin", "password": "another long password", "role": "admin"})
    issued = client.post("/api/v1/auth/tokens", json={"username": "second-admin",
                                                      "password": "another long password"}).json()
    client.delete(fixture.url("/accounts/second-admin"), headers=fixture.admin)
    secrets = [issued["token"], PASSWORD, "another long password"] + [
        headers["Authorization"].removeprefix("Bearer ") for headers in [fixture.admin, *fixture.reps.values()]]

    with app.state.engine.connect() as connection:
        stored = [row[0] for row in connection.exec_driver_sql("SELECT data FROM log_entry")]
        digests = [row[0] for row in connection.exec_driver_sql("SELECT token_hash FROM apitoken")]

    assert created.status_code == 201
    assert [e["type"] for e in log_events(engine, fixture.slug)][-2:] == ["account.granted", "account.revoked"]
    blob = b"\n".join(bytes(data) for data in stored)
    assert all(secret.encode() not in blob for secret in secrets)
    assert all(digest.encode() not in blob for digest in digests) and len(digests) == 3
