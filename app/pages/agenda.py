"""The members' agenda pages: rounds, submitting topics, the vote that orders them, a topic made a draft."""

from fastapi import Request
from fastapi.responses import Response

from app.deliberation_views import round_public
from app.deps import NowDep, SessionDep
from app.pages.amendments import closing_time
from app.pages.common import (CoalitionDep, FormDep, PageAccountDep, SignedInDep, coalition_pages, error_text,
                              see_other, text)
from app.pages.proposal_parts import speaking_member
from app.templating import render
from governance import agenda
from governance.errors import DomainError
from governance.models import Account, Coalition

router = coalition_pages()


def _roles(session, account: Account | None, coalition: Coalition) -> dict:  # noqa: ANN001
    is_admin = account is not None and account.role == "admin" and account.coalition_id == coalition.id
    return {"is_admin": is_admin,
            "can_submit": is_admin or speaking_member(session, account, coalition) is not None,
            "is_member": account is not None and account.coalition_id == coalition.id}


def _index(request: Request, session, coalition: Coalition, account, values=None, errors=None,  # noqa: ANN001
           status: int = 200) -> Response:
    rounds = [round_public(session, row) for row in agenda.list_rounds(session, coalition=coalition)]
    return render(request, "agenda/index.html", {
        "coalition": coalition, "rounds": rounds, "methods": agenda.AGENDA_METHODS, "values": values or {},
        "errors": errors or {}, **_roles(session, account, coalition)}, status_code=status)


@router.get("/agenda", name="agenda_page")
def agenda_page(request: Request, coalition: CoalitionDep, session: SessionDep, account: PageAccountDep) -> Response:
    return _index(request, session, coalition, account)


@router.post("/agenda", name="open_agenda_round")
def open_round(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
               now: NowDep) -> Response:
    values = {"title": text(form, "title"), "method": text(form, "method")}
    try:
        row = agenda.open_round(session, coalition=coalition, actor=account, title=values["title"],
                                method=values["method"], now=now)
    except DomainError as error:
        session.rollback()
        return _index(request, session, coalition, account, values, {"form": error_text(request, error)},
                      error.status_code)
    return see_other(f"/c/{coalition.slug}/agenda/{row.number}")


def _round(request: Request, session, coalition: Coalition, account, number: int,  # noqa: ANN001
           values=None, errors=None, status: int = 200) -> Response:  # noqa: ANN001
    row = agenda.get_round(session, coalition=coalition, number=number)
    return render(request, "agenda/round.html", {
        "coalition": coalition, "round": round_public(session, row), "values": values or {}, "errors": errors or {},
        **_roles(session, account, coalition)}, status_code=status)


@router.get("/agenda/{number}", name="agenda_round_page")
def round_page(request: Request, number: int, coalition: CoalitionDep, session: SessionDep,
               account: PageAccountDep) -> Response:
    return _round(request, session, coalition, account, number)


@router.post("/agenda/{number}/topics", name="submit_topic")
def submit_topic(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                 account: SignedInDep, now: NowDep) -> Response:
    row = agenda.get_round(session, coalition=coalition, number=number)
    values = {"title": text(form, "title"), "body": text(form, "body")}
    try:
        agenda.submit_topic(session, coalition=coalition, actor=account, agenda_round=row, title=values["title"],
                            body=values["body"], now=now)
    except DomainError as error:
        session.rollback()
        return _round(request, session, coalition, account, number, values, {"topic": error_text(request, error)},
                      error.status_code)
    return see_other(f"/c/{coalition.slug}/agenda/{number}#topics")


@router.post("/agenda/{number}/ballot", name="start_agenda_vote")
def start_vote(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
               account: SignedInDep, now: NowDep) -> Response:
    row = agenda.get_round(session, coalition=coalition, number=number)
    try:
        choice = agenda.start_vote(session, coalition=coalition, actor=account, agenda_round=row,
                                   closes_at=closing_time(text(form, "closes_at")), now=now)
    except DomainError as error:
        session.rollback()
        return _round(request, session, coalition, account, number, {}, {"vote": error_text(request, error)},
                      error.status_code)
    return see_other(f"/c/{coalition.slug}/proposals/{choice.number}#vote")


@router.post("/agenda/{number}/topics/{topic}/proposal", name="topic_to_proposal")
def topic_to_proposal(request: Request, number: int, topic: int, form: FormDep, coalition: CoalitionDep,
                      session: SessionDep, account: SignedInDep, now: NowDep) -> Response:
    row = agenda.get_round(session, coalition=coalition, number=number)
    found = agenda.get_topic(session, agenda_round=row, number=topic)
    try:
        proposal = agenda.topic_to_proposal(session, coalition=coalition, actor=account, agenda_round=row,
                                            topic=found, now=now)
    except DomainError as error:
        session.rollback()
        return _round(request, session, coalition, account, number, {}, {"topics": error_text(request, error)},
                      error.status_code)
    return see_other(f"/c/{coalition.slug}/proposals/{proposal.number}")
