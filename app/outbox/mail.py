"""E-mail: a message with plain-text and HTML parts and one-click unsubscribe (RFC 8058: ``List-Unsubscribe`` with an
https URL and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``), sent by SMTP (RFC 5321) with STARTTLS (RFC
3207) or implicit TLS (RFC 8314) and AUTH, or written to a folder, one ``.eml`` file per message (the demo's)."""

import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from email import headerregistry, policy
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from app.outbox.render import APPLICANT_WHY, UNSUBSCRIBE, WHY, Rendered
from app.i18n import translations
from app.settings import Settings

__all__ = ["FolderMailer", "MailFailed", "SmtpMailer", "compose", "mailer_for"]


class _HeaderClasses(headerregistry.HeaderRegistry):
    """The standard header registry, but each header's class made once: Python 3.11's makes a new class with
    ``type()`` for every header of every message (about 0.5 ms of a message's CPU)."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


POLICY = policy.SMTP.clone(max_line_length=998, header_factory=_HeaderClasses())
"""CRLF lines of at most RFC 5322's 998 characters. Headers are not folded at 78: Python 3.11's folder drops the space
between two RFC 2047 encoded words it splits a non-ASCII subject into ("فتح مكتب" arrived as "فتحمكتب")."""


class MailFailed(Exception):
    """The mail server did not take the message this time: try again later."""


def compose(rendered: Rendered, *, sender: str, to: str, msg_id: str, host: str, coalition: str,
            preferences_url: str | None, unsubscribe_url: str | None) -> EmailMessage:
    """The message: text and HTML alternatives of the same words, the footer saying why it came and how to stop it
    (without the URLs: a one-off to an applicant, which says why it came and has nothing to stop)."""
    gettext = translations(rendered.locale).gettext
    footer = ((gettext(WHY) % {"coalition": coalition, "url": preferences_url},
               gettext(UNSUBSCRIBE) % {"url": unsubscribe_url}) if unsubscribe_url
              else (gettext(APPLICANT_WHY) % {"coalition": coalition},))
    full = Rendered(subject=rendered.subject, paragraphs=(*rendered.paragraphs, *footer), links=rendered.links,
                    locale=rendered.locale)
    message = EmailMessage(policy=POLICY)
    message["Subject"], message["From"], message["To"] = rendered.subject, sender, to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{msg_id}@{host}>"
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(full.text)
    message.add_alternative(full.html, subtype="html")
    message["Content-Language"] = rendered.locale  # after the parts: set_content drops Content-* headers
    return message


class _Kept:
    """An open SMTP connection, when it last sent and how many messages it has sent."""

    def __init__(self, client: smtplib.SMTP, now: float) -> None:
        self.client, self.used, self.sent = client, now, 0

    def alive(self) -> bool:
        """Whether the server still answers on it (NOOP, RFC 5321 section 4.1.1.9)."""
        try:
            return self.client.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False

    def close(self) -> None:
        try:
            self.client.quit()
        except (OSError, smtplib.SMTPException):
            self.client.close()


class SmtpMailer:
    """Sends by SMTP over connections kept open between messages, at most one per delivering thread: a new
    connection costs a TCP and TLS handshake, EHLO twice and AUTH, far more than a message. A connection is closed
    and replaced once it has been idle ``idle_seconds`` (servers close idle ones: RFC 5321 section 4.5.3.2.7 lets them
    after five minutes, many do sooner) or has sent ``per_connection`` messages (servers cap that too); one idle for
    more than ``check_after`` seconds is asked a NOOP first, so one the server has closed meanwhile is replaced rather
    than failing the message. A message that fails closes its connection."""

    def __init__(self, settings: Settings, *, idle_seconds: float = 60, per_connection: int = 100,
                 check_after: float = 2, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.clock = settings, clock
        self.idle_seconds, self.per_connection, self.check_after = idle_seconds, per_connection, check_after
        self.kept: list[_Kept] = []  # free connections, the most recently used last
        self.lock = threading.Lock()
        self.opened = 0  # connections opened so far (for tests and the curious)
        self.closed = False

    def send(self, message: EmailMessage) -> None:
        kept = self._take()
        try:
            kept.client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            kept.close()
            raise MailFailed(f"{type(error).__name__}: {error}") from None
        kept.used, kept.sent = self.clock(), kept.sent + 1
        with self.lock:
            if not self.closed:
                self.kept.append(kept)
                return
        kept.close()

    def close(self) -> None:
        """QUIT every kept connection; a send still under way closes its own when done."""
        with self.lock:
            kept, self.kept, self.closed = self.kept, [], True
        for connection in kept:
            connection.close()

    def _take(self) -> _Kept:
        while True:
            with self.lock:
                kept = self.kept.pop() if self.kept else None
            if kept is None:
                return self._open()
            idle = self.clock() - kept.used
            if (idle < self.idle_seconds and kept.sent < self.per_connection
                    and (idle <= self.check_after or kept.alive())):
                return kept
            kept.close()

    def _open(self) -> _Kept:
        s = self.settings
        context = ssl.create_default_context(cafile=s.smtp_ca_file)
        client = None
        try:
            if s.smtp_security == "tls":
                client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout, context=context)
            else:
                client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            if s.smtp_security == "starttls":
                client.starttls(context=context)
            if s.smtp_user:
                client.login(s.smtp_user, s.smtp_password)
        except (OSError, smtplib.SMTPException) as error:
            if client is not None:
                client.close()
            raise MailFailed(f"{type(error).__name__}: {error}") from None
        self.opened += 1
        return _Kept(client, self.clock())


class FolderMailer:
    """Writes each message to ``<folder>/<message id>.eml`` (the same id twice overwrites: no duplicates)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        partial = self.folder / f".{name}.tmp"
        partial.write_bytes(bytes(message))
        partial.replace(self.folder / f"{name}.eml")

    def close(self) -> None:
        """Nothing is held open."""


def mailer_for(settings: Settings) -> SmtpMailer | FolderMailer | None:
    """SMTP if a host is set, else the folder if one is set, else None (e-mail cannot go out)."""
    if settings.smtp_host:
        return SmtpMailer(settings)
    if settings.mail_dir is not None:
        return FolderMailer(settings.mail_dir)
    return None

