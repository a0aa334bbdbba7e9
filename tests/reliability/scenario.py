"""Seed a coalition for a reliability run straight through the governance commands, and the votes a run casts."""

import base64
import hashlib
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from app.db import make_engine, write_session
from app.logkeys import LogKeys
from governance import accounts, ballots, charter, coalitions, members, notices, proposals, subscriptions
from governance import keys as keys_
from governance.log.signing import sign_vote
from governance.clock import utcnow
from governance.models import Account, Coalition, Member

__all__ = ["Ack", "Chartered", "Scenario", "Signer", "chartered", "member_key", "random_vote", "seed"]

PASSWORD = "reliability-password"
OPTIONS = ["north", "south", "east", "west"]


@dataclass
class Scenario:
    """What a run needs to drive a coalition: its slug, tokens and the open ballots."""

    slug: str
    admin: str
    reps: dict[str, str]
    ballots: dict[int, str] = field(default_factory=dict)  # number -> "decision" or "choice"
    origin: str = ""  # what a signed vote's statement names: the log's origin and each ballot's opening entry
    opened: dict[int, int] = field(default_factory=dict)

    def headers(self, member: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.reps[member] if member else self.admin}"}

    def vote_path(self, number: int, member: str) -> str:
        return f"/api/v1/coalitions/{self.slug}/proposals/{number}/ballot/votes/{member}"


@dataclass(frozen=True)
class Ack:
    """A vote the server acknowledged with a 200: where it says it logged it."""

    slug: str
    number: int
    member: str
    choice: dict
    log_index: int


def _cheap_hashing() -> None:
    """Seeding hashes many passwords; the server verifies whatever parameters a hash names."""
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def member_key(slug: str, member: str) -> Ed25519PrivateKey:
    """The member key a run signs with, the same in the seeding process and the driver."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"reliability:{slug}:{member}".encode()).digest())


class Signer:
    """Signs a run's votes as each member's client would: one sequence number after another per member."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], Ed25519PrivateKey] = {}
        self.seqs: dict[tuple[str, str], int] = {}

    def __call__(self, scenario: Scenario, number: int, member: str, vote: dict) -> dict:
        who = (scenario.slug, member)
        if who not in self.keys:
            self.keys[who] = member_key(*who)
        self.seqs[who] = self.seqs.get(who, 0) + 1
        return {**vote, **sign_vote(self.keys[who], origin=scenario.origin, number=number,
                                    ballot=scenario.opened[number], member=member, vote=vote, seq=self.seqs[who])}


def seed(url: str, key_dir: Path, *, slug: str, members_count: int, decisions: int, choices: int = 0,
         closes_at: datetime | None = None, live_results: bool = False, member_keys: bool = False,
         subscribed: bool = False) -> Scenario:
    """A coalition with ``members_count`` members (one representative each, with a token; with ``member_keys``, a
    registered member key each, ``member_key``) and open ballots; with ``subscribed``, every representative takes every
    notification by e-mail (each opening then stages one each)."""
    _cheap_hashing()
    engine = make_engine(url)
    keys = LogKeys(key_dir, "concord.test")
    now = utcnow()
    closes_at = closes_at or now + timedelta(days=30)
    try:
        with write_session(engine) as session:
            session.info["log_signer"] = keys.signer()
            coalition, admin = coalitions.create_coalition(
                session, slug=slug, name=f"Reliability {slug}", description="", admin_username=f"{slug}-admin",
                admin_password=PASSWORD, now=now, log_key=keys.verifier_key(slug))
            scenario = Scenario(slug=slug, admin=accounts.issue_token(session, account=admin, name="rel", now=now)[1],
                                reps={})
            for n in range(members_count):
                member = members.admit_member(session, coalition=coalition, actor=admin.username, name=f"Org {n}",
                                              slug=f"org-{n}", weight=str(1 + n % 7), now=now)
                rep = accounts.create_account(session, coalition=coalition, actor=admin.username,
                                              username=f"{slug}-rep-{n}", password=PASSWORD, role="representative",
                                              member=member, now=now)
                scenario.reps[member.slug] = accounts.issue_token(session, account=rep, name="rel", now=now)[1]
                if member_keys:
                    public = member_key(slug, member.slug).public_key().public_bytes_raw()
                    keys_.register_key(session, coalition=coalition, actor=rep, member=member, label="run", now=now,
                                       public_key=base64.b64encode(public).decode())
                if subscribed:
                    subscriptions.save_preference(
                        session, account=rep, email=f"rep-{n}@{slug}.example", language="en", languages=("en",),
                        time_zone="UTC", digest=False, on=[f"{k}:email" for k in notices.KINDS], now=now)
            for n in range(decisions + choices):
                kind = "decision" if n < decisions else "choice"
                proposal = proposals.create_proposal(session, coalition=coalition, author=admin, kind=kind,
                                                     title=f"Ballot {n}", body="", now=now,
                                                     options=OPTIONS if kind == "choice" else ())
                ballot = ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, now=now,
                                             closes_at=closes_at, live_results=live_results)
                scenario.ballots[proposal.number] = kind
                scenario.opened[proposal.number] = ballot.opened_idx
            scenario.origin = keys.origin(slug)
            session.commit()
    finally:
        engine.dispose()
    return scenario


@dataclass
class Chartered:
    """What ``chartered`` made, in the open session it yields in."""

    session: Session
    coalition: Coalition
    admin: Account
    reps: dict[str, tuple[Member, Account]]  # by member slug: the member and its representative
    now: datetime


@contextmanager
def chartered(url: str, key_dir: Path, *, slug: str, member_slugs: list[str],
              settings: Mapping[str, object]) -> Iterator[Chartered]:
    """A coalition ``slug`` with members of weight 1 (a representative each) and a charter of these ``settings``,
    in one signed write session that the block may add to; committed when the block ends."""
    _cheap_hashing()
    engine, keys, now = make_engine(url), LogKeys(key_dir, "concord.test"), utcnow()
    try:
        with write_session(engine) as session:
            session.info["log_signer"] = keys.signer()
            coalition, admin = coalitions.create_coalition(
                session, slug=slug, name=slug.title(), description="", admin_username=f"{slug}-admin",
                admin_password=PASSWORD, now=now, log_key=keys.verifier_key(slug))
            reps = {}
            for member_slug in member_slugs:
                member = members.admit_member(session, coalition=coalition, actor=admin.username,
                                              name=member_slug.title(), slug=member_slug, weight="1", now=now)
                reps[member_slug] = (member, accounts.create_account(
                    session, coalition=coalition, actor=admin.username, username=f"{slug}-{member_slug}",
                    password=PASSWORD, role="representative", member=member, now=now))
            charter.found_charter(session, coalition=coalition, actor=admin, text=f"{slug.title()} charter", now=now,
                                  settings_=dict(settings))
            yield Chartered(session, coalition, admin, reps, now)
            session.commit()
    finally:
        engine.dispose()


def random_vote(kind: str, rng: random.Random) -> dict:
    """A valid vote body for a ballot of ``kind``."""
    if kind == "decision":
        return {"choice": rng.choice(["yes", "no", "abstain"])}
    ranking = OPTIONS[:]
    rng.shuffle(ranking)
    return {"ranking": ranking[: rng.randint(1, len(ranking))]}
