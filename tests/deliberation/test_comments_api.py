"""Discussion through the API: comments, replies, edits, moderation, erasure; the log holds commitments only."""

from fastapi.testclient import TestClient

from governance.log.commitments import text_commitment
from governance.log.sources import parse_texts_jsonl
from tests.app.support import log_events, snapshot, verified_export
from tests.deliberation.support import comment, discussed, exported_texts
from tests.factories import open_ballot, vote


def test_a_comment_and_a_reply_are_read_by_observers_newest_activity_first(client: TestClient, clock) -> None:  # noqa: ANN001
    fixture, number = discussed(client)
    first = comment(client, fixture, number, "north", "We need an office in *Khartoum*.").json()
    clock.advance(minutes=1)
    second = comment(client, fixture, number, "south", "Costs first.").json()
    clock.advance(minutes=1)
    comment(client, fixture, number, "east", "Agreed, Khartoum.", parent=first["number"])

    listed = client.get(fixture.url(f"/proposals/{number}/comments")).json()

    assert [thread["number"] for thread in listed["items"]] == [first["number"], second["number"]]
    assert [reply["text"] for reply in listed["items"][0]["replies"]] == ["Agreed, Khartoum."]
    assert listed["comments"] == 3
    assert "<em>Khartoum</em>" in listed["items"][0]["text_html"]


def test_the_log_carries_a_salted_commitment_to_a_comment_and_never_its_text(client: TestClient) -> None:
    fixture, number = discussed(client)

    posted = comment(client, fixture, number, "north", "A sentence only the database keeps.").json()

    event = log_events(client.app.state.engine, fixture.slug)[-1]
    assert event["type"] == "comment.posted"
    assert "A sentence only the database keeps." not in str(event)
    published = [t for t in exported_texts(client, fixture) if t["index"] == posted["log_index"]]
    assert published[0]["text"] == {"text": "A sentence only the database keeps."}
    assert text_commitment(salt=published[0]["salt"], content=published[0]["text"]) == event["body"]["commitment"]


def test_an_edit_keeps_the_history_and_every_revision_verifies(client: TestClient) -> None:
    fixture, number = discussed(client)
    posted = comment(client, fixture, number, "north", "First thought.").json()

    edited = client.patch(fixture.url(f"/comments/{posted['number']}"), headers=fixture.reps["north"],
                          json={"text": "Second thought."})

    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["text"] == "Second thought." and body["edited_at"] is not None and body["revisions"] == 2
    assert [revision["text"] for revision in body["history"]] == ["First thought.", "Second thought."]
    assert verified_export(client, fixture).texts_checked == 2


def test_hiding_needs_a_reason_is_public_and_reversible(client: TestClient) -> None:
    fixture, number = discussed(client)
    posted = comment(client, fixture, number, "north", "Rude words.").json()
    before = snapshot(client.app.state.engine)

    refused = client.post(fixture.url(f"/comments/{posted['number']}/hide"), headers=fixture.admin,
                          json={"reason": "  "})
    unchanged = snapshot(client.app.state.engine)
    hidden = client.post(fixture.url(f"/comments/{posted['number']}/hide"), headers=fixture.admin,
                         json={"reason": "Personal attack"}).json()
    hidden_texts = exported_texts(client, fixture)
    shown = client.post(fixture.url(f"/comments/{posted['number']}/show"), headers=fixture.admin).json()

    assert refused.status_code == 422 and "reason must not be empty" in refused.json()["detail"]
    assert unchanged == before
    assert hidden["text"] is None and hidden["hidden"]["reason"] == "Personal attack"
    assert [t["text"] for t in hidden_texts] == [{"text": "Personal attack"}]
    assert shown["text"] == "Rude words." and shown["hidden"] is None
    assert [e["type"] for e in log_events(client.app.state.engine, fixture.slug)[-2:]] == [
        "comment.hidden", "comment.shown"]
    verified_export(client, fixture)


def test_only_moderators_hide_and_members_flag_once(client: TestClient) -> None:
    fixture, number = discussed(client)
    posted = comment(client, fixture, number, "north", "Contested.").json()

    by_member = client.post(fixture.url(f"/comments/{posted['number']}/hide"), headers=fixture.reps["south"],
                            json={"reason": "I disagree"})
    flagged = client.post(fixture.url(f"/comments/{posted['number']}/flag"), headers=fixture.reps["south"],
                          json={"reason": "Off topic"})
    again = client.post(fixture.url(f"/comments/{posted['number']}/flag"), headers=fixture.reps["south"], json={})

    assert by_member.status_code == 403
    assert flagged.json()["flags"] == 1
    assert again.status_code == 409


def test_an_erased_comment_says_so_and_the_log_still_verifies(client: TestClient) -> None:
    fixture, number = discussed(client)
    posted = comment(client, fixture, number, "north", "My phone number is 555 0100.").json()
    client.patch(fixture.url(f"/comments/{posted['number']}"), headers=fixture.reps["north"], json={"text": "Oops."})
    comment(client, fixture, number, "south", "Noted.")

    erased = client.post(fixture.url(f"/comments/{posted['number']}/erase"), headers=fixture.admin,
                         json={"reason": "At the author's request"})

    body = erased.json()
    assert body["text"] is None and body["erased"]["reason"] == "At the author's request"
    assert [revision["text"] for revision in body["history"]] == [None, None]
    assert exported_texts(client, fixture) == [t for t in exported_texts(client, fixture) if t["text"] == {"text": "Noted."}]
    report = verified_export(client, fixture)
    assert report.texts_checked == 1 and len(report.state.erased) == 2
    page = client.get(f"/c/{fixture.slug}/proposals/{number}")
    assert "555 0100" not in page.text and "At the author&#39;s request" in page.text


