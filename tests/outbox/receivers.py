"""Real receivers for delivery tests: an HTTP server that records webhooks (and can fail on purpose), and an SMTP
server (aiosmtpd) that keeps every message it is handed."""

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.ports import free_port


@dataclass
class Hook:
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """Answers ``status`` (a list, consumed one per request, then 204) and records what it got."""

    statuses: list[int] = field(default_factory=list)
    received: list[Hook] = field(default_factory=list)
    port: int = 0
    delay: float = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def ids(self) -> list[str]:
        return [hook.headers["webhook-id"] for hook in self.received]


@contextmanager
def webhook_receiver(*statuses: int, delay: float = 0) -> Iterator[WebhookReceiver]:
    """A receiver on 127.0.0.1 that answers after ``delay`` seconds."""
    receiver = WebhookReceiver(statuses=list(statuses), delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            time.sleep(receiver.delay)
            status = receiver.statuses.pop(0) if receiver.statuses else 204
            if 200 <= status < 300:
                receiver.received.append(Hook({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class Inbox:
    """aiosmtpd handler: every message handed over, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: list[tuple[str, int]] = []  # the client address and port each message came over

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.peers.append(tuple(session.peer))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(*, security: str = "none", cert: Path | None = None, key: Path | None = None,
                login: tuple[str, str] | None = None, port: int | None = None) -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1: plain, STARTTLS required (``security="starttls"``) or implicit TLS
    (``"tls"``), with AUTH required when ``login`` is given."""
    inbox = Inbox()
    port = port or free_port()
    options: dict = {}
    if security != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options["ssl_context" if security == "tls" else "tls_context"] = context
        if security == "starttls":
            options["require_starttls"] = True
    if login is not None:
        def authenticator(server, session, envelope, mechanism, data) -> AuthResult:  # noqa: ANN001
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok)

        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=security == "starttls")  # aiosmtpd counts only STARTTLS as TLS here
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="127.0.0.1", **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
