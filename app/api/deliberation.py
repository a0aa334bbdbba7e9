"""The discussion of a proposal, its amendments and the versions of its text."""

from fastapi import Query, Request, status
from fastapi.responses import PlainTextResponse

from app.api.common import Limit, Offset, coalition_router
from app.deliberation_schemas import (BallotTiming, AmendmentCreate, AmendmentList, AmendmentPublic,
                                          CommentCreate, CommentDetail, CommentList, CommentUpdate, Reason,
                                          VersionList, VersionPublic)
from app.deliberation_views import amendment_public, comment_detail, thread_public, version_public
from app.api.proposals import public as proposal_public
from app.api.schemas import Page, ProposalPublic
from app.deps import CurrentAccountDep, NowDep, SessionDep
from governance import (amendment_ballots, amendments, ballots, coalitions, comments, deliberation_settings,
                        proposals, versions)
from governance.log import export, store
from governance.models import Proposal

router = coalition_router("deliberation")


def limit_posting(request: Request, account, now) -> None:  # noqa: ANN001
    request.app.state.post_limiter.check(key=account.username, now=now)


def _comment(session, coalition, number: int):  # noqa: ANN001, ANN202
    comment = comments.get_comment(session, coalition=coalition, number=number)
    return comment, session.get(Proposal, comment.proposal_id)


@router.get("/proposals/{number}/comments", response_model=CommentList)
def list_comments(slug: str, number: int, session: SessionDep, offset: Offset = 0, limit: Limit = 20) -> CommentList:
    """The discussion: threads, newest activity first; observers read without an account."""
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    threads, total = comments.list_threads(session, proposal=proposal, offset=offset, limit=limit)
    count = comments.comment_counts(session, [proposal.id]).get(proposal.id, 0)
    return CommentList(proposal=number, items=thread_public(session, proposal, threads),
                       page=Page(offset=offset, limit=limit, total=total), comments=count)


@router.post("/proposals/{number}/comments", status_code=status.HTTP_201_CREATED, response_model=CommentDetail)
def post_comment(request: Request, slug: str, number: int, body: CommentCreate, session: SessionDep,
                 account: CurrentAccountDep, now: NowDep) -> CommentDetail:
    """Comment on a proposal, or reply to a comment (``parent``): members' representatives."""
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    parent = comments.get_comment(session, coalition=coalition, number=body.parent) if body.parent else None
    limit_posting(request, account, now)
    comment = comments.post_comment(session, coalition=coalition, actor=account, proposal=proposal, text=body.text,
                                    parent=parent, max_length=request.app.state.settings.comment_max_length, now=now)
    return comment_detail(session, proposal, comment)


@router.get("/comments/{comment}", response_model=CommentDetail)
def read_comment(slug: str, comment: int, session: SessionDep) -> CommentDetail:
    """A comment with the history of its edits."""
    coalition = coalitions.get_coalition(session, slug)
    row, proposal = _comment(session, coalition, comment)
    return comment_detail(session, proposal, row)


@router.patch("/comments/{comment}", response_model=CommentDetail)
def edit_comment(request: Request, slug: str, comment: int, body: CommentUpdate, session: SessionDep,
                 account: CurrentAccountDep, now: NowDep) -> CommentDetail:
    """Edit one's own comment; the earlier text stays in its history."""
    coalition = coalitions.get_coalition(session, slug)
    row, proposal = _comment(session, coalition, comment)
    limit_posting(request, account, now)
    comments.edit_comment(session, coalition=coalition, actor=account, comment=row, text=body.text,
                          max_length=request.app.state.settings.comment_max_length, now=now)
    return comment_detail(session, proposal, row)


@router.post("/comments/{comment}/flag", response_model=CommentDetail)
def flag_comment(slug: str, comment: int, body: Reason, session: SessionDep, account: CurrentAccountDep,
                 now: NowDep) -> CommentDetail:
    """Draw the moderators' attention to a comment (members' representatives, once each)."""
    coalition = coalitions.get_coalition(session, slug)
    row, proposal = _comment(session, coalition, comment)
    comments.flag_comment(session, coalition=coalition, actor=account, comment=row, reason=body.reason, now=now)
    return comment_detail(session, proposal, row)


@router.post("/comments/{comment}/hide", response_model=CommentDetail)
def hide_comment(slug: str, comment: int, body: Reason, session: SessionDep, account: CurrentAccountDep,
                 now: NowDep) -> CommentDetail:
    """Hide a comment with a public reason (moderators)."""
    coalition = coalitions.get_coalition(session, slug)
    row, proposal = _comment(session, coalition, comment)
    comments.hide_comment(session, coalition=coalition, actor=account, comment=row, reason=body.reason,
                          moderators=deliberation_settings.moderators(session, coalition), now=now)
    return comment_detail(session, proposal, row)


@router.post("/comments/{comment}/show", response_model=CommentDetail)
def show_comment(slug: str, comment: int, session: SessionDep, account: CurrentAccountDep,
                 now: NowDep) -> CommentDetail:
    """Show a hidden comment again (moderators)."""
    coalition = coalitions.get_coalition(session, slug)
    row, proposal = _comment(session, coalition, comment)
    comments.show_comment(session, coalition=coalition, actor=account, comment=row,
                          moderators=deliberation_settings.moderators(session, coalition), now=now)
    return comment_detail(session, proposal, row)


