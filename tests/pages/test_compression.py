"""Pages travel compressed, so a page with its CSS and htmx stays light."""

from tests.pages.pagekit import busy_coalition, post_form


def test_pages_and_static_files_are_sent_gzip_compressed_when_the_browser_accepts_it(client, clock) -> None:
    busy_coalition(client, clock.now)

    page = client.get("/c/wpn/members", headers={"accept-encoding": "gzip"})
    script = next(p for p in ("/static/htmx-2.0.11.min.js",) if client.get(p).status_code == 200)
    static = client.get(script, headers={"accept-encoding": "gzip"})

    assert page.headers["content-encoding"] == "gzip"
    assert static.headers["content-encoding"] == "gzip"
    assert int(static.headers["content-length"]) < 25_000  # htmx is about 52 KB uncompressed


def test_field_attributes_are_separated_when_a_field_has_an_error(client, clock) -> None:
    response = post_form(client, "/sign-in", {"username": "", "password": ""}, page="/sign-in")

    assert response.status_code == 422
    assert 'aria-invalid="true"aria' not in response.text
    assert 'aria-invalid="true" aria-describedby="signin-username-error' in response.text
