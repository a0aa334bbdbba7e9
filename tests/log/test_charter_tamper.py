"""A forged or tampered charter history, re-signed by an operator who holds the key, is named by entry."""

import copy
import json

import pytest

from app.db import read_session
from governance import coalitions
from governance.log import export
from governance.log.canonical import canonical_bytes
from governance.log.sources import read_archive_bytes
from governance.log.verify import VerifyError, verify_log
from tests.app.charter_kit import close, constituted, decide_change, open_it, propose, vote_all
from tests.factories import make_proposal, open_ballot
from tests.log.history import resign


@pytest.fixture
def charter_log(client, clock):
    """A constituted coalition's exported log: a passed weight change, a superseded one, a ballot opened after."""
    fixture = constituted(client)
    decide_change(client, fixture, propose(client, fixture, "weight_change",
                                           {"weights": {"ferry": "10"}, "reason": "Audit"}), clock())
    first = propose(client, fixture, "weight_change", {"weights": {"harbour": "9"}, "reason": "A"})
    stale = propose(client, fixture, "weight_change", {"weights": {"harbour": "8"}, "reason": "B"})
    for number in (first, stale):
        open_it(client, fixture, number, clock())
        vote_all(client, fixture, number, "yes")
    close(client, fixture, first)
    close(client, fixture, stale)
    open_ballot(client, fixture, make_proposal(client, fixture), now=clock())
    app = client.app
    key = app.state.log_keys.verifier_key("wpn")
    with read_session(app.state.engine) as session:
        archive = export.build_export(session, coalition=coalitions.get_coalition(session, "wpn"), verifier_key=key)
    source = read_archive_bytes(archive.content)
    return source.entries, key, app.state.log_keys.signer_key("wpn")


def events(entries: list[bytes]) -> list[dict]:
    return [json.loads(entry) for entry in entries]


def forged(entries: list[bytes], index: int, change) -> list[bytes]:  # noqa: ANN001
    event = copy.deepcopy(json.loads(entries[index]))
    change(event)
    return [*entries[:index], canonical_bytes(event), *entries[index + 1:]]


def verdict(entries: list[bytes], key: str, signer: str) -> VerifyError:
    with pytest.raises(VerifyError) as caught:
        verify_log(entries, resign(entries, signer, "concord.test/wpn"), key)
    return caught.value


def where(entries: list[bytes], type_: str, nth: int = 0) -> int:
    return [i for i, e in enumerate(events(entries)) if e["type"] == type_][nth]


def test_the_untouched_charter_log_verifies_and_replays_every_version(charter_log):
    entries, key, signer = charter_log

    report = verify_log(entries, resign(entries, signer, "concord.test/wpn"), key)

    assert len(report.state.charters) == 3
    assert report.state.members["ferry"].weight == "10" and report.state.members["harbour"].weight == "9"


def test_a_charter_version_with_a_changed_weight_is_named(charter_log):
    entries, key, signer = charter_log
    index = where(entries, "charter.version", 1)

    def change(event: dict) -> None:
        event["body"]["rules"]["members"]["ferry"]["weight"] = "11"

    error = verdict(forged(entries, index, change), key, signer)

    assert (error.kind, error.index) == ("replay", index)
    assert "must be its charter.version event" in str(error)


def test_a_charter_version_with_another_hash_is_named(charter_log):
    entries, key, signer = charter_log
    index = where(entries, "charter.version", 2)

    error = verdict(forged(entries, index, lambda e: e["body"].update(sha256="0" * 64)), key, signer)

    assert error.index == index


def test_a_founding_act_that_misstates_the_members_is_named(charter_log):
    entries, key, signer = charter_log
    index = where(entries, "charter.version")

    def change(event: dict) -> None:
        event["body"]["rules"]["members"]["orchard"]["weight"] = "25"

    error = verdict(forged(entries, index, change), key, signer)

    assert error.index == index and "members as they stood" in str(error)


def test_a_charter_version_without_a_passed_proposal_is_named(charter_log):
    entries, key, signer = charter_log
    index = where(entries, "vote.cast", 5)
    version = events(entries)[where(entries, "charter.version", 1)]["body"]

    def change(event: dict) -> None:
        event["type"], event["body"] = "charter.version", {**version, "version": 9}

    error = verdict(forged(entries, index, change), key, signer)

    assert error.index == index and "follows no passed proposal" in str(error)


def test_a_superseding_with_another_reason_is_named(charter_log):
    entries, key, signer = charter_log
    index = where(entries, "proposal.superseded")

    error = verdict(forged(entries, index, lambda e: e["body"].update(reason="Because.")), key, signer)

    assert error.index == index and "proposal.superseded" in str(error)


def test_a_superseding_of_a_proposal_that_did_not_just_pass_is_named(charter_log):
    entries, key, signer = charter_log
    index = where(entries, "vote.cast", 5)
    body = events(entries)[where(entries, "proposal.superseded")]["body"]

    def change(event: dict) -> None:
        event["type"], event["body"] = "proposal.superseded", body

    error = verdict(forged(entries, index, change), key, signer)

    assert error.index == index and "did not just pass" in str(error)


def test_a_direct_weight_change_after_the_charter_is_named(charter_log):
    entries, key, signer = charter_log
    index = where(entries, "vote.cast", 5)

    def change(event: dict) -> None:
        event["type"], event["body"] = "weight.changed", {"member": "ferry", "old": "10", "new": "50", "basis": "",
                                                          "reason": "because", "actor": "wpn-admin"}

    error = verdict(forged(entries, index, change), key, signer)

    assert error.index == index and "after the charter was adopted" in str(error)


@pytest.mark.parametrize("field", ["rule", "eligible"])
def test_a_ballot_opened_with_other_terms_than_the_charter_in_force_is_named(charter_log, field):
    entries, key, signer = charter_log
    index = where(entries, "ballot.opened", 3)

    def change(event: dict) -> None:
        if field == "rule":
            event["body"]["rule"]["counting"] = "weighted"
        else:
            next(row for row in event["body"]["eligible"] if row["member"] == "ferry")["weight"] = "12"

    error = verdict(forged(entries, index, change), key, signer)

    assert error.index == index
    assert ("charter version 3" if field == "rule" else "eligible members and weights") in str(error)
