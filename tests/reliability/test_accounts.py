"""Accounts under attack: sign-in limits, Argon2 hashes, hashed and revocable tokens scoped to one coalition, no leaked secret."""

import hashlib
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from governance.models import Account, ApiToken, metadata
from tests.factories import PASSWORD, make_coalition, make_proposal, open_ballot

TOKENS = "/api/v1/auth/tokens"


def every_stored_value(engine) -> str:  # noqa: ANN001
    """Every row of every table as text: what someone who steals the database would read."""
    dump = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"')):
                dump.append(" ".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row))
    return "\n".join(dump)


def test_sign_in_attempts_are_limited_per_account_even_from_many_addresses(app) -> None:
    statuses = []
    for n in range(12):
        with TestClient(app, client=(f"10.0.0.{n}", 40000)) as client:
            statuses.append(client.post(TOKENS, json={"username": "victim", "password": "wrong password"}).status_code)

    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]


def test_sign_in_attempts_are_limited_per_address_across_accounts(client) -> None:
    statuses = [client.post(TOKENS, json={"username": f"user{n}", "password": "wrong password"}).status_code
                for n in range(32)]

    assert statuses[:30] == [401] * 30
    assert statuses[30:] == [429, 429]
    assert "try again in" in client.post(TOKENS, json={"username": "x", "password": "y"}).json()["detail"]


def test_passwords_are_stored_as_argon2id_hashes_and_tokens_as_sha256_digests(client, engine, session) -> None:
    make_coalition(client, slug="wpn", members={"alpha": 1})
    issued = client.post(TOKENS, json={"username": "rep-wpn-alpha", "password": PASSWORD}).json()

    stored = every_stored_value(engine)
    hashes = session.exec(select(Account.password_hash)).all()
    token = session.exec(select(ApiToken).where(ApiToken.id == issued["id"])).one()

    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert token.token_hash == hashlib.sha256(issued["token"].encode()).hexdigest()
    assert PASSWORD not in stored
    assert issued["token"] not in stored and issued["token"][10:] not in stored


def test_a_revoked_token_and_a_revoked_account_lose_access(client) -> None:
    wpn = make_coalition(client, slug="wpn", members={"alpha": 1, "beta": 1})
    extra = client.post(TOKENS, json={"username": "rep-wpn-alpha", "password": PASSWORD, "name": "laptop"}).json()
    laptop = {"Authorization": f"Bearer {extra['token']}"}

    revoked = client.delete(f"{TOKENS}/{extra['id']}", headers=wpn.reps["alpha"])
    after_token_revoked = client.get("/api/v1/auth/me", headers=laptop)
    account_revoked = client.delete(wpn.url("/accounts/rep-wpn-beta"), headers=wpn.admin)
    after_account_revoked = client.get("/api/v1/auth/me", headers=wpn.reps["beta"])
    sign_in_after = client.post(TOKENS, json={"username": "rep-wpn-beta", "password": PASSWORD})

    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert after_token_revoked.status_code == 401
    assert account_revoked.status_code == 200
    assert after_account_revoked.status_code in (401, 403)
    assert sign_in_after.status_code == 401
    assert client.get("/api/v1/auth/me", headers=wpn.reps["alpha"]).status_code == 200


def test_a_token_of_one_coalition_cannot_write_in_another(client, clock) -> None:
    x = make_coalition(client, slug="x-net", members={"alpha": 1})
    y = make_coalition(client, slug="y-net", members={"alpha": 1})
    number = make_proposal(client, y)
    open_ballot(client, y, number, now=clock.now)

    writes = [
        client.post(y.url("/proposals"), headers=x.reps["alpha"], json={"title": "Foreign"}),
        client.put(y.url(f"/proposals/{number}/ballot/votes/alpha"), headers=x.reps["alpha"], json={"choice": "yes"}),
        client.post(y.url("/members"), headers=x.admin, json={"name": "Foreign Org"}),
        client.post(y.url(f"/proposals/{number}/ballot/close"), headers=x.admin),
        client.post(y.url("/accounts"), headers=x.admin, json={"username": "mole", "password": PASSWORD,
                                                                "role": "admin"}),
    ]

    assert [w.status_code for w in writes] == [403] * len(writes)


@pytest.mark.parametrize("field", ["password", "token"])
def test_no_secret_reaches_a_log_event_an_error_message_or_the_application_log(client, engine, caplog, field) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Sup3r-secret-" + "q" * 1100 if field == "password" else "cnc_" + "Z" * 40
    wpn = make_coalition(client, slug="wpn", members={"alpha": 1})
    answers = [
        client.post(TOKENS, json={"username": "rep-wpn-alpha", "password": secret}),
        client.post(TOKENS, json={"username": "rep-wpn-alpha", "password": secret[:200]}),
        client.post(TOKENS, json={"username": "nobody", "password": secret[:200]}),
        client.post(wpn.url("/accounts"), headers=wpn.admin, json={
            "username": "newrep", "password": secret, "role": "representative", "member": "alpha"}),
        client.post(wpn.url("/accounts"), headers=wpn.admin, json={
            "username": "newrep", "password": secret[:9], "role": "representative", "member": "alpha"}),
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret[:200]}"}),
        client.post(TOKENS, json={"username": "rep-wpn-alpha", "password": PASSWORD, "token": secret[:200]}),
    ]
    issued = client.post(TOKENS, json={"username": "rep-wpn-alpha", "password": PASSWORD}).json()["token"]
    client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {issued}x"})

    leaked = [a.text for a in answers if secret[:20] in a.text or PASSWORD in a.text or issued in a.text]
    logged = "\n".join(record.getMessage() for record in caplog.records)

    assert all(a.status_code < 500 for a in answers), [a.status_code for a in answers]
    assert leaked == []
    assert secret[:20] not in logged and PASSWORD not in logged and issued not in logged
    assert secret[:20] not in every_stored_value(engine) and issued not in every_stored_value(engine)
