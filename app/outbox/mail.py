"""E-mail: a message with plain-text and HTML parts and one-click unsubscribe (RFC 8058: ``List-Unsubscribe`` with an
https URL and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``), sent by SMTP (RFC 5321) with STARTTLS (RFC
3207) or implicit TLS (RFC 8314) and AUTH, or written to a folder, one ``.eml`` file per message (the demo's)."""

import smtplib
import ssl
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


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context(cafile=s.smtp_ca_file)
        try:
            if s.smtp_security == "tls":
                client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout, context=context)
            else:
                client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            with client:
                if s.smtp_security == "starttls":
                    client.starttls(context=context)
                if s.smtp_user:
                    client.login(s.smtp_user, s.smtp_password)
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailFailed(f"{type(error).__name__}: {error}") from None


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


def mailer_for(settings: Settings) -> SmtpMailer | FolderMailer | None:
    """SMTP if a host is set, else the folder if one is set, else None (e-mail cannot go out)."""
    if settings.smtp_host:
        return SmtpMailer(settings)
    if settings.mail_dir is not None:
        return FolderMailer(settings.mail_dir)
    return None

