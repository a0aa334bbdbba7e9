"""Texts the log commits to without holding them: publish with a salted commitment, erase without breaking the log."""

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session, select

from governance.errors import Conflict, Forbidden
from governance.log import store
from governance.log.commitments import text_commitment
from governance.models import Account, Coalition, Comment, CommentRevision, PublishedText
from governance.text import clean_text

__all__ = ["erase_texts", "published_texts", "publish_text"]


def publish_text(session: Session, *, coalition: Coalition, kind: str, content: Mapping[str, object], type: str,
                 body: Mapping[str, object], now: datetime) -> PublishedText:
    """Stage ``content`` in the database and a ``type`` event carrying only its salted commitment."""
    salt = secrets.token_hex(16)
    entry = store.append(session, coalition=coalition, type=type,
                         body={**body, "commitment": text_commitment(salt=salt, content=content)})
    row = PublishedText(coalition_id=coalition.id, kind=kind, log_idx=entry.idx, salt=salt, content=dict(content),
                        created_at=now)
    session.add(row)
    session.flush()
    return row


def erase_texts(session: Session, *, coalition: Coalition, actor: Account, texts: Sequence[PublishedText],
                reason: str, now: datetime) -> None:
    """Erase texts (abuse, or a person's request): content and salt go, the log keeps the commitments and records
    the erasure as ``text.erased`` with its reason."""
    if actor.role != "admin" or actor.coalition_id != coalition.id:
        raise Forbidden("Only an admin of %(coalition)s can erase a text.", coalition=coalition.name)
    reason = clean_text(reason, field="reason", max_length=500)
    store.lock_head(session, coalition)
    for text in texts:
        session.refresh(text)
    remaining = [text for text in texts if text.erased_at is None]
    if not remaining:
        raise Conflict("This text has been erased already.")
    store.append(session, coalition=coalition, type="text.erased", body={
        "entries": sorted(text.log_idx for text in remaining), "reason": reason, "actor": actor.username})
    for text in remaining:
        text.content, text.salt = None, ""
        text.erased_at, text.erased_reason, text.erased_by = now, reason, actor.username
        session.add(text)


def published_texts(session: Session, *, coalition: Coalition, size: int) -> list[PublishedText]:
    """The texts still published whose commitments are in the log's first ``size`` entries, by entry: not erased, and
    not the revisions of a comment the moderators hide (they come back when it is shown again)."""
    hidden = select(CommentRevision.text_id).join(Comment, Comment.id == CommentRevision.comment_id).where(
        Comment.coalition_id == coalition.id, Comment.hidden_text_id.is_not(None))
    return list(session.exec(select(PublishedText).where(
        PublishedText.coalition_id == coalition.id, PublishedText.log_idx < size, PublishedText.erased_at.is_(None),
        PublishedText.id.not_in(hidden)).order_by(PublishedText.log_idx)))
