"""Benchmark the public log: appends through the API, proofs from a 1e6-entry database store, the offline verifier.

Run: .venv/bin/python bench/log.py [--appends 300] [--entries 1000000] [--postgres URL] [--verifier-only]
The verifier is compared, in the same run, with plain hashlib hashing of the same bytes.
"""

import argparse
import base64
import gc
import hashlib
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert

from app.db import make_engine, read_session, write_session
from app.main import create_app
from app.settings import Settings
from governance import accounts, ballots, coalitions, members, proposals, rules
from governance.log import store
from governance.log.canonical import canonical_bytes
from governance.log.merkle import leaf_hash, root_hash
from governance.log.notes import (
    format_checkpoint,
    generate_signer_key,
    sign_note,
    verify_checkpoint,
)
from governance.log.recount import count_ballot, vote_commitment
from governance.log.signing import key_id_of, sign_vote
from governance.log.replay import ReplayedLog
from governance.log.tree import (
    MemoryNodeStore,
    consistency_proof_from_store,
    inclusion_proof_from_store,
)
from governance.log.verify import VOTE_CAST, decode_event, verify_log
from governance.models import Coalition, LogNode, metadata

__all__ = ["main"]
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _report(label: str, seconds: float, count: int, unit: str = "op") -> None:
    print(f"  {label:<56} {seconds:8.3f} s  {count / seconds:12,.0f} {unit}/s  {seconds / count * 1e6:10.1f} us/{unit}")


def _fresh_engine(url: str):
    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    metadata.create_all(engine)
    return engine


def bench_api_appends(url: str, count: int, folder: Path) -> None:
    """PUT the same member's vote ``count`` times: each request appends one event and signs one checkpoint."""
    engine = _fresh_engine(url)
    app = create_app(engine, settings=Settings(key_dir=folder / "keys", log_host="bench.test"), clock=lambda: NOW)
    with write_session(engine) as session:
        session.info["log_signer"] = app.state.log_signer
        coalition, admin = coalitions.create_coalition(session, slug="bench", name="Bench", description="",
                                                       admin_username="admin", admin_password="correct horse battery",
                                                       now=NOW, log_key=app.state.log_keys.verifier_key("bench"))
        member = members.admit_member(session, coalition=coalition, actor="admin", slug="m", name="M", weight="1",
                                      now=NOW)
        rep = accounts.create_account(session, coalition=coalition, actor="admin", member=member, username="rep",
                                      password="correct horse battery", role="representative", now=NOW)
        _, token = accounts.issue_token(session, account=rep, name="bench", now=NOW)
        proposal = proposals.create_proposal(session, coalition=coalition, author=admin, kind="decision", title="T",
                                             body="", now=NOW)
        ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal,
                            closes_at=NOW + timedelta(days=1), now=NOW)
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        start = time.perf_counter()
        for n in range(count):
            response = client.put("/api/v1/coalitions/bench/proposals/1/ballot/votes/m", headers=headers,
                                  json={"choice": "yes" if n % 2 else "no"})
            assert response.status_code == 200, response.text
        seconds = time.perf_counter() - start
    _report(f"{engine.dialect.name}: PUT vote (1 append + signed checkpoint)", seconds, count, "append")
    engine.dispose()


