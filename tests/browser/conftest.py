"""A live server on a free loopback port, seeded through the API, and Debian's Chromium driven by Playwright."""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, sync_playwright

from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from governance.models import metadata
from tests.factories import add_member, make_coalition, make_proposal, open_ballot, vote
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The real app on 127.0.0.1, one fresh SQLite database per test."""
    engine = make_engine(f"sqlite:///{tmp_path / 'concord.db'}")
    metadata.create_all(engine)
    # power in threads with a generous budget: a busy test machine must not turn opening a ballot into a 503
    app = create_app(engine, settings=Settings(database_url="sqlite:///unused.db", key_dir=tmp_path / "keys",
                                               log_host="concord.test", compute_processes=0, compute_seconds=60))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture
def seeded(live_server: str):  # noqa: ANN201
    """A coalition with three members, a closed decision, an open ranked choice and a draft."""
    with httpx.Client(base_url=live_server, timeout=30) as client:
        fixture = make_coalition(client, members={"north": 3, "south": 2})
        add_member(client, fixture, "east", "1.5")
        now = datetime.now(UTC)
        closed = make_proposal(client, fixture, title="Adopt the joint statement")
        open_ballot(client, fixture, closed, now=now)
        for member, choice in (("north", "yes"), ("south", "no"), ("east", "yes")):
            vote(client, fixture, closed, member, choice=choice)
        client.post(fixture.url(f"/proposals/{closed}/ballot/close"), headers=fixture.admin)
        ranked = make_proposal(client, fixture, kind="choice", title="Campaign theme",
                               options=["Peace talks", "Safe corridors", "Justice"])
        open_ballot(client, fixture, ranked, now=now)
        draft = make_proposal(client, fixture, title="Open a regional office")
    return {"url": live_server, "closed": closed, "ranked": ranked, "draft": draft}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def screenshot(page, name: str) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str, password: str = "correct horse battery") -> None:  # noqa: ANN001
    page.goto(f"{base}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").last.click()
    page.wait_for_load_state()
