"""The log page tells each entry as a sentence with links, filters and pages them, and keeps the technical view."""

import ast
import base64
import hashlib
import html
import re
from pathlib import Path

import pytest

from app.pages.story import GENERIC, STORIES
from tests.app.support import quick_coalition
from tests.factories import make_proposal
from tests.pages.pagekit import busy_coalition, set_language

ROOT = Path(__file__).resolve().parents[2]
ENTRY = re.compile(r'<li id="entry-(\d+)"><p>(.*?)</p>', re.S)


def emitted_event_types() -> set[str]:
    """Every event type governance/ appends: ``type="..."`` in a call, or a value of a ``*_EVENTS`` table."""
    found = set()
    for path in (ROOT / "governance").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                found |= {k.value.value for k in node.keywords if k.arg == "type" and isinstance(k.value, ast.Constant)
                          and isinstance(k.value.value, str) and "." in k.value.value}
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "").endswith("_EVENTS") for t in node.targets):
                found |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)
                          and isinstance(c.value, str) and re.fullmatch(r"[a-z]+\.[a-z_]+", c.value)}
    return found


def entries_of(client, path: str) -> dict[int, str]:  # noqa: ANN001
    """Entry index -> its sentence as text, on the log page at ``path``."""
    page = client.get(path)
    assert page.status_code == 200
    return {int(index): html.unescape(re.sub(r"<[^>]+>", "", sentence)) for index, sentence in ENTRY.findall(page.text)}


def all_events(client, fixture) -> list[dict]:  # noqa: ANN001
    return [item["event"] for item in client.get(fixture.url("/log/entries")).json()["items"]]


def varied_coalition(client, clock):  # noqa: ANN001, ANN201
    """The busy coalition plus a weight change, a suspension and readmission, a withdrawal, a rule change."""
    fixture, numbers = busy_coalition(client, clock.now)
    admin = fixture.admin
    assert client.put(fixture.url("/members/south/weight"), headers=admin,
                      json={"weight": "2.5", "basis": "members", "reason": "Audit of 2026"}).status_code == 200
    for action in ("suspend", "readmit"):
        assert client.post(fixture.url(f"/members/east/{action}"), headers=admin,
                           json={"reason": "Dues late"}).status_code == 200
    withdrawn = make_proposal(client, fixture, title="Withdrawn idea")
    assert client.post(fixture.url(f"/proposals/{withdrawn}/withdraw"), headers=admin, json={}).status_code == 200
    rule = client.get(fixture.url("/rules")).json()[0]
    assert client.put(fixture.url(f"/rules/{rule['kind']}"), headers=admin,
                      json={"rule": rule["rule"], "reason": "Confirmed"}).status_code == 200
    return fixture, numbers


def test_every_event_type_governance_appends_has_a_sentence() -> None:
    emitted = emitted_event_types()

    assert {"vote.cast", "ballot.closed", "member.suspended"} <= emitted  # the scan sees what it is meant to
    assert emitted - STORIES.keys() == set(), "add each to STORIES in app/pages/story.py, with its Arabic"


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_entry_is_one_sentence_in_the_visitors_language(client, clock, locale) -> None:
    fixture, _ = varied_coalition(client, clock)
    set_language(client, locale)
    generic = GENERIC.split("%")[0] if locale == "en" else "سُجّل حدث من نوع"

    sentences = {}
    for page in range(1, 5):
        sentences |= entries_of(client, f"/c/wpn/log?page={page}")

    assert len(sentences) == len(all_events(client, fixture))
    assert not [s for s in sentences.values() if generic in s or "%(" in s]
    if locale == "ar":
        assert all(re.search("[\u0600-\u06ff]", s) for s in sentences.values())


def test_sentences_name_members_and_link_proposals_members_and_ballots(client, clock) -> None:
    fixture, numbers = varied_coalition(client, clock)
    closed = numbers["closed"]

    page = client.get(f"/c/wpn/log?proposal={closed}").text
    text = entries_of(client, f"/c/wpn/log?proposal={closed}")
    weights = entries_of(client, "/c/wpn/log?kind=weight.changed")

    assert f'href="/c/wpn/proposals/{closed}#votes"' in page and f'href="/c/wpn/proposals/{closed}"' in page
    assert 'href="/c/wpn/members#member-north"' in page
    assert any(s == f"North voted on #{closed} (sealed until the ballot closed, then revealed in its count)."
               for s in text.values())
    assert any(s.startswith("The secretariat closed the ballot on #") and "Passed" in s for s in text.values())
    assert list(weights.values()) == ["Weight of South: 2 → 2.5 (reason: Audit of 2026)."]