def _fill_nodes(engine, coalition_id: int, nodes: MemoryNodeStore) -> None:
    rows = ({"coalition_id": coalition_id, "level": level, "index": index, "hash": value}
            for level, hashes in enumerate(nodes.levels) for index, value in enumerate(hashes))
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            cursor = connection.connection.cursor()
            with cursor.copy("COPY log_node (coalition_id, level, index, hash) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((row["coalition_id"], row["level"], row["index"], row["hash"]))
        return
    batch: list[dict] = []
    with engine.begin() as connection:
        for row in rows:
            batch.append(row)
            if len(batch) == 50_000:
                connection.execute(insert(LogNode), batch)
                batch = []
        if batch:
            connection.execute(insert(LogNode), batch)


def bench_store_proofs(url: str, size: int, proofs: int) -> None:
    """Proofs at ``size`` entries read from the log_node table, filled with every perfect subtree by bulk insert."""
    engine = _fresh_engine(url)
    hashes = [hashlib.sha256(n.to_bytes(8, "big")).digest() for n in range(size)]
    nodes = MemoryNodeStore.from_leaf_hashes(hashes)
    with write_session(engine) as session:
        coalition = Coalition(slug="proofs", name="Proofs", created_at=NOW)
        session.add(coalition)
        session.commit()
        coalition_id = coalition.id
    start = time.perf_counter()
    _fill_nodes(engine, coalition_id, nodes)
    count = sum(len(level) for level in nodes.levels)
    _report(f"{engine.dialect.name}: bulk insert of log_node ({size:,} leaves)", time.perf_counter() - start, count,
            "node")
    chooser = random.Random(9162)
    with read_session(engine) as session:
        reader = store.NodeReader(session, coalition_id)
        indices = [chooser.randrange(size) for _ in range(proofs)]
        start = time.perf_counter()
        for index in indices:
            inclusion_proof_from_store(index, size, reader)
        _report(f"{engine.dialect.name}: inclusion proof at {size:,} from the DB", time.perf_counter() - start, proofs)
        olds = [chooser.randrange(1, size) for _ in range(proofs)]
        start = time.perf_counter()
        for old in olds:
            consistency_proof_from_store(old, size, reader)
        _report(f"{engine.dialect.name}: consistency proof to {size:,} from the DB", time.perf_counter() - start,
                proofs)
    engine.dispose()


def _bench_key(n: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"bench-member-{n}".encode()).digest())


def synthetic_log(size: int, *, members_count: int = 40, signed_share: float = 0.0) -> tuple[list[bytes], str, str]:
    """A valid coalition log of ``size`` events (members, then decision ballots of ~2 casts per member), signed.

    ``signed_share``: the share of the members that register a member key and sign every vote they cast."""
    signer, key = generate_signer_key("bench.test/bench")
    entries: list[bytes] = []
    ts = 1_770_000_000_000

    def add(type_: str, body: dict) -> bytes:
        nonlocal ts
        ts += 7
        data = canonical_bytes({"v": 1, "log": "bench", "idx": len(entries), "ts": ts, "type": type_, "body": body})
        entries.append(data)
        return data

    add("coalition.created", {"slug": "bench", "name": "Bench", "description": "", "rules": rules.default_rules(),
                              "log_key": key})
    add("account.granted", {"account": "admin", "role": "admin", "member": None, "actor": "admin"})
    eligible = []
    for n in range(members_count):
        slug = f"member-{n:03d}"
        add("member.admitted", {"member": slug, "name": f"Member {n}", "country": "", "weight": str(1 + n % 7),
                                "basis": "members", "reason": "admitted", "actor": "admin", "proposal": None})
        add("account.granted", {"account": f"rep-{n}", "role": "representative", "member": slug, "actor": "admin"})
        eligible.append({"member": slug, "name": f"Member {n}", "weight": str(1 + n % 7)})
    signers = {f"member-{n:03d}": _bench_key(n) for n in range(round(members_count * signed_share))}
    for slug, private in signers.items():
        public = private.public_key().public_bytes_raw()
        add("key.registered", {"member": slug, "key_id": key_id_of(public), "label": "bench", "purpose": "vote",
                               "public_key": base64.b64encode(public).decode(), "actor": f"rep-{int(slug[-3:])}"})
    seqs = dict.fromkeys(signers, 0)
    rule, chooser, number = rules.default_rules()["decision"], random.Random(6962), 0
    while len(entries) < size - 2 * members_count - 3 - len(signers):
        number += 1
        add("proposal.created", {"number": number, "kind": "decision", "title": f"Proposal {number}", "body": "",
                                 "options": [], "seats": 1, "payload": {}, "member": None, "actor": "admin"})
        opened_idx = len(entries)
        opened = add("ballot.opened", {"number": number, "kind": "decision", "rule": rule, "eligible": eligible,
                                       "options": [], "seats": 1, "closes_at": "2026-03-08T09:00:00+00:00",
                                       "live_results": False, "actor": "admin"})
        votes, reveals = {}, {}
        for n in range(2 * members_count):
            member = f"member-{chooser.randrange(members_count):03d}"
            votes[member] = {"choice": chooser.choice(["yes", "no", "abstain"])}
            salt = f"{chooser.getrandbits(128):032x}"
            commitment = vote_commitment(number=number, member=member, vote=votes[member], salt=salt)
            idx = len(entries)
            body = {"number": number, "member": member, "commitment": commitment, "actor": f"rep-{int(member[-3:])}"}
            if member in signers:
                seqs[member] += 1
                body |= sign_vote(signers[member], origin="bench.test/bench", number=number, ballot=opened_idx,
                                  member=member, vote=votes[member], seq=seqs[member], salt=salt)
                del body["salt"]
            add("vote.cast", body)
            reveals[member] = {"vote": votes[member], "salt": salt, "idx": idx}
        result = count_ballot(rule=rule, eligible=eligible, votes=votes, seed=leaf_hash(opened).hex()[:16])
        add("ballot.closed", {"number": number, "result": result, "closed_at": "2026-03-02T09:00:00+00:00",
                              "actor": "admin", "votes": reveals})
    root = root_hash([leaf_hash(e) for e in entries])
    return entries, sign_note(format_checkpoint("bench.test/bench", len(entries), root), signer), key


