"""``concord witness URL --key FILE``: a member's witness. It follows a coalition's log, keeps the last checkpoint it
saw on disk, checks an RFC 9162 consistency proof (section 2.1.4) to every new checkpoint, and cosigns it per C2SP
tlog-cosignature; a checkpoint that does not extend what it saw ends it with exit code 3, a fork report on disk
and posted to the log. ``concord witness keygen FILE`` makes its key.

Standard library and ``cryptography`` only: a member runs it on its own machine without the service.
"""

import argparse
import base64
import binascii
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.log.cosign import cosign, fork_statement, note_body, witness_name
from governance.log.merkle import ProofError, verify_consistency
from governance.log.notes import Checkpoint, NoteError, verify_checkpoint
from governance.log.signing import key_id_of

__all__ = ["EXIT_FORK", "Fork", "WitnessState", "Witness", "load_private_key", "main", "write_private_key"]

EXIT_FORK = 3
HTTP_TIMEOUT = 30


class Fork(Exception):
    """The log served a checkpoint that does not extend the one this witness saw."""

    def __init__(self, message: str, seen: str, served: str) -> None:
        super().__init__(message)
        self.seen, self.served = seen, served


class ServerError(Exception):
    """The server could not be reached or answered with an error; the witness tries again at its next poll."""


