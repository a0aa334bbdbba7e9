"""Member organizations and the public weights register."""

from fractions import Fraction

from fastapi import Query, status
from sqlmodel import func, select

from app.api.common import Limit, Offset, coalition_router
from app.api.schemas import (MemberCreate, MemberList, MemberPublic, Page, StatusChange, WeightChangePublic,
                             WeightHistory, WeightUpdate)
from app.deps import CurrentAccountDep, NowDep, SessionDep, require_admin
from governance import coalitions, emergency, members
from governance.models import Member, WeightChange
from voting.exact import format_exact

router = coalition_router("members")


def active_total(session, coalition) -> Fraction:  # noqa: ANN001
    rows = members.list_members(session, coalition=coalition, status="active", limit=100_000)
    return sum((m.weight_value for m in rows), Fraction(0))


def public(member: Member, total: Fraction) -> MemberPublic:
    share = format_exact(member.weight_value / total) if total and member.status == "active" else None
    return MemberPublic(slug=member.slug, name=member.name, country=member.country, status=member.status,
                        weight=member.weight, weight_basis=member.weight_basis, weight_share=share,
                        admitted_at=member.admitted_at)


@router.get("/members", response_model=MemberList)
def list_members(slug: str, session: SessionDep, offset: Offset = 0, limit: Limit = 100,
                 status_filter: str | None = Query(None, alias="status", pattern="^(active|suspended|left|expelled)$")) -> MemberList:
    """Members with their weights and their share of the active members' total weight."""
    coalition = coalitions.get_coalition(session, slug)
    rows = members.list_members(session, coalition=coalition, status=status_filter, offset=offset, limit=limit)
    total = active_total(session, coalition)
    count = members.count_members(session, coalition=coalition, status=status_filter)
    return MemberList(items=[public(m, total) for m in rows], total_weight=format_exact(total),
                      page=Page(offset=offset, limit=limit, total=count))


@router.post("/members", status_code=status.HTTP_201_CREATED, response_model=MemberPublic)
def admit_member(slug: str, body: MemberCreate, session: SessionDep, account: CurrentAccountDep,
                 now: NowDep) -> MemberPublic:
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    member = members.admit_member(session, coalition=coalition, actor=account.username, name=body.name,
                                  weight=body.weight, basis=body.basis, country=body.country, slug=body.slug,
                                  reason=body.reason, now=now)
    return public(member, active_total(session, coalition))


@router.get("/members/{member}", response_model=MemberPublic)
def read_member(slug: str, member: str, session: SessionDep) -> MemberPublic:
    coalition = coalitions.get_coalition(session, slug)
    return public(members.get_member(session, coalition=coalition, slug=member), active_total(session, coalition))


def _status(action: str):  # noqa: ANN202
    def change(slug: str, member: str, body: StatusChange, session: SessionDep, account: CurrentAccountDep,
               now: NowDep) -> MemberPublic:
        coalition = coalitions.get_coalition(session, slug)
        require_admin(account, coalition)
        row = members.get_member(session, coalition=coalition, slug=member)
        if action == "suspend" and emergency.allowed(session, coalition):
            emergency.suspend_now(session, coalition=coalition, actor=account, member=row, reason=body.reason,
                                  now=now)
            session.refresh(row)
        else:
            members.change_status(session, coalition=coalition, actor=account.username, member=row, action=action,
                                  reason=body.reason)
        return public(row, active_total(session, coalition))

    change.__name__ = f"{action}_member"
    change.__doc__ = {"suspend": "Suspend an active member (admins): in set-up, or in an emergency where the charter "
                                 "allows it, which opens a ballot on readmitting the member at once.", "readmit": "Readmit a suspended member (admins).",
                      "leave": "Record that a member has left (admins)."}[action]
    return change


for _action in ("suspend", "readmit", "leave"):
    router.post(f"/members/{{member}}/{_action}", response_model=MemberPublic)(_status(_action))


@router.put("/members/{member}/weight", response_model=WeightChangePublic)
def change_weight(slug: str, member: str, body: WeightUpdate, session: SessionDep, account: CurrentAccountDep,
                  now: NowDep) -> WeightChangePublic:
    """Set a member's weight, with its basis and the reason; open ballots keep their frozen weights."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    row = members.get_member(session, coalition=coalition, slug=member)
    change = members.change_weight(session, coalition=coalition, actor=account.username, member=row,
                                   weight=body.weight, basis=body.basis, reason=body.reason, now=now)
    return history_row(change, row)


def history_row(change: WeightChange, member: Member) -> WeightChangePublic:
    return WeightChangePublic(member=member.slug, member_name=member.name, old_weight=change.old_weight,
                              new_weight=change.new_weight, basis=change.basis, reason=change.reason,
                              actor=change.actor, changed_at=change.changed_at, log_index=change.log_idx)


@router.get("/weights", response_model=WeightHistory)
def weights_register(slug: str, session: SessionDep, offset: Offset = 0, limit: Limit = 100,
                     member: str | None = None) -> WeightHistory:
    """The public weights register: who had which weight when, and why it changed."""
    coalition = coalitions.get_coalition(session, slug)
    row = members.get_member(session, coalition=coalition, slug=member) if member else None
    items = members.weight_history(session, coalition=coalition, member=row, offset=offset, limit=limit)
    query = select(func.count()).select_from(WeightChange).where(WeightChange.coalition_id == coalition.id)
    if row is not None:
        query = query.where(WeightChange.member_id == row.id)
    return WeightHistory(items=[history_row(c, m) for c, m in items],
                         page=Page(offset=offset, limit=limit, total=session.exec(query).one()))
