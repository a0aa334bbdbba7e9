"""A realistic coalition history built through the governance commands: hundreds of events, every kind of ballot."""

import base64
import json
import random
from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI
from sqlmodel import Session, select

from app.db import write_session
from governance import ballots, coalitions, members, proposals
from governance.log.merkle import leaf_hash, root_hash
from governance.log.notes import format_checkpoint, sign_note
from governance.models import Account, Coalition
from tests.app.support import quick_coalition

WEIGHTS = {"ferry-coop": 12, "harbour-union": 7, "olive-growers": 3, "river-women": "2.5", "desert-schools": 1,
           "mountain-clinics": 4, "city-tenants": 9, "salt-workers": "1.25", "lake-fishers": 2, "valley-nurses": 6,
           "coast-radio": 1, "steppe-herders": 5}
BALLOTS = [
    ("decision", [], 1, None),
    ("decision", [], 1, {"counting": "weighted"}),
    ("decision", [], 1, {"counting": "double", "quorum_weight": "1/2"}),
    ("choice", ["North", "South", "East"], 1, None),
    ("choice", ["Tea", "Coffee", "Water", "Juice"], 1, {"method": "irv", "counting": "weighted"}),
    ("choice", ["Mon", "Tue", "Wed"], 1, {"method": "approval"}),
    ("choice", ["Red", "Blue", "Green"], 1, {"method": "star", "counting": "weighted"}),
    ("election", ["Amal", "Bushra", "Chadia", "Dalia", "Eman"], 2, None),
    ("rule_change", [], 1, None),
    ("admission", [], 1, None),
    ("choice", ["Plan A", "Plan B"], 1, {"method": "plurality"}),
    ("decision", [], 1, {"consensus": True}),
    ("election", ["Farah", "Ghada", "Hiba", "Iman"], 2, {"method": "stv_meek"}),
    ("choice", ["Oslo", "Rome", "Tunis"], 1, {"method": "borda", "counting": "weighted"}),
]


@dataclass
class History:
    slug: str
    admin: str


def _random_vote(chooser: random.Random, kind: str, options: list[str], rule: dict) -> dict:
    if kind not in ("choice", "election"):
        pool = ["yes", "yes", "no", "abstain"] + (["block"] if rule.get("consensus") else [])
        return {"choice": chooser.choice(pool)}
    method = rule["method"]
    if method == "plurality":
        return {"option": chooser.choice(options)}
    if method == "approval":
        return {"approve": chooser.sample(options, chooser.randint(1, len(options)))}
    if method in ("score", "star"):
        return {"scores": {option: chooser.randint(0, 5) for option in options}}
    return {"ranking": chooser.sample(options, chooser.randint(2, len(options)))}


def _vote_round(session: Session, chooser: random.Random, coalition: Coalition, proposal, ballot, now) -> None:
    for row in ballot.eligible:
        member = members.get_member(session, coalition=coalition, slug=row["member"])
        rep = session.exec(select(Account).where(Account.member_id == member.id, Account.active)).first()
        if member.status != "active" or rep is None or chooser.random() < 0.1:
            continue
        for _ in range(chooser.choice([1, 1, 1, 2, 3])):
            ballots.cast_vote(session, coalition=coalition, actor=rep, proposal=proposal, member=member,
                              vote=_random_vote(chooser, proposal.kind, proposal.options, ballot.rule), now=now)


def _ballot(session: Session, chooser: random.Random, coalition: Coalition, admin: Account, spec, number, now) -> None:
    kind, options, seats, rule = spec
    payload = None
    if kind == "rule_change":
        payload = {"rules": {"decision": {"counting": "weighted", "quorum_members": "1/3"}}}
    elif kind == "admission":
        payload = {"name": f"New Member {number}", "weight": "3", "basis": "fee"}
    proposal = proposals.create_proposal(session, coalition=coalition, author=admin, kind=kind,
                                         title=f"Proposal {number}: {kind}", body="Details.", options=options,
                                         seats=seats, payload=payload, now=now)
    if kind == "rule_change":
        rule = {"member_threshold": {"fraction": "1/2", "strict": False, "base": "yes_no"}}
    ballot = ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, rule=rule,
                                 closes_at=now + timedelta(days=7), now=now)
    _vote_round(session, chooser, coalition, proposal, ballot, now)
    ballots.close_ballot(session, coalition=coalition, proposal=proposal, now=now + timedelta(hours=1), actor=admin)


def build_history(app: FastAPI, *, slug: str = "wpn", seed: int = 5, rounds: int = 1) -> History:
    """A coalition of 12 weighted members whose log holds every kind of event and ``len(BALLOTS) * rounds`` ballots."""
    quick_coalition(app, slug=slug, members=WEIGHTS)
    chooser = random.Random(seed)
    engine = app.state.engine
    for number in range(len(BALLOTS) * rounds):
        now = app.state.clock()
        with write_session(engine) as session:
            session.info["log_signer"] = app.state.log_signer
            coalition = coalitions.get_coalition(session, slug)
            admin = session.exec(select(Account).where(Account.username == f"{slug}-admin")).one()
            if number == 2:
                member = members.get_member(session, coalition=coalition, slug="lake-fishers")
                members.change_weight(session, coalition=coalition, actor=admin.username, member=member,
                                      weight="2.75", basis="members", reason="new census", now=now)
                members.change_status(session, coalition=coalition, actor=admin.username,
                                      member=members.get_member(session, coalition=coalition, slug="coast-radio"),
                                      action="suspend", reason="dues unpaid")
            if number == 6:
                members.change_status(session, coalition=coalition, actor=admin.username,
                                      member=members.get_member(session, coalition=coalition, slug="coast-radio"),
                                      action="readmit", reason="dues paid")
            _ballot(session, chooser, coalition, admin, BALLOTS[number % len(BALLOTS)], number + 1, now)
            session.commit()
        app.state.clock.advance(hours=2)
    return History(slug=slug, admin=f"{slug}-admin")


def jsonl(entries: list[bytes]) -> list[str]:
    """The lines of ``entries.jsonl`` for these leaves."""
    return [json.dumps({"index": i, "leaf": base64.b64encode(e).decode()}) for i, e in enumerate(entries)]


def resign(entries: list[bytes], signer_key: str, origin: str) -> str:
    """What an operator holding the key can do: sign whatever the entries now hash to."""
    return sign_note(format_checkpoint(origin, len(entries), root_hash([leaf_hash(e) for e in entries])), signer_key)
