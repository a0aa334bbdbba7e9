"""Hostile values on every write route of /openapi.json, as the demo's secretariat: never a 5xx, never slow.

The values are the ones an attacker tried (issue 21): huge exponents, 5,000-digit numbers, lone surrogates, NUL,
nesting thousands deep, very long text; in the bare body, in each documented field, in an unknown field and nested.
"""

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app import demo
from app.db import make_engine
from app.main import create_app
from app.exactjson import MAX_DEPTH, MAX_DIGITS
from app.tasks import signed_write_session
from app.logkeys import LogKeys
from governance.clock import utcnow
from tests.conftest import DemoTemplate
from tests.cputime import OwnCpu, frozen_heap, settle

WRITE_METHODS = ("post", "put", "patch", "delete")
CPU_SECONDS, WALL_SECONDS = 1.0, 5.0
"""Each answer costs the server under a second of CPU (this process's threads less those earlier tests left
running, tests/cputime.py: other jobs on a loaded machine do not count), and comes within the 5 s of the acceptance
contract by the clock."""
JSON = {"content-type": "application/json"}
HOSTILE_TOKENS = ["1e999999", "-1e999999", "1e-999999", "0e999999999", "9" * 5000, "-" + "9" * 5000,
                  "0." + "1" * 5000, '"\\ud800"', '"\\udfff x"', '"a\\u0000b"', '"' + "x" * 200_000 + '"',
                  "[" * 5000 + "]" * 5000, "{" + '"a":{' * 3000 + "}" * 3001, '"1e999999"', '"' + "9" * 5000 + '"']
BARE_BODIES = HOSTILE_TOKENS + ['{"\\udfff x": 1}', '{"\\u0000": 1}', "\xff\xfe", "1e999999 " * 7]


@pytest.fixture
def demo_client(engine, settings, postgres_database, request,  # noqa: ANN001
                tmp_path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The demo as ``concord demo`` makes it, on the real clock (its ballots are open now), and the secretariat's token:
    on SQLite a copy of the worker's built demo (its clock set back by the copy's age), on PostgreSQL built anew."""
    clock, own_cpu = utcnow, OwnCpu()
    if postgres_database is None:
        template: DemoTemplate = request.getfixturevalue("demo_template")
        copied = template.copy_to(tmp_path / "demo")
        engine, settings, clock = make_engine(copied.database_url), settings.model_copy(
            update={"key_dir": copied.key_dir}), template.clock()
    else:
        keys = LogKeys(settings.key_dir, settings.log_host)
        with signed_write_session(engine, keys) as session:
            demo._populate(session, keys)
            session.commit()
    with TestClient(create_app(engine, settings=settings, clock=clock), raise_server_exceptions=False) as client, \
            frozen_heap():
        client.app.state.own_cpu = own_cpu  # the CPU its answers cost, without other tests' leftover threads
        token = client.post("/api/v1/auth/tokens", json={"username": demo.ADMIN[0], "password": demo.ADMIN[1]})
        assert token.status_code == 201, token.text
        yield client, {"Authorization": f"Bearer {token.json()['token']}"}
    if postgres_database is None:
        engine.dispose()


def _known_path(client: TestClient, path: str) -> str:
    """The path with values that exist in the demo, so that the handler runs past its lookups."""
    values = {"slug": "wpn", "number": str(demo_open_proposal(client)), "member": "aden-peace-circle",
              "username": "rep-aden-peace-circle", "token_id": "1", "kind": "decision"}
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def demo_open_proposal(client: TestClient) -> int:
    """An open proposal of the demo, asked once per app (kept on its state, which goes with the app, unlike a
    module-level cache that kept every test's client alive)."""
    state = client.app.state
    if not hasattr(state, "open_proposal"):
        state.open_proposal = client.get("/api/v1/coalitions/wpn/proposals?state=open").json()["items"][0]["number"]
    return state.open_proposal


def _write_operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    schema = client.get("/openapi.json").json()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in WRITE_METHODS:
                continue
            ref = (operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                   .get("schema", {}).get("$ref", ""))
            fields = list(schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]) if ref else []
            found.append((method, path, fields))
    # The routes that close or withdraw last: what they change, the other routes must not meet first.
    return sorted(found, key=lambda op: ("close" in op[1] or "withdraw" in op[1] or op[0] == "delete", op[1]))


