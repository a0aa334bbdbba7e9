"""Witnesses as real processes: two ``concord witness`` processes follow a ``uvicorn`` server and cosign its log; the
server then shows a rewritten tree (a split view forged in its database), a fresh witness accepts it, the witness
that saw the original catches the fork with exit code 3, and the verifier refuses the forked log."""

import base64
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from app.db import make_engine
from app.logkeys import LogKeys
from governance.log.append_only import LOG_TABLES, drop_statements
from governance.log.merkle import leaf_hash, root_hash
from governance.log.tree import MemoryNodeStore
from governance.log.witness_cli import EXIT_FORK, write_private_key
from governance.models import metadata
from tests.factories import make_coalition
from tests.reliability.servers import PYTHON, ROOT, Server, postgres_database

pytestmark = pytest.mark.slow
POLL = "0.1"


def wait_for(condition: Callable[[], object], what: str, timeout: float = 60) -> object:
    """Poll ``condition`` until it returns something true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Witnesses:
    """``concord witness`` processes, each in its own process group, stopped at the end."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder, self.url, self.running = folder, url, {}

    def start(self, name: str) -> subprocess.Popen:
        key = self.folder / f"{name}.key"
        process = subprocess.Popen([PYTHON, "-m", "app.cli", "witness", self.url, "--key", str(key),
                                    "--interval", POLL], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, start_new_session=True)
        self.running[name] = process
        return process

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def _register(client: httpx.Client, fixture, folder: Path, member: str) -> None:  # noqa: ANN001
    key = write_private_key(folder / f"{member}.key")
    public = base64.b64encode(key.public_key().public_bytes_raw()).decode()
    response = client.post(fixture.url(f"/members/{member}/keys"), headers=fixture.reps[member],
                           json={"public_key": public, "label": "office server", "purpose": "witness"})
    assert response.status_code == 201, response.text


def _witnessed(client: httpx.Client, fixture, members: tuple[str, ...]) -> int | None:  # noqa: ANN001
    listing = client.get(fixture.url("/log/witnesses")).json()
    sizes = {item["member"]: item["witnessed_size"] for item in listing["items"]}
    done = all(sizes.get(member) == listing["witnessed_size"] for member in members)
    return listing["witnessed_size"] if done else None


def _forge(url: str, key_dir: Path, slug: str) -> None:
    """What an operator with the database could do: rewrite entry 0, rebuild the tree and re-sign every checkpoint."""
    engine = make_engine(url)
    with engine.begin() as connection:
        for table in LOG_TABLES:
            for statement in drop_statements(engine.dialect.name, table):
                connection.execute(text(statement))
        log = connection.execute(text("SELECT id FROM coalition WHERE slug = :slug"), {"slug": slug}).scalar_one()
        data = bytes(connection.execute(text("SELECT data FROM log_entry WHERE coalition_id = :log AND idx = 0"),
                                        {"log": log}).scalar_one()).replace(b"A test coalition.", b"A forged one.")
        connection.execute(text("UPDATE log_entry SET data = :data, leaf_hash = :leaf WHERE coalition_id = :log "
                                "AND idx = 0"), {"data": data, "leaf": leaf_hash(data), "log": log})
        leaves = [bytes(row[0]) for row in connection.execute(text(
            "SELECT leaf_hash FROM log_entry WHERE coalition_id = :log ORDER BY idx"), {"log": log})]
        store = MemoryNodeStore.from_leaf_hashes(leaves)
        connection.execute(text("DELETE FROM log_node WHERE coalition_id = :log"), {"log": log})
        connection.execute(text('INSERT INTO log_node (coalition_id, level, "index", hash) VALUES (:log, :level, '
                                ":index, :hash)"), [{"log": log, "level": level, "index": index, "hash": value}
                                                    for level, hashes in enumerate(store.levels)
                                                    for index, value in enumerate(hashes)])
        connection.execute(text("UPDATE log_head SET root = :root WHERE coalition_id = :log"),
                           {"root": root_hash(leaves), "log": log})
        keys = LogKeys(key_dir, "concord.test")
        sizes = connection.execute(text("SELECT size FROM checkpoint WHERE coalition_id = :log"), {"log": log})
        for size in [row[0] for row in sizes]:
            root = root_hash(leaves[:size])
            connection.execute(text("UPDATE checkpoint SET root = :root, note = :note WHERE coalition_id = :log AND "
                                    "size = :size"), {"root": root, "note": keys.sign_checkpoint(slug, size, root),
                                                      "log": log, "size": size})
    engine.dispose()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, Witnesses]]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'concord.db'}"
            metadata.create_all(make_engine(url))  # the schema the migrations make (tests/test_migrations.py), sooner
        else:
            url = stack.enter_context(postgres_database("concord_witness"))
        server = Server(url, tmp_path / "keys", log_path=tmp_path / "server.log").start()
        stack.callback(server.stop)
        witnesses = Witnesses(tmp_path, f"{server.url}/api/v1/coalitions/wpn")
        stack.callback(witnesses.stop_all)
        yield server, witnesses


def test_witness_processes_cosign_and_catch_a_split_view(world, tmp_path: Path) -> None:
    server, witnesses = world
    client = httpx.Client(base_url=server.url, timeout=30)
    fixture = make_coalition(client, members={"ferry": 1, "harbour": 1, "mill": 1})
    for member in ("ferry", "harbour", "mill"):
        _register(client, fixture, tmp_path, member)
    base = f"{server.url}/api/v1/coalitions/wpn"
    witnesses.start("ferry"), witnesses.start("harbour")

    first = wait_for(lambda: _witnessed(client, fixture, ("ferry", "harbour")), "both witnesses to cosign")
    client.post(fixture.url("/proposals"), headers=fixture.admin, json={"title": "Meet in Amman"})
    second = wait_for(lambda: _witnessed(client, fixture, ("ferry", "harbour")), "both to cosign the new event")
    witnessed = _run("verify", base, "--witnesses", "2")

    assert second > first
    assert witnessed.returncode == 0, witnessed.stdout + witnessed.stderr
    assert f"size {second} cosigned by 2 member witnesses (ferry, harbour)" in witnessed.stdout

    witnesses.stop("harbour")  # harbour's state keeps the tree it saw
    witnesses.stop("ferry")
    seen = json.loads((tmp_path / "harbour.key.state.json").read_text())["note"]
    (tmp_path / "seen.note").write_text(seen)
    _forge(server.database_url, tmp_path / "keys", "wpn")
    client.post(fixture.url("/proposals"), headers=fixture.admin, json={"title": "Forget the old statement"})
    fresh = witnesses.start("mill")  # a newcomer sees only the forked tree: nothing to compare, it cosigns
    wait_for(lambda: _witnessed(client, fixture, ("mill",)), "the fresh witness to cosign the forked tree")
    caught = witnesses.start("harbour")

    assert caught.wait(timeout=60) == EXIT_FORK
    output = caught.stdout.read()
    assert "FORK" in output and "consistency proof fails" in output and "fork report published" in output
    assert (tmp_path / "harbour.key.state.json.fork.json").exists()
    assert fresh.poll() is None
    refused = _run("verify", base, "--witnesses", "1")
    assert refused.returncode == 1 and "not this log's root at that size" in refused.stdout, refused.stdout
    since = _run("verify", base, "--since", str(tmp_path / "seen.note"))
    assert since.returncode == 1 and "FAILED (fork)" in since.stdout, since.stdout
