"""Amendments: a member proposes a change to a draft's title, body or options; the author accepts it (merged, the
version goes up) or declines it; a declined amendment can be put to its own ballot (governance.amendment_ballots)."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, func, select

from governance import comments, versions
from governance.errors import Conflict, Forbidden, NotFound, RuleViolation
from governance.log import store
from governance.models import Account, Amendment, Coalition, Proposal, PublishedText
from governance.proposals import check_text
from governance.texts import erase_texts, publish_text

__all__ = ["accept_amendment", "amendment_text", "ballot_failed", "ballot_passed", "check_amendable", "check_current",
           "check_pending", "decline_amendment", "erase_amendment", "get_amendment", "list_amendments", "merge",
           "propose_amendment"]


def get_amendment(session: Session, *, proposal: Proposal, number: int) -> Amendment:
    amendment = session.exec(select(Amendment).where(Amendment.proposal_id == proposal.id,
                                                     Amendment.number == number)).first()
    if amendment is None:
        raise NotFound("Proposal #%(number)s has no amendment %(amendment)s.", number=proposal.number,
                       amendment=number)
    return amendment


def list_amendments(session: Session, proposal: Proposal) -> list[Amendment]:
    return list(session.exec(select(Amendment).where(Amendment.proposal_id == proposal.id)
                             .order_by(Amendment.number.desc())))


def amendment_text(session: Session, amendment: Amendment) -> PublishedText:
    return session.get(PublishedText, amendment.text_id)


def check_amendable(session: Session, proposal: Proposal) -> None:
    """Amendments are made to drafts, before the ballot opens, and not while another is being voted on."""
    if proposal.state != "draft":
        raise Conflict("Proposal #%(number)s is %(state)s; its text can only be amended while it is a draft, before "
                       "its ballot opens.", number=proposal.number, state=proposal.state)
    versions.check_not_frozen(session, proposal)


def _check_editor(proposal: Proposal, actor: Account) -> None:
    if actor.role != "admin" and actor.username != proposal.author:
        raise Forbidden("Only the author of proposal #%(number)s or an admin can accept or decline an amendment.",
                        number=proposal.number)


def propose_amendment(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal, title: str,
                      body: str, options: Sequence[str], now: datetime) -> Amendment:
    """Stage a member's amendment (the whole new title, body and options) and its ``amendment.proposed`` event."""
    member = comments.speaker(session, coalition, actor)
    title, body, names, _ = check_text(proposal.kind, title=title, body=body, options=options, seats=proposal.seats)
    store.lock_head(session, coalition)
    session.refresh(proposal)
    check_amendable(session, proposal)
    if (title, body, names) == (proposal.title, proposal.body, list(proposal.options)):
        raise RuleViolation("The amendment changes nothing; change the title, the text or the options.")
    number = session.exec(select(func.count()).select_from(Amendment).where(
        Amendment.proposal_id == proposal.id)).one() + 1
    published = publish_text(session, coalition=coalition, kind="amendment",
                             content={"title": title, "body": body, "options": names}, type="amendment.proposed",
                             now=now, body={"number": proposal.number, "amendment": number, "member": member.slug,
                                            "actor": actor.username, "base_version": proposal.version})
    amendment = Amendment(coalition_id=coalition.id, proposal_id=proposal.id, number=number, member_id=member.id,
                          author=actor.username, text_id=published.id, base_version=proposal.version, created_at=now)
    session.add(amendment)
    session.flush()
    return amendment


def check_pending(session: Session, coalition: Coalition, proposal: Proposal, amendment: Amendment, state: str) -> None:
    """Under the log's lock: the proposal can still be amended and the amendment is in ``state``."""
    store.lock_head(session, coalition)
    session.refresh(proposal)
    session.refresh(amendment)
    check_amendable(session, proposal)
    if amendment.state != state:
        raise Conflict("Amendment %(amendment)s is %(state)s; nothing more can be decided on it here.",
                       amendment=amendment.number, state=amendment.state)


