"""Proposals: the filtered list, a proposal with its rule, result and votes, casting a vote, the receipt."""

import json
import re

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from sqlmodel import Session, select

from app.deps import NowDep, SessionDep
from app.markdown import render_markdown
from app.pages import proposal_parts
from app.pages.common import (CoalitionDep, FormDep, PageAccountDep, SignedInDep, coalition_pages,
                              error_text, see_other, text)
from app.pages.voteforms import VoteFormError, form_values, posted_values, read_vote
from app.pages.words import describe_rule
from app.templating import render
from governance import ballots, coalitions, comments, keys, members, proposals, proxies, receipts, signed_votes
from governance.clock import as_utc
from governance.errors import DomainError, NotFound
from governance.log.recount import ballot_shape
from governance.models import Account, Ballot, Coalition, Member, Proposal, Vote

router = coalition_pages()
FILTERS = {"all": (None, None), "open": ("open", None), "draft": ("draft", None), "passed": (None, "passed"),
           "rejected": (None, "rejected"), "no_quorum": (None, "no_quorum"), "decided": (None, "decided"),
           "withdrawn": ("withdrawn", None)}
PAGE_SIZE = 25
DIGITS = re.compile(r"[0-9]{1,19}")


@router.get("/proposals", name="proposals_page")
def proposals_page(request: Request, coalition: CoalitionDep, session: SessionDep, status: str = "all",
                   page: int = 1) -> Response:
    status = status if status in FILTERS else "all"
    page = max(page, 1)
    state, outcome = FILTERS[status]
    rows = proposals.list_proposals(session, coalition=coalition, state=state, outcome=outcome,
                                    offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    htmx = request.headers.get("hx-request") == "true"
    return render(request, "proposals/list.html", {
        "comment_counts": comments.comment_counts(session, [p.id for p in rows[:PAGE_SIZE]]),
        "coalition": coalition, "proposals": rows[:PAGE_SIZE], "status": status, "filters": list(FILTERS),
        "page": page, "has_next": len(rows) > PAGE_SIZE}, block="proposals" if htmx else None)


def voting_member(session: Session, account: Account | None, coalition: Coalition, ballot: Ballot | None,
                  now) -> Member | None:  # noqa: ANN001
    """The member this account may vote for on this ballot right now, if any."""
    if (account is None or ballot is None or account.role != "representative" or account.coalition_id != coalition.id
            or ballot.status != "open" or as_utc(ballot.closes_at) <= now):
        return None
    member = session.get(Member, account.member_id)
    eligible = {row["member"] for row in ballot.eligible}
    return member if member is not None and member.slug in eligible else None


def detail_context(request: Request, session: Session, coalition: Coalition, proposal: Proposal,
                   account: Account | None, now, **extra: object) -> dict:  # noqa: ANN001
    ballot = ballots.find_ballot(session, proposal)
    votes = ballots.votes_of(session, ballot) if ballot else []
    member = voting_member(session, account, coalition, ballot, now)
    own = next((vote for vote, row in votes if account is not None and row.id == account.member_id), None)
    rule = ballot.rule if ballot else coalitions.get_rules(session, coalition)[proposal.kind]
    context = {
        "coalition": coalition, "proposal": proposal, "ballot": ballot, "votes": votes, "rule": rule,
        "rule_words": describe_rule(request.state.translate, rule, request.state.locale),
        "body_html": render_markdown(proposal.body), "voting_member": member, "own_vote": own,
        "shape": ballot_shape(rule), "max_score": int(rule.get("max_score", 5)),
        "author_member": session.get(Member, proposal.author_member_id) if proposal.author_member_id else None,
        "is_admin": account is not None and account.role == "admin" and account.coalition_id == coalition.id,
        "vote_values": form_values(rule, proposal.options, own.choice if own else None), "vote_errors": {},
        "weights": {row["member"]: row["weight"] for row in ballot.eligible} if ballot else {},
        "vote_of": {row.slug: vote for vote, row in votes},
        "notice": None, "now": now, "open_values": {}, "open_errors": {},
        "key_labels": {key.key_id: key.label for key in keys.list_keys(session, coalition=coalition)} if votes else {},
        **signing_context(session, coalition, proposal, ballot, member),
    }
    context.update(_proxy_context(session, coalition, proposal, ballot, member))
    context.update(proposal_parts.discussion_context(request, session, coalition, proposal, account))
    context.update(proposal_parts.amendments_context(session, coalition, proposal, account))
    context.update(extra)
    return context


def signing_context(session: Session, coalition: Coalition, proposal: Proposal, ballot: Ballot | None,
                    member: Member | None) -> dict:
    """What the vote form's script needs to sign a vote in the browser (``app/static/concord-keys.js``), and the
    member's active voting keys; nothing when the visitor cannot vote now."""
    if member is None or ballot is None:
        return {"sign_spec": None, "member_keys": [], "signed_only": bool(ballot and ballot.signed_only)}
    active = [key for key in keys.list_keys(session, coalition=coalition, member=member)
              if key.revoked_idx is None and key.purpose == "vote"]
    spec = {"coalition": coalition.slug, "member": member.slug, "number": proposal.number, "ballot": ballot.opened_idx,
            "origin": signed_votes.origin_of(session, coalition), "last_seq": member.vote_seq,
            "keys": [key.key_id for key in active], "options": proposal.options, "shape": ballot_shape(ballot.rule)}
    return {"sign_spec": json.dumps(spec, ensure_ascii=False), "member_keys": active, "signed_only": ballot.signed_only}


def form_signature(form) -> signed_votes.VoteSignature | None:  # noqa: ANN001
    """The signature fields the vote form's script adds (none without JavaScript or a key: an unsigned vote)."""
    fields = {name: str(form.get(name, "")).strip() or None for name in ("salt", "key_id", "seq", "signature")}
    if fields["seq"] is not None:
        fields["seq"] = int(fields["seq"]) if DIGITS.fullmatch(fields["seq"]) else -1
    return signed_votes.parse_signature(fields)


def _proxy_context(session: Session, coalition: Coalition, proposal: Proposal, ballot: Ballot | None,
                   member: Member | None) -> dict:
    """Who cast which vote by proxy, the blocs proxies made with their power, whom this member may vote for."""
    if ballot is None:
        return {"proxy_marks": {}, "blocs": [], "bloc_power": None, "on_behalf": []}
    blocs = proxies.ballot_blocs(session, coalition=coalition, ballot=ballot, proposal=proposal)
    on_behalf = (proxies.may_vote_for(session, coalition=coalition, holder=member, ballot=ballot, proposal=proposal)
                 if member is not None else [])
    return {"proxy_marks": proxies.cast_marks(session, ballot), "blocs": blocs,
            "bloc_power": proxies.bloc_power(ballot, blocs), "on_behalf": on_behalf}


@router.get("/proposals/{number}", name="proposal_page")
def proposal_page(request: Request, number: int, coalition: CoalitionDep, session: SessionDep,
                  account: PageAccountDep, now: NowDep, voted: int = 0) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    notice = request.state.translate("Your vote is recorded. You can change it until the ballot closes.") if voted else None
    return render(request, "proposals/detail.html",
                  detail_context(request, session, coalition, proposal, account, now, notice=notice))


@router.post("/proposals/{number}/vote", name="cast_vote")
def cast_vote(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
              account: SignedInDep, now: NowDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    ballot = ballots.get_ballot(session, proposal)
    member = voting_member(session, account, coalition, ballot, now) or session.get(Member, account.member_id or 0)
    htmx = request.headers.get("hx-request") == "true"
    try:
        if member is None:
            raise VoteFormError("form", request.state.translate("Only a representative of a member can vote."))
        choice = read_vote(request.state.translate, ballot.rule, proposal.options, form)
        on_behalf = text(form, "on_behalf")
        if on_behalf and on_behalf != member.slug:  # a vote by proxy: ballots.cast_vote checks the proxy
            member = members.get_member(session, coalition=coalition, slug=on_behalf)
        ballots.cast_vote(session, coalition=coalition, actor=account, proposal=proposal, member=member, vote=choice,
                          now=now, signed=form_signature(form))
    except (VoteFormError, DomainError) as error:
        session.rollback()
        field = error.field if isinstance(error, VoteFormError) else "form"
        status = 422 if isinstance(error, VoteFormError) else error.status_code
        message = error.message if isinstance(error, VoteFormError) else error_text(request, error)
        context = detail_context(request, session, coalition, proposal, account, now,
                                 vote_values=posted_values(form), vote_errors={field: message})
        return render(request, "proposals/detail.html", context, block="vote" if htmx else None, status_code=status)
    if htmx:
        session.commit()
        notice = request.state.translate("Your vote is recorded. You can change it until the ballot closes.")
        context = detail_context(request, session, coalition, proposal, account, now, notice=notice)
        return render(request, "proposals/detail.html", context, block="vote")
    return see_other(f"/c/{coalition.slug}/proposals/{number}?voted=1#vote")


@router.get("/proposals/{number}/receipt", name="vote_receipt")
def vote_receipt(number: int, coalition: CoalitionDep, session: SessionDep, account: SignedInDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    ballot = ballots.get_ballot(session, proposal)
    vote = session.exec(select(Vote).where(Vote.ballot_id == ballot.id, Vote.member_id == account.member_id)).first()
    if vote is None:
        raise NotFound("Your organization has no vote on this ballot.")
    receipt = receipts.receipt_for(session, coalition=coalition, index=vote.log_idx)
    if receipt is None:
        raise NotFound("The log has no signed checkpoint yet; the receipt will be available after the next one.")
    filename = f"{coalition.slug}-proposal-{number}-receipt.txt"
    return PlainTextResponse(receipt, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
