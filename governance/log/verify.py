"""The offline verifier: check an exported log's bytes, root, signature and history, then recount every ballot.

Standard library, ``cryptography`` and ``voting/`` only (through the pure ``governance.log`` modules), so an
observer runs it without the service, its database or its web framework.
"""

import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from governance.log.blame import first_changed_entry
from governance.log.cosign import CosignatureError, WitnessKey, cosignature_lines, valid_cosigners
from governance.log.canonical import EVENT_KEYS, canonical_text
from governance.log.commitments import text_commitment
from governance.log.merkle import root_hash
from governance.log.notes import Checkpoint, NoteError, verify_checkpoint
from governance.log.replay import ReplayedLog, Replayer, ReplayError

__all__ = ["COUNTING_RULES_VERSION", "FAILURE_KINDS", "VOTE_CAST", "VerifyError", "VerifyReport", "check_texts",
           "check_witnesses", "decode_event", "verify_log", "witnessed_size"]

COUNTING_RULES_VERSION = "concord-recount/1"
PROGRESS_STEP = 20_000
FAILURE_KINDS = ("format", "index", "canonical", "position", "log", "time", "signature", "origin", "size", "root",
                 "key", "rollback", "fork", "replay", "recount", "text", "witness")


class VerifyError(ValueError):
    """Why a log fails: ``kind`` (one of FAILURE_KINDS), the entry ``index`` when one entry is to blame, evidence."""

    def __init__(self, kind: str, message: str, *, index: int | None = None, evidence: Sequence[str] = ()) -> None:
        where = f"entry {index}: " if index is not None else ""
        super().__init__(f"{where}{message}")
        self.kind, self.index, self.evidence = kind, index, tuple(evidence)


@dataclass
class VerifyReport:
    """What a verified log holds: its signed size and root, and the state its replayed events describe."""

    checkpoint: Checkpoint
    state: ReplayedLog
    entries: Sequence[bytes] = field(repr=False)
    leaf_hashes: list[bytes] = field(repr=False)
    texts_checked: int = 0

    witnessed: tuple[int, tuple[str, ...]] | None = None  # (witnessed size, members who cosigned it), when asked

    @property
    def ballots_recounted(self) -> int:
        return sum(1 for ballot in self.state.ballots.values() if ballot.status == "closed")

    def summary(self) -> str:
        state = self.state
        return (f"{self.checkpoint.origin}: {self.checkpoint.size} entries, root {self.checkpoint.root.hex()[:16]}..., "
                f"{len(state.members)} members, {len(state.proposals)} proposals, "
                f"{self.ballots_recounted} ballots recounted, every recorded result matches"
                + (f", {len(state.charters)} charter versions recomputed" if state.charters else "")
                + (f", {state.signed_votes} signed votes verified with their members' keys" if state.signed_votes
                   else "")
                + (f", {len(state.proxies)} proxies replayed" if state.proxies else "")
                + (f"; {self.texts_checked} published texts match their commitments" if self.texts_checked else "")
                + (f"; size {self.witnessed[0]} cosigned by {len(self.witnessed[1])} member witnesses "
                   f"({', '.join(self.witnessed[1])})" if self.witnessed else ""))


def _refuse_number(text: str) -> None:
    raise ValueError(f"the number {text} is not an integer")


_DECODER = json.JSONDecoder(parse_float=_refuse_number, parse_constant=_refuse_number)
_STRING = r'"([^"\\\x00-\x1f]*)"'  # a string canonical JSON writes as it is: no quote, backslash or control character
_INTEGER = r"(0|-?[1-9][0-9]{0,17})"  # longer ones go the JSON codec's way (int() refuses over 4300 digits)
VOTE_CAST = re.compile(r'\{"body":\{"actor":' + _STRING + r',"commitment":"([0-9a-f]{64})","member":' + _STRING
                       + r',"number":' + _INTEGER + r'\},"idx":' + _INTEGER + r',"log":' + _STRING + r',"ts":'
                       + _INTEGER + r',"type":"vote\.cast","v":1\}')
"""The canonical text of a ``vote.cast`` event with a well-formed commitment, and nothing else: any text it matches
is canonical JSON with the event keys, so the verifier reads these events (most of a log) without the JSON codec."""


def _parse(text: str) -> object:
    try:  # a canonical entry has no whitespace around it, so the scanner alone reads it
        value, end = _DECODER.raw_decode(text)
        if end == len(text):
            return value
    except ValueError:
        pass
    return _DECODER.decode(text)  # anything else: the full decoder, for its exact result or error


