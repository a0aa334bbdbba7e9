"""This machine's PostgreSQL cluster as a lock: one test at a time uses it, across xdist workers and parallel runs."""

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOCK_PATH", "holding_the_cluster"]

LOCK_PATH = Path(tempfile.gettempdir()) / "concord-postgresql-cluster.lock"
_depth = 0


@contextmanager
def holding_the_cluster() -> Iterator[None]:
    """Wait until no other process's test uses the cluster, and keep the others waiting until this one is done.

    One at a time: a ``pgstop`` test stops the cluster under everyone's feet, and two servers under load (up to 30
    connections per worker process) exhaust its 100 connections. An ``flock`` on a file every process on the machine
    sees; nested holds in the same process pass.
    """
    global _depth
    if _depth:
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
        return
    with open(LOCK_PATH, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _depth = 1
        try:
            yield
        finally:
            _depth = 0
            fcntl.flock(handle, fcntl.LOCK_UN)
