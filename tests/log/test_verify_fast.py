"""The verifier's quick paths agree with the reference ones: vote.cast entries read by pattern, commitments, encoding."""

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.log.canonical import CanonicalError, canonical_bytes, parse_event
from governance.log.recount import vote_commitment
from governance.log.replay import ReplayError, replay
from governance.log.verify import VOTE_CAST, VerifyError, decode_event, verify_log
from tests.log.history import resign

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
HEX = "0123456789abcdef"
COMMITMENTS = st.text(alphabet=HEX, min_size=64, max_size=64) | st.text(alphabet=HEX + "ABCDEFxyz", max_size=70)
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                           max_leaves=8)


def vote_cast(actor, commitment, member, number, idx, log, ts) -> dict:
    return {"v": 1, "log": log, "idx": idx, "ts": ts, "type": "vote.cast",
            "body": {"actor": actor, "commitment": commitment, "member": member, "number": number}}


@settings(max_examples=400, deadline=None)
@given(actor=TEXT, commitment=COMMITMENTS, member=TEXT, number=st.integers(), idx=st.integers(), log=TEXT,
       ts=st.integers(), spacing=st.sampled_from(["", " "]), sort=st.booleans(), ascii_only=st.booleans())
def test_the_vote_cast_pattern_matches_only_canonical_text_and_reads_the_same_fields(
        actor, commitment, member, number, idx, log, ts, spacing, sort, ascii_only):
    event = vote_cast(actor, commitment, member, number, idx, log, ts)
    data = json.dumps(event, sort_keys=sort, separators=("," + spacing, ":" + spacing),
                      ensure_ascii=ascii_only).encode("utf-8")

    found = VOTE_CAST.fullmatch(data.decode("utf-8"))

    if found is not None:
        assert max(abs(number), abs(idx), abs(ts)) < 10**18
        assert decode_event(data) == event
        assert found.groups() == (actor, commitment, member, str(number), str(idx), log, str(ts))
    elif data == canonical_bytes(event) and len(commitment) == 64 and not commitment.strip(HEX) and max(
            abs(number), abs(idx), abs(ts)) < 10**18:
        assert any(set(text) & {'"', "\\"} or min(text, default=" ") < " " for text in (actor, member, log))