def test_refused_comments_leave_no_trace(client: TestClient, clock) -> None:  # noqa: ANN001
    fixture, number = discussed(client)
    other = client.post(fixture.url("/proposals"), headers=fixture.admin, json={
        "kind": "decision", "title": "Another", "body": ""}).json()["number"]
    elsewhere = comment(client, fixture, other, "north", "On the other proposal.").json()
    hidden = comment(client, fixture, number, "north", "To hide.").json()
    client.post(fixture.url(f"/comments/{hidden['number']}/hide"), headers=fixture.admin, json={"reason": "Spam"})
    mine = comment(client, fixture, number, "north", "Mine.").json()
    engine = client.app.state.engine
    before = snapshot(engine)

    refusals = [
        (comment(client, fixture, number, "south", "   "), 422, "comment must not be empty"),
        (comment(client, fixture, number, "south", "x" * 5001), 422, "the limit is 5000"),
        (comment(client, fixture, number, "south", "Reply", parent=hidden["number"]), 409, "hidden"),
        (comment(client, fixture, number, "south", "Reply", parent=elsewhere["number"]), 409, "another proposal"),
        (client.patch(fixture.url(f"/comments/{mine['number']}"), headers=fixture.reps["south"],
                      json={"text": "Not mine"}), 403, "Only the author"),
        (client.post(fixture.url(f"/proposals/{number}/comments"), json={"text": "anonymous"}), 401, "Sign in"),
        (client.post(fixture.url(f"/proposals/{number}/comments"), headers=fixture.admin, json={"text": "admin"}),
         403, "representatives"),
    ]

    for response, status, words in refusals:
        assert response.status_code == status, response.text
        assert words in response.json()["detail"]
    assert snapshot(engine) == before


def test_a_closed_or_withdrawn_proposal_is_read_only(client: TestClient, clock) -> None:  # noqa: ANN001
    fixture, number = discussed(client)
    open_ballot(client, fixture, number, now=clock.now)
    during = comment(client, fixture, number, "north", "Vote yes.")
    vote(client, fixture, number, "north", choice="yes")
    client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin)
    withdrawn = client.post(fixture.url("/proposals"), headers=fixture.admin, json={
        "kind": "decision", "title": "Dropped", "body": ""}).json()["number"]
    client.post(fixture.url(f"/proposals/{withdrawn}/withdraw"), headers=fixture.admin, json={"reason": "dup"})
    before = snapshot(client.app.state.engine)

    after_close = comment(client, fixture, number, "south", "Too late.")
    on_withdrawn = comment(client, fixture, withdrawn, "south", "Too late.")
    edit = client.patch(fixture.url(f"/comments/{during.json()['number']}"), headers=fixture.reps["north"],
                        json={"text": "Changed"})

    assert during.status_code == 201
    assert [r.status_code for r in (after_close, on_withdrawn, edit)] == [409, 409, 409]
    assert "can only be read" in after_close.json()["detail"]
    assert snapshot(client.app.state.engine) == before


def test_posting_is_rate_limited_per_account(client: TestClient, clock) -> None:  # noqa: ANN001
    client.app.state.post_limiter.limit = 2
    fixture, number = discussed(client)

    statuses = [comment(client, fixture, number, "north", f"Point {n}").status_code for n in range(3)]
    other = comment(client, fixture, number, "south", "My turn").status_code
    clock.advance(seconds=61)
    later = comment(client, fixture, number, "north", "Again").status_code

    assert statuses == [201, 201, 429]
    assert (other, later) == (201, 201)


def test_the_proposal_list_counts_comments(client: TestClient) -> None:
    fixture, number = discussed(client)
    first = comment(client, fixture, number, "north", "One").json()
    comment(client, fixture, number, "south", "Two", parent=first["number"])

    page = client.get(f"/c/{fixture.slug}/proposals")

    assert "2 comments" in page.text


def test_threads_page_by_newest_activity(client: TestClient, clock) -> None:  # noqa: ANN001
    fixture, number = discussed(client)
    numbers = []
    for n in range(3):
        numbers.append(comment(client, fixture, number, "north", f"Thread {n}").json()["number"])
        clock.advance(minutes=1)
    comment(client, fixture, number, "south", "Revives the first", parent=numbers[0])

    first_page = client.get(fixture.url(f"/proposals/{number}/comments?limit=2")).json()
    second_page = client.get(fixture.url(f"/proposals/{number}/comments?limit=2&offset=2")).json()

    assert [t["number"] for t in first_page["items"]] == [numbers[0], numbers[2]]
    assert [t["number"] for t in second_page["items"]] == [numbers[1]]
    assert first_page["page"]["total"] == 3


def test_the_server_publishes_the_same_texts_as_the_export(client: TestClient) -> None:
    fixture, number = discussed(client)
    comment(client, fixture, number, "north", "Published twice, the same way.")

    served = client.get(fixture.url("/log/texts"))

    assert served.status_code == 200
    assert parse_texts_jsonl(served.content.splitlines()) == exported_texts(client, fixture)
