"""Sign in and out with a session cookie whose id is replaced at each sign-in and sign-out."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import NowDep, SessionDep
from app.pages.common import FormDep, see_other, text
from app.pages.home import safe_next
from app.ratelimit import TooManyAttempts
from app.templating import render
from governance import accounts
from governance.errors import Unauthorized
from governance.models import Coalition

router = APIRouter(include_in_schema=False)


@router.get("/sign-in", name="sign_in_page")
def sign_in_page(request: Request, next: str = "") -> Response:  # noqa: A002
    return render(request, "auth/sign_in.html", {"values": {"username": "", "next": safe_next(next, "")}, "errors": {}})


@router.post("/sign-in", name="sign_in")
def sign_in(request: Request, form: FormDep, session: SessionDep, now: NowDep) -> Response:
    _ = request.state.translate
    values = {"username": text(form, "username").strip(), "next": safe_next(text(form, "next"), "")}
    password = text(form, "password")
    errors = {}
    if not values["username"]:
        errors["username"] = _("Enter your username.")
    if not password:
        errors["password"] = _("Enter your password.")
    if not errors:
        address = request.client.host if request.client else "unknown"
        try:
            request.app.state.login_limiter.check(username=values["username"], address=address, now=now)
            account = accounts.authenticate(session, username=values["username"], password=password)
        except (Unauthorized, TooManyAttempts) as error:
            status = 429 if isinstance(error, TooManyAttempts) else 401
            message = _("Wrong username or password.") if status == 401 else _("Too many attempts; wait a few minutes.")
            return render(request, "auth/sign_in.html", {"values": values, "errors": {"form": message}},
                          status_code=status)
        coalition = session.get(Coalition, account.coalition_id)
        response = see_other(values["next"] or f"/c/{coalition.slug}/me")
        page_session = request.app.state.session_codec.new(account.id)
        accounts.start_web_session(session, account=account, sid=page_session.sid, now=now)
        request.app.state.session_codec.store(response, page_session)
        return response
    return render(request, "auth/sign_in.html", {"values": values, "errors": errors}, status_code=422)


@router.post("/sign-out", name="sign_out")
def sign_out(request: Request, form: FormDep, session: SessionDep, now: NowDep) -> Response:
    accounts.end_web_session(session, sid=request.state.page_session.sid, now=now)
    response = see_other("/")
    request.app.state.session_codec.store(response, request.app.state.session_codec.new())
    return response
