"""Proposals: numbered per coalition, editable while draft, withdrawable before a ballot opens."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session, func, select

from governance import changes, charter, impact, rules
from governance.models import Member
from governance import versions
from governance.errors import Conflict, Forbidden, NotFound, RuleViolation
from governance.log import store
from governance.models import Account, Coalition, Proposal
from governance.text import clean_text

__all__ = ["check_text", "count_proposals", "create_proposal", "edit_proposal", "get_proposal", "list_proposals",
           "next_number", "withdraw_proposal"]

MAX_BODY = 20_000
MAX_OPTIONS = 50


def get_proposal(session: Session, *, coalition: Coalition, number: int) -> Proposal:
    proposal = session.exec(
        select(Proposal).where(Proposal.coalition_id == coalition.id, Proposal.number == number)
    ).first()
    if proposal is None:
        raise NotFound("%(coalition)s has no proposal #%(number)s.", coalition=coalition.name, number=number)
    return proposal


def _proposal_filter(coalition: Coalition, state: str | None, outcome: str | None) -> list:
    return ([Proposal.coalition_id == coalition.id] + ([Proposal.state == state] if state else [])
            + ([Proposal.outcome == outcome] if outcome else []))


def list_proposals(session: Session, *, coalition: Coalition, state: str | None = None, outcome: str | None = None,
                   offset: int = 0, limit: int = 50) -> list[Proposal]:
    query = select(Proposal).where(*_proposal_filter(coalition, state, outcome))
    return list(session.exec(query.order_by(Proposal.number.desc()).offset(offset).limit(limit)))


def count_proposals(session: Session, *, coalition: Coalition, state: str | None = None,
                    outcome: str | None = None) -> int:
    """How many proposals ``list_proposals`` would page through with the same filters."""
    query = select(func.count()).select_from(Proposal).where(*_proposal_filter(coalition, state, outcome))
    return session.exec(query).one()


def _options(kind: str, options: Sequence[str], seats: int) -> tuple[list[str], int]:
    if kind not in rules.OPTION_KINDS:
        if options:
            raise RuleViolation("A %(kind)s proposal is decided yes or no; it takes no options.", kind=kind)
        return [], 1
    names = [clean_text(str(option), field="option", max_length=200) for option in options]
    if len(names) < 2 or len(names) > MAX_OPTIONS:
        raise RuleViolation("A %(kind)s needs from 2 to %(most)s options; got %(count)s.", kind=kind, most=MAX_OPTIONS,
                            count=len(names))
    if len(set(names)) != len(names):
        raise RuleViolation("Options must be different from one another.")
    if kind == "choice" and seats != 1:
        raise RuleViolation("A choice has one winner; use an election for several seats.")
    if not 1 <= seats < len(names):
        raise RuleViolation("seats must be from 1 to %(most)s for %(candidates)s candidates; got %(seats)s.",
                            most=len(names) - 1, candidates=len(names), seats=seats)
    return names, seats


def check_text(kind: str, *, title: str, body: str, options: Sequence[str],
               seats: int) -> tuple[str, str, list[str], int]:
    """A proposal text checked and cleaned as ``create_proposal`` stores it: title, body, options, seats."""
    title = clean_text(title, field="title", max_length=200)
    body = clean_text(body, field="body", max_length=MAX_BODY, required=False)
    names, seats = _options(kind, options, seats)
    return title, body, names, seats


def _author_member(session: Session, coalition: Coalition, author: Account):  # noqa: ANN202
    if author.role == "admin":
        return None
    member = session.get(Member, author.member_id)
    if member is None or member.status != "active":
        raise Forbidden("Only representatives of active members can propose.")
    return member


def next_number(session: Session, *, coalition: Coalition) -> int:
    """The number the coalition's next proposal gets; takes the log's head lock, so it stays so until commit and the
    proposals this transaction creates are numbered on from it."""
    store.lock_head(session, coalition)
    return session.exec(select(func.coalesce(func.max(Proposal.number), 0)).where(
        Proposal.coalition_id == coalition.id)).one() + 1


def create_proposal(
    session: Session, *, coalition: Coalition, author: Account, kind: str, title: str, body: str,
    options: Sequence[str] = (), seats: int = 1, payload: Mapping[str, object] | None = None, now: datetime,
) -> Proposal:
    """Stage a draft proposal with the next number of its coalition."""
    if kind not in rules.KINDS:
        raise RuleViolation("kind must be one of %(kinds)s; got %(kind)s.", kinds=", ".join(rules.KINDS),
                            kind=repr(kind))
    title = clean_text(title, field="title", max_length=200)
    body = clean_text(body, field="body", max_length=MAX_BODY, required=False)
    names, seats = _options(kind, options, seats)
    member = _author_member(session, coalition, author)
    store.lock_head(session, coalition)
    extra = changes.normalize_payload(session, coalition, kind, payload or {})
    in_force = charter.charter_in_force(session, coalition) if kind in charter.CHANGE_KINDS else None
    effect = impact.change_impact(charter.document(in_force), kind, extra) if in_force else None
    number = session.exec(select(func.coalesce(func.max(Proposal.number), 0)).where(
        Proposal.coalition_id == coalition.id)).one() + 1
    proposal = Proposal(coalition_id=coalition.id, number=number, kind=kind, title=title, body=body, options=names,
                        seats=seats, payload=extra, author_member_id=member.id if member else None,
                        author=author.username, created_at=now, updated_at=now,
                        charter_version=in_force.version if in_force else None, impact=effect)
    session.add(proposal)
    session.flush()
    event = {"number": number, "kind": kind, "title": title, "body": body, "options": names, "seats": seats,
             "payload": extra, "member": member.slug if member else None, "actor": author.username}
    if in_force is not None:  # a change proposal names the charter version it was written against
        event["charter_version"] = in_force.version
        if effect is not None:
            event["impact"] = effect
    entry = store.append(session, coalition=coalition, type="proposal.created", body=event)
    versions.record_version(session, proposal=proposal, source="created", actor=author.username, log_idx=entry.idx,
                            now=now)
    return proposal


def _check_editor(proposal: Proposal, actor: Account) -> None:
    if actor.role != "admin" and actor.username != proposal.author:
        raise Forbidden("Only the proposal's author or an admin can change it.")


def edit_proposal(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal,
                  title: str | None, body: str | None, options: Sequence[str] | None, seats: int | None,
                  now: datetime) -> Proposal:
    """Change a draft's title, body or options; logged as ``proposal.edited`` with the new text."""
    store.lock_head(session, coalition)
    session.refresh(proposal)
    _check_editor(proposal, actor)
    if proposal.state != "draft":
        raise Conflict("Proposal #%(number)s is %(state)s; only drafts can be edited.", number=proposal.number,
                       state=proposal.state)
    versions.check_not_frozen(session, proposal)
    new_title = proposal.title if title is None else clean_text(title, field="title", max_length=200)
    new_body = proposal.body if body is None else clean_text(body, field="body", max_length=MAX_BODY, required=False)
    new_options, new_seats = _options(proposal.kind, proposal.options if options is None else options,
                                      proposal.seats if seats is None else seats)
    proposal.title, proposal.body, proposal.options, proposal.seats = new_title, new_body, new_options, new_seats
    proposal.updated_at, proposal.version = now, proposal.version + 1
    session.add(proposal)
    entry = store.append(session, coalition=coalition, type="proposal.edited", body={
        "number": proposal.number, "title": new_title, "body": new_body, "options": new_options,
        "seats": new_seats, "actor": actor.username,
    })
    versions.record_version(session, proposal=proposal, source="edited", actor=actor.username, log_idx=entry.idx,
                            now=now)
    return proposal


def withdraw_proposal(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal,
                      reason: str, now: datetime) -> Proposal:
    """Withdraw a draft; a proposal whose ballot has opened runs to its result."""
    store.lock_head(session, coalition)
    session.refresh(proposal)
    _check_editor(proposal, actor)
    if proposal.state != "draft":
        raise Conflict("Proposal #%(number)s is %(state)s; only drafts can be withdrawn.", number=proposal.number,
                       state=proposal.state)
    versions.check_not_frozen(session, proposal)
    proposal.state, proposal.outcome, proposal.updated_at = "withdrawn", "withdrawn", now
    session.add(proposal)
    store.append(session, coalition=coalition, type="proposal.withdrawn", body={
        "number": proposal.number, "reason": clean_text(reason, field="reason", max_length=1000, required=False),
        "actor": actor.username,
    })
    return proposal