def decode_event(data: bytes) -> dict:
    """Parse one leaf and check that it is canonical JSON (re-encoding gives the same bytes) with the event keys.

    Equivalent to ``canonical.is_canonical`` plus ``parse_event`` but on the C JSON codec: a float or NaN is
    refused while parsing, and duplicate keys or any other difference show up as re-encoded bytes that differ.

    >>> decode_event(b'{"body":{},"idx":0,"log":"c","ts":1,"type":"t","v":1}')["idx"]
    0
    >>> decode_event(b'{"body":{},"idx":0,"log":"c","ts":1.5,"type":"t","v":1}')
    Traceback (most recent call last):
    ...
    ValueError: the number 1.5 is not an integer
    """
    try:
        text = data.decode("utf-8")
        event = _parse(text)
    except UnicodeDecodeError:
        raise ValueError("the bytes are not UTF-8") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at byte {error.pos})") from None
    if not isinstance(event, dict) or event.keys() != EVENT_KEYS:
        raise ValueError(f"an event has exactly the keys {', '.join(sorted(EVENT_KEYS))}")
    again = canonical_text(event)
    if again == text:  # the same text, so the same UTF-8 bytes; a mismatch is judged on the bytes, for its message
        return event
    try:
        again = again.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text holds an unpaired surrogate") from None
    if again != data:
        raise ValueError("the bytes are not canonical JSON (sorted keys, no spaces, no escapes, no duplicates)")
    return event


class _EntryReader:
    """Checks each entry on its own and against the one before it, collects leaf hashes, and replays each event
    as its entry passes; the first replay error is kept (entry checks come before its verdict) and replay stops."""

    def __init__(self) -> None:
        self.leaf_hashes: list[bytes] = []
        self.slug: str | None = None
        self.log_key: str | None = None
        self.last_ts = 0
        self.replayer = Replayer(leaf_hashes=self.leaf_hashes)
        self.replay_error: ReplayError | None = None

    def read(self, entries: Sequence[bytes], start: int = 0) -> None:
        """Every entry in order (the first being entry ``start``, so a long log can be read in parts): a canonical
        ``vote.cast`` text (matched by VOTE_CAST) straight from its fields, any other entry, or one the quick path
        declines, through ``check`` and ``Replayer.apply``."""
        append, sha256, match, cast = self.leaf_hashes.append, hashlib.sha256, VOTE_CAST.fullmatch, self.replayer.cast
        slug, last_ts, replaying = self.slug, self.last_ts, self.replay_error is None
        for position, data in enumerate(entries, start):
            if not isinstance(data, bytes):
                raise VerifyError("format", "a leaf must be bytes", index=position)
            append(sha256(b"\x00" + data).digest())
            try:
                found = match(data.decode("utf-8"))
            except UnicodeDecodeError:
                found = None
            if found is not None:
                actor, commitment, member, number, idx, log, ts = found.groups()
                ts = int(ts)
                if log == slug and ts >= last_ts and int(idx) == position:
                    last_ts = ts
                    if replaying and not cast(position, log, ts, int(number), member, commitment, actor):
                        replaying = self.replay(position, decode_event(data))
                    continue
            self.last_ts = last_ts
            event = self.check(position, data)
            slug, last_ts = self.slug, self.last_ts
            if replaying:
                replaying = self.replay(position, event)
        self.last_ts = last_ts

    def replay(self, position: int, event: dict) -> bool:
        """Apply one event; False, keeping the error, once the events stop following their rules."""
        try:
            self.replayer.apply(position, event)
        except ReplayError as error:
            self.replay_error = error
            return False
        return True

    def check(self, position: int, data: bytes) -> dict:
        try:
            event = decode_event(data)
        except ValueError as error:
            raise VerifyError("canonical", str(error), index=position) from None
        if event["idx"] != position:
            raise VerifyError("position", f"the entry says it is entry {event['idx']!r}", index=position)
        if position == 0:
            self.slug = event["log"]
            self.log_key = event["body"].get("log_key") if isinstance(event["body"], dict) else None
        if event["log"] != self.slug:
            raise VerifyError("log", f"the entry belongs to log {event['log']!r}, not {self.slug!r}", index=position)
        ts = event["ts"]
        if type(ts) is not int:
            raise VerifyError("time", f"its timestamp {ts!r} is not an integer", index=position)
        if ts < self.last_ts:
            raise VerifyError("time", f"its timestamp {ts} is before the previous entry's {self.last_ts}",
                              index=position)
        self.last_ts = ts
        return event

    def state(self) -> ReplayedLog | None:
        """The replayed state, or None with ``replay_error`` set when the events do not follow their rules."""
        if self.replay_error is None:
            try:
                return self.replayer.finish()
            except ReplayError as error:
                self.replay_error = error
        return None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the entries are read: reading allocates millions of small acyclic
    objects, and each collection would walk the growing replayed state again (a quarter of the time at 1e6)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _signed_checkpoint(note: str, key: str, slug: str | None, what: str = "the checkpoint") -> Checkpoint:
    try:
        checkpoint = verify_checkpoint(note, [key])
    except NoteError as error:
        raise VerifyError("signature", f"{what} does not verify with the key {key.split('+')[0]!r}: {error}") from None
    if slug is not None and checkpoint.origin.rsplit("/", 1)[-1] != slug:
        raise VerifyError("origin", f"{what} is for log {checkpoint.origin!r}, not for coalition {slug!r}")
    return checkpoint


