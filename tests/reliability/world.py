"""A small coalition world in a SQLite file, built once through the API and copied for each case that changes it."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from governance import accounts
from governance.models import metadata
from tests.factories import PASSWORD, make_coalition, token_headers

__all__ = ["ROLES", "World", "build_world", "world_client"]

ROLES = ("anonymous", "rep_a", "rep_b", "other_admin", "admin")
ALPHA_KEY = "2T4M3PMZ6b1zX/T8nim/w7rqmW/LG61ePKRr9e+Asco="  # alpha's registered member key (public half)
NEW_KEY = "8UdvobiqFRsHB0NfS2BB1Fp5iDYPdYlPo1rKqlgWKug="  # a key no member has registered


@dataclass
class World:
    """Where the world's file lives, and what every role sends to be that role."""

    path: Path
    settings: Settings
    headers: dict[str, dict[str, str]]
    spare_token_id: int
    clock: object


@contextmanager
def cheap_hashing() -> Iterator[None]:
    saved = accounts._hasher, accounts._DUMMY_HASH
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    accounts._DUMMY_HASH = accounts._hasher.hash("dummy")
    try:
        yield
    finally:
        accounts._hasher, accounts._DUMMY_HASH = saved


def _app(path: Path, settings: Settings, clock: object) -> FastAPI:
    return create_app(make_engine(f"sqlite:///{path}"), settings=settings, clock=clock)


def build_world(folder: Path, clock: object) -> World:
    """Coalition ``wpn`` (members alpha, with a member key, beta, gamma, suspended delta; draft #1 by alpha, open ballot
    #2) and ``other``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "world.db"
    metadata.create_all(make_engine(f"sqlite:///{path}"))
    settings = Settings(database_url=f"sqlite:///{path}", key_dir=folder / "keys", log_host="concord.test",
                        compute_processes=0)
    with cheap_hashing(), TestClient(_app(path, settings, clock)) as client:
        wpn = make_coalition(client, slug="wpn", members={"alpha": 3, "beta": 2, "gamma": 1, "delta": 1})
        other = make_coalition(client, slug="other", members={"omega": 1})
        assert client.post(wpn.url("/members/delta/suspend"), headers=wpn.admin, json={"reason": "test"}).status_code == 200
        for username in ("spare",):
            response = client.post(wpn.url("/accounts"), headers=wpn.admin, json={
                "username": username, "password": PASSWORD, "role": "representative", "member": "beta"})
            assert response.status_code == 201, response.text
        assert client.post(wpn.url("/proposals"), headers=wpn.reps["alpha"], json={"title": "Draft"}).status_code == 201
        assert client.post(wpn.url("/proposals"), headers=wpn.admin, json={"title": "Open"}).status_code == 201
        response = client.post(wpn.url("/proposals/2/ballot"), headers=wpn.admin,
                               json={"closes_at": (clock.now + timedelta(days=7)).isoformat()})
        assert response.status_code == 201, response.text
        response = client.post(wpn.url("/members/alpha/keys"), headers=wpn.reps["alpha"],
                               json={"public_key": ALPHA_KEY, "label": "alpha's laptop"})
        assert response.status_code == 201, response.text
        spare = client.post("/api/v1/auth/tokens", json={"username": "rep-wpn-alpha", "password": PASSWORD,
                                                         "name": "spare"}).json()["id"]
        headers = {"anonymous": {}, "rep_a": wpn.reps["alpha"], "rep_b": wpn.reps["beta"],
                   "other_admin": other.admin, "admin": wpn.admin}
        assert token_headers(client, "rep-wpn-beta")
    return World(path=path, settings=settings, headers=headers, spare_token_id=spare, clock=clock)


@contextmanager
def world_client(world: World, folder: Path) -> Iterator[TestClient]:
    """A client on a private copy of the world: what one case changes, the next does not see."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "case.db"
    for suffix in ("", "-wal", "-shm"):
        source = world.path.with_name(world.path.name + suffix)
        if source.exists():
            shutil.copyfile(source, copy.with_name(copy.name + suffix))
    with cheap_hashing(), TestClient(_app(copy, world.settings, world.clock)) as client:
        yield client
