"""The discussion of a proposal: comments and threaded replies by members' representatives, edits with their
history, flags, and moderation (hiding with a public reason, reversible)."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from governance.errors import Conflict, Forbidden, NotFound
from governance.log import store
from governance.models import (Account, Coalition, Comment, CommentFlag, CommentRevision, Member, Proposal,
                               PublishedText)
from governance.text import clean_text
from governance.texts import erase_texts, publish_text

__all__ = ["Thread", "can_moderate", "comment_counts", "edit_comment", "erase_comment", "flag_comment",
           "flagged_comments", "get_comment", "hide_comment", "list_threads", "post_comment", "revisions_of",
           "show_comment", "speaker"]

CLOSED_STATES = ("closed", "withdrawn")


@dataclass
class Thread:
    """A top comment with every reply under it, in the order they were posted."""

    top: Comment
    replies: list[Comment]


def get_comment(session: Session, *, coalition: Coalition, number: int) -> Comment:
    query = select(Comment).where(Comment.coalition_id == coalition.id, Comment.number == number)
    comment = session.exec(query).first()
    if comment is None:
        raise NotFound("There is no comment %(comment)s in %(coalition)s.", comment=number, coalition=coalition.name)
    return comment


def speaker(session: Session, coalition: Coalition, actor: Account) -> Member:
    """The active member ``actor`` speaks for in ``coalition``; Forbidden for anyone else (admins included)."""
    member = session.get(Member, actor.member_id) if actor.role == "representative" else None
    if actor.coalition_id != coalition.id or member is None or member.status != "active":
        raise Forbidden("Only representatives of active members of %(coalition)s can take part in the discussion.",
                        coalition=coalition.name)
    return member


def _open_for_discussion(session: Session, proposal: Proposal) -> None:
    session.refresh(proposal)
    if proposal.state in CLOSED_STATES:
        raise Conflict("Proposal #%(number)s is %(state)s; its discussion is closed and can only be read.",
                       number=proposal.number, state=proposal.state)


def _touch_thread(session: Session, comment: Comment, now: datetime) -> None:
    top = session.get(Comment, comment.thread_id) if comment.thread_id else comment
    top.activity_at = now
    session.add(top)


def post_comment(session: Session, *, coalition: Coalition, actor: Account, proposal: Proposal, text: str,
                 max_length: int, now: datetime, parent: Comment | None = None) -> Comment:
    """Stage a comment (or a reply to ``parent``) and its ``comment.posted`` event, which commits to the text."""
    member = speaker(session, coalition, actor)
    text = clean_text(text, field="comment", max_length=max_length)
    store.lock_head(session, coalition)
    _open_for_discussion(session, proposal)
    if parent is not None:
        session.refresh(parent)
        if parent.proposal_id != proposal.id:
            raise Conflict("Comment %(comment)s belongs to another proposal; reply to it there.", comment=parent.number)
        if parent.hidden_text_id is not None:
            raise Conflict("Comment %(comment)s is hidden by the moderators; it takes no replies.",
                           comment=parent.number)
    number = session.exec(select(func.coalesce(func.max(Comment.number), 0)).where(
        Comment.coalition_id == coalition.id)).one() + 1
    published = publish_text(session, coalition=coalition, kind="comment", content={"text": text},
                             type="comment.posted", now=now, body={
                                 "number": proposal.number, "comment": number,
                                 "parent": parent.number if parent else None, "member": member.slug,
                                 "actor": actor.username})
    comment = Comment(coalition_id=coalition.id, proposal_id=proposal.id, number=number,
                      parent_id=parent.id if parent else None,
                      thread_id=(parent.thread_id or parent.id) if parent else None, member_id=member.id,
                      author=actor.username, text_id=published.id, created_at=now, activity_at=now)
    session.add(comment)
    session.flush()
    session.add(CommentRevision(comment_id=comment.id, revision=1, text_id=published.id, created_at=now))
    if parent is not None:
        _touch_thread(session, comment, now)
    return comment


def edit_comment(session: Session, *, coalition: Coalition, actor: Account, comment: Comment, text: str,
                 max_length: int, now: datetime) -> Comment:
    """Stage a new revision of one's own comment; the earlier revisions stay (``comment.edited``)."""
    if actor.username != comment.author:
        raise Forbidden("Only the author of comment %(comment)s can edit it.", comment=comment.number)
    speaker(session, coalition, actor)
    text = clean_text(text, field="comment", max_length=max_length)
    store.lock_head(session, coalition)
    proposal = session.get(Proposal, comment.proposal_id)
    _open_for_discussion(session, proposal)
    session.refresh(comment)
    if comment.hidden_text_id is not None:
        raise Conflict("Comment %(comment)s is hidden by the moderators; it cannot be edited.", comment=comment.number)
    current = session.get(PublishedText, comment.text_id)
    if current.erased_at is not None:
        raise Conflict("Comment %(comment)s has been erased; it cannot be edited.", comment=comment.number)
    published = publish_text(session, coalition=coalition, kind="comment", content={"text": text},
                             type="comment.edited", now=now, body={
                                 "number": proposal.number, "comment": comment.number, "actor": actor.username})
    comment.revisions += 1
    comment.text_id, comment.edited_at = published.id, now
    session.add_all([comment, CommentRevision(comment_id=comment.id, revision=comment.revisions,
                                              text_id=published.id, created_at=now)])
    _touch_thread(session, comment, now)
    return comment


def erase_comment(session: Session, *, coalition: Coalition, actor: Account, comment: Comment, reason: str,
                  now: datetime) -> Comment:
    """Erase every revision of a comment (abuse, or its author's request); the thread and the log stay whole."""
    texts = [text for _, text in revisions_of(session, comment)]
    erase_texts(session, coalition=coalition, actor=actor, texts=texts, reason=reason, now=now)
    return comment


