"""Deliver what the outbox holds: a few notifications at a time on threads of their own, each attempt recorded in a
transaction of its own, retried with backoff until the settings' limit, then a dead letter."""

import json
import logging
import threading
import time
from concurrent import futures
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine, Row
from sqlmodel import Session

from app.db import read_session, write_session
from app.foreground import never_busy
from app.outbox import webhooks
from app.outbox.mail import MailFailed, compose, mailer_for
from app.outbox.pace import CpuShare
from app.outbox.render import link_of, render, render_digest
from app.settings import Settings
from governance import outbox
from governance.clock import utcnow
from governance.models import Account, Coalition, Notification, NotificationPreference, WebhookEndpoint

__all__ = ["Courier", "Permanent"]

logger = logging.getLogger("concord.outbox")


class Permanent(Exception):
    """Retrying cannot deliver this notification (no address, no mail transport, a refused destination)."""


class _NotDue(Exception):
    """An attempt was recorded since the notification was read, or it left the outbox: there is nothing to send.

    The worker reads a batch, then takes each one in hand; a delivery that finished in between (recorded, then let
    go) would otherwise be sent a second time. The check is made in the read the sending makes anyway."""


def _check_due(current: Notification | Row | None, notification: Notification) -> None:
    """Raise ``_NotDue`` unless ``current`` (the notification as just read: its status and attempts) is still the
    pending one ``notification`` was when its batch was read."""
    if current is None or current.status != "pending" or current.attempts != notification.attempts:
        raise _NotDue


def _require_due(session: Session, notification: Notification) -> None:
    _check_due(session.get(Notification, notification.id), notification)


_RECIPIENT = (select(Notification.status, Notification.attempts, NotificationPreference.email,
                     NotificationPreference.language, NotificationPreference.time_zone,
                     NotificationPreference.unsubscribe_token, Account.active,
                     Coalition.name.label("coalition_name"), Coalition.slug)
              .select_from(Notification)
              .outerjoin(NotificationPreference, NotificationPreference.account_id == Notification.account_id)
              .outerjoin(Account, Account.id == Notification.account_id)
              .join(Coalition, Coalition.id == Notification.coalition_id)
              .where(Notification.id == bindparam("id")))
"""An e-mail notification's state and everything its sending reads, in one statement (it was four reads)."""


