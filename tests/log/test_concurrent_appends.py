"""Many writers at once: processes and threads append to one log; it stays contiguous, signed once per size, rooted.

Runs on SQLite, and on PostgreSQL with ``CONCORD_TEST_DATABASE_URL`` set (``-m db``).
"""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import exc, text
from sqlmodel import select

from app.db import read_session, write_session
from app.logkeys import LogKeys
from governance import coalitions
from governance.clock import utcnow
from governance.log import store
from governance.log.append_only import MESSAGE
from governance.log.merkle import leaf_hash
from governance.log.notes import verify_checkpoint
from governance.log.tree import MemoryNodeStore, root_from_store
from governance.log.verify import decode_event
from governance.models import Checkpoint, LogEntry, LogHead

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, THREADS, PER_THREAD = 4, 4, 100


def per_process(database_url: str) -> int:
    """2,000 appends in all on PostgreSQL; 400 on SQLite, whose writers queue on one file lock."""
    return 500 if database_url.startswith("postgresql") else 100
WORKER = """
import random, sys
from app.db import make_engine, write_session
from app.logkeys import LogKeys
from governance import coalitions
from governance.log import store
url, key_dir, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
engine, keys, chooser, done = make_engine(url), LogKeys(key_dir, "concord.test"), random.Random(worker), 0
while done < count:
    with write_session(engine) as session:
        session.info["log_signer"] = keys.signer()
        coalition = coalitions.get_coalition(session, "wpn")
        for _ in range(min(count - done, chooser.randint(1, 3))):
            store.append(session, coalition=coalition, type="test.appended", body={"worker": worker, "n": done})
            done += 1
        session.commit()
engine.dispose()
"""


@pytest.fixture
def keys(tmp_path: Path) -> LogKeys:
    return LogKeys(tmp_path / "keys", "concord.test")


@pytest.fixture
def coalition_log(engine, keys: LogKeys):
    with write_session(engine) as session:
        session.info["log_signer"] = keys.signer()
        coalitions.create_coalition(session, slug="wpn", name="WPN", description="", admin_username="admin",
                                    admin_password="correct horse battery", now=utcnow(),
                                    log_key=keys.verifier_key("wpn"))
        session.commit()
    return engine


def assert_contiguous_signed_log(engine, keys: LogKeys, expected: int) -> None:
    with read_session(engine) as session:
        coalition = coalitions.get_coalition(session, "wpn")
        rows = session.exec(select(LogEntry.idx, LogEntry.data).where(LogEntry.coalition_id == coalition.id)
                            .order_by(LogEntry.idx)).all()
        checkpoints = session.exec(select(Checkpoint).where(Checkpoint.coalition_id == coalition.id)
                                   .order_by(Checkpoint.size)).all()
        head = session.get(LogHead, coalition.id)

    assert [idx for idx, _ in rows] == list(range(expected))
    assert [decode_event(data)["idx"] for _, data in rows] == list(range(expected))
    assert [checkpoint.size for checkpoint in checkpoints] == list(range(1, expected + 1))
    recomputed = MemoryNodeStore()
    for (_, data), checkpoint in zip(rows, checkpoints, strict=True):
        recomputed.append(leaf_hash(data))
        signed = verify_checkpoint(checkpoint.note, [keys.verifier_key("wpn")])
        assert signed.root == checkpoint.root == root_from_store(signed.size, recomputed), checkpoint.size
    assert head.size == expected and head.root == root_from_store(expected, recomputed)


def test_processes_appending_at_once_leave_one_contiguous_signed_log(coalition_log, database_url, keys, tmp_path):
    before, count = 2, per_process(database_url)  # coalition.created and the admin's account.granted

    workers = [subprocess.Popen([sys.executable, "-c", WORKER, database_url, str(tmp_path / "keys"), str(worker),
                                 str(count)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
               for worker in range(PROCESSES)]
    errors = [worker.communicate(timeout=600)[1] for worker in workers]

    assert [worker.returncode for worker in workers] == [0] * PROCESSES, errors
    assert_contiguous_signed_log(coalition_log, keys, before + PROCESSES * count)


def test_threads_appending_at_once_leave_one_contiguous_signed_log(coalition_log, keys):
    failures: list[BaseException] = []

    def append_many(worker: int) -> None:
        try:
            for n in range(PER_THREAD):
                with write_session(coalition_log) as session:
                    session.info["log_signer"] = keys.signer()
                    coalition = coalitions.get_coalition(session, "wpn")
                    store.append(session, coalition=coalition, type="test.appended", body={"worker": worker, "n": n})
                    session.commit()
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            failures.append(error)

    threads = [threading.Thread(target=append_many, args=(worker,)) for worker in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert_contiguous_signed_log(coalition_log, keys, 2 + THREADS * PER_THREAD)


@pytest.mark.parametrize("table", ["log_entry", "log_node", "checkpoint"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET coalition_id = coalition_id", "DELETE FROM {table}"])
def test_the_database_refuses_to_update_or_delete_log_rows(coalition_log, owner_engine, table, statement):
    # as the owner, whom the triggers refuse too (the application role may not even try: tests/app/test_db_roles.py)
    with pytest.raises(exc.DBAPIError) as refused, write_session(owner_engine) as session:
        session.execute(text(statement.format(table=table)))
        session.commit()

    assert MESSAGE in str(refused.value)
    with read_session(coalition_log) as session:
        assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() > 0
