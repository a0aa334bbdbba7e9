"""What a proposal's page shows beside the proposal: its discussion, its amendments and the versions of its text."""

from fastapi import Request
from sqlmodel import Session, select

from app.deliberation_views import amendment_public, thread_public
from governance import amendments, comments, deliberation_settings, versions
from governance.comments import CLOSED_STATES
from governance.models import Account, AgendaRound, Amendment, Coalition, Member, Proposal

THREADS_PER_PAGE = 20


def speaking_member(session: Session, account: Account | None, coalition: Coalition) -> Member | None:
    """The active member this account represents in ``coalition``, if any (who may comment, amend, submit topics)."""
    if account is None or account.role != "representative" or account.coalition_id != coalition.id:
        return None
    member = session.get(Member, account.member_id)
    return member if member is not None and member.status == "active" else None


def discussion_context(request: Request, session: Session, coalition: Coalition, proposal: Proposal,
                       account: Account | None) -> dict:
    """What the discussion part of a proposal's page shows: one page of threads and who may do what."""
    page = request.query_params.get("comments", "1")
    page = max(int(page), 1) if page.isdigit() and len(page) < 7 else 1
    threads, total = comments.list_threads(session, proposal=proposal, offset=(page - 1) * THREADS_PER_PAGE,
                                           limit=THREADS_PER_PAGE)
    moderators = deliberation_settings.moderators(session, coalition)
    return {
        "threads": thread_public(session, proposal, threads), "thread_page": page,
        "thread_more": total > page * THREADS_PER_PAGE,
        "comment_count": comments.comment_counts(session, [proposal.id]).get(proposal.id, 0),
        "can_comment": speaking_member(session, account, coalition) is not None
        and proposal.state not in CLOSED_STATES,
        "can_moderate": comments.can_moderate(session, account, coalition, moderators),
        "viewer": account.username if account else None,
        "comment_values": {}, "comment_errors": {}, "reply_to": None, "reply_values": {}, "reply_errors": {},
    }


def amendments_context(session: Session, coalition: Coalition, proposal: Proposal, account: Account | None) -> dict:
    """The proposal's amendments with their word-level changes, and who may propose or decide them."""
    base = {row.version: row for row in versions.list_versions(session, proposal)}
    is_editor = account is not None and account.coalition_id == coalition.id and (
        account.role == "admin" or account.username == proposal.author)
    frozen = versions.amendment_ballot_open(session, proposal)
    decided = session.exec(select(Amendment).where(Amendment.ballot_proposal_id == proposal.id)).first()
    target = session.get(Proposal, decided.proposal_id) if decided else None
    agenda_round = session.exec(select(AgendaRound).where(AgendaRound.ballot_proposal_id == proposal.id)).first()
    return {
        "decides": (target, amendment_public(session, target, decided)) if decided else None,
        "agenda_round": agenda_round,
        "amendments": [amendment_public(session, proposal, row, base)
                       for row in amendments.list_amendments(session, proposal)],
        "version_count": len(base), "amendment_frozen": frozen,
        "can_amend": proposal.state == "draft" and not frozen
        and speaking_member(session, account, coalition) is not None,
        "can_decide_amendments": is_editor and proposal.state == "draft" and not frozen,
    }
