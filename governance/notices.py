"""What members hear about: the one table from a logged event to the notifications it causes, and the staging of
those notifications as outbox rows in the event's own transaction (the transactional outbox pattern: a row commits
with its cause or not at all; a worker sends it later, never the request)."""

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from governance.clock import iso
from governance.models import (Account, Application, Ballot, Coalition, Comment, Member, Notification,
                               NotificationPreference, Proposal, Vote, WebhookEndpoint)

__all__ = ["CAUSES", "CHANNELS", "KINDS", "PUBLIC_KINDS", "facts_of", "notification_key", "stage", "stage_for_event",
           "stage_for_applicant", "stage_reminders"]

KINDS = ("proposal.submitted", "ballot.opened", "ballot.reminder", "ballot.closed", "proxy.addressed", "member.admitted",
         "comment.reply")
"""Every kind of notification, in the order the preferences page shows them."""
PUBLIC_KINDS = ("proposal.submitted", "ballot.opened", "ballot.closed", "member.admitted")
"""The kinds about public facts: what the secretariat's webhooks and the feeds carry."""
CHANNELS = ("email", "webhook")
APPLICANT_KIND = "application.decided"
"""To an applicant's contact address, once: its application declined, or its admission proposal's ballot closed."""
ADDRESS = re.compile(r"[^@\s<>\"(),;:]{1,64}@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:.]+")


CAUSES: dict[str, str] = {
    "proposal.created": "proposal.submitted",
    "ballot.opened": "ballot.opened",
    "ballot.closed": "ballot.closed",
    "proxy.granted": "proxy.addressed",
    "proxy.accepted": "proxy.addressed",
    "proxy.declined": "proxy.addressed",
    "member.admitted": "member.admitted",  # an admission by the secretariat, in set-up: to every account
    "charter.version": "member.admitted",  # only a version that admits a member (a passed admission proposal)
    "comment.posted": "comment.reply",  # only a reply to another member's comment: to that member's accounts
}
"""A logged event's type -> the kind of notification it causes. Events not named here cause none; ``facts_of``
says what each carries. ``store.append_to_logs`` stages them for every event it appends; the votes' group commit
(governance/casting.py) appends ``vote.cast`` through ``store.stage_appends`` alone, as a vote causes none."""


def facts_of(type: str, body: Mapping[str, object], *, title: str) -> dict:
    """What a notification caused by a ``type`` event says, from the event's body and its proposal's title."""
    facts = {"number": body["number"], "title": title}
    if type == "proposal.created":
        facts["proposal_kind"] = body["kind"]
    elif type == "ballot.opened":
        facts.update(proposal_kind=body["kind"], closes_at=body["closes_at"])
    elif type == "ballot.closed":
        result = body["result"]
        members = result.get("members") if isinstance(result.get("members"), dict) else {}
        counts = {choice: members[choice] for choice in ("yes", "no", "abstain", "block")
                  if choice in members and (members[choice] or choice != "block")}
        facts.update(outcome=result["outcome"], winners=list(result.get("winners") or []), counts=counts,
                     voted=len(body.get("votes", {})), eligible=members.get("eligible", result.get("eligible")))
    return facts


def _title(session: Session, coalition: Coalition, body: Mapping[str, object]) -> str:
    if "title" in body:
        return str(body["title"])
    return session.exec(select(Proposal.title).where(Proposal.coalition_id == coalition.id,
                                                     Proposal.number == body["number"])).one()


def notification_key(*parts: object) -> str:
    """A notification's idempotency key (its webhook-id and Message-ID): the same cause, kind, recipient and channel
    always give the same key, so the outbox can hold each notification once."""
    return "msg_" + hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:32]