def _cpu(action) -> tuple[object, float]:
    # CPU time of this process, with the cyclic garbage collector paused as verify_log pauses it: the machine is
    # shared, and wall time would count other processes' work.
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        result = action()
        return result, time.process_time() - start
    finally:
        gc.enable()


def _read_votes(entries: list[bytes]) -> None:
    """What the verifier does to read a vote.cast entry: one pattern match on its text, its numbers read."""
    match = VOTE_CAST.fullmatch
    for data in entries:
        found = match(data.decode("utf-8"))
        int(found[4]), int(found[5]), int(found[7])


def _read_others(entries: list[bytes]) -> None:
    """What the verifier does to read any other entry: the JSON decode and the canonical re-encode check."""
    for data in entries:
        decode_event(data)


def _open_every_vote(state: ReplayedLog) -> None:
    """The commitment of every revealed vote, as the replay checks each closing's reveals."""
    for ballot in state.ballots.values():
        for member, vote in ballot.votes.items():
            if vote.vote is not None:
                vote_commitment(number=ballot.number, member=member, vote=vote.vote, salt="0" * 32)


def _recount_every_ballot(state: ReplayedLog) -> None:
    """The recount of every closed ballot and its comparison with the recorded result, as the replay does."""
    for ballot in state.ballots.values():
        if ballot.status == "closed":
            recount = count_ballot(rule=ballot.rule, eligible=ballot.eligible, options=ballot.options,
                                   seats=ballot.seats, votes={m: v.vote for m, v in ballot.votes.items()},
                                   seed=ballot.seed)
            assert canonical_bytes(recount) == canonical_bytes(ballot.result)


