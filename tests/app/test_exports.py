"""Each CSV download, read with the csv module, says what the API says; the JSON documents its columns."""

import csv
import io
import json

import pytest

from governance.rules import YES_NO_KINDS
from tests.factories import decide, make_coalition, make_proposal, open_ballot, vote
from tests.pages.pagekit import busy_coalition


def read_csv(client, slug: str, name: str) -> list[dict[str, str]]:  # noqa: ANN001
    response = client.get(f"/api/v1/coalitions/{slug}/exports/{name}.csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the byte order mark spreadsheets need for UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def record(client, clock):  # noqa: ANN001, ANN201
    """Closed yes/no ballots (one weighted, with a member named in Arabic and a comma), a ranked choice, an open one."""
    fixture, numbers = busy_coalition(client, clock.now)
    admitted = client.post(fixture.url("/members"), headers=fixture.admin, json={
        "name": "جمعية السلام, بغداد", "slug": "salam", "weight": "2.25", "basis": "members"})
    assert admitted.status_code == 201, admitted.text
    decide(client, fixture, {"north": "yes", "south": "no"}, now=clock.now,
           rule={"type": "majority", "counting": "weighted",
                 "weight_threshold": {"fraction": "1/2", "strict": True, "base": "yes_no"}})
    ranked = numbers["ranked"]
    for member, order in (("north", ["Aid", "Peace", "Justice"]), ("east", ["Peace", "Aid", "Justice"])):
        assert vote(client, fixture, ranked, member, ranking=order).status_code == 200
    client.post(fixture.url(f"/proposals/{ranked}/ballot/close"), headers=fixture.admin)
    return fixture


def test_the_results_csv_has_a_row_per_closed_ballot_as_the_api_has_it(client, record) -> None:
    rows = read_csv(client, "wpn", "results")

    proposals = client.get(record.url("/proposals"), params={"limit": 100}).json()["items"]
    closed = [p["number"] for p in proposals if p["state"] == "closed"]
    assert [int(row["proposal"]) for row in rows] == sorted(closed)
    for row in rows:
        result = client.get(record.url(f"/proposals/{row['proposal']}/ballot")).json()["result"]
        assert row["outcome"] == result["outcome"]
        if result.get("kind") == "majority":
            assert [row[f"weight_{c}"] for c in ("yes", "no", "eligible")] == \
                   [result["weight"][c] for c in ("yes", "no", "eligible")]
            assert int(row["members_yes"]) == result["members"]["yes"]
        else:
            assert row["winners"] == "; ".join(result["winners"])


def test_the_votes_csv_holds_each_counted_vote_of_closed_ballots_only(client, record) -> None:
    rows = read_csv(client, "wpn", "votes")

    numbers = sorted({int(row["proposal"]) for row in rows})
    for number in numbers:
        api = client.get(record.url(f"/proposals/{number}/ballot/votes")).json()
        assert api["status"] == "closed"
        mine = {row["member"]: row for row in rows if int(row["proposal"]) == number}
        assert {item["member"]: item["vote"] for item in api["items"]} == \
               {slug: json.loads(row["vote_json"]) for slug, row in mine.items()}
    assert "north" in {row["member"] for row in rows if row["vote"] == "Aid > Peace > Justice"}


def test_the_weights_csv_is_the_register_with_exact_shares(client, record) -> None:
    rows = read_csv(client, "wpn", "weights")

    api = client.get(record.url("/members"), params={"limit": 500}).json()["items"]
    assert {row["member"]: (row["name"], row["weight"], row["weight_share"]) for row in rows} == \
           {m["slug"]: (m["name"], m["weight"], m["weight_share"] or "") for m in api}
    assert any(row["name"] == "جمعية السلام, بغداد" and row["weight"] == "2.25" and "/" in row["weight_share"]
               for row in rows)


def test_the_power_csv_has_each_member_under_each_rule_as_the_api_reports(client, record) -> None:
    rows = read_csv(client, "wpn", "power")
    reports = client.get(record.url("/power")).json()["reports"]
    active = {m["slug"] for m in client.get(record.url("/members")).json()["items"] if m["status"] == "active"}

    assert [r["kind"] for r in reports] == list(YES_NO_KINDS) == list(dict.fromkeys(row["rule"] for row in rows))
    for report in reports:
        mine = {row["member"]: row for row in rows if row["rule"] == report["kind"]}
        assert set(mine) == active
        assert {row["rule_words"] for row in mine.values()} == {report["rule_description"]}
        assert {slug: row["banzhaf"] for slug, row in mine.items()} == report["report"]["banzhaf"]
        assert {slug: row["shapley_shubik"] for slug, row in mine.items()} == report["report"]["shapley_shubik"]


@pytest.mark.parametrize("name", ["results", "votes", "weights", "power"])
def test_the_json_download_documents_every_column_of_the_csv(client, record, name) -> None:
    body = client.get(f"/api/v1/coalitions/wpn/exports/{name}.json").json()
    header = client.get(f"/api/v1/coalitions/wpn/exports/{name}.csv").content.decode("utf-8-sig").splitlines()[0]

    assert [column["name"] for column in body["columns"]] == header.split(",")
    assert all(column["meaning"] for column in body["columns"])
    assert body["rows"] == read_csv(client, "wpn", name)


def test_an_unknown_export_is_a_404_and_a_bad_name_a_422(client) -> None:
    make_coalition(client)

    missing = client.get("/api/v1/coalitions/wpn/exports/ballots.csv")
    bad = client.get("/api/v1/coalitions/wpn/exports/weights.xlsx")

    assert missing.status_code == 404 and "the exports are results, votes, weights, power" in missing.json()["detail"]
    assert bad.status_code == 422


def test_pages_link_their_downloads(client, clock) -> None:
    fixture = make_coalition(client, members={"north": 1})
    open_ballot(client, fixture, make_proposal(client, fixture), now=clock.now)

    links = {path: client.get(path).text for path in ("/c/wpn/members", "/c/wpn/power", "/c/wpn/proposals")}

    assert 'href="/api/v1/coalitions/wpn/exports/weights.csv"' in links["/c/wpn/members"]
    assert 'href="/api/v1/coalitions/wpn/exports/power.json"' in links["/c/wpn/power"]
    assert 'href="/api/v1/coalitions/wpn/exports/results.csv"' in links["/c/wpn/proposals"]
    assert 'href="/api/v1/coalitions/wpn/exports/votes.csv"' in links["/c/wpn/proposals"]