def check_current(proposal: Proposal, amendment: Amendment) -> None:
    """An amendment replaces the whole text, so it merges only into the version it was made to."""
    if amendment.base_version != proposal.version:
        raise Conflict("Amendment %(amendment)s was made to version %(base)s, but the proposal is at version "
                       "%(version)s now; propose the change again on the current text.", amendment=amendment.number,
                       base=amendment.base_version, version=proposal.version)


def decline_amendment(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal,
                      amendment: Amendment, now: datetime) -> Amendment:
    """The author declines; the amendment may then be put to its own ballot."""
    _check_editor(proposal, actor)
    check_pending(session, coalition, proposal, amendment, "proposed")
    store.append(session, coalition=coalition, type="amendment.declined", body={
        "number": proposal.number, "amendment": amendment.number, "actor": actor.username})
    amendment.state, amendment.decided_at, amendment.decided_by = "declined", now, actor.username
    session.add(amendment)
    return amendment


def accept_amendment(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal,
                     amendment: Amendment, now: datetime) -> Amendment:
    """The author accepts: the amendment's text becomes the proposal's next version."""
    _check_editor(proposal, actor)
    check_pending(session, coalition, proposal, amendment, "proposed")
    check_current(proposal, amendment)
    return merge(session, coalition=coalition, proposal=proposal, amendment=amendment, actor=actor.username,
                 ballot=None, now=now)


def merge(session: Session, *, coalition: Coalition, proposal: Proposal, amendment: Amendment, actor: str,
          ballot: int | None, now: datetime) -> Amendment:
    """Make the amendment's text the proposal's next version (``amendment.merged`` carries that version's text)."""
    content = amendment_text(session, amendment).content
    if content is None:
        raise Conflict("The text of amendment %(amendment)s has been erased; it cannot be merged.",
                       amendment=amendment.number)
    proposal.title, proposal.body, proposal.options = content["title"], content["body"], list(content["options"])
    proposal.version, proposal.updated_at = proposal.version + 1, now
    entry = store.append(session, coalition=coalition, type="amendment.merged", body={
        "number": proposal.number, "amendment": amendment.number, "version": proposal.version,
        "title": proposal.title, "body": proposal.body, "options": proposal.options, "seats": proposal.seats,
        "actor": actor, "proposal": ballot})
    versions.record_version(session, proposal=proposal, source="amendment", actor=actor, log_idx=entry.idx, now=now,
                            amendment=amendment.number)
    amendment.state, amendment.merged_version = "merged", proposal.version
    amendment.decided_at = amendment.decided_at or now
    amendment.decided_by = amendment.decided_by or actor
    session.add_all([proposal, amendment])
    return amendment


def _balloted(session: Session, ballot_proposal: Proposal) -> Amendment | None:
    return session.exec(select(Amendment).where(Amendment.ballot_proposal_id == ballot_proposal.id)).first()


def ballot_passed(session: Session, *, coalition: Coalition, proposal: Proposal, now: datetime) -> None:
    """If ``proposal`` decided an amendment, merge it (logged right after the ballot's closing)."""
    amendment = _balloted(session, proposal)
    if amendment is None:
        return
    target = session.get(Proposal, amendment.proposal_id)
    merge(session, coalition=coalition, proposal=target, amendment=amendment, actor="ballot", ballot=proposal.number,
          now=now)


def ballot_failed(session: Session, *, proposal: Proposal, now: datetime) -> None:
    """If ``proposal`` decided an amendment, that amendment is rejected."""
    amendment = _balloted(session, proposal)
    if amendment is not None:
        amendment.state, amendment.decided_at = "rejected", now
        session.add(amendment)


def erase_amendment(session: Session, *, coalition: Coalition, actor: Account, amendment: Amendment, reason: str,
                    now: datetime) -> Amendment:
    """Erase a proposed amendment's text (a version it became stays the proposal's text)."""
    erase_texts(session, coalition=coalition, actor=actor, texts=[amendment_text(session, amendment)], reason=reason,
                now=now)
    return amendment
