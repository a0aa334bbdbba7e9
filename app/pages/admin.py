"""The secretariat's pages: members and weights, accounts, opening and closing ballots."""

from datetime import UTC, datetime

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import select

from app.budget import budgeted_power
from app.deps import NowDep, SessionDep
from app.pages.common import (AdminDep, CoalitionDep, FormDep, coalition_pages, error_text,
                              field_of, see_other, text)
from app.pages.proposals import detail_context
from app.templating import render
from governance import accounts, ballots, charter, coalitions, members, proposals
from governance.errors import DomainError, RuleViolation
from governance.models import Account, Member

router = coalition_pages()
MEMBER_FIELDS = ("name", "weight", "basis", "country", "reason")
ACCOUNT_FIELDS = ("username", "password", "display_name", "member", "role")


def _members_page(request: Request, session, coalition, *, values=None, errors=None, status=200) -> Response:  # noqa: ANN001
    return render(request, "admin/members.html", {
        "coalition": coalition, "members": members.list_members(session, coalition=coalition, limit=1000),
        "values": values or {}, "errors": errors or {}, "constituted": charter.is_constituted(session, coalition)},
        status_code=status)


@router.get("/admin", name="admin_members")
def admin_members(request: Request, coalition: CoalitionDep, session: SessionDep, admin: AdminDep) -> Response:
    return _members_page(request, session, coalition)


def _refused(request: Request, session, coalition, form_id: str, values: dict, error: DomainError,  # noqa: ANN001
             fields: tuple[str, ...]) -> Response:
    session.rollback()
    errors = {form_id: {field_of(error, fields): error_text(request, error)}}
    return _members_page(request, session, coalition, values={form_id: values}, errors=errors, status=422)


def _required(request: Request, values: dict, names: tuple[str, ...]) -> dict[str, str]:
    message = request.state.translate("This field is required.")
    return {name: message for name in names if not values.get(name, "").strip()}


@router.post("/admin/members", name="admit_member")
def admit_member(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep, admin: AdminDep,
                 now: NowDep) -> Response:
    values = {name: text(form, name) for name in MEMBER_FIELDS}
    missing = _required(request, values, ("name", "weight", "reason"))
    if missing:
        return _members_page(request, session, coalition, values={"admit": values}, errors={"admit": missing},
                             status=422)
    try:
        members.admit_member(session, coalition=coalition, actor=admin.username, name=values["name"],
                             weight=values["weight"].strip(), basis=values["basis"], country=values["country"],
                             reason=values["reason"], now=now)
    except DomainError as error:
        return _refused(request, session, coalition, "admit", values, error, MEMBER_FIELDS)
    return see_other(f"/c/{coalition.slug}/admin#members")


@router.post("/admin/members/{member}/status", name="change_member_status")
def change_member_status(request: Request, member: str, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                         admin: AdminDep) -> Response:
    row = members.get_member(session, coalition=coalition, slug=member)
    values = {"reason": text(form, "reason"), "action": text(form, "action")}
    missing = _required(request, values, ("reason",))
    if missing:
        return _members_page(request, session, coalition, values={f"status-{member}": values},
                             errors={f"status-{member}": missing}, status=422)
    try:
        members.change_status(session, coalition=coalition, actor=admin.username, member=row,
                              action=values["action"], reason=values["reason"])
    except DomainError as error:
        return _refused(request, session, coalition, f"status-{member}", values, error, ("reason",))
    return see_other(f"/c/{coalition.slug}/admin#member-{member}")


@router.post("/admin/members/{member}/weight", name="change_member_weight")
def change_member_weight(request: Request, member: str, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                         admin: AdminDep, now: NowDep) -> Response:
    row = members.get_member(session, coalition=coalition, slug=member)
    values = {name: text(form, name) for name in ("weight", "basis", "reason")}
    missing = _required(request, values, ("weight", "reason"))
    if missing:
        return _members_page(request, session, coalition, values={f"weight-{member}": values},
                             errors={f"weight-{member}": missing}, status=422)
    try:
        members.change_weight(session, coalition=coalition, actor=admin.username, member=row,
                              weight=values["weight"].strip(), basis=values["basis"], reason=values["reason"], now=now)
    except DomainError as error:
        return _refused(request, session, coalition, f"weight-{member}", values, error, ("weight", "basis", "reason"))
    return see_other(f"/c/{coalition.slug}/admin#member-{member}")