def _bodies(fields: list[str]) -> Iterator[str]:
    """Every hostile value bare, in an unknown field and nested; the five kinds of them in each documented field."""
    yield from BARE_BODIES
    for token in HOSTILE_TOKENS:
        yield '{"unknown_field":' + token + "}"
        if fields:
            yield "{" + json.dumps(fields[0]) + ':{"nested":[1,{"deeper":' + token + "}]}}"
    for token in HOSTILE_TOKENS[:1] + HOSTILE_TOKENS[4:5] + HOSTILE_TOKENS[7:10] + HOSTILE_TOKENS[11:12]:
        for field in fields:
            yield "{" + json.dumps(field) + ":" + token + "}"


def _send(client: TestClient, method: str, path: str, body: str,
          headers: dict[str, str]) -> tuple[int, float, float, str]:
    own_cpu = client.app.state.own_cpu
    settle(client.app)
    started, cpu = time.perf_counter(), own_cpu.seconds()
    response = client.request(method.upper(), path, content=body.encode("utf-8", "surrogatepass"),
                              headers={**headers, "content-type": "application/json"})
    return response.status_code, time.perf_counter() - started, own_cpu.seconds() - cpu, response.text


def test_hostile_values_on_every_write_route_get_a_prompt_4xx(demo_client) -> None:
    client, secretariat = demo_client
    operations = _write_operations(client)
    assert len(operations) >= 15

    failures = []
    for method, template, fields in operations:
        path = _known_path(client, template)
        for body in _bodies(fields):
            status, seconds, cpu, text = _send(client, method, path, body, secretariat)
            if status >= 500 or seconds > WALL_SECONDS or cpu > CPU_SECONDS:
                failures.append((method, template, body[:40], status, round(seconds, 2), round(cpu, 2), text[:200]))

    assert not failures, failures[:10]


def test_a_huge_exponent_is_refused_at_once_naming_the_field_and_the_limit(demo_client) -> None:
    client, secretariat = demo_client
    started = client.app.state.own_cpu.seconds()

    response = client.post("/api/v1/auth/tokens", content=b"1e999999", headers={"content-type": "application/json"})
    nested = client.put("/api/v1/coalitions/wpn/members/aden-peace-circle/weight", headers={**secretariat, **JSON},
                        content=b'{"weight": 3, "reason": "x", "extra": {"deep": [0, 1e999999]}}')
    seconds = client.app.state.own_cpu.seconds() - started

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert f"at most {MAX_DIGITS} digits" in response.json()["detail"][0]["msg"]
    assert nested.status_code == 422
    assert nested.json()["detail"][0]["loc"] == ["body", "extra", "deep", 1]
    assert "body.extra.deep.1" in nested.json()["detail"][0]["msg"]
    assert seconds < 0.5


