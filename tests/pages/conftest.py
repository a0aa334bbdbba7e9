"""The demo coalition, copied once per module from the worker's built demo, for pages that are read and not changed."""

import pytest
from fastapi.testclient import TestClient

from app.db import make_engine
from app.main import create_app
from tests.conftest import DemoTemplate


@pytest.fixture(scope="module")
def demo_client(demo_template: DemoTemplate, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A client of the demo (SQLite, its own folder), to read pages only."""
    # a generous power budget: on a busy test machine the power page must not turn into a 503 (test_budget covers it)
    settings = demo_template.copy_to(tmp_path_factory.mktemp("demo")).model_copy(update={"compute_seconds": 60})
    app = create_app(make_engine(settings.database_url), settings=settings, clock=demo_template.clock())
    with TestClient(app) as client:
        yield client
