"""Member organizations: admission, status changes and the public weights register."""

from datetime import datetime
from fractions import Fraction

from sqlmodel import Session, func, select

from governance import charter
from governance.errors import Conflict, NotFound, RuleViolation
from governance.log import store
from governance.models import Coalition, Member, WeightChange
from governance.text import check_number_size, check_slug, clean_text, slugify
from voting.exact import ExactNumberError, format_exact, parse_exact

__all__ = [
    "admit_member", "change_status", "change_weight", "count_members", "find_member", "get_member", "list_members",
    "parse_weight", "weight_history",
]

STATUS_EVENTS = {"suspend": ("active", "suspended", "member.suspended"),
                 "readmit": ("suspended", "active", "member.readmitted"),
                 "leave": (None, "left", "member.left")}
MAX_WEIGHT_DIGITS = 30


def parse_weight(value: object) -> Fraction:
    """An exact non-negative weight: an integer or a decimal, given as a JSON integer or a string."""
    check_number_size(value, field="weight")
    try:
        weight = parse_exact(value)
    except ExactNumberError as error:
        raise RuleViolation("weight: %(problem)s.", problem=error) from None
    if isinstance(value, str) and "/" in value:
        raise RuleViolation("weight must be an integer or a decimal such as 12.5, not a fraction.")
    if weight < 0:
        raise RuleViolation("weight must not be negative; got %(weight)s.", weight=format_exact(weight))
    if len(format_exact(weight)) > MAX_WEIGHT_DIGITS:
        raise RuleViolation("weight has more than %(digits)s digits.", digits=MAX_WEIGHT_DIGITS)
    return weight


def find_member(session: Session, *, coalition: Coalition, slug: str) -> Member | None:
    return session.exec(select(Member).where(Member.coalition_id == coalition.id, Member.slug == slug)).first()


def get_member(session: Session, *, coalition: Coalition, slug: str) -> Member:
    member = find_member(session, coalition=coalition, slug=slug)
    if member is None:
        raise NotFound("%(coalition)s has no member %(slug)s.", coalition=coalition.name, slug=repr(slug))
    return member


def _member_filter(coalition: Coalition, status: str | None) -> list:
    return [Member.coalition_id == coalition.id] + ([Member.status == status] if status else [])


def list_members(session: Session, *, coalition: Coalition, status: str | None = None,
                 offset: int = 0, limit: int = 100) -> list[Member]:
    query = select(Member).where(*_member_filter(coalition, status))
    return list(session.exec(query.order_by(Member.name, Member.id).offset(offset).limit(limit)))


def count_members(session: Session, *, coalition: Coalition, status: str | None = None) -> int:
    """How many members ``list_members`` would page through with the same filter."""
    return session.exec(select(func.count()).select_from(Member).where(*_member_filter(coalition, status))).one()