@pytest.mark.parametrize("body", ['"\\ud800"', '{"\\udfff x": 1}', '{"username": "a\\ud800", "password": "b"}'])
def test_a_lone_surrogate_is_refused_with_a_422_that_names_no_surrogate(demo_client, body: str) -> None:
    client, _ = demo_client

    response = client.post("/api/v1/auth/tokens", content=body.encode(), headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert "surrogate" in response.json()["detail"][0]["msg"]
    response.content.decode("utf-8")  # strict: the answer itself is valid UTF-8


def test_nesting_deeper_than_the_limit_is_refused_and_shallower_nesting_is_read(demo_client) -> None:
    client, secretariat = demo_client
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    shallow = '{"weights": {}, "rule": null, "kind": "decision"}'

    refused = client.post("/api/v1/coalitions/wpn/power/what-if", content=deep, headers={**secretariat, **JSON})
    answered = client.post("/api/v1/coalitions/wpn/power/what-if", content=shallow, headers={**secretariat, **JSON})

    assert refused.status_code == 422
    assert f"more than {MAX_DEPTH} levels" in refused.json()["detail"][0]["msg"]
    assert answered.status_code == 200, answered.text


def test_a_validation_error_echoes_a_long_value_cut_short(demo_client) -> None:
    client, secretariat = demo_client

    response = client.post("/api/v1/coalitions/wpn/proposals", headers=secretariat,
                           json={"title": ["x" * 50_000] * 10, "body": "b"})

    assert response.status_code == 422
    assert len(response.content) < 5_000


def test_exact_decimals_within_the_bounds_are_still_read_exactly(demo_client) -> None:
    client, secretariat = demo_client

    response = client.post("/api/v1/coalitions/wpn/proposals", headers={**secretariat, **JSON},
                           content=b'{"kind": "weight_change", "title": "Audited membership", "payload": '
                                   b'{"weights": {"aden-peace-circle": 1200.125}, "reason": "audited membership"}}')

    assert response.status_code == 201, response.text
    assert response.json()["payload"]["weights"] == {"aden-peace-circle": "1200.125"}


def test_hostile_path_query_header_and_cookie_values_get_no_server_error(demo_client) -> None:
    client, secretariat = demo_client
    schema = client.get("/openapi.json").json()
    values = ["9" * 5000, "1e999999", "%00%ED%A0%80%FF", "x" * 10_000]
    headers = {"Authorization": "Bearer " + "\u00ff" * 3000, "Accept-Language": "ar;q=" + "9" * 5000,
               "Cookie": "concord_session=" + "A" * 4000 + "; concord_lang=\u00e9\u00ff", "HX-Request": "\u00ff"}
    failures = []

    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            for value in values:
                path = _known_path(client, template).replace("aden-peace-circle", value).replace("/wpn", "/" + value)
                query = "&".join(f"{name}={value}" for name in names)
                response = client.request(method.upper(), f"{path}?{query}", headers=secretariat)
                failures += [(method, path[:60], response.status_code)] if response.status_code >= 500 else []
            response = client.request(method.upper(), _known_path(client, template),
                                      headers={key: value.encode("latin-1") for key, value in headers.items()})
            failures += [(method, template, response.status_code)] if response.status_code >= 500 else []

    assert not failures, failures[:10]


def test_a_weight_with_too_many_digits_in_a_form_is_refused_naming_the_field(demo_client) -> None:
    from tests.pages.pagekit import post_form, sign_in

    client, _ = demo_client
    sign_in(client, *demo.ADMIN)

    response = post_form(client, "/c/wpn/admin/members/aden-peace-circle/weight",
                         {"weight": "1e999999", "reason": "x"}, page="/c/wpn/admin")

    assert response.status_code == 422
    assert "weight" in response.text and "100" in response.text


@pytest.mark.parametrize("fraction", ["1/" + "9" * 4000, "0." + "3" * 4000, "9" * 150 + "/" + "9" * 151])
def test_a_share_written_with_thousands_of_digits_is_refused_naming_the_field(demo_client, fraction: str) -> None:
    client, secretariat = demo_client
    rule = {"counting": "weighted", "weight_threshold": {"fraction": fraction}}

    proposed = client.post("/api/v1/coalitions/wpn/proposals", headers=secretariat, json={
        "kind": "rule_change", "title": "Finer shares", "payload": {"rules": {"decision": rule}, "reason": "x"}})
    asked = client.post("/api/v1/coalitions/wpn/power/what-if", headers=secretariat, json={"rule": rule})

    for response in (proposed, asked):
        assert response.status_code == 422
        assert "weight_threshold.fraction has more than 100 digits" in response.json()["detail"]
