"""The coalition's public log: entries, signed checkpoints, proofs, re-issued receipts, the key and the export."""

import base64

from fastapi import HTTPException, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response
from sqlmodel import select

from app.api.common import coalition_router
from app.api.schemas import (
    ConsistencyProofPublic,
    InclusionProofPublic,
    LogEntries,
    LogEntryPublic,
    ReceiptPublic,
    VoteStandingPublic,
)
from app.deps import SessionDep
from governance import coalitions, witnesses
from governance.log import export, public, store
from governance.log.canonical import parse_event
from governance.models import LogEntry

router = coalition_router("log")
MAX_PAGE = 1000
SIZE_HELP = "A tree size: a number of entries."


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@router.get("/log/entries", response_model=LogEntries)
def read_entries(slug: str, session: SessionDep, start: int = Query(0, ge=0),
                 end: int | None = Query(None, ge=0)) -> LogEntries:
    """Entries ``start`` (inclusive) to ``end`` (exclusive, at most 1000 at a time), each with its exact bytes."""
    coalition = coalitions.get_coalition(session, slug)
    size = store.log_size(session, coalition)
    stop = min(size, end if end is not None else start + MAX_PAGE, start + MAX_PAGE)
    if end is not None and end < start:
        raise HTTPException(422, "end must not be smaller than start.")
    rows = session.exec(select(LogEntry).where(LogEntry.coalition_id == coalition.id, LogEntry.idx >= start,
                                               LogEntry.idx < stop).order_by(LogEntry.idx))
    return LogEntries(size=size, items=[
        LogEntryPublic(index=row.idx, type=row.type, leaf=_b64(row.data), event=parse_event(row.data))
        for row in rows])


@router.get("/log/checkpoint", response_class=PlainTextResponse)
def read_latest_checkpoint(slug: str, session: SessionDep) -> str:
    """The latest signed checkpoint (C2SP tlog-checkpoint in a signed note), with the cosignatures witnesses sent."""
    coalition = coalitions.get_coalition(session, slug)
    return witnesses.cosigned_note(session, coalition)


@router.get("/log/checkpoint/{size}", response_class=PlainTextResponse)
def read_checkpoint(slug: str, session: SessionDep, size: int = Path(ge=1)) -> str:
    """The checkpoint signed when the log reached ``size`` entries, with the cosignatures witnesses sent for it."""
    coalition = coalitions.get_coalition(session, slug)
    return witnesses.cosigned_note(session, coalition, size)


@router.get("/log/proof/inclusion", response_model=InclusionProofPublic)
def read_inclusion_proof(slug: str, session: SessionDep, index: int = Query(ge=0), size: int = Query(ge=0, description=SIZE_HELP)
                         ) -> InclusionProofPublic:
    """RFC 9162 inclusion proof of entry ``index`` in the tree of the first ``size`` entries."""
    coalition = coalitions.get_coalition(session, slug)
    proof = public.inclusion_proof(session, coalition=coalition, index=index, size=size)
    return InclusionProofPublic(index=proof.index, size=proof.size, leaf_hash=_b64(proof.leaf_hash),
                                root=_b64(proof.root), proof=[_b64(h) for h in proof.proof],
                                checkpoint=proof.checkpoint)


def _consistency(proof: public.ConsistencyProof) -> ConsistencyProofPublic:
    return ConsistencyProofPublic(old=proof.old, new=proof.new, old_root=_b64(proof.old_root),
                                  new_root=_b64(proof.new_root), proof=[_b64(h) for h in proof.proof],
                                  old_checkpoint=proof.old_checkpoint, new_checkpoint=proof.new_checkpoint)


@router.get("/log/proof/consistency", response_model=ConsistencyProofPublic)
def read_consistency_proof(slug: str, session: SessionDep, old: int = Query(ge=0, description=SIZE_HELP),
                           new: int = Query(ge=0, description=SIZE_HELP)
                           ) -> ConsistencyProofPublic:
    """RFC 9162 consistency proof that the tree of ``old`` entries is a prefix of the tree of ``new``."""
    coalition = coalitions.get_coalition(session, slug)
    return _consistency(public.consistency_proof(session, coalition=coalition, old=old, new=new))


@router.get("/log/receipt/{idx}", response_model=ReceiptPublic)
def read_receipt(slug: str, session: SessionDep, idx: int = Path(ge=0),
                 size: int | None = Query(None, ge=1, description="Checkpoint size; default: the latest.")
                 ) -> ReceiptPublic:
    """Re-issue entry ``idx``'s tlog-proof (its checkpoint with the witnesses' cosignatures: ask for the size in
    ``/log/witnesses``); for a vote, whether it counted and consistency with its count."""
    coalition = coalitions.get_coalition(session, slug)
    issued = public.reissue_receipt(session, coalition=coalition, index=idx, size=size)
    vote = issued.vote
    return ReceiptPublic(
        index=issued.index, size=issued.size, entry=_b64(issued.entry),
        receipt=issued.receipt + witnesses.cosignature_lines(session, coalition, issued.size),
        vote=VoteStandingPublic(number=vote.number, member=vote.member, counted=vote.counted,
                                superseded_by=vote.superseded_by, closed_idx=vote.closed_idx) if vote else None,
        closing=_consistency(issued.closing) if issued.closing else None)


@router.get("/log/key", response_class=PlainTextResponse)
def read_key(slug: str, request: Request, session: SessionDep) -> str:
    """The log's verifier key in signed-note format; compare it with one obtained another way."""
    coalitions.get_coalition(session, slug)
    return request.app.state.log_keys.verifier_key(slug) + "\n"


@router.get("/log/export", response_class=Response,
            responses={200: {"content": {media: {} for media in export.FORMATS.values()}}})
def export_log(slug: str, request: Request, session: SessionDep,
               format: str = Query("tar.gz", pattern="^(tar\\.gz|zip)$")) -> Response:
    """One archive: entries.jsonl, the latest checkpoint, the verifier key, RULES.md and texts.jsonl (the texts still
    published, each to check against its commitment in the log)."""
    coalition = coalitions.get_coalition(session, slug)
    archive = export.build_export(session, coalition=coalition, fmt=format,
                                  verifier_key=request.app.state.log_keys.verifier_key(slug))
    return Response(archive.content, media_type=archive.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{archive.filename}"'})