@settings(max_examples=300, deadline=None)
@given(number=st.integers(), member=TEXT, salt=TEXT, vote=st.dictionaries(TEXT, JSON_VALUES, max_size=3))
def test_the_quick_commitment_is_the_hash_of_the_canonical_bytes(number, member, salt, vote):
    import hashlib

    expected = hashlib.sha256(json.dumps({"member": member, "number": number, "salt": salt, "vote": vote},
                                         sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                              .encode("utf-8")).hexdigest()

    assert vote_commitment(number=number, member=member, vote=vote, salt=salt) == expected


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES)
def test_canonical_bytes_is_the_sorted_compact_json(value):
    assert canonical_bytes(value) == json.dumps(value, sort_keys=True, separators=(",", ":"),
                                                ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("value", [{"a": [1, 2.5]}, {"a": {1: "x"}}, [{"b": float("nan")}], {"c": {1, 2}}])
def test_canonical_bytes_still_refuses_what_json_cannot_hold_exactly(value):
    with pytest.raises(CanonicalError):
        canonical_bytes(value)


def _casts(entries: list[bytes]) -> list[int]:
    return [i for i, data in enumerate(entries) if VOTE_CAST.fullmatch(data.decode("utf-8"))]


def test_most_entries_of_the_history_take_the_quick_path(history):
    assert len(_casts(history.source.entries)) > len(history.source.entries) / 3


CHANGES = [
    lambda body, other: {**body, "member": other["member"]},
    lambda body, other: {**body, "actor": other["actor"]},
    lambda body, other: {**body, "number": other["number"]},
    lambda body, other: {**body, "number": 999},
    lambda body, other: {**body, "actor": "nobody"},
    lambda body, other: {**body, "commitment": body["commitment"].upper()},
    lambda body, other: {**body, "commitment": body["commitment"][:63]},
]


@pytest.mark.parametrize("change", range(len(CHANGES)))
def test_a_changed_vote_is_named_as_the_reference_replay_names_it(history, change):
    """Each changed vote, re-signed by the operator, fails the verifier exactly as ``replay`` of the parsed events
    fails, or passes both (a change that breaks no rule, such as a vote moved to another open ballot)."""
    entries, chooser = history.source.entries, random.Random(change)
    casts, failures = _casts(entries), 0
    for k in chooser.sample(casts, 12):
        other = parse_event(entries[chooser.choice(casts)])["body"]
        event = parse_event(entries[k])
        event["body"] = CHANGES[change](event["body"], other)
        changed = [*entries[:k], canonical_bytes(event), *entries[k + 1:]]
        note = resign(changed, history.signer_key, "concord.test/wpn")
        try:
            replay([parse_event(data) for data in changed])
            expected = None
        except ReplayError as error:
            expected = error.index, str(error).split(": ", 1)[-1]

        try:
            verify_log(changed, note, history.key)
            found = None
        except VerifyError as error:
            found = error.index, str(error).split(": ", 1)[-1]

        assert found == expected
        failures += found is not None
    assert failures >= 6


def test_the_garbage_collector_is_back_on_after_a_verification_that_passes_or_fails(history):
    import gc

    verify_log(history.source.entries, history.source.checkpoint, history.key)
    passed = gc.isenabled()
    with pytest.raises(VerifyError):
        verify_log([*history.source.entries[:5], b"{}", *history.source.entries[6:]], history.source.checkpoint,
                   history.key)

    assert passed and gc.isenabled()


def test_a_vote_with_a_number_too_long_for_int_is_named_like_any_other_entry(history):
    entries = list(history.source.entries)
    k = _casts(entries)[3]
    entries[k] = entries[k].replace(b'"ts":', b'"ts":' + b"9" * 5000, 1)

    with pytest.raises(VerifyError) as caught:
        verify_log(entries, history.source.checkpoint, history.key)

    assert (caught.value.kind, caught.value.index) == ("canonical", k)


def _closings(entries: list[bytes]) -> list[int]:
    return [i for i, data in enumerate(entries) if parse_event(data)["type"] == "ballot.closed"]


def _with_result_altered(entries: list[bytes], k: int) -> list[bytes]:
    event = parse_event(entries[k])
    event["body"]["result"] = {**event["body"]["result"], "explanation": "audited"}
    return [*entries[:k], canonical_bytes(event), *entries[k + 1:]]


def _with_vote_by_outsider(entries: list[bytes], k: int) -> list[bytes]:
    event = parse_event(entries[k])
    event["body"]["actor"] = "nobody"
    return [*entries[:k], canonical_bytes(event), *entries[k + 1:]]


def test_a_recount_that_differs_is_named_before_any_later_failure_and_after_any_earlier_one(history):
    entries = history.source.entries
    closings, casts = _closings(entries), _casts(entries)
    for k in closings:
        later, earlier = min((i for i in casts if i > k), default=None), max(i for i in casts if i < k)
        cases = [([earlier], ("replay", earlier)), ([], ("recount", k))] + ([([later], ("recount", k))] if later else [])
        for outsider, expected in cases:
            changed = _with_result_altered(entries, k)
            for i in outsider:
                changed = _with_vote_by_outsider(changed, i)
            note = resign(changed, history.signer_key, "concord.test/wpn")

            error = pytest.raises(VerifyError, verify_log, changed, note, history.key).value
            replayed = pytest.raises(ReplayError, replay, [parse_event(data) for data in changed]).value

            assert (error.kind, error.index) == expected
            assert replayed.index == expected[1]
