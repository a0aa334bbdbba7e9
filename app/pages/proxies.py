"""Proxies: the public page (caps, holdings in force, every proxy) and a representative's forms to grant, accept,
decline and revoke, working without JavaScript (Post/Redirect/Get)."""

from datetime import UTC, datetime, time

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import select

from app.deps import NowDep, SessionDep
from app.pages.common import (CoalitionDep, FormDep, PageAccountDep, SignedInDep, coalition_pages, error_text,
                              see_other, text)
from app.proxy_views import caps_of, proxy_rows
from app.templating import render
from governance import members, proxies
from governance.errors import DomainError, Forbidden, RuleViolation
from governance.models import Member, Proposal
from governance.rules import KINDS

router = coalition_pages()
ACTIONS = {"accept": proxies.accept_proxy, "decline": proxies.decline_proxy, "revoke": proxies.revoke_proxy}


def _own_member(session, account, coalition) -> Member | None:  # noqa: ANN001
    if account is None or account.coalition_id != coalition.id or account.role != "representative":
        return None
    return session.get(Member, account.member_id)


def _page(request: Request, session, coalition, account, *, errors=None, values=None,  # noqa: ANN001
          status: int = 200) -> Response:
    rows = proxy_rows(session, coalition, proxies.list_proxies(session, coalition=coalition))
    own = _own_member(session, account, coalition)
    others = [m for m in members.list_members(session, coalition=coalition, status="active", limit=100_000)
              if own is None or m.id != own.id]
    pending = list(session.exec(select(Proposal).where(Proposal.coalition_id == coalition.id,
                                                      Proposal.state.in_(("draft", "open")))
                                .order_by(Proposal.number)))
    return render(request, "proxies/index.html", {
        "coalition": coalition, "caps": caps_of(session, coalition), "rows": rows, "own": own, "others": others,
        "in_force": [r for r in rows if r["in_force"]], "proposals": pending, "kinds": KINDS,
        "errors": errors or {}, "values": values or {}, "done": request.query_params.get("done")},
        status_code=status)


@router.get("/proxies", name="proxies_page")
def proxies_page(request: Request, coalition: CoalitionDep, session: SessionDep, account: PageAccountDep) -> Response:
    return _page(request, session, coalition, account)


def _scope(form) -> dict:  # noqa: ANN001
    """The one scope the form names: a proposal number, a kind, or a day (the grant runs to its end, UTC)."""
    scope = text(form, "scope")
    if scope == "ballot":
        value = text(form, "proposal")
        if not value.isdigit():
            raise RuleViolation("Choose the proposal whose ballot the proxy is for.")
        return {"proposal": int(value)}
    if scope == "kind":
        return {"kind": text(form, "kind")}
    if scope == "until":
        try:
            day = datetime.strptime(text(form, "until"), "%Y-%m-%d").date()
        except ValueError:
            raise RuleViolation("until: give the last day of the proxy as a date (YYYY-MM-DD).") from None
        return {"until": datetime.combine(day, time.max.replace(microsecond=0), UTC)}
    raise RuleViolation("Choose what the proxy is for: one ballot, a proposal kind, or until a date.")


@router.post("/proxies", name="grant_proxy")
def grant(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
          now: NowDep) -> Response:
    try:
        own = _own_member(session, account, coalition)
        if own is None:
            raise Forbidden("Only a representative of a member grants, answers or revokes proxies.")
        holder = members.get_member(session, coalition=coalition, slug=text(form, "holder"))
        proxies.grant_proxy(session, coalition=coalition, actor=account, grantor=own, holder=holder, now=now,
                            **_scope(form))
    except DomainError as error:
        session.rollback()
        return _page(request, session, coalition, account, errors={"form": error_text(request, error)},
                     values=dict(form), status=error.status_code)
    return see_other(f"/c/{coalition.slug}/proxies?done=granted")


def _acting(action: str):  # noqa: ANN202
    command = ACTIONS[action]

    def act(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
            account: SignedInDep, now: NowDep) -> Response:
        try:
            if account.coalition_id != coalition.id:
                raise Forbidden("Only a representative of a member grants, answers or revokes proxies.")
            command(session, coalition=coalition, actor=account,
                    proxy=proxies.get_proxy(session, coalition=coalition, number=number), now=now)
        except DomainError as error:
            session.rollback()
            return _page(request, session, coalition, account, errors={"form": error_text(request, error)},
                         status=error.status_code)
        return see_other(f"/c/{coalition.slug}/proxies?done={action}")

    act.__name__ = f"{action}_proxy_page"
    return act


for _action in ACTIONS:
    router.post(f"/proxies/{{number}}/{_action}", name=f"{_action}_proxy_page")(_acting(_action))
