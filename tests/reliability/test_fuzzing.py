"""Schemathesis against the OpenAPI schema, every operation, as every kind of caller: no 5xx, every answer as documented."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from tests.reliability.world import ROLES, build_world, cheap_hashing, _app

KNOWN = {"slug": "wpn", "member": "alpha", "number": 2, "kind": "decision", "username": "spare", "idx": 1, "size": 3}
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


def operations(app) -> dict[str, object]:  # noqa: ANN001
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


LABELS = sorted(operations(create_app(make_engine("sqlite://"), settings=Settings(
    database_url="sqlite://", key_dir=Path("/nonexistent-concord-keys")))))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):  # noqa: ANN001, ANN201
    """One world for the whole run: what one operation's examples change, the next operation sees."""
    from tests.conftest import FakeClock

    folder = tmp_path_factory.mktemp("fuzz")
    world = build_world(folder, FakeClock())
    app = _app(world.path, world.settings, world.clock)
    return world, operations(app)


@pytest.mark.parametrize("label", LABELS)
def test_every_operation_answers_as_documented_and_never_with_a_server_error(label: str, fuzzed) -> None:
    world, ops = fuzzed
    operation = ops[label]

    @given(case=operation.as_strategy(), role=st.sampled_from(ROLES), known=st.booleans())
    @settings(max_examples=20, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def answers_as_documented(case, role: str, known: bool) -> None:  # noqa: ANN001
        if known:  # half the examples aim at things that exist, so the handlers run past their lookups
            for name, value in KNOWN.items():
                if name in (case.path_parameters or {}):
                    case.path_parameters[name] = value
        with cheap_hashing():
            response = case.call(headers=world.headers[role])
        case.validate_response(response, checks=CHECKS)

    answers_as_documented()


def test_numbers_too_large_for_the_database_are_refused_not_crashed(tmp_path: Path) -> None:
    from tests.conftest import FakeClock
    from tests.reliability.world import world_client

    world = build_world(tmp_path / "world", FakeClock())
    huge = 2**63
    with world_client(world, tmp_path / "case") as client:
        answers = [client.delete(f"/api/v1/auth/tokens/{huge}", headers=world.headers["rep_a"]),
                   client.get(f"/api/v1/coalitions/wpn/proposals/{huge}"),
                   client.get(f"/api/v1/coalitions/wpn/log/entries?start={huge}")]

    assert all(400 <= a.status_code < 500 for a in answers), [a.text for a in answers]
