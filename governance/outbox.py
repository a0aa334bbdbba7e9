"""The outbox's state: what is due, each delivery attempt, retries with exponential backoff and jitter, dead letters
and sending them again; the daily digest and the reminders before a ballot closes."""

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, func, select

from governance import notices
from governance.errors import Conflict, Forbidden, NotFound
from governance.models import (Account, Ballot, BallotReminder, Coalition, DeliveryAttempt, Notification,
                               NotificationSettings, Proposal)

__all__ = ["DEFAULT_REMINDER_HOURS", "attempts_of", "backoff_seconds", "dead_letters", "digests_due", "due",
           "due_reminders", "get_reminder_hours",
           "next_digest_cutoff", "record_attempt", "send_again", "set_reminder_hours", "stage_digests",
           "stage_due_reminders"]

DEFAULT_REMINDER_HOURS = 24
MAX_REMINDER = timedelta(days=30)
MAX_DETAIL = 500


def backoff_seconds(attempts: int, *, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """How long to wait after the ``attempts``-th failure: exponential (``base`` x 2^(attempts-1), at most ``cap``),
    with "equal jitter" (half of it fixed, half uniformly random), so retries of many notifications spread out
    instead of arriving together, and never come sooner than half the backoff.

    >>> backoff_seconds(3, base=10, cap=3600, rand=lambda: 0.0), backoff_seconds(3, base=10, cap=3600, rand=lambda: 1.0)
    (20.0, 40.0)
    """
    delay = min(cap, base * 2 ** (attempts - 1))
    return delay / 2 + rand() * delay / 2


def due(session: Session, *, now: datetime, limit: int = 50) -> list[Notification]:
    """Pending notifications whose time has come, oldest first."""
    return list(session.exec(select(Notification).where(Notification.status == "pending",
                                                        Notification.next_attempt_at <= now)
                             .order_by(Notification.next_attempt_at, Notification.id).limit(limit)))


def record_attempt(session: Session, *, notification: Notification, started_at: datetime, milliseconds: int,
                   error: str | None, retry_at: datetime | None, now: datetime) -> Notification:
    """Record one try: delivered if ``error`` is None; else pending again until ``retry_at``, or a dead letter when
    ``retry_at`` is None (the attempts are used up, or retrying cannot help)."""
    number = notification.attempts + 1
    session.add(DeliveryAttempt(notification_id=notification.id, number=number, started_at=started_at,
                                milliseconds=milliseconds, ok=error is None, detail=(error or "")[:MAX_DETAIL]))
    notification.attempts = number
    if error is None:
        notification.status, notification.delivered_at, notification.last_error = "delivered", now, ""
    else:
        notification.last_error = error[:MAX_DETAIL]
        notification.status = "pending" if retry_at is not None else "dead"
        notification.next_attempt_at = retry_at or now
    session.add(notification)
    return notification


def dead_letters(session: Session, *, coalition: Coalition, limit: int = 200) -> list[Notification]:
    return list(session.exec(select(Notification).where(Notification.coalition_id == coalition.id,
                                                        Notification.status == "dead")
                             .order_by(Notification.id.desc()).limit(limit)))


def send_again(session: Session, *, coalition: Coalition, actor: Account, notification_id: int,
               now: datetime) -> Notification:
    """The secretariat puts a dead letter back in the outbox, with a fresh set of attempts and the same key."""
    if actor.role != "admin" or actor.coalition_id != coalition.id:
        raise Forbidden("Only an admin of %(coalition)s can do this.", coalition=coalition.name)
    notification = session.get(Notification, notification_id)
    if notification is None or notification.coalition_id != coalition.id:
        raise NotFound("No notification %(id)s in %(coalition)s.", id=notification_id, coalition=coalition.name)
    if notification.status != "dead":
        raise Conflict("Notification %(id)s is %(status)s, not a dead letter.", id=notification_id,
                       status=notification.status)
    notification.status, notification.attempts, notification.next_attempt_at = "pending", 0, now
    session.add(notification)
    return notification


def get_reminder_hours(session: Session, coalition: Coalition) -> int:
    found = session.get(NotificationSettings, coalition.id)
    return found.reminder_hours if found else DEFAULT_REMINDER_HOURS


def set_reminder_hours(session: Session, *, coalition: Coalition, actor: Account, hours: int) -> None:
    if actor.role != "admin" or actor.coalition_id != coalition.id:
        raise Forbidden("Only an admin of %(coalition)s can do this.", coalition=coalition.name)
    if not 0 < hours <= MAX_REMINDER.days * 24:
        raise Conflict("A reminder goes out between 1 hour and 30 days before the close; got %(hours)s.", hours=hours)
    found = session.get(NotificationSettings, coalition.id) or NotificationSettings(coalition_id=coalition.id)
    found.reminder_hours = hours
    session.add(found)


def due_reminders(session: Session, *, now: datetime) -> list[int]:
    """The open ballots whose reminder is due now (within their coalition's reminder time) and not yet staged: one
    query of three columns (the worker asks every second)."""
    hours = func.coalesce(NotificationSettings.reminder_hours, DEFAULT_REMINDER_HOURS)
    rows = session.execute(
        select(Ballot.id, Ballot.closes_at, hours)
        .outerjoin(NotificationSettings, NotificationSettings.coalition_id == Ballot.coalition_id)
        .outerjoin(BallotReminder, BallotReminder.ballot_id == Ballot.id)
        .where(Ballot.status == "open", Ballot.closes_at > now, Ballot.closes_at <= now + MAX_REMINDER,
               BallotReminder.ballot_id.is_(None)))
    return [ballot for ballot, closes_at, before in rows if closes_at - timedelta(hours=before) <= now]


def stage_due_reminders(session: Session, *, ballot_ids: Sequence[int], now: datetime) -> int:
    """Stage the reminder of each of ``ballot_ids`` still open and without one, once per ballot (its
    ``BallotReminder`` row, whose key a second writer would collide on); how many ballots."""
    staged = 0
    for ballot_id in ballot_ids:
        ballot = session.get(Ballot, ballot_id)
        if ballot is None or ballot.status != "open" or session.get(BallotReminder, ballot_id) is not None:
            continue
        session.add(BallotReminder(ballot_id=ballot.id, staged_at=now))
        session.flush()
        notices.stage_reminders(session, coalition=session.get(Coalition, ballot.coalition_id), ballot=ballot,
                                proposal=session.get(Proposal, ballot.proposal_id), now=now)
        staged += 1
    return staged


def digests_due(session: Session, *, cutoff: datetime) -> bool:
    """Whether any e-mail held for a digest was staged before ``cutoff``."""
    return session.exec(select(Notification.id).where(Notification.status == "held",
                                                      Notification.created_at <= cutoff).limit(1)).first() is not None


def stage_digests(session: Session, *, now: datetime, cutoff: datetime) -> int:
    """Turn the e-mails held for a daily digest before ``cutoff`` into one digest notification per account and
    coalition, keyed by the day (so a second run that day collides instead of sending twice); how many digests."""
    groups = session.exec(select(Notification.account_id, Notification.coalition_id, func.count())
                          .where(Notification.status == "held", Notification.created_at <= cutoff)
                          .group_by(Notification.account_id, Notification.coalition_id)).all()
    for account_id, coalition_id, _ in groups:
        held = list(session.exec(select(Notification).where(
            Notification.status == "held", Notification.account_id == account_id,
            Notification.coalition_id == coalition_id, Notification.created_at <= cutoff).order_by(Notification.id)))
        coalition = session.get(Coalition, coalition_id)
        session.add(Notification(
            key=notices.notification_key("digest", coalition_id, account_id, cutoff.date().isoformat()),
            coalition_id=coalition_id, kind="digest", channel="email", account_id=account_id,
            payload={"kind": "digest", "coalition": coalition.slug, "coalition_name": coalition.name,
                     "items": [n.payload for n in held]},
            next_attempt_at=now, created_at=now))
        session.execute(update(Notification).where(Notification.id.in_([n.id for n in held]))
                        .values(status="digested", delivered_at=now))
    return len(groups)


def next_digest_cutoff(now: datetime, hour: int) -> datetime:
    """The digest moment of ``now``'s day (``hour`` o'clock UTC), or of the day before if it has not come yet."""
    today = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return today if today <= now else today - timedelta(days=1)


def attempts_of(session: Session, notifications: Sequence[Notification]) -> dict[int, list[DeliveryAttempt]]:
    found: dict[int, list[DeliveryAttempt]] = {n.id: [] for n in notifications}
    if found:
        for attempt in session.exec(select(DeliveryAttempt).where(DeliveryAttempt.notification_id.in_(list(found)))
                                    .order_by(DeliveryAttempt.number)):
            found[attempt.notification_id].append(attempt)
    return found
