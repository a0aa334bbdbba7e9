"""The deliberation pages: read without an account, post in place with htmx or by Post/Redirect/Get, both languages."""

import re

from fastapi.testclient import TestClient

from tests.app.support import snapshot
from tests.deliberation.support import comment, discussed
from tests.pages.pagekit import csrf, post_form, set_language, sign_in

HTMX = {"HX-Request": "true"}
PAGE_LIMIT = 100_000


def test_observers_read_the_discussion_and_are_invited_to_sign_in(client: TestClient) -> None:
    fixture, number = discussed(client)
    comment(client, fixture, number, "north", "Read me, **observers**.")

    page = client.get(f"/c/{fixture.slug}/proposals/{number}")

    assert page.status_code == 200
    assert "<strong>observers</strong>" in page.text
    assert "Sign in as a member&#39;s representative to take part" in page.text
    assert 'id="comment-form"' not in page.text


def test_a_comment_posted_without_javascript_redirects_to_it(client: TestClient) -> None:
    fixture, number = discussed(client)
    sign_in(client, "rep-wpn-north")
    path = f"/c/{fixture.slug}/proposals/{number}"

    response = post_form(client, f"{path}/comments", {"text": "Posted by a plain form."}, page=path)

    assert response.status_code == 303 and response.headers["location"].endswith("#comment-1")
    assert "Posted by a plain form." in client.get(path).text


def test_htmx_adds_a_comment_and_a_reply_in_place(client: TestClient) -> None:
    fixture, number = discussed(client)
    sign_in(client, "rep-wpn-north")
    path = f"/c/{fixture.slug}/proposals/{number}"
    token = csrf(client, path)

    posted = client.post(f"{path}/comments", data={"text": "In place", "csrf_token": token}, headers=HTMX)
    replied = client.post(f"{path}/comments", data={"text": "A reply in place", "parent": "1", "csrf_token": token},
                          headers=HTMX)

    assert posted.status_code == 200 and posted.text.lstrip().startswith('<li id="thread-1">')
    assert 'id="comment-form"' in posted.text and 'hx-swap-oob="outerHTML"' in posted.text
    assert "<html" not in posted.text
    assert replied.text.lstrip().startswith("<li>") and "A reply in place" in replied.text
    assert '<a id="reply-1"' in replied.text and 'hx-swap-oob="outerHTML"' in replied.text


def test_the_reply_form_comes_in_place_with_htmx_and_on_the_comment_page_without(client: TestClient) -> None:
    fixture, number = discussed(client)
    comment(client, fixture, number, "north", "Reply to me.")
    sign_in(client, "rep-wpn-south")

    page = client.get(f"/c/{fixture.slug}/proposals/{number}")
    fragment = client.get(f"/c/{fixture.slug}/comments/1/reply?thread=1", headers=HTMX)
    plain = client.get(f"/c/{fixture.slug}/comments/1")

    assert 'href="/c/wpn/comments/1#reply"' in page.text and 'name="parent"' not in page.text
    assert fragment.text.lstrip().startswith('<details id="reply-1"') and 'name="parent" value="1"' in fragment.text
    assert 'name="parent" value="1"' in plain.text


def test_a_refused_htmx_comment_comes_back_as_the_form_with_its_message(client: TestClient) -> None:
    fixture, number = discussed(client)
    sign_in(client, "rep-wpn-north")
    path = f"/c/{fixture.slug}/proposals/{number}"
    token = csrf(client, path)
    before = snapshot(client.app.state.engine)

    response = client.post(f"{path}/comments", data={"text": "   ", "csrf_token": token}, headers=HTMX)
    plain = post_form(client, f"{path}/comments", {"text": ""}, page=path)

    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#comment-form" and response.headers["HX-Reswap"] == "outerHTML"
    assert "comment must not be empty" in response.text
    assert plain.status_code == 422 and 'id="comment-text-error"' in plain.text
    assert snapshot(client.app.state.engine) == before


def test_the_arabic_page_translates_the_discussion_and_the_refusals(client: TestClient) -> None:
    fixture, number = discussed(client)
    comment(client, fixture, number, "south", "Shukran.")
    sign_in(client, "rep-wpn-north")
    set_language(client, "ar")
    path = f"/c/{fixture.slug}/proposals/{number}"

    page = client.get(path)
    refused = post_form(client, f"{path}/comments", {"text": ""}, page=path)

    assert 'dir="rtl"' in page.text and "النقاش" in page.text and "<bdi>South</bdi>" in page.text
    assert refused.status_code == 422 and "must not be empty" not in refused.text