def _check_tree(checkpoint: Checkpoint, leaf_hashes: list[bytes], earlier: Sequence[str], key: str,
                fetch: Callable[[int], str | None] | None) -> None:
    if checkpoint.size != len(leaf_hashes):
        raise VerifyError("size", f"the signed checkpoint covers {checkpoint.size} entries but the log has "
                                  f"{len(leaf_hashes)}")
    if root_hash(leaf_hashes) != checkpoint.root:
        message = (f"the root of the {len(leaf_hashes)} entries is not the signed root {checkpoint.root.hex()}: "
                   "an entry was changed, dropped, added or reordered")
        if not earlier and fetch is None:
            raise VerifyError("root", message)
        blame = first_changed_entry(leaf_hashes, earlier, key, latest=checkpoint, fetch=fetch)
        if blame.first == blame.last:
            raise VerifyError("root", f"{message}; the first {blame.good_size} entries have the root signed for "
                                      f"them and the first {blame.bad_size} do not, so this entry differs from what "
                                      "was signed", index=blame.first)
        raise VerifyError("root", f"{message}; the first change is in entries {blame.first} to {blame.last} (the "
                                  f"first {blame.good_size} have their signed root, the first {blame.bad_size} do "
                                  "not)")


def _check_since(since_note: str, key: str, slug: str | None, note: str, checkpoint: Checkpoint,
                 leaf_hashes: list[bytes]) -> None:
    earlier = _signed_checkpoint(since_note, key, slug, "the earlier checkpoint")
    evidence = (since_note, note)
    if earlier.origin != checkpoint.origin:
        raise VerifyError("origin", f"the earlier checkpoint is for {earlier.origin!r}, this log is "
                                    f"{checkpoint.origin!r}")
    if earlier.size > checkpoint.size:
        raise VerifyError("rollback", f"the log has {checkpoint.size} entries but a checkpoint seen earlier "
                                      f"signed {earlier.size}: the log was truncated or rolled back", evidence=evidence)
    if earlier.size and root_hash(leaf_hashes[: earlier.size]) != earlier.root:
        raise VerifyError("fork", f"the first {earlier.size} entries do not have the root signed earlier: the "
                                  "log forked, two histories were signed with one key", evidence=evidence)


def _replay_failure(error: ReplayError) -> VerifyError:
    kind = "recount" if "recount" in str(error) else "replay"
    return VerifyError(kind, str(error).split(": ", 1)[-1], index=error.index)


def witnessed_size(state: ReplayedLog, size: int) -> int:
    """The size witnesses cosign in a log of ``size`` entries: up to its last entry that is not a cosignature."""
    while size > 0 and size - 1 in state.quiet:
        size -= 1
    return size


def check_witnesses(state: ReplayedLog, checkpoint: Checkpoint, note: str, needed: int) -> tuple[int, tuple[str, ...]]:
    """The witnessed size and the members whose witness keys validly cosigned it: ``checkpoint.cosigned`` entries
    (the replay checked each against the log's own root) and, when the final checkpoint is that size, cosignature
    lines on its note by keys active there. VerifyError unless there are ``needed`` distinct members."""
    size = witnessed_size(state, checkpoint.size)
    members = set(state.cosignatures.get(size, {}))
    if checkpoint.size == size:
        keys = {key.key_id: WitnessKey(key.member, key.key_id, key.public_key) for key in state.keys.values()
                if key.purpose == "witness" and key.active_at(size)}
        try:
            members |= set(valid_cosigners(checkpoint, cosignature_lines(note), keys))
        except CosignatureError as error:
            raise VerifyError("witness", f"a cosignature on the checkpoint does not verify: {error}") from None
    named = tuple(sorted(members))
    if len(named) < needed:
        raise VerifyError("witness", f"the checkpoint of size {size} (the last with a governance event) carries "
                                     f"{len(named)} valid member cosignature(s)"
                                     + (f" ({', '.join(named)})" if named else "") + f"; {needed} are required")
    return size, named


