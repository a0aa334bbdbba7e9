"""Witnesses through the API: registered witness keys cosign checkpoints, everything else is refused without a trace,
and a quiet log settles with every witness's cosignature on its last checkpoint with a governance event."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.log.cosign import cosign, cosignature_lines, note_body, witness_name
from governance.log.sources import read_archive_bytes
from governance.log.verify import VerifyError, verify_log
from governance.log.witness_cli import Fork
from tests.app.support import log_events, quick_coalition, snapshot
from tests.log.conftest import export_bytes
from tests.witness.support import make_witness, register_witness

pytestmark = pytest.mark.db


def _origin(app, slug: str) -> str:  # noqa: ANN001
    return app.state.log_keys.origin(slug)


def _submit(client, fixture, size: int, line: str):  # noqa: ANN001, ANN202
    return client.post(fixture.url("/log/cosignatures"), json={"size": size, "cosignature": line})


def _line(app, client, fixture, key, member: str, size: int, *, when: int | None = None) -> str:  # noqa: ANN001
    note = client.get(fixture.url(f"/log/checkpoint/{size}")).text
    stamp = when if when is not None else int(app.state.clock().timestamp())
    return cosign(note_body(note), name=witness_name(_origin(app, fixture.slug), member), private_key=key,
                  timestamp=stamp).line()


def test_two_witnesses_settle_on_the_last_governance_checkpoint(app, client, tmp_path) -> None:
    fixture = quick_coalition(app, members={"ferry": 1, "harbour": 1, "mill": 1})
    witnesses = [make_witness(app, client, fixture, register_witness(client, fixture, member), tmp_path, member)
                 for member in ("ferry", "harbour")]
    governance_size = len(log_events(app.state.engine, fixture.slug))

    for _ in range(3):  # more polls than needed: a witness must not cosign its own cosignatures
        for witness in witnesses:
            witness.poll()

    events = log_events(app.state.engine, fixture.slug)
    assert [e["type"] for e in events[governance_size:]] == ["checkpoint.cosigned"] * 2
    assert {e["body"]["size"] for e in events[governance_size:]} == {governance_size}
    note = client.get(fixture.url(f"/log/checkpoint/{governance_size}")).text
    assert len(cosignature_lines(note)) == 2
    listing = client.get(fixture.url("/log/witnesses")).json()
    assert listing["witnessed_size"] == governance_size
    assert {(i["member"], i["witnessed_size"]) for i in listing["items"]} == {("ferry", governance_size),
                                                                             ("harbour", governance_size)}
    source = read_archive_bytes(export_bytes(app.state.engine, fixture.slug, app.state.log_keys.verifier_key("wpn")))
    report = verify_log(source.entries, source.checkpoint, app.state.log_keys.verifier_key("wpn"), witnesses=2)
    assert report.witnessed == (governance_size, ("ferry", "harbour"))
    with pytest.raises(VerifyError, match="2 valid member cosignature.*3 are required"):
        verify_log(source.entries, source.checkpoint, app.state.log_keys.verifier_key("wpn"), witnesses=3)


def test_a_new_governance_event_is_witnessed_again(app, client, tmp_path) -> None:
    fixture = quick_coalition(app, members={"ferry": 1, "harbour": 1})
    witness = make_witness(app, client, fixture, register_witness(client, fixture, "ferry"), tmp_path, "ferry")
    witness.poll()
    register_witness(client, fixture, "harbour")  # a governance event (key.registered)
    size = len(log_events(app.state.engine, fixture.slug))

    witness.poll()

    assert log_events(app.state.engine, fixture.slug)[-1]["body"]["size"] == size
    assert witness.state.cosigned == size


def test_an_unknown_key_is_refused_without_a_trace(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1})
    register_witness(client, fixture, "ferry")
    size = len(log_events(app.state.engine, fixture.slug))
    line = _line(app, client, fixture, Ed25519PrivateKey.generate(), "ferry", size)
    before = snapshot(app.state.engine)

    response = _submit(client, fixture, size, line)

    assert response.status_code == 403
    assert "is not a registered witness key" in response.json()["detail"]
    assert snapshot(app.state.engine) == before


def test_a_vote_key_is_not_a_witness_key(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1})
    key = Ed25519PrivateKey.generate()
    client.post(fixture.url("/members/ferry/keys"), headers=fixture.reps["ferry"], json={
        "public_key": base64.b64encode(key.public_key().public_bytes_raw()).decode(), "label": "vote"})
    size = len(log_events(app.state.engine, fixture.slug))

    response = _submit(client, fixture, size, _line(app, client, fixture, key, "ferry", size))

    assert response.status_code == 403


def test_a_cosignature_of_another_checkpoint_is_refused(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1})
    key = register_witness(client, fixture, "ferry")
    size = len(log_events(app.state.engine, fixture.slug))
    line = _line(app, client, fixture, key, "ferry", size - 1)
    before = snapshot(app.state.engine)

    response = _submit(client, fixture, size, line)

    assert response.status_code == 422
    assert snapshot(app.state.engine) == before


def test_a_cosignature_from_the_future_is_refused(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1})
    key = register_witness(client, fixture, "ferry")
    size = len(log_events(app.state.engine, fixture.slug))
    line = _line(app, client, fixture, key, "ferry", size, when=int(app.state.clock().timestamp()) + 3600)

    response = _submit(client, fixture, size, line)

    assert response.status_code == 422 and "future" in response.json()["detail"]


def test_a_second_cosignature_and_a_cosignature_of_a_cosignature_are_conflicts(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1, "harbour": 1})
    ferry, harbour = register_witness(client, fixture, "ferry"), register_witness(client, fixture, "harbour")
    size = len(log_events(app.state.engine, fixture.slug))
    assert _submit(client, fixture, size, _line(app, client, fixture, ferry, "ferry", size)).status_code == 201

    again = _submit(client, fixture, size, _line(app, client, fixture, ferry, "ferry", size, when=1))
    tail = _submit(client, fixture, size + 1, _line(app, client, fixture, harbour, "harbour", size + 1))

    assert again.status_code == 409 and tail.status_code == 409
    assert f"cosign size {size}" in tail.json()["detail"]


def test_a_revoked_witness_key_is_refused(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1})
    key = register_witness(client, fixture, "ferry")
    key_id = client.get(fixture.url("/members/ferry/keys")).json()["items"][0]["key_id"]
    client.post(fixture.url(f"/members/ferry/keys/{key_id}/revoke"), headers=fixture.reps["ferry"])
    size = len(log_events(app.state.engine, fixture.slug))

    response = _submit(client, fixture, size, _line(app, client, fixture, key, "ferry", size))

    assert response.status_code == 403


def test_a_witness_shown_two_roots_for_one_size_reports_a_fork(app, client, tmp_path) -> None:
    fixture = quick_coalition(app, members={"ferry": 1})
    witness = make_witness(app, client, fixture, register_witness(client, fixture, "ferry"), tmp_path, "ferry")
    witness.poll()
    seen = witness.state.note
    forged = app.state.log_keys.sign_checkpoint(fixture.slug, witness.state.size, bytes(32))
    witness.http.text = lambda path: forged if path == "/log/checkpoint" else client.get(fixture.url(path)).text

    with pytest.raises(Fork, match="two roots for one size") as caught:
        witness.poll()
    witness.report(caught.value, tmp_path / "fork.json")

    event = log_events(app.state.engine, fixture.slug)[-1]
    assert event["type"] == "witness.fork" and event["body"]["seen"] == seen and event["body"]["served"] == forged
    assert (tmp_path / "fork.json").exists()
    source = read_archive_bytes(export_bytes(app.state.engine, fixture.slug, app.state.log_keys.verifier_key("wpn")))
    report = verify_log(source.entries, source.checkpoint, app.state.log_keys.verifier_key("wpn"))
    assert report.state.forks == [(len(source.entries) - 1, "ferry")]


def test_a_fork_report_not_signed_by_a_witness_key_is_refused(app, client) -> None:
    fixture = quick_coalition(app, members={"ferry": 1})
    register_witness(client, fixture, "ferry")
    key_id = client.get(fixture.url("/members/ferry/keys")).json()["items"][0]["key_id"]
    note = client.get(fixture.url("/log/checkpoint")).text
    forged = app.state.log_keys.sign_checkpoint(fixture.slug, 1, bytes(32))
    before = snapshot(app.state.engine)

    response = client.post(fixture.url("/log/forks"), json={
        "key_id": key_id, "seen": note, "served": forged, "timestamp": 1,
        "signature": base64.b64encode(bytes(64)).decode()})

    assert response.status_code == 422
    assert snapshot(app.state.engine) == before


def test_verify_receipt_counts_the_cosignatures_on_a_receipts_checkpoint(app, client, tmp_path, capsys) -> None:
    from governance.log import receipt_cli

    fixture = quick_coalition(app, members={"ferry": 1, "harbour": 1})
    witnesses = [make_witness(app, client, fixture, register_witness(client, fixture, member), tmp_path, member)
                 for member in ("ferry", "harbour")]
    for witness in witnesses:
        witness.poll()
    size = client.get(fixture.url("/log/witnesses")).json()["witnessed_size"]
    (tmp_path / "receipt.json").write_text(client.get(fixture.url(f"/log/receipt/1?size={size}")).text)
    (tmp_path / "log.tar.gz").write_bytes(export_bytes(app.state.engine, fixture.slug,
                                                       app.state.log_keys.verifier_key("wpn")))
    key = app.state.log_keys.verifier_key("wpn")
    args = [str(tmp_path / "receipt.json"), "--key", key, "--log", str(tmp_path / "log.tar.gz")]

    assert receipt_cli.main([*args, "--witnesses", "2"]) == 0
    assert f"WITNESSED size {size} cosigned by 2 member(s): ferry, harbour" in capsys.readouterr().out
    assert receipt_cli.main([*args, "--witnesses", "3"]) == 1
    assert receipt_cli.main([str(tmp_path / "receipt.json"), "--key", key, "--witnesses", "1"]) == 2


def test_the_verifier_refuses_a_rewritten_log_whose_witnesses_cosigned_the_original(app, client, tmp_path) -> None:
    from governance.log.merkle import leaf_hash, root_hash

    fixture = quick_coalition(app, members={"ferry": 1})
    make_witness(app, client, fixture, register_witness(client, fixture, "ferry"), tmp_path, "ferry").poll()
    key = app.state.log_keys.verifier_key("wpn")
    entries = read_archive_bytes(export_bytes(app.state.engine, fixture.slug, key)).entries
    forged = [entries[0].replace(b"A test coalition.", b"A forged coalition."), *entries[1:]]
    resigned = app.state.log_keys.sign_checkpoint("wpn", len(forged), root_hash([leaf_hash(e) for e in forged]))

    with pytest.raises(VerifyError, match="not this log's root at that size") as refused:
        verify_log(forged, resigned, key)

    assert refused.value.kind == "replay" and refused.value.index == len(entries) - 1