@dataclass
class WitnessState:
    """What the witness keeps on disk: the log it follows (key pinned on first use), the last checkpoint it saw and
    the last size it cosigned."""

    url: str
    log_key: str
    origin: str = ""
    size: int = 0
    root: str = ""  # base64
    note: str = ""
    cosigned: int = 0

    @classmethod
    def load(cls, path: Path) -> "WitnessState | None":
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        """Write the state atomically: a crash leaves the old state or the new one, never half of one."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        os.replace(temporary, path)


def write_private_key(path: Path) -> Ed25519PrivateKey:
    """A new Ed25519 key, its 32-byte seed written as base64 to ``path`` (mode 0600; an existing file is kept)."""
    key = Ed25519PrivateKey.generate()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(base64.b64encode(key.private_bytes_raw()).decode() + "\n")
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key whose 32-byte seed ``path`` holds as base64 (as ``keygen`` writes it)."""
    try:
        seed = base64.b64decode(path.read_text(encoding="utf-8").strip(), validate=True)
    except (OSError, binascii.Error, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read the witness key {path}: {error}") from None
    if len(seed) != 32:
        raise ValueError(f"{path} does not hold the base64 of a 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Http:
    """GET and POST against the coalition's API base URL, with errors as ServerError (and the status kept)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def _open(self, request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            raise ServerError(f"{request.full_url}: HTTP {error.code} {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise ServerError(f"{request.full_url}: {error}") from None

    def text(self, path: str) -> str:
        return self._open(urllib.request.Request(self.base + path)).decode("utf-8")

    def json(self, path: str) -> dict:
        return json.loads(self._open(urllib.request.Request(self.base + path)))

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        return json.loads(self._open(request))


class Witness:
    """One member's witness of one log: ``poll`` checks the latest checkpoint and cosigns what needs cosigning."""

    def __init__(self, http: Http, key: Ed25519PrivateKey, state: WitnessState, state_path: Path,
                 say: Callable[[str], None] = print, clock: Callable[[], float] = time.time) -> None:
        self.http, self.key, self.state, self.state_path, self.say = http, key, state, state_path, say
        self.clock = clock
        self.key_id = key_id_of(key.public_key().public_bytes_raw())

    def checkpoint(self, path: str) -> tuple[Checkpoint, str]:
        note = self.http.text(path)
        try:
            checkpoint = verify_checkpoint(note, [self.state.log_key], origin=self.state.origin or None)
        except NoteError as error:
            raise ServerError(f"{path} is not a checkpoint signed by the log's key: {error}") from None
        return checkpoint, note

    def consistent(self, old: Checkpoint, new: Checkpoint, old_note: str, new_note: str) -> None:
        """Raise Fork unless ``new`` extends ``old`` (same root at the same size, or a consistency proof that holds)."""
        where = (f"{old.origin}: size {old.size} root {old.root.hex()} (seen) and size {new.size} root "
                 f"{new.root.hex()} (served)")
        if new.size < old.size:
            raise Fork(f"the log shrank: {where}", old_note, new_note)
        if new.size == old.size:
            if new.root != old.root:
                raise Fork(f"two roots for one size: {where}", old_note, new_note)
            return
        if old.size == 0:
            return
        proof = self.http.json(f"/log/proof/consistency?old={old.size}&new={new.size}")
        try:
            verify_consistency(old.size, new.size, old.root, new.root,
                               [base64.b64decode(value, validate=True) for value in proof["proof"]])
        except (ProofError, binascii.Error, KeyError, TypeError) as error:
            raise Fork(f"the consistency proof fails ({error}): {where}", old_note, new_note) from None

    def poll(self) -> None:
        """Check the latest checkpoint against the one saved, save it, then cosign the witnessed size if new."""
        latest, note = self.checkpoint("/log/checkpoint")
        state = self.state
        if state.size:
            seen = Checkpoint(state.origin, state.size, base64.b64decode(state.root))
            self.consistent(seen, latest, state.note, note)
        state.origin, state.size, state.root, state.note = latest.origin, latest.size, _b64(latest.root), note
        state.save(self.state_path)
        self.cosign_witnessed(latest, note)

    def _member(self, listing: dict) -> str | None:
        for item in listing.get("items", []):
            if self.key_id in item.get("key_ids", []):
                return item["member"]
        return None

    def cosign_witnessed(self, latest: Checkpoint, latest_note: str) -> None:
        listing = self.http.json("/log/witnesses")
        size = listing["witnessed_size"]
        if not 1 <= size <= latest.size or size <= self.state.cosigned:
            return
        member = self._member(listing)
        if member is None:
            raise ServerError(f"the key {self.key_id} is not a registered witness key of this coalition; a "
                              "representative registers it (purpose witness)")
        witnessed, note = (latest, latest_note) if size == latest.size else self.checkpoint(f"/log/checkpoint/{size}")
        self.consistent(witnessed, latest, note, latest_note)
        line = cosign(note_body(note), name=witness_name(latest.origin, member), private_key=self.key,
                      timestamp=int(self.clock())).line()
        try:
            self.http.post("/log/cosignatures", {"size": size, "cosignature": line})
        except ServerError as error:
            if "HTTP 409" not in str(error):
                raise
        self.state.cosigned = size
        self.state.save(self.state_path)
        self.say(f"cosigned {latest.origin} at size {size} (root {witnessed.root.hex()[:16]}...) as {member}")

    def report(self, fork: Fork, report_path: Path) -> None:
        """Keep the fork report on disk and try to publish it in the log as a ``witness.fork`` event."""
        timestamp = int(self.clock())
        seen, served = note_body(fork.seen), note_body(fork.served)
        report = {"key_id": self.key_id, "seen": fork.seen, "served": fork.served, "timestamp": timestamp,
                  "signature": _b64(self.key.sign(fork_statement(seen, served, timestamp)))}
        report_path.write_text(json.dumps({**report, "reason": str(fork)}, indent=1), encoding="utf-8")
        try:
            answer = self.http.post("/log/forks", report)
            self.say(f"fork report published as log entry {answer['log_index']}")
        except ServerError as error:
            self.say(f"the server refused the fork report ({error}); it is kept in {report_path}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concord witness", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the coalition's API URL, e.g. http://127.0.0.1:8000/api/v1/coalitions/wpn; or "
                                    "'keygen' to make a key")
    parser.add_argument("--key", required=True, help="the witness's private key file (keygen writes it)")
    parser.add_argument("--state", help="where to keep the last checkpoint seen (default: KEY.state.json)")
    parser.add_argument("--log-key", help="the log's verifier key (default: the server's, pinned at the first run)")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between polls (default 30)")
    parser.add_argument("--once", action="store_true", help="poll once and exit")
    return parser


def _keygen(path: Path) -> int:
    try:
        key = write_private_key(path)
    except FileExistsError:
        print(f"concord witness: {path} exists; it is kept", file=sys.stderr)
        return 2
    public = key.public_key().public_bytes_raw()
    print(f"witness key written to {path} (keep it private)\npublic key: {_b64(public)}\nkey id: {key_id_of(public)}\n"
          "register it: POST /api/v1/coalitions/SLUG/members/MEMBER/keys "
          f'{{"public_key": "{_b64(public)}", "label": "witness", "purpose": "witness"}}')
    return 0


def _start(args: argparse.Namespace) -> Witness:
    key = load_private_key(Path(args.key))
    state_path = Path(args.state or f"{args.key}.state.json")
    http = Http(args.url)
    state = WitnessState.load(state_path)
    if state is None:
        log_key = args.log_key or http.text("/log/key").strip()
        state = WitnessState(url=http.base, log_key=log_key)
    elif args.log_key and args.log_key != state.log_key:
        raise ValueError(f"{state_path} follows the log key {state.log_key}, not {args.log_key}")
    return Witness(http, key, state, state_path, say=lambda text: print(text, flush=True))


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 (``--once``, or stopped), 1 when a poll failed (``--once``), 2 on bad input, 3 on a fork."""
    args = build_parser().parse_args(argv)
    if args.url == "keygen":
        return _keygen(Path(args.key))
    try:
        witness = _start(args)
    except (ValueError, TypeError, ServerError, OSError) as error:  # TypeError: a state file of another shape
        print(f"concord witness: {error}", file=sys.stderr)
        return 2
    try:
        return _follow(witness, once=args.once, interval=args.interval)
    except KeyboardInterrupt:
        return 0


def _follow(witness: Witness, *, once: bool, interval: float) -> int:
    while True:
        try:
            witness.poll()
        except Fork as fork:
            print(f"FORK {fork}", flush=True)
            witness.report(fork, witness.state_path.with_name(witness.state_path.name + ".fork.json"))
            return EXIT_FORK
        except (ServerError, ValueError, KeyError) as error:
            print(f"concord witness: {error}", file=sys.stderr, flush=True)
            if once:
                return 1
        if once:
            return 0
        time.sleep(interval)


if __name__ == "__main__":
    raise SystemExit(main())