def _free_slug(session: Session, coalition: Coalition, name: str) -> str:
    count = session.exec(select(func.count()).select_from(Member).where(Member.coalition_id == coalition.id)).one()
    base = slugify(name, fallback=f"member-{count + 1}")
    slug, n = base, 2
    while find_member(session, coalition=coalition, slug=slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def admit_member(
    session: Session, *, coalition: Coalition, actor: str, name: str, weight: object, basis: str = "",
    country: str = "", slug: str | None = None, reason: str = "admitted", now: datetime, proposal: int | None = None,
) -> Member:
    """Stage a new active member, its first line in the weights register and ``member.admitted`` (in set-up, or a
    passed admission of a coalition in set-up; an adopted charter admits members only by its own versions)."""
    store.lock_head(session, coalition)
    charter.refuse_direct_write(session, coalition, "admission")
    name = clean_text(name, field="name", max_length=200)
    exact = parse_weight(weight)
    basis = clean_text(basis, field="basis", max_length=200, required=False)
    country = clean_text(country, field="country", max_length=100, required=False)
    reason = clean_text(reason, field="reason", max_length=1000)
    if session.exec(select(Member).where(Member.coalition_id == coalition.id, Member.name == name)).first():
        raise Conflict("%(member)s is already a member of %(coalition)s.", member=name, coalition=coalition.name)
    if slug:
        slug = check_slug(slug, what="Member")
        if find_member(session, coalition=coalition, slug=slug):
            raise Conflict("The member slug %(slug)s is taken in %(coalition)s.", slug=repr(slug),
                           coalition=coalition.name)
    member = Member(coalition_id=coalition.id, slug=slug or _free_slug(session, coalition, name), name=name,
                    country=country, weight=format_exact(exact), weight_basis=basis, admitted_at=now)
    session.add(member)
    session.flush()
    entry = store.append(session, coalition=coalition, type="member.admitted", body={
        "member": member.slug, "name": name, "country": country, "weight": member.weight, "basis": basis,
        "reason": reason, "actor": actor, "proposal": proposal,
    })
    session.add(WeightChange(coalition_id=coalition.id, member_id=member.id, new_weight=member.weight, basis=basis,
                             reason=reason, actor=actor, log_idx=entry.idx, changed_at=now))
    return member


def change_status(session: Session, *, coalition: Coalition, actor: str, member: Member, action: str,
                  reason: str) -> Member:
    """Suspend, readmit or record the leaving of a member, logged with the reason (in set-up only: an adopted
    charter changes a member's status only by a passed suspension, readmission or expulsion proposal)."""
    store.lock_head(session, coalition)
    if action in STATUS_EVENTS:
        charter.refuse_direct_write(session, coalition, action)
    session.refresh(member)
    if action not in STATUS_EVENTS:
        raise RuleViolation("unknown action %(action)s; use suspend, readmit or leave.", action=repr(action))
    required, new_status, event = STATUS_EVENTS[action]
    reason = clean_text(reason, field="reason", max_length=1000)
    if member.status == "left":
        raise Conflict("%(member)s has left the coalition; admit it again as a new member.", member=member.name)
    if required and member.status != required:
        raise Conflict("%(member)s is %(status)s; only a %(required)s member can be %(new_status)s.",
                       member=member.name, status=member.status, required=required, new_status=new_status)
    member.status = new_status
    session.add(member)
    store.append(session, coalition=coalition, type=event,
                 body={"member": member.slug, "reason": reason, "actor": actor})
    return member


def change_weight(session: Session, *, coalition: Coalition, actor: str, member: Member, weight: object,
                  basis: str | None, reason: str, now: datetime) -> WeightChange:
    """Set a member's weight with a reason; open ballots keep the weights they froze (in set-up only: an adopted
    charter changes weights only by a passed weight_change proposal)."""
    store.lock_head(session, coalition)
    charter.refuse_direct_write(session, coalition, "weight")
    session.refresh(member)
    exact = parse_weight(weight)
    reason = clean_text(reason, field="reason", max_length=1000)
    basis = member.weight_basis if basis is None else clean_text(basis, field="basis", max_length=200, required=False)
    if member.status == "left":
        raise Conflict("%(member)s has left the coalition; its weight can no longer change.", member=member.name)
    if exact == member.weight_value and basis == member.weight_basis:
        raise Conflict("%(member)s already has weight %(weight)s on that basis.", member=member.name,
                       weight=member.weight)
    old = member.weight
    member.weight, member.weight_basis = format_exact(exact), basis
    session.add(member)
    entry = store.append(session, coalition=coalition, type="weight.changed", body={
        "member": member.slug, "old": old, "new": member.weight, "basis": basis, "reason": reason, "actor": actor,
    })
    change = WeightChange(coalition_id=coalition.id, member_id=member.id, old_weight=old, new_weight=member.weight,
                          basis=basis, reason=reason, actor=actor, log_idx=entry.idx, changed_at=now)
    session.add(change)
    return change


def weight_history(session: Session, *, coalition: Coalition, member: Member | None = None,
                   offset: int = 0, limit: int = 100) -> list[tuple[WeightChange, Member]]:
    query = select(WeightChange, Member).join(Member).where(WeightChange.coalition_id == coalition.id)
    if member is not None:
        query = query.where(WeightChange.member_id == member.id)
    return list(session.exec(query.order_by(WeightChange.log_idx).offset(offset).limit(limit)))