@dataclass
class Courier:
    """Sends notifications with the settings' transports. ``busy`` tells whether the process is answering requests
    now: deliveries then keep to the settings' CPU share (``delivery_cpu_share``) so a burst of them does not slow
    the votes."""

    engine: Engine
    settings: Settings
    busy: Callable[[], bool] = field(default=never_busy)

    def __post_init__(self) -> None:
        self.mailer = mailer_for(self.settings)
        self.pace = CpuShare(self.settings.delivery_cpu_share, self.busy)
        self.closing = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=self.settings.delivery_concurrency,
                                       thread_name_prefix="concord-courier")
        self.in_flight: set[int] = set()
        self.lock = threading.Lock()

    def deliver_due(self, *, now: datetime | None = None, limit: int = 50, wait: bool = True) -> int:
        """Start delivering the pending notifications that are due, ``delivery_concurrency`` at a time, keeping at
        most ``limit`` in hand (a slow receiver holds up only its own); how many were started. ``wait``: return once
        they are done."""
        with self.lock:
            room = limit - len(self.in_flight)
        if room <= 0:
            return 0
        with read_session(self.engine) as session:
            batch = outbox.due(session, now=now or utcnow(), limit=limit)
        started = []
        for notification in batch:
            with self.lock:
                if notification.id in self.in_flight or len(started) >= room:
                    continue
                self.in_flight.add(notification.id)
            started.append(self.pool.submit(self._deliver_in_hand, notification))
        if wait:
            futures.wait(started)
        return len(started)

    def _deliver_in_hand(self, notification: Notification) -> None:
        try:
            self.pace.wait(self.closing)
            if self.closing.is_set():
                return  # still pending: the next worker delivers it
            cpu = time.thread_time()
            try:
                self.deliver(notification)
            finally:
                self.pace.spend(time.thread_time() - cpu)
        except Exception:  # the database went away mid-attempt: the row is still pending and will be tried again
            logger.exception("delivering notification %s failed", notification.key)
        finally:
            with self.lock:
                self.in_flight.discard(notification.id)

    def close(self) -> None:
        self.closing.set()
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.mailer is not None:
            self.mailer.close()

    def deliver(self, notification: Notification) -> str | None:
        """One attempt, recorded; the error, or None when delivered (or no longer due: then nothing is sent or
        recorded)."""
        started, clock = utcnow(), time.perf_counter()
        error, permanent = None, False
        try:
            self._send(notification)
        except _NotDue:
            return None
        except Permanent as refused:
            error, permanent = str(refused), True
        except (webhooks.WebhookFailed, MailFailed) as failed:
            error = str(failed)
        except webhooks.Refused as refused:
            error, permanent = f"refused: {refused}", True
        except Exception as failed:  # a bug or a slip in a translation: counted as an attempt, so it backs off
            logger.exception("sending notification %s failed", notification.key)
            error = f"{type(failed).__name__}: {failed}"
        milliseconds = int((time.perf_counter() - clock) * 1000)
        with write_session(self.engine) as session:
            current = session.get(Notification, notification.id)
            if current is None or current.status != "pending":
                return error
            retry_at = None
            if error is not None and not permanent and current.attempts + 1 < self.settings.delivery_max_attempts:
                delay = outbox.backoff_seconds(current.attempts + 1, base=self.settings.delivery_backoff_seconds,
                                               cap=self.settings.delivery_backoff_max_seconds)
                retry_at = utcnow() + timedelta(seconds=delay)
            outbox.record_attempt(session, notification=current, started_at=started, milliseconds=milliseconds,
                                  error=error, retry_at=retry_at, now=utcnow())
            session.commit()
        if error is not None:
            logger.info("notification %s (%s) not delivered: %s", notification.key, notification.channel, error)
        return error

    def _send(self, notification: Notification) -> None:
        if notification.channel == "webhook":
            self._send_webhook(notification)
        else:
            self._send_email(notification)

    def _send_webhook(self, notification: Notification) -> None:
        with read_session(self.engine) as session:
            _require_due(session, notification)
            endpoint = session.get(WebhookEndpoint, notification.endpoint_id)
        if endpoint is None or not endpoint.active:
            raise Permanent("the webhook endpoint was removed")
        payload = {**notification.payload, "url": link_of(notification.payload, self.settings.public_url)}
        body = json.dumps({"type": notification.kind, "timestamp": notification.created_at.isoformat(),
                           "data": payload}, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        webhooks.post(endpoint.url, secret=endpoint.secret, msg_id=notification.key, timestamp=int(time.time()),
                      body=body, timeout=self.settings.webhook_timeout,
                      allow_private=self.settings.webhook_allow_private)

    def _send_email(self, notification: Notification) -> None:
        if notification.account_id is None:
            return self._send_to_applicant(notification)
        with read_session(self.engine) as session:
            found = session.execute(_RECIPIENT, {"id": notification.id}).first()
        _check_due(found, notification)  # in the same read as the recipient
        self._require_mailer()
        if not found.email or not found.active:
            raise Permanent("the account has no e-mail address (any more)")
        public = self.settings.public_url.rstrip("/")
        options = {"locale": found.language, "time_zone": found.time_zone, "public_url": public}
        if notification.kind == "digest":
            rendered = render_digest(notification.payload["items"], **options)
        else:
            rendered = render(notification.payload, **options)
        kind = "" if notification.kind == "digest" else f"?kind={notification.kind}"
        message = compose(rendered, sender=self.settings.mail_sender, to=found.email, msg_id=notification.key,
                          host=self.settings.log_host, coalition=found.coalition_name,
                          preferences_url=f"{public}/c/{found.slug}/notifications",
                          unsubscribe_url=f"{public}/unsubscribe/{found.unsubscribe_token}{kind}")
        self.mailer.send(message)

    def _require_mailer(self) -> None:
        if self.mailer is None:
            raise Permanent("no mail transport is configured (CONCORD_SMTP_HOST or CONCORD_MAIL_DIR)")

    def _send_to_applicant(self, notification: Notification) -> None:
        """A one-off to the address an applicant gave, in English (an application records no language)."""
        with read_session(self.engine) as session:
            _require_due(session, notification)
        self._require_mailer()
        payload = notification.payload
        rendered = render(payload, locale="en", time_zone="UTC", public_url=self.settings.public_url)
        message = compose(rendered, sender=self.settings.mail_sender, to=payload["to"], msg_id=notification.key,
                          host=self.settings.log_host, coalition=payload["coalition_name"], preferences_url=None,
                          unsubscribe_url=None)
        self.mailer.send(message)

