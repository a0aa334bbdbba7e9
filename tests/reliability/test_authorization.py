"""Every API endpoint x every role, against a table of expected answers: 0 violations, and no endpoint without a row."""

import base64
import hashlib
from pathlib import Path

import pytest

from app.main import create_app
from app.db import make_engine
from app.settings import Settings
from tests.factories import PASSWORD
from tests.reliability.world import ALPHA_KEY, NEW_KEY, ROLES, build_world, world_client

W = "/api/v1/coalitions/{slug}"
RULE = {"rule": {"type": "majority", "member_threshold": {"fraction": "1/2", "strict": True, "base": "yes_no"}},
        "reason": "clearer wording"}

#            (method, path template): (anonymous, rep_a, rep_b, other_admin, admin)
EXPECTED = {
    ("GET", "/openapi.json"): (200, 200, 200, 200, 200),
    ("GET", "/docs"): (200, 200, 200, 200, 200),
    ("GET", "/docs/oauth2-redirect"): (200, 200, 200, 200, 200),
    ("GET", "/redoc"): (200, 200, 200, 200, 200),
    ("POST", "/api/v1/coalitions"): (201, 201, 201, 201, 201),
    ("GET", "/api/v1/coalitions"): (200, 200, 200, 200, 200),
    ("GET", W): (200, 200, 200, 200, 200),
    ("GET", W + "/rules"): (200, 200, 200, 200, 200),
    ("PUT", W + "/rules/{kind}"): (401, 403, 403, 403, 200),
    ("PUT", W + "/time-zone"): (401, 403, 403, 403, 200),
    ("GET", W + "/exports/{filename}"): (200, 200, 200, 200, 200),
    ("GET", W + "/members"): (200, 200, 200, 200, 200),
    ("POST", W + "/members"): (401, 403, 403, 403, 201),
    ("GET", W + "/members/{member}"): (200, 200, 200, 200, 200),
    ("POST", W + "/members/{member}/suspend"): (401, 403, 403, 403, 200),
    ("POST", W + "/members/{member}/readmit"): (401, 403, 403, 403, 200),
    ("POST", W + "/members/{member}/leave"): (401, 403, 403, 403, 200),
    ("PUT", W + "/members/{member}/weight"): (401, 403, 403, 403, 200),
    ("GET", W + "/weights"): (200, 200, 200, 200, 200),
    ("GET", W + "/members/{member}/keys"): (200, 200, 200, 200, 200),
    ("POST", W + "/members/{member}/keys"): (401, 201, 403, 403, 403),
    ("POST", W + "/members/{member}/keys/{key_id}/revoke"): (401, 200, 403, 403, 403),
    ("GET", W + "/accounts"): (401, 403, 403, 403, 200),
    ("POST", W + "/accounts"): (401, 403, 403, 403, 201),
    ("DELETE", W + "/accounts/{username}"): (401, 403, 403, 403, 200),
    ("POST", "/api/v1/auth/tokens"): (201, 201, 201, 201, 201),
    ("GET", "/api/v1/auth/tokens"): (401, 200, 200, 200, 200),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): (401, 200, 404, 404, 404),
    ("GET", "/api/v1/auth/me"): (401, 200, 200, 200, 200),
    ("GET", W + "/proposals"): (200, 200, 200, 200, 200),
    ("POST", W + "/proposals"): (401, 201, 201, 403, 201),
    ("GET", W + "/proposals/{number}"): (200, 200, 200, 200, 200),
    ("PATCH", W + "/proposals/{number}"): (401, 200, 403, 403, 200),
    ("POST", W + "/proposals/{number}/withdraw"): (401, 200, 403, 403, 200),
    ("POST", W + "/proposals/{number}/ballot"): (401, 403, 403, 403, 201),
    ("GET", W + "/proposals/{number}/ballot"): (200, 200, 200, 200, 200),
    ("POST", W + "/proposals/{number}/ballot/close"): (401, 403, 403, 403, 200),
    ("PUT", W + "/proposals/{number}/ballot/votes/{member}"): (401, 200, 403, 403, 403),
    ("GET", W + "/proposals/{number}/ballot/votes"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/entries"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/checkpoint"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/checkpoint/{size}"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/proof/inclusion"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/proof/consistency"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/receipt/{idx}"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/key"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/export"): (200, 200, 200, 200, 200),
    ("GET", W + "/power"): (200, 200, 200, 200, 200),
    ("GET", W + "/power/history"): (200, 200, 200, 200, 200),
    ("POST", W + "/power/what-if"): (200, 200, 200, 200, 200),
    ("GET", W + "/notifications/preferences"): (401, 200, 200, 403, 200),
    ("PUT", W + "/notifications/preferences"): (401, 200, 200, 403, 200),
    ("POST", W + "/webhooks"): (401, 201, 201, 403, 201),
    ("GET", W + "/webhooks"): (401, 200, 200, 403, 200),
    ("DELETE", W + "/webhooks/{endpoint_id}"): (401, 404, 404, 404, 404),  # the world has no endpoint
    ("GET", W + "/outbox/dead"): (401, 403, 403, 403, 200),
    ("POST", W + "/outbox/{notification_id}/send-again"): (401, 403, 403, 403, 404),  # nor a dead letter
    # deliberation: the world has no comment, amendment or agenda round yet; comments and amendments are members' own
    ("GET", W + "/agenda"): (200, 200, 200, 200, 200),
    ("GET", W + "/agenda/{number}"): (404, 404, 404, 404, 404),
    ("GET", W + "/comments/{comment}"): (404, 404, 404, 404, 404),
    ("GET", W + "/design/{job_id}"): (404, 404, 404, 404, 404),
    ("GET", W + "/log/texts"): (200, 200, 200, 200, 200),
    ("GET", W + "/log/witnesses"): (200, 200, 200, 200, 200),
    ("POST", W + "/log/cosignatures"): (403, 403, 403, 403, 403),  # a registered witness key signs, not an account
    ("POST", W + "/log/forks"): (422, 422, 422, 422, 422),
    ("GET", W + "/proposals/{number}/amendments"): (200, 200, 200, 200, 200),
    ("GET", W + "/proposals/{number}/comments"): (200, 200, 200, 200, 200),
    ("GET", W + "/proposals/{number}/versions"): (200, 200, 200, 200, 200),
    ("GET", W + "/proposals/{number}/versions/{version}"): (200, 200, 200, 200, 200),
    ("PATCH", W + "/comments/{comment}"): (401, 404, 404, 404, 404),
    ("POST", W + "/agenda"): (401, 403, 403, 403, 201),
    ("POST", W + "/agenda/{number}/ballot"): (401, 404, 404, 404, 404),
    ("POST", W + "/agenda/{number}/topics"): (401, 404, 404, 404, 404),
    ("POST", W + "/agenda/{number}/topics/{topic}/proposal"): (401, 404, 404, 404, 404),
    ("POST", W + "/comments/{comment}/erase"): (401, 404, 404, 404, 404),
    ("POST", W + "/comments/{comment}/flag"): (401, 404, 404, 404, 404),
    ("POST", W + "/comments/{comment}/hide"): (401, 404, 404, 404, 404),
    ("POST", W + "/comments/{comment}/show"): (401, 404, 404, 404, 404),
    ("POST", W + "/design"): (202, 202, 202, 202, 202),  # anyone may ask; anonymous searches are rate-limited
    ("POST", W + "/proposals/{number}/amendments"): (401, 201, 201, 403, 403),
    ("POST", W + "/proposals/{number}/amendments/{amendment}/accept"): (401, 404, 404, 404, 404),
    ("POST", W + "/proposals/{number}/amendments/{amendment}/ballot"): (401, 404, 404, 404, 404),
    ("POST", W + "/proposals/{number}/amendments/{amendment}/decline"): (401, 404, 404, 404, 404),
    ("POST", W + "/proposals/{number}/amendments/{amendment}/erase"): (401, 404, 404, 404, 404),
    ("POST", W + "/proposals/{number}/comments"): (401, 201, 201, 403, 403),
    ("GET", W + "/charter"): (404, 404, 404, 404, 404),  # the world is in set-up: no charter yet
    ("POST", W + "/charter"): (401, 403, 403, 403, 201),
    ("GET", W + "/charter/versions"): (200, 200, 200, 200, 200),
    ("GET", W + "/charter/versions/{version}"): (404, 404, 404, 404, 404),
    ("GET", W + "/charter/diff"): (404, 404, 404, 404, 404),
    ("POST", W + "/applications"): (201, 201, 201, 201, 201),
    ("GET", W + "/applications/{token}"): (404, 404, 404, 404, 404),
    # proxies: members' own; the world is in set-up, so a grant is refused (the charter sets the caps) and none exists
    ("GET", W + "/proxies"): (200, 200, 200, 200, 200),
    ("POST", W + "/proxies"): (401, 409, 409, 403, 403),
    ("GET", W + "/proxies/{number}"): (404, 404, 404, 404, 404),
    ("POST", W + "/proxies/{number}/accept"): (401, 404, 404, 403, 404),
    ("POST", W + "/proxies/{number}/decline"): (401, 404, 404, 403, 404),
    ("POST", W + "/proxies/{number}/revoke"): (401, 404, 404, 403, 404),
}
QUERIES = {"inclusion": "?index=1&size=3", "consistency": "?old=2&new=4", "diff": "?from=1&to=2"}
SHARED = ("openapi.json", "docs", "redoc", "oauth2-redirect")

