"""The discussion on a proposal's page: posting (in place with htmx, or Post/Redirect/Get), editing, a comment's
history and its moderation."""

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.deliberation_views import comment_detail
from app.pages.proposal_parts import discussion_context, speaking_member
from app.pages.proposals import detail_context
from app.deps import NowDep, SessionDep
from app.pages.common import (CoalitionDep, FormDep, PageAccountDep, SignedInDep, coalition_pages, error_text,
                              see_other, text)
from app.templating import render
from governance import comments, deliberation_settings, proposals
from governance.comments import CLOSED_STATES
from governance.errors import DomainError, Forbidden
from governance.models import Account, Coalition, Comment, Proposal

router = coalition_pages()


def _proposal_page(request: Request, session: Session, coalition: Coalition, proposal: Proposal,
                   account: Account | None, now, status: int, **extra: object) -> Response:  # noqa: ANN001
    return render(request, "proposals/detail.html",
                  detail_context(request, session, coalition, proposal, account, now, **extra), status_code=status)


@router.post("/proposals/{number}/comments", name="post_comment")
def post_comment(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                 account: SignedInDep, now: NowDep) -> Response:
    proposal = proposals.get_proposal(session, coalition=coalition, number=number)
    htmx = request.headers.get("hx-request") == "true"
    parent_number = text(form, "parent")
    values = {"text": text(form, "text")}
    parent: Comment | None = None
    try:
        if parent_number:
            parent = comments.get_comment(session, coalition=coalition, number=int(parent_number)
                                          if parent_number.isdigit() and len(parent_number) < 10 else 0)
        request.app.state.post_limiter.check(key=account.username, now=now)
        comment = comments.post_comment(session, coalition=coalition, actor=account, proposal=proposal,
                                        text=values["text"], parent=parent, now=now,
                                        max_length=request.app.state.settings.comment_max_length)
    except DomainError as error:
        session.rollback()
        errors = {"text": error_text(request, error)}
        if htmx:
            target = f"#reply-{parent.number}" if parent else "#comment-form"
            response = render(request, "proposals/_form_error.html", {
                "coalition": coalition, "proposal": proposal, "parent": parent, "values": values, "errors": errors,
                "thread": _thread_of(session, parent) if parent else None},
                status_code=error.status_code)
            response.headers.update({"HX-Retarget": target, "HX-Reswap": "outerHTML"})
            return response
        extra = ({"reply_to": parent.number, "reply_values": values, "reply_errors": errors} if parent
                 else {"comment_values": values, "comment_errors": errors})
        return _proposal_page(request, session, coalition, proposal, account, now, error.status_code, **extra)
    if not htmx:
        return see_other(f"/c/{coalition.slug}/proposals/{number}#comment-{comment.number}")
    session.commit()
    thread = _thread_of(session, comment)
    public = comment_detail(session, proposal, comment)
    context = discussion_context(request, session, coalition, proposal, account)
    context.update({"coalition": coalition, "proposal": proposal, "c": public, "thread": thread,
                    "parent": parent and comment_detail(session, proposal, parent)})
    return render(request, "proposals/_posted.html", context)


def _thread_of(session: Session, comment: Comment) -> int:
    """The number of the top comment of ``comment``'s thread."""
    return session.get(Comment, comment.thread_id).number if comment.thread_id else comment.number


def _comment_page(request: Request, session: Session, coalition: Coalition, comment: Comment,
                  account: Account | None, status: int = 200, **extra: object) -> Response:
    proposal = session.get(Proposal, comment.proposal_id)
    moderators = deliberation_settings.moderators(session, coalition)
    context = {
        "coalition": coalition, "proposal": proposal, "c": comment_detail(session, proposal, comment),
        "can_moderate": comments.can_moderate(session, account, coalition, moderators),
        "can_flag": speaking_member(session, account, coalition) is not None,
        "is_admin": account is not None and account.role == "admin" and account.coalition_id == coalition.id,
        "can_edit": account is not None and account.username == comment.author
        and proposal.state not in CLOSED_STATES, "errors": {}, "values": {}, "notice": None,
        "can_reply": speaking_member(session, account, coalition) is not None and proposal.state not in CLOSED_STATES
        and comment.hidden_text_id is None, "thread": _thread_of(session, comment),
    }
    context.update(extra)
    return render(request, "discussion/comment.html", context, status_code=status)


