"""Amending a draft from its page: the amendment form, the author's decision, the ballot on a declined amendment,
and the versions of the text side by side."""

from datetime import UTC, datetime

from fastapi import Request
from fastapi.responses import Response

from app.deliberation_views import diff_of
from app.deps import NowDep, SessionDep
from app.pages.common import (CoalitionDep, FormDep, PageAccountDep, SignedInDep, coalition_pages, error_text,
                              field_of, see_other, text)
from app.pages.proposals import detail_context
from app.templating import render
from governance import amendment_ballots, amendments, ballots, proposals, versions
from governance.errors import DomainError, RuleViolation

router = coalition_pages()
FIELDS = ("title", "body", "options", "option")


def _amend_form(request: Request, coalition, proposal, values: dict, errors: dict,  # noqa: ANN001
                status: int = 200) -> Response:
    return render(request, "proposals/amend.html", {"coalition": coalition, "proposal": proposal, "values": values,
                                                    "errors": errors}, status_code=status)


@router.get("/proposals/{number}/amend", name="amend_page")
def amend_page(request: Request, number: int, coalition: CoalitionDep, session: SessionDep,
               account: SignedInDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    values = {"title": proposal.title, "body": proposal.body, "options": "\n".join(proposal.options)}
    return _amend_form(request, coalition, proposal, values, {})


@router.post("/proposals/{number}/amend", name="amend")
def amend(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
          account: SignedInDep, now: NowDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    values = {key: text(form, key) for key in ("title", "body", "options")}
    options = [line.strip() for line in values["options"].splitlines() if line.strip()]
    try:
        request.app.state.post_limiter.check(key=account.username, now=now)
        amendment = amendments.propose_amendment(session, coalition=coalition, actor=account, proposal=proposal,
                                                 title=values["title"], body=values["body"], options=options, now=now)
    except DomainError as error:
        session.rollback()
        field = {"option": "options"}.get(field_of(error, FIELDS), field_of(error, FIELDS))
        return _amend_form(request, coalition, proposal, values, {field: error_text(request, error)},
                           error.status_code)
    return see_other(f"/c/{coalition.slug}/proposals/{number}#amendment-{amendment.number}")


def _refused(request: Request, session, coalition, proposal, account, now,  # noqa: ANN001
             error: DomainError) -> Response:
    session.rollback()
    context = detail_context(request, session, coalition, proposal, account, now,
                             amendment_errors={"form": error_text(request, error)})
    return render(request, "proposals/detail.html", context, status_code=error.status_code)


@router.post("/proposals/{number}/amendments/{amendment}", name="decide_amendment")
def decide_amendment(request: Request, number: int, amendment: int, form: FormDep, coalition: CoalitionDep,
                     session: SessionDep, account: SignedInDep, now: NowDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    row = amendments.get_amendment(session, proposal=proposal, number=amendment)
    decide = amendments.accept_amendment if text(form, "decision") == "accept" else amendments.decline_amendment
    try:
        decide(session, coalition=coalition, actor=account, proposal=proposal, amendment=row, now=now)
    except DomainError as error:
        return _refused(request, session, coalition, proposal, account, now, error)
    return see_other(f"/c/{coalition.slug}/proposals/{number}#amendment-{amendment}")


@router.post("/proposals/{number}/amendments/{amendment}/ballot", name="ballot_on_amendment")
def ballot_on_amendment(request: Request, number: int, amendment: int, form: FormDep, coalition: CoalitionDep,
                        session: SessionDep, account: SignedInDep, now: NowDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    row = amendments.get_amendment(session, proposal=proposal, number=amendment)
    try:
        closes_at = closing_time(text(form, "closes_at"))
        decision = amendment_ballots.put_to_ballot(session, coalition=coalition, actor=account, proposal=proposal,
                                                   amendment=row, closes_at=closes_at, now=now)
    except DomainError as error:
        return _refused(request, session, coalition, proposal, account, now, error)
    return see_other(f"/c/{coalition.slug}/proposals/{decision.number}")


def closing_time(value: str) -> datetime:
    """A closing time from a ``datetime-local`` field, read as UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise RuleViolation("Give the closing date and time, for example 2026-05-01T18:00.") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@router.get("/proposals/{number}/versions", name="versions_page")
def versions_page(request: Request, number: int, coalition: CoalitionDep, session: SessionDep,
                  account: PageAccountDep, a: int = 0, b: int = 0) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    rows = versions.list_versions(session, proposal) or [versions.get_version(session, proposal, proposal.version)]
    by_version = {row.version: row for row in rows}
    right = by_version.get(b) or rows[-1]
    left = by_version.get(a) or (rows[-2] if len(rows) > 1 else rows[-1])
    texts = [{"title": row.title, "body": row.body, "options": list(row.options)} for row in (left, right)]
    return render(request, "proposals/versions.html", {
        "coalition": coalition, "proposal": proposal, "rows": rows, "left": left, "right": right,
        "changes": diff_of(*texts), "ballot": ballots.find_ballot(session, proposal)})