def bench_verifier(size: int, signed_share: float = 0.0) -> float:
    """The verifier on a ``size``-event log against the floor: SHA-256 of every entry's bytes with hashlib.

    CPU times. The breakdown times each part of the verifier's work on its own: hashing (leaf hashes, RFC 9162
    root, signature), reading (the vote.cast pattern or the canonical decode of each entry), opening each revealed
    vote's commitment, recounting each closed ballot; the replay's rules are what remains of the whole verifier.
    """
    start = time.perf_counter()
    entries, note, key = synthetic_log(size, signed_share=signed_share)
    print(f"  synthetic log: {len(entries):,} events, {sum(map(len, entries)) / len(entries):.0f} bytes each on "
          f"average, built in {time.perf_counter() - start:.1f} s")
    _, floor = _cpu(lambda: [hashlib.sha256(b"\x00" + data).digest() for data in entries])
    _report("hashlib.sha256(0x00 || entry) of every entry (the floor)", floor, len(entries), "entry")
    checkpoint, tree = _cpu(lambda: (root_hash([leaf_hash(data) for data in entries]), verify_checkpoint(note, [key])))
    assert checkpoint[0] == checkpoint[1].root
    _report("leaf hashes + RFC 9162 root + signature", tree, len(entries), "entry")
    report, full = _cpu(lambda: verify_log(entries, note, key))
    _report("verify_log: canonical, order, root, signature, replay, recount", full, len(entries), "entry")
    print(f"  ratios to the hashlib floor: root and signature {tree / floor:.1f}x, whole verifier {full / floor:.1f}x "
          f"({report.ballots_recounted:,} ballots recounted, {report.state.signed_votes:,} signed votes checked)")
    if signed_share:
        return full / floor
    votes = [data for data in entries if VOTE_CAST.fullmatch(data.decode("utf-8"))]
    others = [data for data in entries if not VOTE_CAST.fullmatch(data.decode("utf-8"))]
    _, reading_votes = _cpu(lambda: _read_votes(votes))
    _, reading_others = _cpu(lambda: _read_others(others))
    _, opening = _cpu(lambda: _open_every_vote(report.state))
    _, recount = _cpu(lambda: _recount_every_ballot(report.state))
    rest = full - tree - reading_votes - reading_others - opening - recount
    print("  breakdown of the whole verifier, each part timed on its own, in multiples of the floor:")
    for label, seconds in (("hashing: leaf hashes, root, signature", tree),
                           (f"decode: {len(votes):,} vote.cast entries by pattern", reading_votes),
                           (f"decode: {len(others):,} other entries, JSON + re-encode", reading_others),
                           ("commitments: open every revealed vote", opening),
                           ("recount: count every closed ballot, compare", recount),
                           ("replay: every event's rules (the rest)", rest)):
        print(f"    {label:<54} {seconds:8.3f} s  {seconds / floor:6.1f}x  {seconds / full:6.1%}")
    return full / floor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--postgres", help="a PostgreSQL URL to bench too (its public schema is dropped!)")
    parser.add_argument("--verifier-only", action="store_true", help="bench only the offline verifier")
    parser.add_argument("--signed-share", type=float, default=0.25,
                        help="then verify a log where this share of the members sign every vote (0: skip)")
    args = parser.parse_args(argv)
    if args.verifier_only:
        _verifiers(args)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite:///{Path(folder) / 'bench.db'}"] + ([args.postgres] if args.postgres else [])
        print("appends through the API")
        for url in urls:
            bench_api_appends(url, args.appends, Path(folder))
        print(f"proofs from the database store at {args.entries:,} entries")
        for n, url in enumerate(urls):
            bench_store_proofs(url.replace("bench.db", f"proofs{n}.db"), args.entries, args.proofs)
    _verifiers(args)
    return 0


def _verifiers(args: argparse.Namespace) -> None:
    """Today's verifier run, then one on a log with signed votes, their ratios to the hashlib floor side by side."""
    print(f"offline verifier on a {args.entries:,}-event log")
    plain = bench_verifier(args.entries)
    if args.signed_share:
        print(f"offline verifier on a {args.entries:,}-event log where {args.signed_share:.0%} of the members sign "
              "every vote (each signature checked with Ed25519, cryptography/OpenSSL)")
        signed = bench_verifier(args.entries, args.signed_share)
        print(f"  whole verifier, ratio to the hashlib floor: {plain:.1f}x unsigned, {signed:.1f}x with signed votes")


if __name__ == "__main__":
    raise SystemExit(main())
