"""This machine's PostgreSQL cluster as a lock: shared by the tests that use it, held alone by a test that stops it."""

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOCK_PATH", "holding_the_cluster"]

LOCK_PATH = Path(tempfile.gettempdir()) / "concord-postgresql-cluster.lock"
_alone = False


@contextmanager
def holding_the_cluster(*, alone: bool = False) -> Iterator[None]:
    """Wait until no test stops the cluster (``alone=False``), or until no other test uses it (``alone=True``).

    An ``flock`` on a file every process on the machine sees: it holds across pytest-xdist workers and across test
    runs started side by side. Inside ``alone=True`` the process already owns the cluster, so nested holds pass.
    """
    global _alone
    if _alone:
        yield
        return
    with open(LOCK_PATH, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        _alone = alone
        try:
            yield
        finally:
            _alone = False
            fcntl.flock(handle, fcntl.LOCK_UN)
