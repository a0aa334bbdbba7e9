"""Helpers for page tests: the CSRF token of a page, signing in through the form, the demo-like state."""

import re

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, CoalitionFixture, make_coalition, make_proposal, open_ballot, vote

TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token the page at ``path`` gives this client's session."""
    response = client.get(path)
    match = TOKEN.search(response.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client: TestClient, path: str, data: dict, *, page: str = "/", **kwargs: object):  # noqa: ANN201
    return client.post(path, data={**data, "csrf_token": csrf(client, page)}, follow_redirects=False, **kwargs)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = post_form(client, "/sign-in", {"username": username, "password": password}, page="/sign-in")
    assert response.status_code == 303, response.text


def set_language(client: TestClient, locale: str) -> None:
    response = post_form(client, "/language", {"lang": locale, "next": "/"})
    assert response.status_code == 303


def busy_coalition(client: TestClient, now) -> tuple[CoalitionFixture, dict[str, int]]:  # noqa: ANN001
    """A coalition with three members, a closed decision, an open decision, an open ranked choice and a draft."""
    fixture = make_coalition(client, members={"north": 3, "south": 2, "east": "1.5"})
    closed = make_proposal(client, fixture, title="Adopt the statement")
    open_ballot(client, fixture, closed, now=now)
    for member, choice in (("north", "yes"), ("south", "no"), ("east", "yes")):
        assert vote(client, fixture, closed, member, choice=choice).status_code == 200
    assert client.post(fixture.url(f"/proposals/{closed}/ballot/close"), headers=fixture.admin).status_code == 200
    decision = make_proposal(client, fixture, title="Open an office")
    open_ballot(client, fixture, decision, now=now)
    ranked = make_proposal(client, fixture, kind="choice", title="Campaign theme", options=["Peace", "Aid", "Justice"])
    open_ballot(client, fixture, ranked, now=now)
    draft = make_proposal(client, fixture, title="A draft to open")
    return fixture, {"closed": closed, "decision": decision, "ranked": ranked, "draft": draft}
