"""Forms: CSRF, sessions, Post/Redirect/Get, 422 with the message beside the field, htmx regions, escaping."""

from tests.factories import make_coalition
from tests.pages.pagekit import TOKEN, busy_coalition, csrf, post_form, set_language, sign_in

PAYLOAD = '<script>alert("x")</script>'


def test_a_form_without_the_csrf_token_is_refused_with_a_403_page(client, clock) -> None:
    _, numbers = busy_coalition(client, clock.now)
    sign_in(client, "rep-wpn-north")
    set_language(client, "ar")

    response = client.post(f"/c/wpn/proposals/{numbers['decision']}/vote", data={"choice": "yes"})

    assert response.status_code == 403
    assert "انتهت صلاحية هذا النموذج" in response.text
    assert client.get("/api/v1/coalitions/wpn/proposals/2/ballot").json()["voted"] == []


def test_a_token_from_another_session_is_refused(client, app, clock) -> None:
    _, numbers = busy_coalition(client, clock.now)
    from fastapi.testclient import TestClient

    with TestClient(app) as other:
        stolen = csrf(other, "/sign-in")
    sign_in(client, "rep-wpn-north")

    response = client.post(f"/c/wpn/proposals/{numbers['decision']}/vote",
                           data={"choice": "yes", "csrf_token": stolen})

    assert response.status_code == 403


def test_sign_in_replaces_the_session_cookie_which_is_httponly_and_samesite_lax(client, clock) -> None:
    busy_coalition(client, clock.now)
    client.get("/sign-in")
    before = client.cookies.get("concord_session")

    response = post_form(client, "/sign-in", {"username": "rep-wpn-north", "password": "correct horse battery"},
                         page="/sign-in")

    header = response.headers["set-cookie"]
    assert response.status_code == 303 and response.headers["location"] == "/c/wpn/me"
    assert "HttpOnly" in header and "SameSite=lax" in header.replace("Lax", "lax")
    assert client.cookies.get("concord_session") != before
    assert "Signed in as rep-wpn-north" in client.get("/c/wpn/me").text


def test_wrong_password_keeps_the_username_and_says_why(client, clock) -> None:
    busy_coalition(client, clock.now)

    response = post_form(client, "/sign-in", {"username": "rep-wpn-north", "password": "nope"}, page="/sign-in")
    empty = post_form(client, "/sign-in", {"username": "", "password": ""}, page="/sign-in")

    assert response.status_code == 401 and "Wrong username or password." in response.text
    assert 'value="rep-wpn-north"' in response.text
    assert empty.status_code == 422 and 'id="signin-username-error"' in empty.text


def test_sign_out_ends_the_session(client, clock) -> None:
    busy_coalition(client, clock.now)
    sign_in(client, "rep-wpn-north")

    post_form(client, "/sign-out", {}, page="/c/wpn")

    assert client.get("/c/wpn/me", follow_redirects=False).status_code == 303


def test_a_representative_votes_changes_the_vote_and_downloads_a_receipt(client, clock) -> None:
    _, numbers = busy_coalition(client, clock.now)
    sign_in(client, "rep-wpn-north")
    page = f"/c/wpn/proposals/{numbers['decision']}"

    first = post_form(client, f"{page}/vote", {"choice": "yes"}, page=page)
    second = post_form(client, f"{page}/vote", {"choice": "no"}, page=page)
    shown = client.get(page).text
    receipt = client.get(f"{page}/receipt")

    assert first.status_code == second.status_code == 303
    assert second.headers["location"].startswith(page)
    assert 'value="no" checked' in shown and "Change the vote" in shown
    assert receipt.status_code == 200 and "attachment" in receipt.headers["content-disposition"]
    votes = client.get("/api/v1/coalitions/wpn/proposals/2/ballot/votes").json()["items"]
    assert votes[0]["casts"] == 2 and votes[0]["vote"] == {"choice": "no"}


def test_ranking_is_built_from_one_select_per_rank(client, clock) -> None:
    _, numbers = busy_coalition(client, clock.now)
    sign_in(client, "rep-wpn-north")
    page = f"/c/wpn/proposals/{numbers['ranked']}"

    twice = post_form(client, f"{page}/vote", {"rank-1": "2", "rank-2": "2"}, page=page)
    ranked = post_form(client, f"{page}/vote", {"rank-1": "2", "rank-2": "0", "rank-3": ""}, page=page)

    assert twice.status_code == 422
    assert 'id="vote-rank-2-error"' in twice.text and "already ranked higher" in twice.text
    assert '<option value="2" selected>' in twice.text
    assert ranked.status_code == 303
    own = client.get("/api/v1/coalitions/wpn/proposals/3/ballot/votes").json()["items"][0]["vote"]
    assert own == {"ranking": ["Justice", "Peace"]}


