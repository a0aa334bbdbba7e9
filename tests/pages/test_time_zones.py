"""Times on pages are in the coalition's time zone or the visitor's, with UTC in a title and in the machine view."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import select

from app import demo
from app.db import make_engine, read_session
from app.settings import Settings
from governance.log.canonical import parse_event
from governance.models import Ballot, LogEntry, Proposal, Vote
from tests.factories import make_coalition, make_proposal, open_ballot
from tests.pages.pagekit import post_form, set_language, sign_in

TIME = re.compile(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>')


def log_size(client: TestClient, fixture) -> int:  # noqa: ANN001
    return client.get(fixture.url("/log/entries")).json()["size"]


def test_the_secretariat_sets_the_time_zone_and_the_change_is_logged(client: TestClient) -> None:
    fixture = make_coalition(client, members={"north": 1})
    before = log_size(client, fixture)

    response = client.put(fixture.url("/time-zone"), headers=fixture.admin, json={"time_zone": "Asia/Baghdad"})

    assert response.status_code == 200 and response.json()["time_zone"] == "Asia/Baghdad"
    assert client.get(fixture.url()).json()["time_zone"] == "Asia/Baghdad"
    last = client.get(fixture.url("/log/entries"), params={"start": before}).json()["items"]
    assert [item["event"]["type"] for item in last] == ["coalition.time_zone_set"]


def test_a_bad_time_zone_or_a_representative_is_refused_without_a_trace(client: TestClient) -> None:
    fixture = make_coalition(client, members={"north": 1})
    before = log_size(client, fixture)

    bad = client.put(fixture.url("/time-zone"), headers=fixture.admin, json={"time_zone": "Mars/Olympus"})
    traversal = client.put(fixture.url("/time-zone"), headers=fixture.admin, json={"time_zone": "../../etc/passwd"})
    representative = client.put(fixture.url("/time-zone"), headers=fixture.reps["north"], json={"time_zone": "UTC"})

    assert bad.status_code == 422 and "'Mars/Olympus' is not a time zone" in bad.json()["detail"]
    assert traversal.status_code == 422
    assert representative.status_code == 403
    assert log_size(client, fixture) == before and client.get(fixture.url()).json()["time_zone"] == "UTC"


def test_pages_show_the_coalitions_time_with_utc_in_the_title(client: TestClient, clock) -> None:
    fixture = make_coalition(client, members={"north": 1})
    client.put(fixture.url("/time-zone"), headers=fixture.admin, json={"time_zone": "Asia/Baghdad"})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock.now)
    closes = client.get(fixture.url(f"/proposals/{number}/ballot")).json()["closes_at"]

    page = client.get(f"/c/wpn/proposals/{number}").text

    times = {machine: (utc, shown) for machine, utc, shown in TIME.findall(page)}
    closing = datetime.fromisoformat(closes.replace("Z", "+00:00"))
    machine = closing.astimezone(UTC).isoformat().replace("+00:00", "Z")
    utc, shown = times[machine]
    baghdad = closing + timedelta(hours=3)  # Iraq keeps UTC+3 all year
    assert shown.endswith("Iraq Time") and f"{baghdad.hour % 12 or 12}:{baghdad.minute:02d}" in shown
    assert utc.endswith("UTC") and f"{closing.hour % 12 or 12}:{closing.minute:02d}" in utc
    assert "Times are shown in Iraq Time." in page


def test_a_visitors_own_time_zone_is_remembered_and_can_be_dropped(client: TestClient, clock) -> None:
    fixture = make_coalition(client, members={"north": 1})
    client.put(fixture.url("/time-zone"), headers=fixture.admin, json={"time_zone": "Asia/Baghdad"})

    chosen = post_form(client, "/time-zone", {"zone": "Europe/Berlin", "next": "/c/wpn/log"}, page="/time-zone")
    berlin = client.get("/c/wpn/log").text
    post_form(client, "/time-zone", {"zone": "", "next": "/c/wpn/log"}, page="/time-zone")
    back = client.get("/c/wpn/log").text
    set_language(client, "ar")
    arabic = client.get("/c/wpn/log").text

    assert chosen.status_code == 303 and chosen.headers["location"] == "/c/wpn/log"
    assert "Germany (Berlin) Time" in berlin and "Iraq Time" not in berlin
    assert "Iraq Time" in back
    assert "توقيت العراق" in arabic


def test_the_time_zone_page_is_light_and_refuses_other_hosts(client: TestClient) -> None:
    make_coalition(client)

    page = client.get("/time-zone", params={"next": "//evil.example/"})
    response = post_form(client, "/time-zone", {"zone": "UTC", "next": "https://evil.example/"}, page="/time-zone")

    assert page.status_code == 200 and len(page.content) < 100_000 and 'value="/"' in page.text
    assert response.headers["location"] == "/"


def test_the_secretariat_sets_the_time_zone_on_its_rules_page_with_the_refusal_in_arabic(client: TestClient) -> None:
    make_coalition(client)
    sign_in(client, "wpn-admin")
    set_language(client, "ar")

    refused = post_form(client, "/c/wpn/admin/time-zone", {"time_zone": "Baghdad"}, page="/c/wpn/admin/rules")
    saved = post_form(client, "/c/wpn/admin/time-zone", {"time_zone": "Africa/Khartoum"}, page="/c/wpn/admin/rules")

    assert refused.status_code == 422 and "ليست منطقة زمنية" in refused.text
    assert saved.status_code == 303
    assert "توقيت السودان" in client.get("/c/wpn/proposals").text


def test_the_demos_log_ballot_vote_and_proposal_times_tell_one_story(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'concord.db'}", key_dir=tmp_path / "keys",
                        log_host="concord.test")

    demo.run(settings)

    with read_session(make_engine(settings.database_url)) as session:
        events = [parse_event(row.data) for row in session.exec(select(LogEntry).order_by(LogEntry.idx))]
        at = {event["idx"]: datetime.fromtimestamp(event["ts"] / 1000, UTC) for event in events}
        created = {e["body"]["number"]: at[e["idx"]] for e in events if e["type"] == "proposal.created"}
        for ballot, proposal in session.exec(select(Ballot, Proposal).join(Proposal)):
            assert abs(at[ballot.opened_idx] - ballot.opened_at.replace(tzinfo=UTC)) < timedelta(seconds=1)
            assert abs(created[proposal.number] - proposal.created_at.replace(tzinfo=UTC)) < timedelta(seconds=1)
            if ballot.closed_idx is not None:
                assert abs(at[ballot.closed_idx] - ballot.closed_at.replace(tzinfo=UTC)) < timedelta(seconds=1)
        for vote in session.exec(select(Vote)):
            assert abs(at[vote.log_idx] - vote.cast_at.replace(tzinfo=UTC)) < timedelta(seconds=1)
    assert [e["ts"] for e in events] == sorted(e["ts"] for e in events)
    assert at[len(events) - 1] - at[0] > timedelta(days=50)
