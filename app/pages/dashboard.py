"""A signed-in person's page: ballots waiting for their organization, its voting history, its member keys, their API
tokens."""

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import select

from app.deps import NowDep, SessionDep
from app.pages.common import CoalitionDep, FormDep, SignedInDep, coalition_pages, error_text, see_other, text
from app.templating import render
from governance import accounts, keys
from governance.clock import as_utc
from governance.errors import DomainError, Forbidden
from governance.models import Ballot, Member, Proposal, Vote

router = coalition_pages()


def _ballots(session, coalition, member: Member | None, now) -> tuple[list, list, list]:  # noqa: ANN001
    if member is None:
        return [], [], []
    rows = session.exec(select(Ballot, Proposal).join(Proposal).where(Ballot.coalition_id == coalition.id)
                        .order_by(Ballot.closes_at.desc())).all()
    votes = {vote.ballot_id: vote for vote in session.exec(select(Vote).where(Vote.member_id == member.id))}
    waiting, voted, history = [], [], []
    for ballot, proposal in rows:
        eligible = member.slug in {row["member"] for row in ballot.eligible}
        is_open = ballot.status == "open" and as_utc(ballot.closes_at) > now
        if is_open and eligible:
            (voted if ballot.id in votes else waiting).append((ballot, proposal, votes.get(ballot.id)))
        elif not is_open and eligible:
            history.append((ballot, proposal, votes.get(ballot.id)))
    return sorted(waiting, key=lambda row: as_utc(row[0].closes_at)), voted, history


def _page(request: Request, session, coalition, account, now, *, new_token: str | None = None,  # noqa: ANN001
          errors: dict | None = None, status: int = 200, key_values: dict | None = None) -> Response:
    if account.coalition_id != coalition.id:
        raise Forbidden("Your account belongs to another coalition, not %(coalition)s.", coalition=coalition.name)
    member = session.get(Member, account.member_id) if account.member_id else None
    waiting, voted, history = _ballots(session, coalition, member, now)
    return render(request, "dashboard/index.html", {
        "coalition": coalition, "member": member, "waiting": waiting, "voted": voted, "history": history,
        "tokens": accounts.list_tokens(session, account=account), "new_token": new_token, "errors": errors or {},
        "member_keys": keys.list_keys(session, coalition=coalition, member=member) if member else [],
        "key_values": key_values or {},
    }, status_code=status)


@router.get("/me", name="dashboard")
def dashboard(request: Request, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
              now: NowDep) -> Response:
    return _page(request, session, coalition, account, now)


@router.post("/me/tokens", name="issue_token")
def issue_token(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
                now: NowDep) -> Response:
    name = text(form, "name").strip()
    if not name:
        return _page(request, session, coalition, account, now, status=422,
                     errors={"name": request.state.translate("Give the token a name.")})
    try:
        _, secret = accounts.issue_token(session, account=account, name=name, now=now)
    except DomainError as error:
        session.rollback()
        return _page(request, session, coalition, account, now, status=422, errors={"name": error_text(request, error)})
    session.commit()
    return _page(request, session, coalition, account, now, new_token=secret)


@router.post("/me/tokens/{token_id}/revoke", name="revoke_token")
def revoke_token(token_id: int, form: FormDep, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
                 now: NowDep) -> Response:
    accounts.revoke_token(session, account=account, token_id=token_id, now=now)
    return see_other(f"/c/{coalition.slug}/me#tokens")


@router.post("/me/keys", name="register_key")
def register_key(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
                 now: NowDep) -> Response:
    """Register a member key whose public half the form carries (made in this browser or by ``concord keys new``)."""
    values = {"label": text(form, "label").strip(), "public_key": text(form, "public_key").strip()}
    member = session.get(Member, account.member_id) if account.member_id else None
    try:
        if member is None:
            raise Forbidden("Only a representative of a member can register member keys.")
        keys.register_key(session, coalition=coalition, actor=account, member=member, public_key=values["public_key"],
                          label=values["label"] or request.state.translate("my key"), now=now)
    except DomainError as error:
        session.rollback()
        return _page(request, session, coalition, account, now, status=error.status_code, key_values=values,
                     errors={"public_key": error_text(request, error)})
    return see_other(f"/c/{coalition.slug}/me#keys")


@router.post("/me/keys/{key_id}/revoke", name="revoke_key")
def revoke_key(key_id: str, form: FormDep, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
               now: NowDep) -> Response:
    member = session.get(Member, account.member_id) if account.member_id else None
    if member is None:
        raise Forbidden("Only a representative of a member can revoke member keys.")
    keys.revoke_key(session, coalition=coalition, actor=account, member=member, key_id=key_id, now=now)
    return see_other(f"/c/{coalition.slug}/me#keys")