PARAMS = {  # the path parameters each endpoint is called with
    "slug": "wpn", "kind": "decision", "username": "spare", "filename": "votes.csv", "endpoint_id": 1,
    "notification_id": 1, "version": 1, "token": "not-a-secret", "comment": 1, "amendment": 1, "topic": 1, "job_id": "none",
    "key_id": hashlib.sha256(base64.b64decode(ALPHA_KEY)).hexdigest(),
}
MEMBER_FOR = {"suspend": "gamma", "readmit": "delta", "leave": "gamma", "weight": "gamma", "votes": "alpha"}


def served_routes(app) -> list[tuple[str, str]]:  # noqa: ANN001
    """(method, path template) of every route the app serves, pages included, HEAD aside."""
    found = []

    def walk(items, prefix: str = "") -> None:  # noqa: ANN001
        for route in items:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif hasattr(route, "methods") and route.methods:
                found.extend((method, prefix + route.path) for method in sorted(route.methods) if method != "HEAD")

    walk(app.routes)
    return found


def routes(app) -> list[tuple[str, str]]:  # noqa: ANN001
    """(method, path template) of every API and documentation route the app serves, HEAD aside."""
    return [(method, path) for method, path in served_routes(app)
            if path.startswith("/api/") or path.split("/")[-1] in SHARED]


