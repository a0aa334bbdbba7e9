"""Per request: the visitor's session and language, and the security headers of every response."""

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.csrf import HEADER, token_matches
from app.db import read_session
from app.i18n import LANGUAGE_COOKIE, negotiate
from app.errors import DATABASE_DOWN, database_unavailable_response
from app.pages.sessions import COOKIE, PageSession
from governance import accounts
from app.templating import translator
from governance.models import Account

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
       "base-uri 'self'; form-action 'self'")
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
OPENAPI_PAGES = ("/docs", "/redoc")
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
                    ("X-Frame-Options", "DENY"))


def _active_account(engine, page_session: PageSession) -> Account | None:  # noqa: ANN001
    with read_session(engine) as session:
        return accounts.web_session_account(session, sid=page_session.sid, account_id=page_session.account_id)


def _api_may_use_cookie(request: Request) -> bool:
    """The JSON API takes the session cookie for reads, and for writes only with the CSRF token in a header."""
    if not request.url.path.startswith("/api/") or request.method in SAFE:
        return True
    return token_matches(request, request.headers.get(HEADER))


class PageMiddleware:
    """Pure ASGI (no task group, no thread hop): the database is asked only when the cookie names an account."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        codec = request.app.state.session_codec
        page_session = codec.read(request.cookies.get(COOKIE))
        request.state.page_session = page_session
        account = None
        if page_session.account_id is not None:
            try:
                account = await run_in_threadpool(_active_account, request.app.state.engine, page_session)
            except DATABASE_DOWN:
                await database_unavailable_response()(scope, receive, send)
                return
        account_id = account.id if account is not None else None
        request.state.account, request.state.page_account_id = account, account_id
        request.state.session_account = account_id if account_id is not None and _api_may_use_cookie(request) else None
        request.state.locale = negotiate(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
        request.state.translate = translator(request.state.locale)[0]
        path = request.url.path
        store = page_session.fresh and not path.startswith("/api/")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if store and not _sets_cookie(headers, COOKIE):
                    _store_cookie(codec, headers, page_session)
                _secure(path, headers)
            await send(message)

        await self.app(scope, receive, send_secured)


def _sets_cookie(headers: MutableHeaders, name: str) -> bool:
    prefix = f"{name}=".encode()
    return any(key == b"set-cookie" and value.startswith(prefix) for key, value in headers.raw)


def _store_cookie(codec, headers: MutableHeaders, page_session: PageSession) -> None:  # noqa: ANN001
    """The session cookie exactly as ``codec.store`` writes it on a response, added to these headers."""
    scratch = Response()
    codec.store(scratch, page_session)
    for key, value in scratch.raw_headers:
        if key == b"set-cookie":
            headers.raw.append((key, value))


def _secure(path: str, headers: MutableHeaders) -> None:
    if not path.startswith(OPENAPI_PAGES):
        headers.setdefault("Content-Security-Policy", CSP)
    for name, value in SECURITY_HEADERS:
        headers.setdefault(name, value)
