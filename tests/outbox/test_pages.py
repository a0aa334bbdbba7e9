"""The pages of notifications (preferences, webhooks, dead letters, unsubscribe) and the Atom feeds (RFC 4287),
checked with feedparser and against the RFC's required elements."""

from xml.etree import ElementTree

import feedparser
from sqlmodel import select

from governance.models import Notification, NotificationPreference
from tests.factories import make_coalition, make_proposal, open_ballot, vote
from tests.outbox.receivers import webhook_receiver
from tests.pages.pagekit import csrf, post_form, set_language, sign_in

ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_member_chooses_what_it_hears_about_on_its_page(client, clock, session) -> None:
    fixture = make_coalition(client, members={"aden": 1})
    sign_in(client, "rep-wpn-aden")
    page = "/c/wpn/notifications"
    form = {"email": "rep@aden.example", "language": "ar", "time_zone": "Asia/Aden", "digest": "on",
            "ballot.opened:email": "on", "ballot.closed:webhook": "on"}

    saved = post_form(client, page, form, page=page)
    refused = post_form(client, page, {**form, "time_zone": "Mars/Olympus"}, page=page)

    assert saved.status_code == 303
    preference = session.exec(select(NotificationPreference)).one()
    assert (preference.email, preference.language, preference.time_zone, preference.digest) == (
        "rep@aden.example", "ar", "Asia/Aden", True)
    assert "ballot.opened:email" not in preference.off and "ballot.closed:email" in preference.off
    assert refused.status_code == 422 and "Mars/Olympus" in refused.text
    shown = client.get(page).text
    assert 'name="ballot.opened:email" aria-label' in shown
    assert fixture.slug == "wpn"


def test_a_member_registers_its_own_webhook_and_sees_the_secret_once(client, clock, app) -> None:
    make_coalition(client, members={"aden": 1})
    sign_in(client, "rep-wpn-aden")

    registered = post_form(client, "/c/wpn/webhooks", {"url": "https://hooks.example.org/concord"},
                           page="/c/wpn/webhooks")
    later = client.get("/c/wpn/webhooks")

    assert registered.status_code == 201 and "whsec_" in registered.text
    assert "https://hooks.example.org/concord" in later.text and "whsec_" not in later.text


def test_the_secretariat_sees_a_dead_letter_and_sends_it_again(client, clock, app, worker, session) -> None:
    fixture = make_coalition(client, members={"aden": 1})
    with webhook_receiver(500, 500, 500) as receiver:
        client.post(fixture.url("/webhooks"), headers=fixture.admin,
                    json={"url": receiver.url, "events": ["proposal.submitted"], "secretariat": True})
        make_proposal(client, fixture, title="Peace talks")
        for _ in range(3):
            worker.tick()
        sign_in(client, "wpn-admin")
        set_language(client, "ar")
        page = client.get("/c/wpn/admin/outbox")
        dead = session.exec(select(Notification)).one()

        again = post_form(client, f"/c/wpn/admin/outbox/{dead.id}/send-again", {}, page="/c/wpn/admin/outbox")
        worker.tick()

    assert "HTTP 500" in page.text and dead.key in page.text and 'dir="rtl"' in page.text
    assert again.status_code == 303
    assert receiver.ids() == [dead.key]


def test_the_reminder_time_is_a_coalition_setting(client, clock) -> None:
    make_coalition(client, members={"aden": 1})
    sign_in(client, "wpn-admin")

    saved = post_form(client, "/c/wpn/admin/outbox/reminder", {"hours": "48"}, page="/c/wpn/admin/outbox")
    refused = post_form(client, "/c/wpn/admin/outbox/reminder", {"hours": "0"}, page="/c/wpn/admin/outbox")

    assert saved.status_code == 303 and refused.status_code == 422
    assert 'value="48"' in client.get("/c/wpn/admin/outbox").text


def test_a_representative_may_not_open_the_dead_letters(client, clock) -> None:
    make_coalition(client, members={"aden": 1})
    sign_in(client, "rep-wpn-aden")

    assert client.get("/c/wpn/admin/outbox").status_code == 403


def test_an_unknown_unsubscribe_link_is_a_404_page(client) -> None:
    assert client.get("/unsubscribe/nothing-like-this").status_code == 404
    assert client.post("/unsubscribe/nothing-like-this").status_code == 404


def _closed_coalition(client, clock) -> tuple:  # noqa: ANN001
    fixture = make_coalition(client, members={"aden": 1, "basra": 1})
    number = make_proposal(client, fixture, title="Open the Aden office & more <soon>")
    open_ballot(client, fixture, number, now=clock.now)
    vote(client, fixture, number, "aden", choice="yes")
    assert client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin).status_code == 200
    other = make_proposal(client, fixture, title="Another")
    return fixture, number, other


def test_the_coalition_feed_is_valid_atom_with_each_event(client, clock) -> None:
    _, number, _ = _closed_coalition(client, clock)

    response = client.get("/c/wpn/feed.atom")
    parsed = feedparser.parse(response.content)
    root = ElementTree.fromstring(response.content)

    assert response.headers["content-type"].startswith("application/atom+xml")
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    for name in ("id", "title", "updated", "author"):  # RFC 4287 4.1.1: required of a feed (author: or of each entry)
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["[Women Peacebuilders Network] New proposal #2: Another",
                      f"[Women Peacebuilders Network] Result of #{number}: Passed",
                      f"[Women Peacebuilders Network] Vote open on #{number}: Open the Aden office & more <soon>",
                      f"[Women Peacebuilders Network] New proposal #{number}: Open the Aden office & more <soon>"]
    for entry in root.findall(f"{ATOM}entry"):  # RFC 4287 4.1.2: id, title, updated, and a link or content
        assert all(entry.find(f"{ATOM}{name}") is not None for name in ("id", "title", "updated", "link"))
    assert len({entry.id for entry in parsed.entries}) == 4


def test_a_proposal_feed_in_arabic_has_only_that_proposals_events(client, clock) -> None:
    _, number, _ = _closed_coalition(client, clock)

    parsed = feedparser.parse(client.get(f"/c/wpn/proposals/{number}/feed.atom?lang=ar").content)

    assert not parsed.bozo and len(parsed.entries) == 3
    assert parsed.feed.language == "ar"
    assert all("#2" not in entry.title for entry in parsed.entries)
    assert "أُقرّ" in parsed.entries[0].title


def test_a_coalition_feed_in_swedish(client, clock) -> None:
    _closed_coalition(client, clock)

    parsed = feedparser.parse(client.get("/c/wpn/feed.atom", headers={"Accept-Language": "sv"}).content)

    assert not parsed.bozo and parsed.feed.language == "sv"
    assert parsed.feed.title == "Women Peacebuilders Network: förslag, omröstningar och resultat"
    assert parsed.entries[1].title == "[Women Peacebuilders Network] Resultat för nr 1: Antaget"


def test_a_feed_of_a_missing_proposal_is_a_404(client, clock) -> None:
    make_coalition(client, members={"aden": 1})

    assert client.get("/c/wpn/proposals/9/feed.atom").status_code == 404
    assert csrf(client, "/c/wpn")
