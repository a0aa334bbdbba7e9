"""The public log API: signed checkpoints, proofs that verify with the RFC 9162 verifiers, receipts, key, export."""

import base64
import io
import json
import tarfile
import zipfile

import pytest
from fastapi.testclient import TestClient

from governance.log.merkle import leaf_hash, verify_consistency, verify_inclusion
from governance.log.notes import verify_checkpoint
from governance.log.proofs import parse_receipt, verify_receipt
from governance.log.sources import read_archive_bytes
from governance.log.verify import COUNTING_RULES_VERSION, verify_log
from tests.app.support import quick_coalition
from tests.factories import make_proposal, open_ballot, vote

B64 = base64.b64decode


@pytest.fixture
def voted(app, client: TestClient, clock):
    """A closed ballot where ``a`` changed its vote (entries ``first`` then ``second``); ``b`` voted once."""
    fixture = quick_coalition(app, members={"a": 1, "b": 2, "c": 3})
    number = make_proposal(client, fixture)
    open_ballot(client, fixture, number, now=clock())
    first = vote(client, fixture, number, "a", choice="no").json()["log_index"]
    second = vote(client, fixture, number, "a", choice="yes").json()["log_index"]
    assert vote(client, fixture, number, "b", choice="yes").status_code == 200
    assert client.post(fixture.url(f"/proposals/{number}/ballot/close"), headers=fixture.admin).status_code == 200
    return fixture, first, second


def entries(client: TestClient, fixture) -> list[bytes]:
    return [B64(item["leaf"]) for item in client.get(fixture.url("/log/entries")).json()["items"]]


def test_every_checkpoint_is_signed_by_the_published_key(client, voted):
    fixture, _, _ = voted
    key = client.get(fixture.url("/log/key")).text.strip()
    log = entries(client, fixture)

    latest = client.get(fixture.url("/log/checkpoint"))
    signed = [verify_checkpoint(client.get(fixture.url(f"/log/checkpoint/{size}")).text, [key])
              for size in range(1, len(log) + 1)]

    assert latest.headers["content-type"].startswith("text/plain")
    assert verify_checkpoint(latest.text, [key]).size == len(log)
    assert [checkpoint.size for checkpoint in signed] == list(range(1, len(log) + 1))
    assert json.loads(log[0])["body"]["log_key"] == key


def test_inclusion_proofs_verify_for_every_entry_at_many_sizes(client, voted):
    fixture, _, _ = voted
    key = client.get(fixture.url("/log/key")).text.strip()
    log = entries(client, fixture)

    for size in (1, 2, 3, 7, len(log) - 1, len(log)):
        root = verify_checkpoint(client.get(fixture.url(f"/log/checkpoint/{size}")).text, [key]).root
        for index in range(size):
            body = client.get(fixture.url("/log/proof/inclusion"), params={"index": index, "size": size}).json()

            assert B64(body["root"]) == root and B64(body["leaf_hash"]) == leaf_hash(log[index])
            verify_inclusion(leaf_hash(log[index]), index, size, [B64(h) for h in body["proof"]], root)


def test_consistency_proofs_verify_between_many_pairs_of_sizes(client, voted):
    fixture, _, _ = voted
    size = len(entries(client, fixture))

    for old in (1, 2, 3, 5, size - 1, size):
        for new in sorted(n for n in {old, old + 1, 8, size} if old <= n <= size):
            body = client.get(fixture.url("/log/proof/consistency"), params={"old": old, "new": new}).json()

            verify_consistency(old, new, B64(body["old_root"]), B64(body["new_root"]), [B64(h) for h in body["proof"]])


