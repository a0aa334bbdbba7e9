"""One realistic coalition history per test session, built through the governance commands and exported."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import select

from app.db import make_engine, read_session
from app.main import create_app
from app.settings import Settings
from governance import accounts, coalitions
from governance.log import export
from governance.log.sources import LogSource, read_archive_bytes
from governance.models import Checkpoint, metadata
from tests.conftest import FakeClock
from tests.log.history import build_history


@dataclass
class ExportedHistory:
    """The exported log of a realistic coalition, the key that signs it, and every checkpoint it signed."""

    engine: Engine
    database: Path
    archive: bytes
    source: LogSource
    key: str
    signer_key: str
    checkpoints: dict[int, str]
    app: FastAPI
    slug: str = "wpn"


def export_bytes(engine: Engine, slug: str, key: str, fmt: str = "tar.gz") -> bytes:
    with read_session(engine) as session:
        coalition = coalitions.get_coalition(session, slug)
        return export.build_export(session, coalition=coalition, verifier_key=key, fmt=fmt).content


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> ExportedHistory:
    folder = tmp_path_factory.mktemp("history")
    database = folder / "history.db"
    engine = make_engine(f"sqlite:///{database}")
    metadata.create_all(engine)
    app = create_app(engine, settings=Settings(key_dir=folder / "keys", log_host="concord.test"), clock=FakeClock())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
        patch.setattr(accounts, "_DUMMY_HASH", accounts._hasher.hash("dummy"))
        built = build_history(app)
    key = app.state.log_keys.verifier_key(built.slug)
    archive = export_bytes(engine, built.slug, key)
    with read_session(engine) as session:
        checkpoints = {row.size: row.note for row in session.exec(select(Checkpoint))}
    return ExportedHistory(engine, database, archive, read_archive_bytes(archive), key,
                           app.state.log_keys.signer_key(built.slug), checkpoints, app, built.slug)
