"""Bad input: a 4xx whose message says what to fix, nothing written, and never a 500."""

import json

import pytest

from tests.app.support import log_events, quick_coalition, snapshot
from tests.factories import PASSWORD, make_proposal, open_ballot


@pytest.fixture
def world(app, client, clock):  # noqa: ANN001, ANN201
    """A coalition with two members, a draft (#1) and an open ballot (#2)."""
    fixture = quick_coalition(app, members={"a": 1, "b": 2})
    make_proposal(client, fixture, title="Still a draft")
    number = make_proposal(client, fixture, title="Open for votes")
    open_ballot(client, fixture, number, now=clock.now)
    return fixture


def refused(client, engine, method: str, url: str, **kwargs):  # noqa: ANN001, ANN201
    """Send a request that must be refused, and check that it wrote nothing."""
    before = snapshot(engine)
    response = client.request(method, url, **kwargs)
    assert snapshot(engine) == before, f"{method} {url} wrote something"
    return response


def test_unknown_coalition_member_and_proposal_are_404(world, client, engine) -> None:
    cases = [("GET", "/api/v1/coalitions/nowhere", "no coalition 'nowhere'"),
             ("GET", world.url("/members/ghost"), "no member 'ghost'"),
             ("GET", world.url("/proposals/99"), "no proposal #99"),
             ("PUT", world.url("/proposals/99/ballot/votes/a"), "no proposal #99"),
             ("PUT", world.url("/proposals/2/ballot/votes/ghost"), "no member 'ghost'"),
             ("PUT", world.url("/members/ghost/weight"), "no member 'ghost'")]

    for method, url, message in cases:
        response = refused(client, engine, method, url, headers=world.reps["a"] if "votes" in url else world.admin,
                           json={"choice": "yes"} if "votes" in url else {"weight": "2", "reason": "r"})
        assert response.status_code == 404, url
        assert message in response.json()["detail"], url


def test_a_second_coalition_with_the_same_slug_is_409(world, client, engine) -> None:
    response = refused(client, engine, "POST", "/api/v1/coalitions", json={
        "slug": "WPN", "name": "Copycat", "admin": {"username": "copycat", "password": PASSWORD}})

    assert response.status_code == 409
    assert response.json()["detail"] == "A coalition with the slug 'wpn' already exists; choose another slug."


@pytest.mark.parametrize(("weight", "message"), [
    ("-1", "must not be negative"),
    (-3, "must not be negative"),
    ("heavy", "is not a number"),
    ("1e400", "out of range"),
    ("12345678901234567890123456789012", "more than 30 digits"),
    (1e400, None),  # json.dumps writes Infinity, which is not JSON
    ("1/3", "not a fraction"),
    ("NaN", "is not a number"),
    (True, None),
    ("1e999999999", "out of range"),
    ("1e-999999999", "out of range"),
])
def test_a_weight_that_is_not_an_exact_non_negative_number_is_422(world, client, engine, weight, message) -> None:
    body = json.dumps({"name": "New Member", "weight": weight}).encode()

    response = refused(client, engine, "POST", world.url("/members"), headers={
        **world.admin, "Content-Type": "application/json"}, content=body)

    assert response.status_code == 422, response.text
    if message:
        assert message in json.dumps(response.json()["detail"])


def test_a_json_decimal_weight_is_stored_exactly(world, client, engine) -> None:
    response = client.post(world.url("/members"), headers={**world.admin, "Content-Type": "application/json"},
                           content=b'{"name": "Decimal Member", "weight": 0.42, "basis": "fee share"}')
    changed = client.put(world.url("/members/a/weight"), headers={**world.admin, "Content-Type": "application/json"},
                         content=b'{"weight": 0.30000000000000004, "reason": "precise"}')

    assert response.status_code == 201 and response.json()["weight"] == "0.42"
    assert changed.status_code == 200 and changed.json()["new_weight"] == "0.30000000000000004"
    admitted = [e for e in log_events(engine, world.slug) if e["type"] == "member.admitted"][-1]
    assert admitted["body"]["weight"] == "0.42"


@pytest.mark.parametrize("fraction", ["0", "1.5", "-1", 0, "3/2", "one half"])
def test_a_threshold_outside_zero_to_one_is_422(world, client, engine, fraction) -> None:
    rule = {"member_threshold": {"fraction": fraction, "strict": True, "base": "yes_no"}}

    opening = refused(client, engine, "POST", world.url("/proposals/1/ballot"), headers=world.admin,
                      json={"closes_at": "2026-03-05T09:00:00Z", "rule": rule})
    default = refused(client, engine, "PUT", world.url("/rules/decision"), headers=world.admin,
                      json={"rule": rule, "reason": "tighten"})

    assert opening.status_code == 422 and default.status_code == 422
    assert "member threshold" in opening.json()["detail"]


def test_an_empty_title_is_422(world, client, engine) -> None:
    empty = refused(client, engine, "POST", world.url("/proposals"), headers=world.admin, json={"title": ""})
    blank = refused(client, engine, "POST", world.url("/proposals"), headers=world.admin, json={"title": "   "})

    assert empty.status_code == 422 and blank.status_code == 422
    assert blank.json()["detail"] == "title must not be empty."