BAD_RANGES = [
    ("/log/proof/inclusion", {"index": 0, "size": 0}, 422, "at least 1"),
    ("/log/proof/inclusion", {"index": 3, "size": 3}, 422, "from 0 to size - 1"),
    ("/log/proof/inclusion", {"index": 0, "size": 10_000}, 404, "does not exist yet"),
    ("/log/proof/inclusion", {"index": -1, "size": 2}, 422, ""),
    ("/log/proof/consistency", {"old": 0, "new": 3}, 422, "empty tree"),
    ("/log/proof/consistency", {"old": 4, "new": 3}, 422, "must not be larger"),
    ("/log/proof/consistency", {"old": 1, "new": 10_000}, 404, "does not exist yet"),
    ("/log/proof/consistency", {"old": 1}, 422, ""),
    ("/log/checkpoint/0", {}, 422, ""),
    ("/log/checkpoint/10000", {}, 404, "no signed checkpoint of size 10000"),
    ("/log/receipt/10000", {}, 404, "no entry 10000"),
    ("/log/receipt/5", {"size": 3}, 422, "not in the checkpoint of size 3"),
    ("/log/export", {"format": "rar"}, 422, ""),
]


def test_bad_ranges_get_a_clear_client_error(client, voted):
    fixture, _, _ = voted

    answers = [(path, params, client.get(fixture.url(path), params=params)) for path, params, _, _ in BAD_RANGES]

    assert [(path, params, answer.status_code) for path, params, answer in answers] == [
        (path, params, status) for path, params, status, _ in BAD_RANGES]
    for (_, _, answer), (_, _, _, words) in zip(answers, BAD_RANGES, strict=True):
        assert words in answer.json()["detail"] if isinstance(answer.json()["detail"], str) else not words


def test_an_unknown_coalition_has_no_log(client):
    for path in ("/log/checkpoint", "/log/key", "/log/export", "/log/receipt/0"):
        assert client.get(f"/api/v1/coalitions/nowhere{path}").status_code == 404


def test_a_reissued_receipt_says_which_vote_counted_and_proves_it_reached_the_count(client, voted):
    fixture, first, second = voted
    key = client.get(fixture.url("/log/key")).text.strip()
    log = entries(client, fixture)

    superseded = client.get(fixture.url(f"/log/receipt/{first}"), params={"size": first + 1}).json()
    counted = client.get(fixture.url(f"/log/receipt/{second}")).json()

    assert verify_receipt(superseded["receipt"], log[first], [key]).size == first + 1
    assert parse_receipt(counted["receipt"]).extra == log[second] == B64(counted["entry"])
    assert superseded["vote"]["counted"] is False and superseded["vote"]["superseded_by"] == second
    assert counted["vote"]["counted"] is True and counted["size"] == len(log)
    closing = superseded["closing"]
    old, new = (verify_checkpoint(closing[side], [key]) for side in ("old_checkpoint", "new_checkpoint"))
    assert (old.size, new.size) == (first + 1, superseded["vote"]["closed_idx"] + 1)
    verify_consistency(old.size, new.size, old.root, new.root, [B64(h) for h in closing["proof"]])


@pytest.mark.parametrize(("fmt", "opener"), [("tar.gz", "tar"), ("zip", "zip")])
def test_the_export_holds_entries_checkpoint_key_and_rules_and_verifies(client, voted, fmt, opener):
    fixture, _, _ = voted
    key = client.get(fixture.url("/log/key")).text.strip()

    response = client.get(fixture.url("/log/export"), params={"format": fmt})

    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith(f'.{fmt}"')
    if opener == "tar":
        with tarfile.open(fileobj=io.BytesIO(response.content)) as archive:
            names = archive.getnames()
    else:
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(name.split("/")[-1] for name in names) == ["RULES.md", "checkpoint", "checkpoints.jsonl",
                                                             "entries.jsonl", "key", "texts.jsonl"]
    source = read_archive_bytes(response.content)
    assert source.key == key and source.checkpoint == client.get(fixture.url("/log/checkpoint")).text
    assert f"Counting rules version: {COUNTING_RULES_VERSION}" in source.rules
    assert source.entries == entries(client, fixture)
    assert verify_log(source.entries, source.checkpoint, key).ballots_recounted == 1