def check_texts(state: ReplayedLog, texts: Sequence[Mapping]) -> int:
    """Open the commitment of every published text (``{"index", "salt", "text"}``): the entry at ``index`` must have
    committed to exactly that text with that salt, and not have been erased; an amendment that was merged must have
    given the proposal exactly its text. Returns how many texts were checked.

    >>> check_texts(ReplayedLog("c", "C", "", None, {}), [{"index": 1, "salt": "00", "text": {"text": "Hi"}}])
    Traceback (most recent call last):
    ...
    governance.log.verify.VerifyError: entry 1: the log commits to no text here
    """
    merged = {amendment.idx: amendment.merged for amendment in state.amendments.values() if amendment.merged}
    for record in texts:
        index, salt, text = record["index"], record["salt"], record["text"]
        commitment = state.commitments.get(index)
        if commitment is None or type(index) is not int:
            raise VerifyError("text", "the log commits to no text here", index=index if type(index) is int else None)
        if index in state.erased:
            raise VerifyError("text", "this text was erased, yet the export publishes it", index=index)
        opened = isinstance(salt, str) and isinstance(text, dict) and text_commitment(salt=salt, content=text)
        if opened != commitment:
            raise VerifyError("text", "the published text does not match the commitment in the log", index=index)
        if index in merged and merged[index] != text:
            raise VerifyError("text", "the amendment merged is not the text its author proposed", index=index)
    return len(texts)


def verify_log(entries: Sequence[bytes], checkpoint_note: str, key: str, *, since: str | None = None,
               texts: Sequence[Mapping] = (), earlier_checkpoints: Sequence[str] = (), fetch_checkpoint: Callable[[int], str | None] | None = None,
               progress: Callable[[int, int], None] | None = None, witnesses: int | None = None) -> VerifyReport:
    """Verify a log against its signed checkpoint and ``key``, then replay it and recount every closed ballot.

    Checks, in this order, and raises VerifyError at the first that fails: each entry canonical, its
    ``idx`` its position, its ``log`` the coalition, its time not before the previous one; the
    checkpoint's signature with ``key`` and its origin; the size and the RFC 9162 root of the entries (when it
    fails, ``earlier_checkpoints``, signed notes of smaller sizes, name the first entry that differs from what they
    signed, or ``fetch_checkpoint(size)`` from the log's server: ``blame.first_changed_entry``);
    ``key`` equal to the ``log_key`` of entry 0; consistency with the ``since`` checkpoint (signed
    earlier with the same key); and the replay of every event (``replay.replay``), which recounts
    every closed ballot with ``voting/`` and compares each recorded result exactly; then each published text
    against its commitment (``check_texts``); with ``witnesses``, that many members cosigned the witnessed size
    (``check_witnesses``).

    >>> verify_log([], "", "k")
    Traceback (most recent call last):
    ...
    governance.log.verify.VerifyError: the log is empty
    """
    reader = _EntryReader()
    with _collector_paused():
        if progress is None:
            reader.read(entries)
        else:  # in parts, each reported as read (``progress(done, total)``)
            for start in range(0, len(entries), PROGRESS_STEP):
                reader.read(entries[start:start + PROGRESS_STEP], start)
                progress(min(start + PROGRESS_STEP, len(entries)), len(entries))
        state = reader.state()
    if not reader.leaf_hashes:
        raise VerifyError("size", "the log is empty")
    checkpoint = _signed_checkpoint(checkpoint_note, key, reader.slug)
    _check_tree(checkpoint, reader.leaf_hashes, earlier_checkpoints, key, fetch_checkpoint)
    if reader.log_key is not None and reader.log_key != key:
        raise VerifyError("key", f"the key {key!r} is not the log key {reader.log_key!r} published in entry 0",
                          index=0)
    if since is not None:
        _check_since(since, key, reader.slug, checkpoint_note, checkpoint, reader.leaf_hashes)
    if reader.replay_error is not None:
        raise _replay_failure(reader.replay_error)
    report = VerifyReport(checkpoint, state, entries, reader.leaf_hashes, check_texts(state, texts))
    if witnesses is not None:
        report.witnessed = check_witnesses(state, checkpoint, checkpoint_note, witnesses)
    return report
