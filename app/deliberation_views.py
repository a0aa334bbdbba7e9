"""The public shape of comments, amendments, versions and agenda rounds, built with a few queries per page: the API
answers it, the pages render it."""

from collections.abc import Sequence

from sqlmodel import Session, func, select

from app.deliberation_schemas import (AgendaRoundPublic, AmendmentPublic, CommentDetail, CommentPublic, DiffPart,
                                      Erasure, Hiding, RevisionPublic, TopicPublic, VersionPublic)
from app.markdown import render_markdown
from app.worddiff import word_diff
from governance import agenda, amendments, comments, versions
from governance.comments import Thread
from governance.models import (AgendaRound, Amendment, Comment, CommentFlag, Member, Proposal, ProposalVersion,
                               PublishedText)

__all__ = ["amendment_public", "comment_detail", "diff_of", "round_public", "thread_public", "version_public"]


def _erasure(text: PublishedText | None) -> Erasure | None:
    if text is None or text.erased_at is None:
        return None
    return Erasure(erased_at=text.erased_at, reason=text.erased_reason)


def _lookup(session: Session, rows: Sequence[Comment]) -> tuple[dict, dict, dict]:
    text_ids = {row.text_id for row in rows} | {row.hidden_text_id for row in rows if row.hidden_text_id}
    texts = {t.id: t for t in session.exec(select(PublishedText).where(PublishedText.id.in_(text_ids)))} if rows else {}
    members = {m.id: m for m in session.exec(select(Member).where(
        Member.id.in_({row.member_id for row in rows})))} if rows else {}
    flags = dict(session.exec(select(CommentFlag.comment_id, func.count()).where(
        CommentFlag.comment_id.in_([row.id for row in rows])).group_by(CommentFlag.comment_id)).all()) if rows else {}
    return texts, members, flags


def _comment(row: Comment, proposal: Proposal, by_id: dict, texts: dict, members: dict, flags: dict) -> CommentPublic:
    text, member = texts[row.text_id], members[row.member_id]
    hiding = texts.get(row.hidden_text_id) if row.hidden_text_id else None
    shown = text.content["text"] if text.content is not None and hiding is None else None
    parent = by_id.get(row.parent_id)
    return CommentPublic(
        number=row.number, proposal=proposal.number, parent=parent.number if parent else None, member=member.slug,
        member_name=member.name, author=row.author, text=shown, text_html=render_markdown(shown) if shown else None,
        created_at=row.created_at, edited_at=row.edited_at, revisions=row.revisions, log_index=text.log_idx,
        flags=flags.get(row.id, 0), erased=_erasure(text),
        hidden=Hiding(reason=hiding.content["text"] if hiding.content else None, hidden_at=row.hidden_at,
                      hidden_by=row.hidden_by) if hiding else None)


def thread_public(session: Session, proposal: Proposal, threads: Sequence[Thread]) -> list[CommentPublic]:
    """Each thread's top comment with its replies."""
    rows = [thread.top for thread in threads] + [reply for thread in threads for reply in thread.replies]
    parents = {row.parent_id for row in rows if row.parent_id} - {row.id for row in rows}
    by_id = {row.id: row for row in rows}
    if parents:
        by_id.update({row.id: row for row in session.exec(select(Comment).where(Comment.id.in_(parents)))})
    texts, members, flags = _lookup(session, rows)
    items = []
    for thread in threads:
        top = _comment(thread.top, proposal, by_id, texts, members, flags)
        top.replies = [_comment(reply, proposal, by_id, texts, members, flags) for reply in thread.replies]
        items.append(top)
    return items


