"""Witnesses: members' witness keys cosign the log's checkpoints (C2SP tlog-cosignature) and report forks; anyone
reads who witnessed up to which size. A submission needs no account: the registered witness key's signature is the
authentication."""

from datetime import datetime

from fastapi import Request, status
from pydantic import BaseModel, Field

from app.api.common import coalition_router
from app.api.schemas import Strict
from app.deps import NowDep, SessionDep
from governance import coalitions, witnesses
from governance.models import Member

router = coalition_router("log")


class CosignatureIn(Strict):
    size: int = Field(ge=1, description="The size of the signed checkpoint this cosigns.")
    cosignature: str = Field(min_length=1, max_length=400, description="The tlog-cosignature line: an em dash, a "
                             "space, the key name `<origin>/witness/<member>`, a space, base64(key hash || timestamp "
                             "|| Ed25519 signature).")


class CosignaturePublic(BaseModel):
    member: str
    key_id: str
    size: int
    timestamp: int
    log_index: int


class ForkReportIn(Strict):
    key_id: str = Field(min_length=64, max_length=64, description="The reporting witness key's id.")
    seen: str = Field(min_length=1, max_length=4000, description="The signed checkpoint the witness had seen.")
    served: str = Field(min_length=1, max_length=4000, description="The signed checkpoint that does not extend it.")
    timestamp: int = Field(ge=0, description="POSIX seconds, as signed.")
    signature: str = Field(min_length=1, max_length=100, description="Ed25519 signature (base64) over "
                           "`concord-fork/v1\\ntime <timestamp>\\n` and the two checkpoint bodies.")


class ForkReportPublic(BaseModel):
    log_index: int


class WitnessPublic(BaseModel):
    member: str
    name: str
    key_ids: list[str] = Field(description="Its active witness keys (a witness finds its member by its key id).")
    witnessed_size: int | None
    received_at: datetime | None


class WitnessList(BaseModel):
    witnessed_size: int = Field(description="The size witnesses cosign now: up to the last entry that is not a "
                                "cosignature.")
    items: list[WitnessPublic]


@router.post("/log/cosignatures", status_code=status.HTTP_201_CREATED, response_model=CosignaturePublic)
def submit_cosignature(slug: str, body: CosignatureIn, session: SessionDep, now: NowDep) -> CosignaturePublic:
    """Record a member witness's cosignature of the checkpoint of ``size`` (a `checkpoint.cosigned` log event).
    Refused: a key that is not an active registered witness key (403), a signature that does not verify (422), a
    second cosignature by the member for that size or a checkpoint that ends in a cosignature (409)."""
    coalition = coalitions.get_coalition(session, slug)
    row = witnesses.submit_cosignature(session, coalition=coalition, size=body.size, line=body.cosignature, now=now)
    member = session.get(Member, row.member_id)
    return CosignaturePublic(member=member.slug, key_id=row.key_id, size=row.size, timestamp=row.timestamp,
                             log_index=row.log_idx)


@router.post("/log/forks", status_code=status.HTTP_201_CREATED, response_model=ForkReportPublic)
def report_fork(slug: str, body: ForkReportIn, request: Request, session: SessionDep, now: NowDep
                ) -> ForkReportPublic:
    """Publish a witness's fork report (a `witness.fork` log event): two checkpoints this log's key signed that do
    not fit one history, signed by a registered witness key."""
    coalition = coalitions.get_coalition(session, slug)
    index = witnesses.report_fork(session, coalition=coalition, log_key=request.app.state.log_keys.verifier_key(slug),
                                  key_id=body.key_id, seen=body.seen, served=body.served, timestamp=body.timestamp,
                                  signature=body.signature, now=now)
    return ForkReportPublic(log_index=index)


@router.get("/log/witnesses", response_model=WitnessList)
def list_witnesses(slug: str, session: SessionDep) -> WitnessList:
    """Each member with a witness key or a cosignature: up to which size it has witnessed, and when."""
    coalition = coalitions.get_coalition(session, slug)
    return WitnessList(witnessed_size=witnesses.witnessed_size(session, coalition), items=[
        WitnessPublic(member=record.member.slug, name=record.member.name, key_ids=list(record.key_ids),
                      witnessed_size=record.size, received_at=record.received_at)
        for record in witnesses.witness_records(session, coalition)])