def test_editing_and_moderating_from_the_comment_page(client: TestClient) -> None:
    fixture, number = discussed(client)
    comment(client, fixture, number, "north", "Draft wording.")
    sign_in(client, "rep-wpn-north")

    edited = post_form(client, f"/c/{fixture.slug}/comments/1/edit", {"text": "Better wording."},
                       page=f"/c/{fixture.slug}/comments/1")
    history = client.get(f"/c/{fixture.slug}/comments/1")
    client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    sign_in(client, "wpn-admin")
    no_reason = post_form(client, f"/c/{fixture.slug}/comments/1/hide", {"reason": ""},
                          page=f"/c/{fixture.slug}/comments/1")
    hidden = post_form(client, f"/c/{fixture.slug}/comments/1/hide", {"reason": "Off topic"},
                       page=f"/c/{fixture.slug}/comments/1")
    page = client.get(f"/c/{fixture.slug}/proposals/{number}")

    assert edited.status_code == 303
    assert "Draft wording." in history.text and "Better wording." in history.text
    assert no_reason.status_code == 422 and "reason must not be empty" in no_reason.text
    assert hidden.status_code == 303
    assert "Hidden by the moderators:" in page.text and "<bdi>Off topic</bdi>" in page.text
    assert "Better wording." not in page.text


def test_the_amendment_form_the_diff_and_the_versions_side_by_side(client: TestClient) -> None:
    fixture, number = discussed(client)
    sign_in(client, "rep-wpn-south")
    amend_path = f"/c/{fixture.slug}/proposals/{number}/amend"

    proposed = post_form(client, amend_path, {"title": "Open a regional office in Aden", "body": "Details."},
                         page=amend_path)
    page = client.get(f"/c/{fixture.slug}/proposals/{number}")
    client.post(f"/api/v1/coalitions/{fixture.slug}/proposals/{number}/amendments/1/accept", headers=fixture.admin)
    versions = client.get(f"/c/{fixture.slug}/proposals/{number}/versions?a=1&b=2")

    assert proposed.status_code == 303
    assert "<ins> in Aden</ins>" in page.text.replace("<ins>in Aden</ins>", "<ins> in Aden</ins>") or \
        re.search(r"<ins>[^<]*Aden</ins>", page.text)
    assert versions.status_code == 200 and "Open a regional office in Aden" in versions.text
    assert re.search(r"<ins>[^<]*Aden</ins>", versions.text)


def test_the_agenda_pages_in_both_languages(client: TestClient) -> None:
    fixture, _ = discussed(client)
    client.post(f"/api/v1/coalitions/{fixture.slug}/agenda", headers=fixture.admin,
                json={"title": "Spring meeting", "method": "approval"})
    sign_in(client, "rep-wpn-east")
    path = f"/c/{fixture.slug}/agenda/1"

    submitted = post_form(client, f"{path}/topics", {"title": "Media training"}, page=path)
    english = client.get(path)
    set_language(client, "ar")
    arabic = client.get(path)

    assert submitted.status_code == 303
    assert "Media training" in english.text and "Submit a topic" in english.text
    assert 'dir="rtl"' in arabic.text and "Submit a topic" not in arabic.text


def test_a_long_discussion_page_stays_under_100_kb(client: TestClient) -> None:
    fixture, number = discussed(client)
    client.app.state.post_limiter.limit = 1000
    for n in range(20):
        top = comment(client, fixture, number, "north", f"Thread {n}: " + "words " * 40).json()
        comment(client, fixture, number, "south", "A reply " * 20, parent=top["number"])
    sign_in(client, "rep-wpn-east")

    page = client.get(f"/c/{fixture.slug}/proposals/{number}")
    assets = [client.get(path).content for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)]

    assert len(assets) == 2  # the style sheet and htmx, counted uncompressed
    assert len(page.content) + sum(map(len, assets)) < PAGE_LIMIT, len(page.content)


def test_moderators_find_flagged_comments_in_their_queue(client: TestClient) -> None:
    fixture, number = discussed(client)
    first = comment(client, fixture, number, "north", "Flag me.").json()
    comment(client, fixture, number, "north", "Leave me.")
    client.post(fixture.url(f"/comments/{first['number']}/flag"), headers=fixture.reps["south"],
                json={"reason": "Insulting"})
    sign_in(client, "rep-wpn-east")
    refused = client.get(f"/c/{fixture.slug}/moderation")
    client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    sign_in(client, "wpn-admin")

    queue = client.get(f"/c/{fixture.slug}/moderation")

    assert refused.status_code == 403
    assert "Flag me." in queue.text and "Leave me." not in queue.text and "<bdi>Insulting</bdi>" in queue.text
