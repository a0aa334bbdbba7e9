"""Real Concord servers for reliability tests: uvicorn subprocesses on free loopback ports, own databases, always stopped."""

import atexit
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from tests.cluster import holding_the_cluster
from tests.ports import free_port

__all__ = ["PG_ADMIN_DSN", "Server", "ensure_postgres", "free_port", "postgres_database", "postgres_running",
           "sqlite_url", "start_postgres", "stop_postgres", "upgrade"]

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_DSN = os.environ.get("CONCORD_RELIABILITY_PG_DSN", f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres")
HOST = "127.0.0.1"


def _cluster() -> str:
    return sorted(os.listdir("/etc/postgresql"))[0]


def postgres_running() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", PG_HOST, "-p", str(PG_PORT)], check=False).returncode == 0


def start_postgres(timeout: float = 60) -> None:
    """Start this machine's PostgreSQL cluster if it is down, and wait until it accepts connections."""
    if postgres_running():
        return
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "start"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
    deadline = time.monotonic() + timeout
    while not postgres_running():
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL at {PG_HOST}:{PG_PORT} did not come up within {timeout} s.")
        time.sleep(0.5)


def stop_postgres(timeout: float = 60) -> None:
    """Stop this machine's PostgreSQL cluster fast (open sessions are cut off)."""
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "stop", "-m", "fast"],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)


ensure_postgres = start_postgres


def upgrade(url: str) -> None:
    """``concord db upgrade`` against ``url``, as an operator would run it."""
    env = {**os.environ, "CONCORD_DATABASE_URL": url}
    subprocess.run([PYTHON, "-m", "app.cli", "db", "upgrade"], cwd=ROOT, env=env, check=True, timeout=180,
                   stdout=subprocess.DEVNULL)


def _url(name: str) -> str:
    return f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"


_TEMPLATE = f"concord_rel_template_{os.getpid()}"
_template_ready = False


def _migrated_template() -> str:
    """A database ``concord db upgrade`` migrated once in this process, which each run copies (``CREATE DATABASE ...
    TEMPLATE``, a file copy) instead of running every migration again; dropped when the process ends."""
    global _template_ready
    if not _template_ready:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{_TEMPLATE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{_TEMPLATE}"')
        upgrade(_url(_TEMPLATE))
        _template_ready = True
        atexit.register(_drop_template)
    return _TEMPLATE


def _drop_template() -> None:
    with holding_the_cluster():
        if postgres_running():
            with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{_TEMPLATE}" WITH (FORCE)')


@contextmanager
def postgres_database(prefix: str = "concord_rel") -> Iterator[str]:
    """A fresh PostgreSQL database for one run, migrated to the latest schema (a copy of this process's migrated
    template); dropped afterwards.

    Holds the cluster throughout (tests/cluster.py): the other tests on it, in any process, wait meanwhile.
    """
    with holding_the_cluster():
        ensure_postgres()
        template = _migrated_template()
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url = _url(name)
        try:
            yield url
        finally:
            ensure_postgres()
            with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(folder: Path) -> str:
    """A migrated SQLite database file in ``folder``."""
    url = f"sqlite:///{folder / 'concord.db'}"
    upgrade(url)
    return url


@dataclass
class Server:
    """``uvicorn <app> --workers N`` in its own process group on a free loopback port."""

    database_url: str
    key_dir: Path
    workers: int = 1
    app: str = "app.asgi:app"
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    ready_path: str = "/api/v1/coalitions"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def command(self) -> Sequence[str]:
        # On a loaded two-core CI machine a client may take seconds to reuse a connection, and a busy worker to answer
        # the supervisor's health check: uvicorn's 5 s defaults would close the one (a reset as the next request goes
        # out) or kill the other mid-request. What these tests check is Concord's, not those races: 30 s for both.
        return [PYTHON, "-m", "uvicorn", self.app, "--host", HOST, "--port", str(self.port),
                "--workers", str(self.workers), "--no-access-log", "--log-level", "warning",
                "--timeout-graceful-shutdown", "5", "--timeout-keep-alive", "30", "--timeout-worker-healthcheck", "30"]

    def start(self, timeout: float = 90) -> "Server":
        """Start the server and wait until it answers; raise with its log if it does not."""
        # a generous power budget: on a busy test machine opening a ballot must not become a 503 (test_budget covers it)
        env = {**os.environ, "CONCORD_DATABASE_URL": self.database_url, "CONCORD_KEY_DIR": str(self.key_dir),
               "CONCORD_LOG_HOST": "concord.test", "CONCORD_COMPUTE_SECONDS": "60", **self.extra_env}
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        if out is not subprocess.DEVNULL:
            out.close()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + self.ready_path, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """``kill -9`` the whole process group: the supervisor and every worker, mid-request."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        """Stop gracefully, and kill whatever is left after a few seconds."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def restart(self, timeout: float = 90) -> None:
        """Stop (or finish killing) and start again on the same port, so clients reconnect by themselves."""
        self.stop()
        self.start(timeout)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