def test_an_oversized_body_is_422_and_an_oversized_request_is_413(world, client, engine, settings) -> None:
    long_body = refused(client, engine, "POST", world.url("/proposals"), headers=world.admin,
                        json={"title": "Long", "body": "x" * 20_001})
    just_fits = client.post(world.url("/proposals"), headers=world.admin, json={"title": "Long", "body": "x" * 20_000})
    huge = refused(client, engine, "POST", world.url("/proposals"), headers=world.admin,
                   json={"title": "Huge", "body": "x" * (settings.max_body_bytes + 1)})

    assert long_body.status_code == 422 and "20000" in json.dumps(long_body.json())
    assert just_fits.status_code == 201
    assert huge.status_code == 413 and str(settings.max_body_bytes) in huge.json()["detail"]


@pytest.mark.parametrize("content", [b"{", b'{"title": "x",}', b"not json", b'{"title": NaN}', b"[1, 2"])
def test_malformed_json_is_422(world, client, engine, content) -> None:
    response = refused(client, engine, "POST", world.url("/proposals"),
                       headers={**world.admin, "Content-Type": "application/json"}, content=content)

    assert response.status_code == 422
    assert "json" in json.dumps(response.json()).lower()


def test_voting_on_a_draft_or_a_closed_ballot_is_409(world, client, engine) -> None:
    on_draft = refused(client, engine, "PUT", world.url("/proposals/1/ballot/votes/a"), headers=world.reps["a"],
                       json={"choice": "yes"})
    client.post(world.url("/proposals/2/ballot/close"), headers=world.admin)
    on_closed = refused(client, engine, "PUT", world.url("/proposals/2/ballot/votes/a"), headers=world.reps["a"],
                        json={"choice": "yes"})

    assert on_draft.status_code == 409 and "draft" in on_draft.json()["detail"]
    assert on_closed.status_code == 409 and "closed" in on_closed.json()["detail"]


BAD_VALUES = [None, "", -1, 10**30, "1e999999999", "1/0", "NaN", True, [], {}, [[[]]], {"fraction": "2"}, "\x00",
              "x" * 5000, "2026-13-45T99:00:00Z", 0]
TEMPLATES = [
    ("POST", "/api/v1/coalitions", {"slug": "new", "name": "N", "admin": {"username": "n", "password": PASSWORD}}),
    ("POST", "/members", {"name": "Sweep Member", "weight": "1", "basis": "", "country": "", "slug": "sweep"}),
    ("PUT", "/members/a/weight", {"weight": "3", "basis": "b", "reason": "r"}),
    ("POST", "/members/a/suspend", {"reason": "r"}),
    ("PUT", "/rules/decision", {"rule": {"counting": "equal", "quorum_members": "1/2"}, "reason": "r"}),
    ("POST", "/accounts", {"username": "sweeper", "password": PASSWORD, "role": "representative", "member": "a"}),
    ("POST", "/proposals", {"kind": "decision", "title": "T", "body": "B", "options": [], "seats": 1, "payload": {}}),
    ("POST", "/proposals", {"kind": "admission", "title": "T", "payload": {"name": "N", "weight": "1"}}),
    ("POST", "/proposals", {"kind": "rule_change", "title": "T", "payload": {"rules": {"decision": {}}}}),
    ("PATCH", "/proposals/1", {"title": "T", "body": "B", "options": None, "seats": None}),
    ("POST", "/proposals/1/ballot", {"closes_at": "2026-03-05T09:00:00Z", "rule": {"counting": "double"},
                                     "live_results": False}),
    ("PUT", "/proposals/2/ballot/votes/a", {"choice": "yes"}),
    ("POST", "/api/v1/auth/tokens", {"username": "rep-wpn-a", "password": PASSWORD, "name": "t"}),
]


def _mutations(body: dict) -> list[object]:
    """Wrong whole bodies, then each field (and each field of a nested object) given four of the bad values in turn."""
    variants: list[object] = [[], {**body, "unexpected": 1}]
    turn = 0
    for key, value in body.items():
        fields = [(key, None)] + [(key, inner) for inner in value] if isinstance(value, dict) else [(key, None)]
        for outer, inner in fields:
            for bad in (BAD_VALUES * 2)[turn:turn + 4]:
                variants.append({**body, outer: bad} if inner is None else {**body, outer: {**value, inner: bad}})
            turn = (turn + 4) % len(BAD_VALUES)
    return variants


def test_no_bad_payload_causes_a_server_error(world, client, engine) -> None:
    headers = {"/votes/": world.reps["a"], "/auth/": {}}
    failures = []

    for method, path, body in TEMPLATES:
        url = path if path.startswith("/api/") else world.url(path)
        auth = next((h for part, h in headers.items() if part in url), world.admin)
        for variant in _mutations(body):
            response = client.request(method, url, headers=auth, json=variant)
            if response.status_code >= 500:
                failures.append((method, path, variant, response.status_code))

    assert failures == []
    assert log_events(engine, world.slug)  # the log still reads back


def test_an_oversized_chunked_body_without_a_length_is_refused_with_413(client) -> None:
    limit = client.app.state.settings.max_body_bytes

    def chunks():  # noqa: ANN202
        for _ in range(limit // 4096 + 2):
            yield b"x" * 4096

    response = client.post("/api/v1/coalitions", content=chunks(), headers={"content-type": "application/json"})

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