def comment_detail(session: Session, proposal: Proposal, row: Comment) -> CommentDetail:
    """One comment with the history of its revisions (their texts unless hidden or erased)."""
    by_id = {row.id: row}
    if row.parent_id:
        by_id[row.parent_id] = session.get(Comment, row.parent_id)
    texts, members, flags = _lookup(session, [row])
    public = _comment(row, proposal, by_id, texts, members, flags)
    history = [RevisionPublic(revision=revision.revision, log_index=text.log_idx, created_at=revision.created_at,
                              text=text.content["text"] if text.content is not None and public.hidden is None else None,
                              erased=_erasure(text))
               for revision, text in comments.revisions_of(session, row)]
    return CommentDetail(**public.model_dump(), history=history)


def diff_of(old: dict, new: dict) -> dict[str, list[DiffPart]]:
    """Word-level changes of title, body and options (one per line) from ``old`` to ``new``."""
    return {field: [DiffPart(op=op, text=text) for op, text in word_diff(_as_text(old[field]), _as_text(new[field]))]
            for field in ("title", "body", "options")}


def _as_text(value: object) -> str:
    return "\n".join(value) if isinstance(value, list) else str(value)


def _version_text(row: ProposalVersion) -> dict:
    return {"title": row.title, "body": row.body, "options": list(row.options)}


def amendment_public(session: Session, proposal: Proposal, amendment: Amendment,
                     base: dict[int, ProposalVersion] | None = None) -> AmendmentPublic:
    """An amendment with its word-level changes from the version it was made to (``base``: versions read already)."""
    text = amendments.amendment_text(session, amendment)
    member = session.get(Member, amendment.member_id)
    content = text.content
    base_row = (base or {}).get(amendment.base_version) or versions.get_version(session, proposal,
                                                                               amendment.base_version)
    ballot = session.get(Proposal, amendment.ballot_proposal_id) if amendment.ballot_proposal_id else None
    return AmendmentPublic(
        proposal=proposal.number, number=amendment.number, member=member.slug, member_name=member.name,
        author=amendment.author,
        state=amendment.state, base_version=amendment.base_version, merged_version=amendment.merged_version,
        title=content["title"] if content else None, body=content["body"] if content else None,
        options=content["options"] if content else None,
        diff=diff_of(_version_text(base_row), content) if content else None, log_index=text.log_idx,
        created_at=amendment.created_at, decided_at=amendment.decided_at, ballot=ballot.number if ballot else None,
        erased=_erasure(text))


def version_public(row: ProposalVersion) -> VersionPublic:
    return VersionPublic(version=row.version, title=row.title, body=row.body, options=list(row.options),
                         seats=row.seats, source=row.source, amendment=row.amendment, actor=row.actor,
                         log_index=row.log_idx, created_at=row.created_at)


def round_public(session, agenda_round: AgendaRound) -> AgendaRoundPublic:  # noqa: ANN001
    proposal, ballot, agreed = agenda.agreed_agenda(session, agenda_round)
    topics = agenda.topics_of(session, agenda_round)
    ids = {topic.member_id for topic in topics if topic.member_id}
    members = {m.id: m for m in session.exec(select(Member).where(Member.id.in_(ids)))} if ids else {}
    drafts = {topic.proposal_id: session.get(Proposal, topic.proposal_id).number for topic in topics
              if topic.proposal_id}
    state = "closed" if ballot is not None and ballot.status == "closed" else agenda_round.state
    result = ballot.result if ballot is not None and ballot.result else {}
    return AgendaRoundPublic(
        number=agenda_round.number, title=agenda_round.title, method=agenda_round.method, state=state,
        topics=[TopicPublic(number=t.number, title=t.title, body=t.body,
                            member=members[t.member_id].slug if t.member_id else None,
                            member_name=members[t.member_id].name if t.member_id else None,
                            author=t.author, proposal=drafts.get(t.proposal_id), created_at=t.created_at)
                for t in topics],
        ballot=proposal.number if proposal else None, agreed=agreed,
        explanation=result.get("explanation"), tally=(result.get("rounds") or [{}])[-1].get("tally", {}),
        created_at=agenda_round.created_at)