def test_htmx_vote_returns_only_its_region(client, clock) -> None:
    _, numbers = busy_coalition(client, clock.now)
    sign_in(client, "rep-wpn-north")
    page = f"/c/wpn/proposals/{numbers['decision']}"

    response = post_form(client, f"{page}/vote", {"choice": "abstain"}, page=page, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="vote"') and "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]
    assert "Your vote is recorded" in response.text


def test_bad_weight_comes_back_422_beside_the_field_with_the_input_kept(client, clock) -> None:
    busy_coalition(client, clock.now)
    sign_in(client, "wpn-admin")

    response = post_form(client, "/c/wpn/admin/members", {"name": "Harbour Union", "weight": "-3", "reason": "vote"},
                         page="/c/wpn/admin")
    missing = post_form(client, "/c/wpn/admin/members", {"name": "", "weight": "2", "reason": "x"}, page="/c/wpn/admin")

    assert response.status_code == 422
    assert 'id="admit-weight-error"' in response.text and "must not be negative" in response.text
    assert 'value="Harbour Union"' in response.text and 'value="-3"' in response.text
    assert missing.status_code == 422 and 'id="admit-name-error"' in missing.text


def test_secretariat_admits_sets_a_weight_and_suspends_through_forms(client, clock) -> None:
    busy_coalition(client, clock.now)
    sign_in(client, "wpn-admin")

    admitted = post_form(client, "/c/wpn/admin/members", {"name": "Harbour Union", "weight": "4.5", "reason": "vote"},
                         page="/c/wpn/admin")
    weighed = post_form(client, "/c/wpn/admin/members/harbour-union/weight",
                        {"weight": "6", "basis": "600 members", "reason": "audit"}, page="/c/wpn/admin")
    suspended = post_form(client, "/c/wpn/admin/members/harbour-union/status",
                          {"action": "suspend", "reason": "fees unpaid"}, page="/c/wpn/admin")

    assert admitted.status_code == weighed.status_code == suspended.status_code == 303
    register = client.get("/c/wpn/members").text
    assert "audit" in register and "600 members" in register and "Suspended" in register


def test_admin_opens_a_ballot_and_closes_it_early_from_the_proposal_page(client, clock) -> None:
    _, numbers = busy_coalition(client, clock.now)
    sign_in(client, "wpn-admin")
    page = f"/c/wpn/proposals/{numbers['draft']}"

    past = post_form(client, f"{page}/ballot", {"closes_at": "2020-01-01T10:00"}, page=page)
    opened = post_form(client, f"{page}/ballot", {"closes_at": "2026-03-05T10:00", "counting": "weighted"}, page=page)
    closed = post_form(client, f"{page}/close", {}, page=page)

    assert past.status_code == 422 and 'id="open-closes_at-error"' in past.text
    assert opened.status_code == closed.status_code == 303
    shown = client.get(page).text
    assert "No quorum" in shown and "by members and by weight" in shown


def test_propose_previews_markdown_without_javascript_and_with_htmx(client, clock) -> None:
    busy_coalition(client, clock.now)
    sign_in(client, "rep-wpn-north")
    body = "We **agree**.\n\n" + PAYLOAD

    plain = post_form(client, "/c/wpn/proposals/new", {"kind": "decision", "title": "T", "body": body, "seats": "1",
                                                        "intent": "preview"}, page="/c/wpn/proposals/new")
    fragment = post_form(client, "/c/wpn/proposals/preview", {"body": body}, page="/c/wpn/proposals/new",
                         headers={"HX-Request": "true"})
    created = post_form(client, "/c/wpn/proposals/new", {"kind": "decision", "title": "T", "body": body, "seats": "1",
                                                          "intent": "propose"}, page="/c/wpn/proposals/new")

    assert plain.status_code == 200 and "<strong>agree</strong>" in plain.text and "We **agree**" in plain.text
    assert fragment.text.lstrip().startswith('<section id="preview"') and "<strong>agree</strong>" in fragment.text
    assert PAYLOAD not in plain.text + fragment.text
    assert created.status_code == 303 and created.headers["location"] == "/c/wpn/proposals/5"


def test_script_payloads_in_names_titles_and_bodies_are_escaped(client, clock) -> None:
    fixture = make_coalition(client, slug="esc", name=PAYLOAD, members={"north": 1})
    client.post(fixture.url("/members"), headers=fixture.admin, json={"name": PAYLOAD + " Org", "weight": "2",
                                                                      "basis": PAYLOAD})
    response = client.post(fixture.url("/proposals"), headers=fixture.admin,
                           json={"title": PAYLOAD, "body": f"{PAYLOAD}\n\n[x](javascript:alert(1))"})
    number = response.json()["number"]

    pages = [client.get(path).text for path in ("/", "/c/esc", "/c/esc/members", "/c/esc/proposals",
                                                f"/c/esc/proposals/{number}", "/c/esc/log")]

    for path, text in zip(("/", "/c/esc", "/c/esc/members", "/c/esc/proposals", "p", "/c/esc/log"), pages):
        assert PAYLOAD not in text and 'href="javascript:' not in text, (path, text[text.find(PAYLOAD) - 200:])
    assert "&lt;script&gt;" in pages[4]


def test_session_cookie_reads_the_api_but_writes_need_the_csrf_header(client, clock) -> None:
    busy_coalition(client, clock.now)
    sign_in(client, "wpn-admin")
    token = TOKEN.search(client.get("/c/wpn").text).group(1)
    body = {"name": "Harbour Union", "weight": "2"}

    me = client.get("/api/v1/auth/me")
    without = client.post("/api/v1/coalitions/wpn/members", json=body)
    with_header = client.post("/api/v1/coalitions/wpn/members", json=body, headers={"X-CSRF-Token": token})

    assert me.status_code == 200 and me.json()["username"] == "wpn-admin"
    assert without.status_code == 401
    assert with_header.status_code == 201