def request_for(method: str, template: str, role: str, world) -> tuple[str, dict | None]:  # noqa: ANN001
    tail = template.rsplit("/", 1)[-1]
    number = 2 if "/ballot" in template else 1
    member = MEMBER_FOR.get(tail, "alpha")
    if method == "POST" and template.endswith("/ballot"):
        number = 1
    path = template.format(**PARAMS, number=number, member=member, token_id=world.spare_token_id, size=3, idx=1)
    path += QUERIES.get(tail, "")
    bodies = {
        ("POST", "/api/v1/coalitions"): {"slug": f"new-{role.replace('_', '-')}", "name": "New",
                                         "admin": {"username": f"new-{role}-admin", "password": PASSWORD}},
        ("PUT", W + "/rules/{kind}"): RULE,
        ("PUT", W + "/time-zone"): {"time_zone": "Asia/Baghdad"},
        ("POST", W + "/members"): {"name": "New Org", "slug": "new-org"},
        ("PUT", W + "/members/{member}/weight"): {"weight": "4", "reason": "audit"},
        ("POST", W + "/accounts"): {"username": "newrep", "password": PASSWORD, "role": "representative",
                                    "member": "beta"},
        ("POST", "/api/v1/auth/tokens"): {"username": "rep-wpn-beta", "password": PASSWORD},
        ("POST", W + "/proposals"): {"title": "Another"},
        ("PATCH", W + "/proposals/{number}"): {"title": "Edited"},
        ("POST", W + "/proposals/{number}/ballot"): {"closes_at": (world.clock.now.replace(year=2027)).isoformat()},
        ("PUT", W + "/proposals/{number}/ballot/votes/{member}"): {"choice": "yes"},
        ("POST", W + "/power/what-if"): {"weights": {"alpha": "1"}},
        ("PUT", W + "/notifications/preferences"): {"email": f"{role}@example.org", "time_zone": "Asia/Aden"},
        ("POST", W + "/webhooks"): {"url": "https://93.184.215.14/hooks"},  # a public address, no name to resolve
        ("POST", W + "/charter"): {"text": "# Our charter"},
        ("POST", W + "/applications"): {"name": f"Applicant {role}", "contact": "applicant@example.org"},
        ("POST", W + "/proposals/{number}/comments"): {"text": "We support this."},
        ("PATCH", W + "/comments/{comment}"): {"text": "We support this, with a change."},
        ("POST", W + "/proposals/{number}/amendments"): {"title": "Amended", "body": "A better text."},
        ("POST", W + "/agenda"): {"title": "Spring meeting", "method": "approval"},
        ("POST", W + "/agenda/{number}/topics"): {"title": "Mediation skills"},
        ("POST", W + "/agenda/{number}/ballot"): {"closes_at": (world.clock.now.replace(year=2027)).isoformat()},
        ("POST", W + "/proposals/{number}/amendments/{amendment}/ballot"): {
            "closes_at": (world.clock.now.replace(year=2027)).isoformat()},
        ("POST", W + "/design"): {"target": "equal", "max_weight": 5},
        ("POST", W + "/log/cosignatures"): {"size": 3, "cosignature": "\u2014 concord.test/wpn/witness/alpha "
                                            + "A" * 102 + "=="},
        ("POST", W + "/log/forks"): {"key_id": "0" * 64, "seen": "x", "served": "y", "timestamp": 1,
                                     "signature": "AA=="},
        ("POST", W + "/members/{member}/keys"): {"public_key": NEW_KEY, "label": "new laptop"},
        ("POST", W + "/proxies"): {"holder": "beta", "kind": "decision"},
    }
    body = bodies.get((method, template))
    if body is None and method in ("POST", "PUT", "PATCH") and tail in ("suspend", "readmit", "leave", "withdraw",
                                                                         "hide", "flag", "erase"):
        body = {"reason": "a reason"}
    return path, body