def _accounts_page(request: Request, session, coalition, *, values=None, errors=None, status=200) -> Response:  # noqa: ANN001
    rows = session.exec(select(Account, Member).outerjoin(Member, Account.member_id == Member.id)
                        .where(Account.coalition_id == coalition.id).order_by(Account.username)).all()
    return render(request, "admin/accounts.html", {
        "coalition": coalition, "accounts": rows, "values": values or {"role": "representative"},
        "errors": errors or {}, "members": members.list_members(session, coalition=coalition, status="active",
                                                              limit=1000)}, status_code=status)


@router.get("/admin/accounts", name="admin_accounts")
def admin_accounts(request: Request, coalition: CoalitionDep, session: SessionDep, admin: AdminDep) -> Response:
    return _accounts_page(request, session, coalition)


@router.post("/admin/accounts", name="create_account")
def create_account(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep, admin: AdminDep,
                   now: NowDep) -> Response:
    values = {name: text(form, name) for name in ACCOUNT_FIELDS}
    errors = _required(request, values, ("username", "password"))
    if values["role"] == "representative" and not values["member"]:
        errors["member"] = request.state.translate("Choose the organization this person represents.")
    if errors:
        return _accounts_page(request, session, coalition, values=values, errors=errors, status=422)
    try:
        member = (members.get_member(session, coalition=coalition, slug=values["member"])
                  if values["role"] == "representative" else None)
        accounts.create_account(session, coalition=coalition, actor=admin.username, username=values["username"],
                                password=values["password"], role=values["role"], member=member,
                                display_name=values["display_name"], now=now)
    except DomainError as error:
        session.rollback()
        values["password"] = ""
        return _accounts_page(request, session, coalition, values=values, status=422,
                              errors={field_of(error, ACCOUNT_FIELDS): error_text(request, error)})
    return see_other(f"/c/{coalition.slug}/admin/accounts")


@router.post("/admin/accounts/{username}/revoke", name="revoke_account")
def revoke_account(username: str, form: FormDep, coalition: CoalitionDep, session: SessionDep, admin: AdminDep,
                   now: NowDep) -> Response:
    target = accounts.get_account(session, coalition=coalition, username=username)
    accounts.revoke_account(session, coalition=coalition, actor=admin, account=target, now=now)
    return see_other(f"/c/{coalition.slug}/admin/accounts")


def _closing_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@router.post("/proposals/{number}/ballot", name="open_ballot")
def open_ballot(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                admin: AdminDep, now: NowDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    values = {name: text(form, name) for name in ("closes_at", "counting", "method", "live_results")}
    closes_at = _closing_time(values["closes_at"])
    rule = dict(coalitions.get_rules(session, coalition)[proposal.kind])
    for field in ("counting", "method"):
        if values[field]:
            rule[field] = values[field]
    try:
        if closes_at is None:
            raise RuleViolation("Give the closing date and time.")
        ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, closes_at=closes_at,
                            now=now, rule=rule, live_results=values["live_results"] == "on",
                            power_of=budgeted_power(request))
    except DomainError as error:
        session.rollback()
        field = "closes_at" if closes_at is None or "closes_at" in error.message or "open for" in error.message else "form"
        context = detail_context(request, session, coalition, proposal, admin, now, open_values=values,
                                 open_errors={field: error_text(request, error)})
        return render(request, "proposals/detail.html", context, status_code=422 if field == "closes_at" else error.status_code)
    return see_other(f"/c/{coalition.slug}/proposals/{number}")


@router.post("/proposals/{number}/close", name="close_ballot")
def close_ballot(number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep, admin: AdminDep,
                 now: NowDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    ballots.close_ballot(session, coalition=coalition, proposal=proposal, now=now, actor=admin)
    return see_other(f"/c/{coalition.slug}/proposals/{number}#result")