@pytest.mark.parametrize("wanted", [{"member": "north"}, {"kind": "vote.cast"}, {"proposal": "1"},
                                    {"proposal": "1", "member": "south"}])
def test_filtered_pages_show_exactly_the_matching_entries_each_once(client, clock, monkeypatch, wanted) -> None:
    monkeypatch.setattr("app.pages.log.PAGE_SIZE", 3)
    fixture, _ = varied_coalition(client, clock)
    expected = [e["idx"] for e in all_events(client, fixture)
                if ("member" not in wanted or e["body"].get("member") == wanted["member"])
                and ("kind" not in wanted or e["type"] == wanted["kind"])
                and ("proposal" not in wanted or int(wanted["proposal"]) in (e["body"].get("number"),
                                                                              e["body"].get("proposal")))]
    query = "&".join(f"{key}={value}" for key, value in wanted.items())

    shown, page = [], 1
    while True:
        response = client.get(f"/c/wpn/log?{query}&page={page}").text
        shown += [int(i) for i, _ in ENTRY.findall(response)]
        if "Older entries" not in response:
            break
        page += 1

    assert expected and shown == sorted(expected, reverse=True)


def test_the_kind_filter_offers_exactly_the_types_this_log_holds(app, client, clock) -> None:
    fixture, _ = varied_coalition(client, clock)
    other = quick_coalition(app, slug="other", members={"x": 1})
    moved = client.put(other.url("/time-zone"), headers=other.admin, json={"time_zone": "Asia/Baghdad"})
    assert moved.status_code == 200
    held = {event["type"] for event in all_events(client, fixture)}
    elsewhere = {event["type"] for event in all_events(client, other)} - held

    select = re.search(r'<select id="filter-kind" name="kind">(.*?)</select>', client.get("/c/wpn/log").text, re.S)
    offered = re.findall(r'<option value="([^"]+)"', select.group(1))

    assert len(held) >= 10 and elsewhere  # another coalition's log holds a type this one does not
    assert offered == sorted(held)


def test_technical_view_holds_the_exact_bytes_their_leaf_hash_and_a_working_proof_link(client, clock) -> None:
    fixture, _ = busy_coalition(client, clock.now)
    leaves = {item["index"]: base64.b64decode(item["leaf"])
              for item in client.get(fixture.url("/log/entries")).json()["items"]}

    page = client.get("/c/wpn/log").text
    first = int(ENTRY.search(page).group(1))
    block = page[page.index(f'id="entry-{first}"'):].split("</details>")[0]
    shown_json = html.unescape(re.search(r'<pre class="json">(.*?)</pre>', block, re.S).group(1))
    proof = html.unescape(re.search(r'href="(/api/v1/[^"]+inclusion[^"]+)"', block).group(1))

    assert shown_json.encode() == leaves[first]
    assert hashlib.sha256(b"\x00" + leaves[first]).hexdigest() in block
    assert "<details>" in block and "<summary>" in block
    assert client.get(proof).status_code == 200


def test_an_unknown_event_type_gets_the_generic_sentence() -> None:
    from app.pages.story import Teller, tell

    teller = Teller(locale="en", gettext=lambda text: text, when=str, proposal_url=str, member_url=str)

    told = tell({"type": "witness.cosigned", "body": {"size": 2}}, teller)
    broken = tell({"type": "vote.cast", "body": {}}, teller)

    assert html.unescape(re.sub("<[^>]+>", "", told)) == "An event of the type witness.cosigned was recorded."
    assert "vote.cast" in broken


def test_a_bad_filter_value_is_no_error(client, clock) -> None:
    busy_coalition(client, clock.now)

    responses = [client.get(f"/c/wpn/log?{query}") for query in ("proposal=abc", "member=%25", "kind=x", "page=-3")]

    assert [r.status_code for r in responses] == [200, 200, 200, 200]
