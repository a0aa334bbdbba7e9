"""Applying to join: a public form (no account; rate-limited; a honeypot field), a private status link, and the
page where the secretariat (or the members, as the charter says) proposes an admission or declines with a reason."""

from fastapi import Request
from fastapi.responses import Response

from app.deps import NowDep, SessionDep, client_address
from app.pages.common import (CoalitionDep, FormDep, SignedInDep, coalition_pages, error_text, field_of, see_other,
                              text)
from app.templating import render
from governance import applications, proposals
from governance.errors import DomainError, NotFound

router = coalition_pages()
FIELDS = ("name", "country", "statement", "contact")
HONEYPOT = "website"  # hidden from people; a bot that fills every field fills it


def _apply_form(request: Request, coalition, values: dict, errors: dict, status: int = 200) -> Response:  # noqa: ANN001
    return render(request, "applications/apply.html", {"coalition": coalition, "values": values, "errors": errors},
                  status_code=status)


@router.get("/apply", name="apply_page")
def apply_page(request: Request, coalition: CoalitionDep) -> Response:
    return _apply_form(request, coalition, dict.fromkeys(FIELDS, ""), {})


@router.post("/apply", name="apply")
def apply(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep, now: NowDep) -> Response:
    values = {key: text(form, key) for key in FIELDS}
    if text(form, HONEYPOT).strip():
        return see_other(f"/c/{coalition.slug}/apply/received")  # a bot: thanked, nothing stored
    try:
        request.app.state.application_limiter.check(key=client_address(request), now=now)
        _, token = applications.submit_application(session, coalition=coalition, now=now, **values)
    except DomainError as error:
        session.rollback()
        status = error.status_code if error.status_code == 429 else 422
        return _apply_form(request, coalition, values, {field_of(error, FIELDS): error_text(request, error)}, status)
    return see_other(f"/c/{coalition.slug}/applications/{token}")


@router.get("/apply/received", name="application_received")
def application_received(request: Request, coalition: CoalitionDep) -> Response:
    return render(request, "applications/status.html", {"coalition": coalition, "application": None, "proposal": None})


@router.get("/applications/{token}", name="application_status")
def application_status(request: Request, token: str, coalition: CoalitionDep, session: SessionDep) -> Response:
    application = applications.find_by_token(session, coalition=coalition, token=token)
    if application is None:
        raise NotFound("There is no such application; check the link you were given.")
    proposal = (proposals.get_proposal(session, coalition=coalition, number=application.proposal_number)
                if application.proposal_number else None)
    response = render(request, "applications/status.html",
                      {"coalition": coalition, "application": application, "proposal": proposal})
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _list(request: Request, session, coalition, errors: dict | None = None, status: int = 200) -> Response:  # noqa: ANN001
    return render(request, "applications/list.html", {
        "coalition": coalition, "received": applications.list_applications(session, coalition=coalition,
                                                                           status="received"),
        "decided": [a for a in applications.list_applications(session, coalition=coalition) if a.status != "received"],
        "errors": errors or {}}, status_code=status)


@router.get("/applications", name="applications_page")
def applications_page(request: Request, coalition: CoalitionDep, session: SessionDep, account: SignedInDep) -> Response:
    applications.check_reader(session, coalition=coalition, actor=account)
    return _list(request, session, coalition)


@router.post("/applications/{application_id}/decide", name="decide_application")
def decide_application(request: Request, application_id: int, form: FormDep, coalition: CoalitionDep,
                       session: SessionDep, account: SignedInDep, now: NowDep) -> Response:
    application = applications.get_application(session, coalition=coalition, application_id=application_id)
    try:
        if text(form, "decision") == "propose":
            proposal = applications.propose_admission(session, coalition=coalition, actor=account,
                                                      application=application, weight=text(form, "weight").strip(),
                                                      basis=text(form, "basis"), now=now)
            return see_other(f"/c/{coalition.slug}/proposals/{proposal.number}")
        applications.decline_application(session, coalition=coalition, actor=account, application=application,
                                         reason=text(form, "reason"), now=now)
    except DomainError as error:
        session.rollback()
        return _list(request, session, coalition, {application_id: error_text(request, error)}, 422)
    return see_other(f"/c/{coalition.slug}/applications")