def flag_comment(session: Session, *, coalition: Coalition, actor: Account, comment: Comment, reason: str,
                 now: datetime) -> CommentFlag:
    """A member draws the moderators' attention to a comment (once per member and comment)."""
    member = speaker(session, coalition, actor)
    reason = clean_text(reason, field="reason", max_length=500, required=False)
    if session.exec(select(CommentFlag).where(CommentFlag.comment_id == comment.id,
                                              CommentFlag.member_id == member.id)).first():
        raise Conflict("%(member)s has flagged comment %(comment)s already.", member=member.name,
                       comment=comment.number)
    flag = CommentFlag(comment_id=comment.id, member_id=member.id, account=actor.username, reason=reason,
                       created_at=now)
    session.add(flag)
    session.flush()
    return flag


def can_moderate(session: Session, actor: Account | None, coalition: Coalition, moderators: Collection[str]) -> bool:
    """The coalition's admins, and the representatives of the members the charter names as moderators."""
    if actor is None or actor.coalition_id != coalition.id or not actor.active:
        return False
    if actor.role == "admin":
        return True
    member = session.get(Member, actor.member_id) if actor.member_id else None
    return member is not None and member.status == "active" and member.slug in moderators


def hide_comment(session: Session, *, coalition: Coalition, actor: Account, comment: Comment, reason: str,
                 moderators: Collection[str], now: datetime) -> Comment:
    """Hide a comment with a public reason (``comment.hidden`` commits to it); ``show_comment`` undoes it."""
    if not can_moderate(session, actor, coalition, moderators):
        raise Forbidden("Only the moderators of %(coalition)s can hide a comment.", coalition=coalition.name)
    reason = clean_text(reason, field="reason", max_length=500)
    store.lock_head(session, coalition)
    session.refresh(comment)
    if comment.hidden_text_id is not None:
        raise Conflict("Comment %(comment)s is hidden already.", comment=comment.number)
    proposal = session.get(Proposal, comment.proposal_id)
    published = publish_text(session, coalition=coalition, kind="hiding", content={"text": reason},
                             type="comment.hidden", now=now, body={
                                 "number": proposal.number, "comment": comment.number, "actor": actor.username})
    comment.hidden_text_id, comment.hidden_at, comment.hidden_by = published.id, now, actor.username
    session.add(comment)
    return comment


def show_comment(session: Session, *, coalition: Coalition, actor: Account, comment: Comment,
                 moderators: Collection[str], now: datetime) -> Comment:
    """Show a hidden comment again (``comment.shown``)."""
    if not can_moderate(session, actor, coalition, moderators):
        raise Forbidden("Only the moderators of %(coalition)s can show a hidden comment.", coalition=coalition.name)
    store.lock_head(session, coalition)
    session.refresh(comment)
    if comment.hidden_text_id is None:
        raise Conflict("Comment %(comment)s is not hidden.", comment=comment.number)
    proposal = session.get(Proposal, comment.proposal_id)
    store.append(session, coalition=coalition, type="comment.shown", body={
        "number": proposal.number, "comment": comment.number, "actor": actor.username})
    comment.hidden_text_id, comment.hidden_at, comment.hidden_by = None, None, ""
    session.add(comment)
    return comment


def list_threads(session: Session, *, proposal: Proposal, offset: int = 0, limit: int = 20) -> tuple[list[Thread], int]:
    """One page of the proposal's threads, newest activity first, and how many threads there are."""
    top_filter = (Comment.proposal_id == proposal.id, Comment.thread_id.is_(None))
    tops = list(session.exec(select(Comment).where(*top_filter)
                             .order_by(Comment.activity_at.desc(), Comment.number.desc()).offset(offset).limit(limit)))
    total = session.exec(select(func.count()).select_from(Comment).where(*top_filter)).one()
    replies: dict[int, list[Comment]] = {top.id: [] for top in tops}
    if tops:
        for reply in session.exec(select(Comment).where(Comment.thread_id.in_(list(replies)))
                                  .order_by(Comment.number)):
            replies[reply.thread_id].append(reply)
    return [Thread(top, replies[top.id]) for top in tops], total


def revisions_of(session: Session, comment: Comment) -> list[tuple[CommentRevision, PublishedText]]:
    """Every revision of the comment with its text (erased or not), first to last."""
    return list(session.exec(select(CommentRevision, PublishedText).join(
        PublishedText, PublishedText.id == CommentRevision.text_id).where(CommentRevision.comment_id == comment.id)
        .order_by(CommentRevision.revision)))


def flagged_comments(session: Session, *, coalition: Coalition) -> list[tuple[Comment, list[CommentFlag]]]:
    """The moderators' queue: shown comments that members flagged, most recently flagged first, with the flags."""
    flags = session.exec(select(CommentFlag, Comment).join(Comment, Comment.id == CommentFlag.comment_id).where(
        Comment.coalition_id == coalition.id, Comment.hidden_text_id.is_(None))
        .order_by(CommentFlag.created_at.desc(), CommentFlag.id.desc())).all()
    queue: dict[int, tuple[Comment, list[CommentFlag]]] = {}
    for flag, comment in flags:
        queue.setdefault(comment.id, (comment, []))[1].append(flag)
    return list(queue.values())


def comment_counts(session: Session, proposal_ids: Iterable[int]) -> dict[int, int]:
    """How many comments (replies included) each proposal has."""
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = session.exec(select(Comment.proposal_id, func.count()).where(Comment.proposal_id.in_(ids))
                        .group_by(Comment.proposal_id))
    return dict(rows.all())
