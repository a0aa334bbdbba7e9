"""The worker: closes every ballot whose time has come, stages reminders and daily digests, and delivers the outbox.

Any number of processes may run it (every ``concord serve`` process does, and ``concord worker``); exactly one works at
a time: on PostgreSQL the one holding a session-level advisory lock (``pg_try_advisory_lock``), which the server
releases the moment that process's connection ends, so a standby takes over at its next poll; on SQLite the one
holding an exclusive ``flock`` on a file beside the database, which the kernel releases when the process dies.
"""

import fcntl
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine

from app.db import read_session, write_session
from app.foreground import never_busy
from app.logkeys import LogKeys
from app.outbox.delivery import Courier
from app.settings import Settings
from governance import ballots, coalitions, outbox
from governance.clock import utcnow
from governance.models import Ballot, Coalition

__all__ = ["LOCK_KEY", "Worker", "leadership_for"]

logger = logging.getLogger("concord.worker")
LOCK_KEY = 0x636F6E636F7264  # "concord": the advisory lock every Concord process of one database competes for


class PostgresLeadership:
    """The advisory lock, on a connection of its own held as long as the lead."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.connection = engine, None

    def hold(self) -> bool:
        """Whether this process leads now: take the lock if free, or check the held one's connection still lives."""
        try:
            if self.connection is None:
                connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar():
                    connection.close()
                    return False
                self.connection = connection
            else:
                self.connection.execute(text("SELECT 1"))
            return True
        except Exception:  # the database went away: the lock went with the connection
            logger.warning("lost the worker lock's connection", exc_info=True)
            self.release()
            return False

    def release(self) -> None:
        connection: Connection | None = self.connection
        self.connection = None
        if connection is not None:
            try:
                connection.invalidate()  # never back to the pool while it might hold the lock
            except Exception:
                logger.debug("closing the lock's connection failed", exc_info=True)


class FileLeadership:
    """An exclusive ``flock`` on ``<database>.worker.lock``."""

    def __init__(self, path: Path) -> None:
        self.path, self.handle = path, None

    def hold(self) -> bool:
        if self.handle is not None:
            return True
        handle = open(self.path, "a+")  # noqa: SIM115 (held open as long as the lead)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


class AlwaysLeading:
    """An in-memory SQLite database has one process by construction."""

    def hold(self) -> bool:
        return True

    def release(self) -> None:
        pass


def leadership_for(engine: Engine) -> PostgresLeadership | FileLeadership | AlwaysLeading:
    if engine.dialect.name == "postgresql":
        return PostgresLeadership(engine)
    database = engine.url.database
    if database in (None, "", ":memory:"):
        return AlwaysLeading()
    return FileLeadership(Path(f"{os.path.abspath(database)}.worker.lock"))


class Worker:
    """One pass (``tick``) does everything that is due; ``start`` runs passes on a thread every poll interval.
    ``busy``: whether the process is answering requests now (in a server; deliveries then keep to their CPU share)."""

    def __init__(self, engine: Engine, settings: Settings, *, busy: Callable[[], bool] = never_busy) -> None:
        self.engine, self.settings = engine, settings
        self.courier = Courier(engine, settings, busy)
        self.keys = LogKeys(settings.key_dir, settings.log_host)
        self.signer = self.keys.signer()
        self.leadership = leadership_for(engine)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.leading = False

    def tick(self, now: datetime | None = None, *, wait: bool = True) -> dict[str, int]:
        """Close due ballots, stage reminders and digests, start delivering what is due (``wait``: and wait for
        it; the background loop does not, so a slow receiver never delays a closing): what it did, by step."""
        now = now or utcnow()
        done = {"closed": self.close_due(now), "reminders": 0, "digests": 0}
        cutoff = outbox.next_digest_cutoff(now, self.settings.digest_hour)
        with read_session(self.engine) as session:  # a write transaction only when there is something to write
            reminders = outbox.due_reminders(session, now=now)
            digests = outbox.digests_due(session, cutoff=cutoff)
        if reminders or digests:
            with write_session(self.engine) as session:
                done["reminders"] = outbox.stage_due_reminders(session, ballot_ids=reminders, now=now)
                done["digests"] = outbox.stage_digests(session, now=now, cutoff=cutoff) if digests else 0
                session.commit()
        done["tried"] = self.courier.deliver_due(now=now, wait=wait)
        return done

    def close_due(self, now: datetime) -> int:
        """Close every ballot past its time, each coalition in a transaction of its own (under its log's head lock,
        so a request closing the same ballot meanwhile makes this a no-op)."""
        with read_session(self.engine) as session:
            slugs = list(session.execute(select(Coalition.slug).join(Ballot, Ballot.coalition_id == Coalition.id)
                                         .where(Ballot.status == "open", Ballot.closes_at <= now).distinct()).scalars())
        closed = 0
        for slug in sorted(slugs):
            with write_session(self.engine) as session:
                session.info["log_signer"] = self.signer
                closed += len(ballots.close_due(session, coalition=coalitions.get_coalition(session, slug), now=now))
                session.commit()
        return closed

    def run_once_if_leading(self) -> bool:
        self.leading = self.leadership.hold()
        if self.leading:
            try:
                self.tick(wait=False)
            except Exception:  # a bad pass is logged and the next one tries again
                logger.exception("worker pass failed")
        return self.leading

    def run(self) -> None:
        while not self.stopping.is_set():
            self.run_once_if_leading()
            self.stopping.wait(self.settings.worker_poll_seconds)
        self.leadership.release()
        self.courier.close()

    def start(self) -> "Worker":
        self.thread = threading.Thread(target=self.run, name="concord-worker", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)
        self.courier.close()
