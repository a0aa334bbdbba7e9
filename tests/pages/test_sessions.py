"""Browser sign-ins are recorded server-side, so signing out revokes every copy of the cookie."""

from app.pages.sessions import COOKIE
from tests.pages.pagekit import busy_coalition, post_form, sign_in


def test_a_copy_of_the_cookie_taken_before_sign_out_no_longer_signs_in(client, clock) -> None:
    busy_coalition(client, clock.now)
    sign_in(client, "rep-wpn-north")
    stolen = client.cookies.get(COOKIE)
    assert client.get("/c/wpn/me", follow_redirects=False).status_code == 200

    post_form(client, "/sign-out", {}, page="/c/wpn")
    client.cookies.set(COOKIE, stolen)

    assert client.get("/c/wpn/me", follow_redirects=False).status_code == 303


def test_revoking_an_account_ends_its_browser_sessions(client, clock) -> None:
    fixture, _ = busy_coalition(client, clock.now)
    sign_in(client, "rep-wpn-north")

    response = client.delete(fixture.url("/accounts/rep-wpn-north"), headers=fixture.admin)

    assert response.status_code == 200
    assert client.get("/c/wpn/me", follow_redirects=False).status_code == 303