def stage_for_event(session: Session, *, coalition: Coalition, type: str, body: Mapping[str, object], idx: int,
                    now: datetime) -> int:
    """Stage the notifications a logged event causes (none for most events); how many."""
    kind = CAUSES.get(type)
    if kind is None:
        return 0
    if kind == "proxy.addressed":
        return _stage_proxy(session, coalition=coalition, type=type, body=body, idx=idx, now=now)
    if type in ("member.admitted", "charter.version"):
        facts = _admitted(session, coalition, type, body)
        return stage(session, coalition=coalition, kind=kind, facts=facts, cause=idx, now=now) if facts else 0
    if type == "comment.posted":
        return _stage_reply(session, coalition, body, cause=idx, now=now)
    facts = facts_of(type, body, title=_title(session, coalition, body))
    staged = stage(session, coalition=coalition, kind=kind, facts=facts, cause=idx, now=now)
    if type == "ballot.closed":  # an admission proposal made from an application: the applicant hears too
        application = session.exec(select(Application).where(Application.coalition_id == coalition.id,
                                                              Application.proposal_number == body["number"])).first()
        if application is not None:
            staged += stage_for_applicant(session, coalition=coalition, application=application,
                                          outcome=facts["outcome"], cause=idx, now=now)
    return staged


def stage_for_applicant(session: Session, *, coalition: Coalition, application: Application, outcome: str,
                        cause: object, now: datetime) -> int:
    """Tell an applicant how its application was decided (``declined``, or its admission ballot's outcome), by
    e-mail to the address in its contact, if it gave one; how many rows (0 or 1)."""
    found = ADDRESS.search(application.contact)
    if found is None:
        return 0
    payload = {"kind": APPLICANT_KIND, "coalition": coalition.slug, "coalition_name": coalition.name, "at": iso(now),
               "to": found.group(0), "name": application.name, "outcome": outcome,
               "reason": application.decision_reason, **({"number": application.proposal_number}
                                                          if application.proposal_number else {})}
    session.execute(insert(Notification.__table__), [{
        "key": notification_key(coalition.id, cause, APPLICANT_KIND, "email", f"a{application.id}"),
        "coalition_id": coalition.id, "kind": APPLICANT_KIND, "channel": "email", "account_id": None,
        "endpoint_id": None, "payload": payload, "status": "pending", "attempts": 0, "next_attempt_at": now,
        "created_at": now, "last_error": ""}])
    return 1


def _admitted(session: Session, coalition: Coalition, type: str, body: Mapping) -> dict | None:
    """The new member's slug, name and country, and the admission proposal's number if any; None when a charter
    version admits nobody."""
    if type == "member.admitted":
        return {"member": body["member"], "name": body["name"], "country": body.get("country", ""),
                **({"number": body["proposal"]} if body.get("proposal") else {})}
    number = body.get("proposal")
    kind = session.exec(select(Proposal.kind).where(Proposal.coalition_id == coalition.id,
                                                    Proposal.number == number)).first() if number else None
    members = (body.get("rules") or {}).get("members") or {}
    new = [field.split(".", 1)[1] for field in body.get("fields") or [] if field.count(".") == 1
           and field.startswith("members.")]
    if kind != "admission" or len(new) != 1 or new[0] not in members:
        return None
    admitted = members[new[0]]
    return {"member": new[0], "name": admitted["name"], "country": admitted.get("country", ""), "number": number,
            "title": _title(session, coalition, {"number": number})}


def _stage_reply(session: Session, coalition: Coalition, body: Mapping, *, cause: int, now: datetime) -> int:
    """A reply's notice to the accounts of the member whose comment it answers (not when it answers itself)."""
    if body.get("parent") is None:
        return 0
    parent = session.exec(select(Comment, Member).join(Member, Member.id == Comment.member_id).where(
        Comment.coalition_id == coalition.id, Comment.number == body["parent"])).first()
    if parent is None or parent[1].slug == body.get("member"):
        return 0
    replier = session.exec(select(Member.name).where(Member.coalition_id == coalition.id,
                                                     Member.slug == body.get("member"))).first()
    facts = {"number": body["number"], "title": _title(session, coalition, body), "comment": body["comment"],
             "parent": body["parent"], "member": body.get("member"), "name": replier or body.get("member")}
    return stage(session, coalition=coalition, kind="comment.reply", facts=facts, cause=cause, now=now,
                 members=[parent[1].id])


