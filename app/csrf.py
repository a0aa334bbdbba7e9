"""CSRF protection: every form carries a token derived from the visitor's session id (a synchronizer token)."""

import hashlib
import hmac

from fastapi import Request
from starlette.datastructures import FormData

from app.exactjson import check_form

FIELD = "csrf_token"
HEADER = "x-csrf-token"


class CsrfRefused(Exception):
    """A form arrived without the token of the visitor's current session."""


def csrf_token(secret: str, sid: str) -> str:
    """The token every form of session ``sid`` must send back."""
    return hmac.new(secret.encode(), f"csrf:{sid}".encode(), hashlib.sha256).hexdigest()


def token_matches(request: Request, sent: str | None) -> bool:
    expected = csrf_token(request.app.state.session_codec.secret, request.state.page_session.sid)
    return bool(sent) and hmac.compare_digest(expected, str(sent))


async def verified_form(request: Request) -> FormData:
    """The posted form, once its CSRF token has been checked against the session."""
    form = await request.form()
    sent = form.get(FIELD) or request.headers.get(HEADER)
    if request.state.page_session.fresh or not token_matches(request, sent):
        raise CsrfRefused()
    check_form(form.multi_items())
    return form
