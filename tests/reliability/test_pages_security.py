"""The HTML pages under hostile use: forms without their CSRF token, script in every user text, huge bodies, traversal."""

import re
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from app.db import make_engine
from governance.models import LogEntry
from tests.factories import PASSWORD
from tests.reliability.test_authorization import served_routes
from tests.reliability.world import build_world, world_client

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MARKDOWN_XSS = XSS + '\n\n[click](javascript:alert(1)) <a href="javascript:alert(2)">a</a>'
FILL = {"slug": "wpn", "number": "1", "member": "alpha", "username": "spare", "kind": "decision", "token_id": "1",
        "idx": "1", "size": "3", "notification_id": "1", "endpoint_id": "1", "application_id": "1", "token": "secret", "comment": "1", "amendment": "1", "topic": "1", "job_id": "none",
        "key_id": "0" * 64}


@pytest.fixture(scope="module")
def world(tmp_path_factory):  # noqa: ANN001, ANN201
    from tests.conftest import FakeClock

    return build_world(tmp_path_factory.mktemp("pages-world"), FakeClock())


def sign_in(client, username: str) -> str:  # noqa: ANN001
    """Sign in through the page form; return the session's CSRF token."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").text).group(1)
    response = client.post("/sign-in", data={"csrf_token": token, "username": username, "password": PASSWORD},
                           follow_redirects=False)
    assert response.status_code in (302, 303), response.text[:300]
    page = client.get("/c/wpn").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1) if "csrf_token" in page else token


def page_posts(app) -> list[str]:  # noqa: ANN001
    return sorted(path for method, path in served_routes(app) if method == "POST" and not path.startswith("/api/"))


def log_size(world_path: Path) -> int:
    engine = make_engine(f"sqlite:///{world_path}")
    with Session(engine) as session:
        size = session.exec(select(func.count()).select_from(LogEntry)).one()
    engine.dispose()
    return size


def test_every_page_form_refuses_a_post_without_its_csrf_token(world, tmp_path: Path) -> None:
    refused, accepted = [], []
    with world_client(world, tmp_path) as client:
        sign_in(client, "wpn-admin")
        before = log_size(tmp_path / "case.db")
        for template in page_posts(client.app):
            if template in ("/sign-in", "/language", "/unsubscribe/{token}"):
                # signing in and choosing a language change no coalition state; a one-click unsubscribe (RFC 8058)
                # comes from a mail client without a session: its unguessable link is the credential
                continue
            response = client.post(template.format(**FILL), data={"title": "Forged", "reason": "forged",
                                                                  "name": "Forged Org", "choice": "yes"},
                                   follow_redirects=False)
            (refused if response.status_code in (400, 403) else accepted).append((template, response.status_code))
        after = log_size(tmp_path / "case.db")

    assert refused, "no page form was found to check"
    assert accepted == []
    assert after == before


def test_script_in_user_text_is_shown_as_text_on_every_page(world, tmp_path: Path) -> None:
    with world_client(world, tmp_path) as client:
        created = client.post("/api/v1/coalitions/wpn/proposals", headers=world.headers["rep_a"],
                              json={"title": XSS[:200], "body": MARKDOWN_XSS})
        client.post("/api/v1/coalitions/wpn/members", headers=world.headers["admin"],
                    json={"name": XSS[:200], "slug": "xss-org", "country": XSS[:100]})
        number = created.json()["number"]
        pages = {path: client.get(path) for path in ("/", "/c/wpn", "/c/wpn/proposals", f"/c/wpn/proposals/{number}",
                                                     "/c/wpn/members", "/c/wpn/log")}

    assert created.status_code == 201
    for path, page in pages.items():
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text, path
        assert not re.search(r"<img[^>]*onerror", page.text, re.IGNORECASE), path
        assert not re.search(r"<a[^>]*href=[\"']?\s*javascript:", page.text, re.IGNORECASE), path


def test_oversized_bodies_are_refused_with_413_before_they_are_read(world, tmp_path: Path) -> None:
    big = "x" * (world.settings.max_body_bytes + 1)
    with world_client(world, tmp_path) as client:
        answers = [client.post("/sign-in", content=big, headers={"content-type": "application/x-www-form-urlencoded"}),
                   client.post("/api/v1/coalitions/wpn/proposals", content=big, headers={
                       **world.headers["rep_a"], "content-type": "application/json"}),
                   client.post("/api/v1/auth/tokens", content=big, headers={"content-type": "application/json",
                                                                            "content-length": "99999999999"})]

    assert [a.status_code for a in answers] == [413, 413, 413]
    assert all("larger than" in a.json()["detail"] for a in answers)


@pytest.mark.parametrize("path", [
    "/static/../app/settings.py", "/static/..%2fapp%2fsettings.py", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%5c..%5capp%5csettings.py", "/static//etc/passwd",
    "/api/v1/coalitions/wpn/log/export?format=../../etc/passwd",
])
def test_no_path_reaches_a_file_outside_the_static_folder(world, tmp_path: Path, path: str) -> None:
    with world_client(world, tmp_path) as client:
        response = client.get(path)

    assert response.status_code in (400, 404, 422), (path, response.status_code)
    assert "BaseSettings" not in response.text and "root:" not in response.text