def _stage_proxy(session: Session, *, coalition: Coalition, type: str, body: Mapping[str, object], idx: int,
                 now: datetime) -> int:
    """A proxy offered goes to the holder's accounts; its acceptance or refusal to the grantor's."""
    named = dict(session.exec(select(Member.slug, Member).where(Member.coalition_id == coalition.id,
                                                                Member.slug.in_([body["grantor"], body["holder"]]))).all())
    grantor, holder = named[body["grantor"]], named[body["holder"]]
    facts = {"proxy": body["number"], "event": type.split(".")[1], "grantor": grantor.name, "holder": holder.name}
    recipient = holder if type == "proxy.granted" else grantor
    return stage(session, coalition=coalition, kind="proxy.addressed", facts=facts, cause=idx, now=now,
                 members=[recipient.id])


def _accounts(session: Session, coalition: Coalition, members: Iterable[int] | None) -> list[
        tuple[Account, NotificationPreference | None]]:
    query = (select(Account, NotificationPreference)
             .outerjoin(NotificationPreference, NotificationPreference.account_id == Account.id)
             .outerjoin(Member, Member.id == Account.member_id)
             .where(Account.coalition_id == coalition.id, Account.active)
             .where((Account.member_id.is_(None)) | (Member.status == "active")).order_by(Account.id))
    if members is not None:
        query = query.where(Account.member_id.in_(list(members)))
    return list(session.exec(query))


def stage(session: Session, *, coalition: Coalition, kind: str, facts: Mapping[str, object], cause: object,
          now: datetime, members: Iterable[int] | None = None) -> int:
    """Stage one ``kind`` notification carrying ``facts`` for every account that hears about it (the accounts of
    ``members`` only, if given), on each channel it keeps on, and for the secretariat's webhooks that take ``kind``;
    an account that asked for a daily digest gets its e-mail held for the digest. How many rows."""
    endpoints = list(session.exec(select(WebhookEndpoint).where(WebhookEndpoint.coalition_id == coalition.id,
                                                                WebhookEndpoint.active)))
    own: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in endpoints:
        if endpoint.account_id is not None:
            own.setdefault(endpoint.account_id, []).append(endpoint)
    payload = {**facts, "coalition": coalition.slug, "coalition_name": coalition.name, "kind": kind, "at": iso(now)}
    rows = []

    def add(channel: str, *, account: int | None = None, endpoint: int | None = None, held: bool = False) -> None:
        rows.append({"key": notification_key(coalition.id, cause, kind, channel, account, endpoint),
                     "coalition_id": coalition.id, "kind": kind, "channel": channel, "account_id": account,
                     "endpoint_id": endpoint, "payload": payload, "status": "held" if held else "pending",
                     "attempts": 0, "next_attempt_at": now, "created_at": now, "last_error": ""})

    for account, preference in _accounts(session, coalition, members):
        off = set(preference.off) if preference else set()
        if preference and preference.email and f"{kind}:email" not in off:
            add("email", account=account.id, held=preference.digest)
        if f"{kind}:webhook" not in off:
            for endpoint in own.get(account.id, []):
                add("webhook", account=account.id, endpoint=endpoint.id)
    if members is None:
        for endpoint in endpoints:
            if endpoint.account_id is None and kind in endpoint.kinds:
                add("webhook", endpoint=endpoint.id)
    if rows:
        session.execute(insert(Notification.__table__), rows)
    return len(rows)


def stage_reminders(session: Session, *, coalition: Coalition, ballot: Ballot, proposal: Proposal,
                    now: datetime) -> int:
    """Remind the members of an open ballot that have not voted (their accounts), once per ballot."""
    voted = set(session.exec(select(Vote.member_id).where(Vote.ballot_id == ballot.id)))
    eligible = {row["member"] for row in ballot.eligible}
    waiting = [m.id for m in session.exec(select(Member).where(Member.coalition_id == coalition.id,
                                                               Member.slug.in_(sorted(eligible))))
               if m.id not in voted]
    facts = {"number": proposal.number, "title": proposal.title, "proposal_kind": proposal.kind,
             "closes_at": iso(ballot.closes_at)}
    return stage(session, coalition=coalition, kind="ballot.reminder", facts=facts, cause=f"r{ballot.id}", now=now,
                 members=waiting)

