"""The list of coalitions, a coalition's home page, and the language switch."""

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import select

from app.deps import NowDep, SessionDep
from app.i18n import LANGUAGE_COOKIE, LOCALES
from app.pages.common import CoalitionDep, FormDep, coalition_pages, see_other, text
from app.templating import render
from governance import coalitions, members
from governance.models import Ballot, Proposal

router = APIRouter(include_in_schema=False)
scoped = coalition_pages()


@router.get("/", name="coalitions_page")
def coalitions_page(request: Request, session: SessionDep) -> Response:
    return render(request, "home/coalitions.html", {"coalitions": coalitions.list_coalitions(session, limit=200)})


def safe_next(target: str, fallback: str = "/") -> str:
    """Only a path on this site: never another host (//host or a scheme)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else fallback


@router.post("/language", name="set_language")
def set_language(request: Request, form: FormDep) -> Response:
    locale = text(form, "lang")
    response = see_other(safe_next(text(form, "next")))
    if locale in LOCALES:
        response.set_cookie(LANGUAGE_COOKIE, locale, max_age=int(timedelta(days=365).total_seconds()),
                            httponly=True, samesite="lax", secure=request.app.state.settings.secure_cookies)
    return response


@scoped.get("", name="coalition_home")
def coalition_home(request: Request, coalition: CoalitionDep, session: SessionDep, now: NowDep) -> Response:
    open_ballots = session.exec(select(Ballot, Proposal).join(Proposal).where(
        Ballot.coalition_id == coalition.id, Ballot.status == "open").order_by(Ballot.closes_at)).all()
    recent = session.exec(select(Proposal).where(Proposal.coalition_id == coalition.id, Proposal.state == "closed")
                          .order_by(Proposal.updated_at.desc()).limit(5)).all()
    return render(request, "home/coalition.html", {
        "coalition": coalition, "members": members.list_members(session, coalition=coalition, status="active"),
        "open_ballots": open_ballots, "recent": recent, "now": now,
    })
