"""The charter: the version in force, every version, the difference of two in words, and the founding act."""

from datetime import datetime
from typing import Any

from fastapi import Query, status
from pydantic import BaseModel

from app.api.common import Limit, Offset, coalition_router
from app.api.proposal_schemas import CharterFound
from app.api.schemas import Page
from app.deps import CurrentAccountDep, NowDep, SessionDep, require_admin
from governance import charter, coalitions
from governance.charter_words import describe_changes
from governance.errors import NotFound
from governance.models import Charter

router = coalition_router("charter")


class CharterPublic(BaseModel):
    version: int
    text: str
    rules: dict[str, Any]
    adopted_by: int | None
    sha256: str
    previous_sha256: str | None = None
    adopted_at: datetime
    log_index: int


class CharterVersionSummary(BaseModel):
    version: int
    adopted_by: int | None
    adopted_at: datetime
    sha256: str
    log_index: int


class CharterVersionList(BaseModel):
    items: list[CharterVersionSummary]
    page: Page


class CharterChange(BaseModel):
    field: str
    text: str
    before: str
    after: str


class CharterDiff(BaseModel):
    from_version: int
    to_version: int
    changes: list[CharterChange]
    text_before: str
    text_after: str


def public(row: Charter) -> CharterPublic:
    return CharterPublic(version=row.version, text=row.text, rules=row.rules, adopted_by=row.adopted_by,
                         sha256=row.sha256, adopted_at=row.adopted_at, log_index=row.log_idx)


def _in_force(session, coalition) -> Charter:  # noqa: ANN001
    row = charter.charter_in_force(session, coalition)
    if row is None:
        raise NotFound("%(coalition)s is still in set-up: it has no adopted charter yet.", coalition=coalition.name)
    return row


@router.get("/charter", response_model=CharterPublic)
def read_charter(slug: str, session: SessionDep) -> CharterPublic:
    """The charter in force: its text and the structured rules Concord enforces."""
    return public(_in_force(session, coalitions.get_coalition(session, slug)))


@router.post("/charter", status_code=status.HTTP_201_CREATED, response_model=CharterPublic)
def found_charter(slug: str, body: CharterFound, session: SessionDep, account: CurrentAccountDep,
                  now: NowDep) -> CharterPublic:
    """Record the founding act (the secretariat, once): version 1 with the members, weights and rules as they stand.
    From then on every change is a proposal that applies itself when it passes."""
    coalition = coalitions.get_coalition(session, slug)
    require_admin(account, coalition)
    settings = body.settings.model_dump(mode="json", exclude_none=True) if body.settings else None
    return public(charter.found_charter(session, coalition=coalition, actor=account, text=body.text,
                                        settings_=settings, now=now))


@router.get("/charter/versions", response_model=CharterVersionList)
def list_versions(slug: str, session: SessionDep, offset: Offset = 0, limit: Limit = 50) -> CharterVersionList:
    """Every version, newest first, with the proposal and log entry that adopted it."""
    coalition = coalitions.get_coalition(session, slug)
    rows = charter.list_versions(session, coalition, offset=offset, limit=limit)
    return CharterVersionList(
        items=[CharterVersionSummary(version=r.version, adopted_by=r.adopted_by, adopted_at=r.adopted_at,
                                     sha256=r.sha256, log_index=r.log_idx) for r in rows],
        page=Page(offset=offset, limit=limit, total=charter.count_versions(session, coalition)))


@router.get("/charter/versions/{version}", response_model=CharterPublic)
def read_version(slug: str, version: int, session: SessionDep) -> CharterPublic:
    coalition = coalitions.get_coalition(session, slug)
    return public(charter.get_version(session, coalition, version))


@router.get("/charter/diff", response_model=CharterDiff)
def diff_versions(slug: str, session: SessionDep, from_version: int = Query(alias="from", ge=1),
                  to_version: int = Query(alias="to", ge=1)) -> CharterDiff:
    """What changed from one version to another, field by field, in words ("Quorum by weight: 50% -> 60%")."""
    coalition = coalitions.get_coalition(session, slug)
    old = charter.get_version(session, coalition, from_version)
    new = charter.get_version(session, coalition, to_version)
    changes = describe_changes(charter.document(old), charter.document(new))
    return CharterDiff(from_version=old.version, to_version=new.version, text_before=old.text, text_after=new.text,
                       changes=[CharterChange(field=c.field, text=c.text, before=c.before, after=c.after)
                                for c in changes])