@router.post("/comments/{comment}/erase", response_model=CommentDetail)
def erase_comment(slug: str, comment: int, body: Reason, session: SessionDep, account: CurrentAccountDep,
                  now: NowDep) -> CommentDetail:
    """Erase a comment's text and history (admins: abuse, or a person's request); the log keeps its commitments."""
    coalition = coalitions.get_coalition(session, slug)
    row, proposal = _comment(session, coalition, comment)
    comments.erase_comment(session, coalition=coalition, actor=account, comment=row, reason=body.reason, now=now)
    return comment_detail(session, proposal, row)


@router.get("/proposals/{number}/amendments", response_model=AmendmentList)
def list_amendments(slug: str, number: int, session: SessionDep) -> AmendmentList:
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    base = {row.version: row for row in versions.list_versions(session, proposal)}
    return AmendmentList(items=[amendment_public(session, proposal, row, base)
                                for row in amendments.list_amendments(session, proposal)])


@router.post("/proposals/{number}/amendments", status_code=status.HTTP_201_CREATED, response_model=AmendmentPublic)
def propose_amendment(request: Request, slug: str, number: int, body: AmendmentCreate, session: SessionDep,
                      account: CurrentAccountDep, now: NowDep) -> AmendmentPublic:
    """Propose the whole new title, body and options of a draft (members' representatives)."""
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    limit_posting(request, account, now)
    row = amendments.propose_amendment(session, coalition=coalition, actor=account, proposal=proposal,
                                       title=body.title, body=body.body, options=body.options, now=now)
    return amendment_public(session, proposal, row)


def _amendment(session, slug: str, number: int, amendment: int):  # noqa: ANN001, ANN202
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    return coalition, proposal, amendments.get_amendment(session, proposal=proposal, number=amendment)


@router.post("/proposals/{number}/amendments/{amendment}/accept", response_model=AmendmentPublic)
def accept_amendment(slug: str, number: int, amendment: int, session: SessionDep, account: CurrentAccountDep,
                     now: NowDep) -> AmendmentPublic:
    """The proposal's author (or an admin) merges the amendment: the version goes up."""
    coalition, proposal, row = _amendment(session, slug, number, amendment)
    amendments.accept_amendment(session, coalition=coalition, actor=account, proposal=proposal, amendment=row, now=now)
    return amendment_public(session, proposal, row)


@router.post("/proposals/{number}/amendments/{amendment}/decline", response_model=AmendmentPublic)
def decline_amendment(slug: str, number: int, amendment: int, session: SessionDep, account: CurrentAccountDep,
                      now: NowDep) -> AmendmentPublic:
    coalition, proposal, row = _amendment(session, slug, number, amendment)
    amendments.decline_amendment(session, coalition=coalition, actor=account, proposal=proposal, amendment=row,
                                 now=now)
    return amendment_public(session, proposal, row)


@router.post("/proposals/{number}/amendments/{amendment}/ballot", status_code=status.HTTP_201_CREATED,
             response_model=ProposalPublic)
def ballot_on_amendment(slug: str, number: int, amendment: int, body: BallotTiming, session: SessionDep,
                        account: CurrentAccountDep, now: NowDep) -> ProposalPublic:
    """Put a declined amendment to its own yes/no ballot under the amendment rule (admins); the proposal that
    carries that ballot is returned."""
    coalition, proposal, row = _amendment(session, slug, number, amendment)
    decision = amendment_ballots.put_to_ballot(session, coalition=coalition, actor=account, proposal=proposal,
                                               amendment=row, closes_at=body.closes_at, now=now)
    return proposal_public(session, decision)


@router.post("/proposals/{number}/amendments/{amendment}/erase", response_model=AmendmentPublic)
def erase_amendment(slug: str, number: int, amendment: int, body: Reason, session: SessionDep,
                    account: CurrentAccountDep, now: NowDep) -> AmendmentPublic:
    coalition, proposal, row = _amendment(session, slug, number, amendment)
    amendments.erase_amendment(session, coalition=coalition, actor=account, amendment=row, reason=body.reason,
                               now=now)
    return amendment_public(session, proposal, row)


@router.get("/proposals/{number}/versions", response_model=VersionList)
def list_versions(slug: str, number: int, session: SessionDep) -> VersionList:
    """Every version of the proposal's text, and the one its ballot decides."""
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    ballot = ballots.find_ballot(session, proposal)
    return VersionList(proposal=number, current=proposal.version, ballot_version=ballot.version if ballot else None,
                       items=[version_public(row) for row in versions.list_versions(session, proposal)])


@router.get("/proposals/{number}/versions/{version}", response_model=VersionPublic)
def read_version(slug: str, number: int, version: int, session: SessionDep) -> VersionPublic:
    coalition = coalitions.get_coalition(session, slug)
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    return version_public(versions.get_version(session, proposal, version))


@router.get("/log/texts", response_class=PlainTextResponse)
def read_texts(slug: str, session: SessionDep,
               size: int | None = Query(None, ge=0, description="Texts committed in the first `size` entries; "
                                                                 "default: the whole log.")) -> PlainTextResponse:
    """The texts still published (comments, amendments, moderators' reasons), one JSON line each,
    ``{"index", "salt", "text"}``: each opens the commitment of entry ``index`` (as ``texts.jsonl`` in the export)."""
    coalition = coalitions.get_coalition(session, slug)
    limit = store.log_size(session, coalition) if size is None else size
    return PlainTextResponse(b"".join(export.texts_jsonl(session, coalition, limit)))
