"""Coalitions and their rules."""

from fastapi import APIRouter, Request, status
from sqlmodel import func, select

from app.api.common import Limit, Offset, coalition_router
from app.api.schemas import (
    ERROR_RESPONSES,
    CoalitionCreate,
    CoalitionList,
    CoalitionPublic,
    Page,
    RulePublic,
    RuleUpdate,
    TimeZoneUpdate,
)
from app.deps import CurrentAccountDep, NowDep, SessionDep, require_admin
from app.exactjson import ExactJSONRoute
from governance import coalitions, rules
from governance.errors import Conflict, Forbidden, NotFound
from governance.text import check_slug
from governance.log import store
from governance.models import Coalition, Member

router = APIRouter(prefix="/api/v1/coalitions", tags=["coalitions"], route_class=ExactJSONRoute,
                   responses=ERROR_RESPONSES)
scoped = coalition_router("coalitions")


def public(session, coalition: Coalition) -> CoalitionPublic:  # noqa: ANN001
    count = session.exec(select(func.count()).select_from(Member).where(
        Member.coalition_id == coalition.id, Member.status == "active")).one()
    return CoalitionPublic(slug=coalition.slug, name=coalition.name, description=coalition.description,
                           created_at=coalition.created_at, members=count, log_size=store.log_size(session, coalition),
                           time_zone=coalition.time_zone)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CoalitionPublic)
def create_coalition(body: CoalitionCreate, request: Request, session: SessionDep, now: NowDep) -> CoalitionPublic:
    """Create a coalition together with its first admin account."""
    if not request.app.state.settings.allow_public_coalitions:
        raise Forbidden("This server does not create coalitions on request; ask its operator (concord create-admin).")
    slug = check_slug(body.slug.strip().lower(), what="Coalition")
    if coalitions.find_coalition(session, slug):
        raise Conflict("A coalition with the slug %(slug)s already exists; choose another slug.", slug=repr(slug))
    coalition, _ = coalitions.create_coalition(
        session, slug=slug, name=body.name, description=body.description, admin_username=body.admin.username,
        admin_password=body.admin.password, now=now, log_key=request.app.state.log_keys.verifier_key(slug))
    return public(session, coalition)


@router.get("", response_model=CoalitionList)
def list_coalitions(session: SessionDep, offset: Offset = 0, limit: Limit = 50) -> CoalitionList:
    items = coalitions.list_coalitions(session, offset=offset, limit=limit)
    total = session.exec(select(func.count()).select_from(Coalition)).one()
    return CoalitionList(items=[public(session, c) for c in items], page=Page(offset=offset, limit=limit, total=total))


@scoped.get("", response_model=CoalitionPublic)
def read_coalition(slug: str, session: SessionDep) -> CoalitionPublic:
    return public(session, coalitions.get_coalition(session, slug))


@scoped.get("/rules", response_model=list[RulePublic])
def read_rules(slug: str, session: SessionDep) -> list[RulePublic]:
    coalition = coalitions.get_coalition(session, slug)
    current = coalitions.get_rules(session, coalition)
    return [RulePublic(kind=kind, rule=current[kind], description=rules.describe_rule(current[kind]))
            for kind in rules.KINDS if kind in current]


@scoped.put("/rules/{kind}", response_model=RulePublic)
def update_rule(slug: str, kind: str, body: RuleUpdate, session: SessionDep, account: CurrentAccountDep,
                now: NowDep) -> RulePublic:
    """Replace the default rule for one kind of proposal (admins; logged with the reason)."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    if kind not in rules.KINDS:
        raise NotFound("There is no proposal kind %(kind)s; the kinds are %(kinds)s.", kind=repr(kind),
                       kinds=", ".join(rules.KINDS))
    stored = coalitions.set_rule(session, coalition=coalition, actor=account.username, kind=kind, rule=body.rule,
                                 now=now, reason=body.reason)
    return RulePublic(kind=kind, rule=stored, description=rules.describe_rule(stored))



@scoped.put("/time-zone", response_model=CoalitionPublic)
def update_time_zone(slug: str, body: TimeZoneUpdate, session: SessionDep, account: CurrentAccountDep) -> CoalitionPublic:
    """Set the time zone the coalition's pages show times in (admins; logged). Times in the API stay in UTC."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    coalitions.set_time_zone(session, coalition=coalition, actor=account.username, time_zone=body.time_zone)
    return public(session, coalition)