@router.get("/comments/{number}", name="comment_page")
def comment_page(request: Request, number: int, coalition: CoalitionDep, session: SessionDep,
                 account: PageAccountDep, done: str = "") -> Response:
    comment = comments.get_comment(session, coalition=coalition, number=number)
    notices = {"flagged": request.state.translate("Thank you: the moderators will look at this comment."),
               "edited": request.state.translate("Your comment is updated; the earlier text stays in its history.")}
    return _comment_page(request, session, coalition, comment, account, notice=notices.get(done))


@router.get("/comments/{number}/reply", name="reply_form")
def reply_form(request: Request, number: int, coalition: CoalitionDep, session: SessionDep,
               account: PageAccountDep, thread: int = 0) -> Response:
    """The reply form of one comment, fetched in place by htmx (without JavaScript the comment's page has it)."""
    comment = comments.get_comment(session, coalition=coalition, number=number)
    proposal = session.get(Proposal, comment.proposal_id)
    return render(request, "proposals/_reply_form.html", {
        "coalition": coalition, "proposal": proposal, "c": comment, "thread": thread or _thread_of(session, comment)})


@router.post("/comments/{number}/edit", name="edit_comment")
def edit_comment(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                 account: SignedInDep, now: NowDep) -> Response:
    comment = comments.get_comment(session, coalition=coalition, number=number)
    values = {"text": text(form, "text")}
    try:
        request.app.state.post_limiter.check(key=account.username, now=now)
        comments.edit_comment(session, coalition=coalition, actor=account, comment=comment, text=values["text"],
                              max_length=request.app.state.settings.comment_max_length, now=now)
    except DomainError as error:
        session.rollback()
        return _comment_page(request, session, coalition, comment, account, error.status_code, values=values,
                             errors={"text": error_text(request, error)})
    return see_other(f"/c/{coalition.slug}/comments/{number}?done=edited")


def _moderate(request: Request, number: int, form, coalition: Coalition,  # noqa: ANN001
              session: Session, account: Account, now, action: str) -> Response:  # noqa: ANN001
    comment = comments.get_comment(session, coalition=coalition, number=number)
    reason = text(form, "reason")
    moderators = deliberation_settings.moderators(session, coalition)
    try:
        if action == "flag":
            comments.flag_comment(session, coalition=coalition, actor=account, comment=comment, reason=reason, now=now)
        elif action == "hide":
            comments.hide_comment(session, coalition=coalition, actor=account, comment=comment, reason=reason,
                                  moderators=moderators, now=now)
        elif action == "show":
            comments.show_comment(session, coalition=coalition, actor=account, comment=comment,
                                  moderators=moderators, now=now)
        else:
            comments.erase_comment(session, coalition=coalition, actor=account, comment=comment, reason=reason,
                                   now=now)
    except DomainError as error:
        session.rollback()
        return _comment_page(request, session, coalition, comment, account, error.status_code,
                             values={f"{action}-reason": reason},
                             errors={f"{action}-reason": error_text(request, error)})
    done = "?done=flagged" if action == "flag" else ""
    return see_other(f"/c/{coalition.slug}/comments/{number}{done}")


@router.post("/comments/{number}/flag", name="flag_comment")
def flag_comment(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                 account: SignedInDep, now: NowDep) -> Response:
    return _moderate(request, number, form, coalition, session, account, now, "flag")


@router.post("/comments/{number}/hide", name="hide_comment")
def hide_comment(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                 account: SignedInDep, now: NowDep) -> Response:
    return _moderate(request, number, form, coalition, session, account, now, "hide")


@router.post("/comments/{number}/show", name="show_comment")
def show_comment(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                 account: SignedInDep, now: NowDep) -> Response:
    return _moderate(request, number, form, coalition, session, account, now, "show")


@router.post("/comments/{number}/erase", name="erase_comment")
def erase_comment(request: Request, number: int, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                  account: SignedInDep, now: NowDep) -> Response:
    return _moderate(request, number, form, coalition, session, account, now, "erase")


@router.get("/moderation", name="moderation_page")
def moderation_page(request: Request, coalition: CoalitionDep, session: SessionDep, account: SignedInDep) -> Response:
    """The comments members have flagged and the moderators have not hidden."""
    if not comments.can_moderate(session, account, coalition, deliberation_settings.moderators(session, coalition)):
        raise Forbidden("Only the moderators of %(coalition)s can see the flagged comments.", coalition=coalition.name)
    queue = []
    for comment, flags in comments.flagged_comments(session, coalition=coalition):
        proposal = session.get(Proposal, comment.proposal_id)
        queue.append((proposal, comment_detail(session, proposal, comment), flags))
    return render(request, "discussion/moderation.html", {"coalition": coalition, "queue": queue})