@pytest.fixture(scope="module")
def world(tmp_path_factory):  # noqa: ANN001, ANN201
    from tests.conftest import FakeClock

    return build_world(tmp_path_factory.mktemp("world"), FakeClock())


def test_every_endpoint_has_a_row_in_the_authorization_table(tmp_path: Path) -> None:
    app = create_app(make_engine("sqlite://"), settings=Settings(database_url="sqlite://", key_dir=tmp_path))

    served = set(routes(app))

    assert served - set(EXPECTED) == set(), "endpoints without a row in the authorization table"
    assert set(EXPECTED) - served == set(), "rows for endpoints that no longer exist"


@pytest.fixture(scope="module")
def reader(world, tmp_path_factory):  # noqa: ANN001, ANN201
    """One client for the reads, which change nothing."""
    with world_client(world, tmp_path_factory.mktemp("reads")) as client:
        yield client


def answer(method: str, path: str, body: dict | None, role: str, world, reader, folder: Path):  # noqa: ANN001, ANN201
    if method == "GET":
        return reader.request(method, path, headers=world.headers[role])
    with world_client(world, folder) as client:
        return client.request(method, path, json=body, headers=world.headers[role])


@pytest.mark.parametrize("method,template", sorted(EXPECTED))
def test_each_role_gets_exactly_the_expected_answer(method: str, template: str, world, reader,
                                                    tmp_path: Path) -> None:
    violations = []

    for role, expected in zip(ROLES, EXPECTED[(method, template)], strict=True):
        path, body = request_for(method, template, role, world)
        response = answer(method, path, body, role, world, reader, tmp_path / role)
        if response.status_code != expected:
            violations.append(f"{role}: {method} {path} -> {response.status_code}, expected {expected}: "
                              f"{response.text[:200]}")

    assert violations == []


def test_open_ballot_votes_stay_secret_from_other_members_and_observers(world, tmp_path: Path) -> None:
    with world_client(world, tmp_path) as client:
        cast = client.put("/api/v1/coalitions/wpn/proposals/2/ballot/votes/alpha", json={"choice": "no"},
                          headers=world.headers["rep_a"])

        seen = {role: client.get("/api/v1/coalitions/wpn/proposals/2/ballot/votes", headers=world.headers[role]).json()
                for role in ROLES}

    assert cast.status_code == 200
    for role, listing in seen.items():
        alpha = next(item for item in listing["items"] if item["member"] == "alpha")
        assert (alpha["vote"] is not None) == (role == "rep_a"), role
