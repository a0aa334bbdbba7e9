"""The SMTP mailer keeps its connections open between messages, and replaces one that has gone idle too long, has
sent its quota, or that the server has closed meanwhile; a real server (aiosmtpd) counts the connections."""

from email.message import EmailMessage
from pathlib import Path

import pytest

from app.outbox.mail import MailFailed, SmtpMailer
from app.settings import Settings
from tests.outbox.certs import self_signed
from tests.outbox.receivers import smtp_server
from tests.ports import free_port


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def message(n: int) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = f"Ballot {n}", "concord@example.org", f"rep{n}@aden.example"
    mail["Message-ID"] = f"<n{n}@concord.test>"
    mail.set_content(f"Ballot {n} is open.")
    return mail


def settings_for(port: int, **changes) -> Settings:  # noqa: ANN003
    return Settings(**{"database_url": "sqlite:///unused.db", "smtp_host": "127.0.0.1", "smtp_port": port,
                       "smtp_security": "none", "smtp_timeout": 5, **changes})


def test_messages_share_one_tls_connection_with_one_login(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    with smtp_server(security="starttls", cert=cert, key=key, login=("concord", "s3cret")) as (inbox, port):
        mailer = SmtpMailer(settings_for(port, smtp_security="starttls", smtp_ca_file=cert, smtp_user="concord",
                                         smtp_password="s3cret"))
        for n in range(5):
            mailer.send(message(n))
        mailer.close()

    assert [m["Subject"] for m in inbox.messages] == [f"Ballot {n}" for n in range(5)]
    assert len(set(inbox.peers)) == 1 and mailer.opened == 1


def test_a_connection_is_replaced_after_its_quota_and_after_an_idle_spell() -> None:
    ticks = Ticks()
    with smtp_server() as (inbox, port):
        mailer = SmtpMailer(settings_for(port), per_connection=2, idle_seconds=60, check_after=600, clock=ticks)
        for n in range(5):  # 2 + 2 + 1
            mailer.send(message(n))
        ticks.now += 61  # idle past the limit: closed, not asked
        mailer.send(message(5))
        mailer.close()

    assert len(inbox.messages) == 6
    assert mailer.opened == 4 and len(set(inbox.peers)) == 4
    assert inbox.peers[4] != inbox.peers[5]


def test_a_connection_the_server_closed_meanwhile_is_noticed_and_replaced() -> None:
    ticks, port = Ticks(), free_port()
    with smtp_server(port=port) as (first, _):
        mailer = SmtpMailer(settings_for(port), check_after=2, clock=ticks)
        mailer.send(message(1))
    with smtp_server(port=port) as (second, _):  # the server restarted: the kept connection is dead
        ticks.now += 3  # idle long enough to be asked a NOOP first
        mailer.send(message(2))
        mailer.close()

    assert [m["Subject"] for m in first.messages] == ["Ballot 1"]
    assert [m["Subject"] for m in second.messages] == ["Ballot 2"]
    assert mailer.opened == 2


def test_a_server_that_is_down_fails_the_message_for_a_later_attempt() -> None:
    mailer = SmtpMailer(settings_for(free_port()))
    with pytest.raises(MailFailed, match="ConnectionRefusedError"):
        mailer.send(message(1))
    assert mailer.opened == 0 and mailer.kept == []
