"""Per request: the visitor's session and language, and the security headers of every response."""

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

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


def _active_account(engine, page_session: PageSession) -> Account | None:  # noqa: ANN001
    if page_session.account_id is None:
        return None
    with read_session(engine) as session:
        return accounts.web_session_account(session, sid=page_session.sid, account_id=page_session.account_id)


def _api_may_use_cookie(request: Request) -> bool:
    """The JSON API takes the session cookie for reads, and for writes only with the CSRF token in a header."""
    if not request.url.path.startswith("/api/") or request.method in SAFE:
        return True
    return token_matches(request, request.headers.get(HEADER))


class PageMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        codec = request.app.state.session_codec
        page_session = codec.read(request.cookies.get(COOKIE))
        request.state.page_session = page_session
        try:
            account = await run_in_threadpool(_active_account, request.app.state.engine, page_session)
        except DATABASE_DOWN:
            return database_unavailable_response()
        account_id = account.id if account is not None else None
        request.state.account, request.state.page_account_id = account, account_id
        request.state.session_account = account_id if _api_may_use_cookie(request) else None
        request.state.locale = negotiate(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
        request.state.translate = translator(request.state.locale)[0]
        response = await call_next(request)
        if page_session.fresh and not _sets_cookie(response, COOKIE) and not request.url.path.startswith("/api/"):
            codec.store(response, page_session)
        _secure(request, response)
        return response


def _sets_cookie(response: Response, name: str) -> bool:
    prefix = f"{name}=".encode()
    return any(key == b"set-cookie" and value.startswith(prefix) for key, value in response.raw_headers)


def _secure(request: Request, response: Response) -> None:
    headers = response.headers
    if not request.url.path.startswith(OPENAPI_PAGES):
        headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
