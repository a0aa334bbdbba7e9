"""The demo coalition, built once per module, for pages that are read and not changed."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import demo
from app.db import make_engine
from app.main import create_app
from app.settings import Settings


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A client of the demo (SQLite, its own folder), to read pages only."""
    folder: Path = tmp_path_factory.mktemp("demo")
    settings = Settings(database_url=f"sqlite:///{folder / 'concord.db'}", key_dir=folder / "keys",
                        log_host="concord.test")
    demo.run(settings)
    with TestClient(create_app(make_engine(settings.database_url), settings=settings)) as client:
        yield client
