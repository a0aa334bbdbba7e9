"""Proposing: a form with a Markdown preview (htmx as you type; a Preview button without JavaScript)."""

from fastapi import Request
from fastapi.responses import Response

from app.deps import NowDep, SessionDep
from app.markdown import render_markdown
from app.pages.common import (CoalitionDep, FormDep, SignedInDep, coalition_pages, error_text,
                              field_of, see_other, text)
from app.templating import render
from governance import proposals, rules
from governance.errors import DomainError, Forbidden

router = coalition_pages()
FIELDS = ("title", "body", "options", "option", "seats", "kind")
BLANK = {"kind": "decision", "title": "", "body": "", "options": "", "seats": "1"}


def _check_member(account, coalition) -> None:  # noqa: ANN001
    if account.coalition_id != coalition.id:
        raise Forbidden("Your account belongs to another coalition, not %(coalition)s.", coalition=coalition.name)


def _form(request: Request, coalition, values: dict, errors: dict, status: int = 200, preview: str | None = None):  # noqa: ANN001, ANN202
    return render(request, "proposals/propose.html", {
        "coalition": coalition, "values": values, "errors": errors, "preview": preview,
        "kinds": rules.KINDS, "option_kinds": rules.OPTION_KINDS}, status_code=status)


@router.get("/proposals/new", name="propose_page")
def propose_page(request: Request, coalition: CoalitionDep, account: SignedInDep) -> Response:
    _check_member(account, coalition)
    return _form(request, coalition, dict(BLANK), {})


@router.post("/proposals/preview", name="preview_proposal")
def preview_proposal(request: Request, form: FormDep, coalition: CoalitionDep) -> Response:
    return render(request, "proposals/propose.html", {"preview": render_markdown(text(form, "body"))}, block="preview")


def _values(form) -> dict[str, str]:  # noqa: ANN001
    return {key: text(form, key) for key in BLANK}


@router.post("/proposals/new", name="propose")
def propose(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
            now: NowDep) -> Response:
    _check_member(account, coalition)
    _ = request.state.translate
    values = _values(form)
    if form.get("intent") == "preview":
        return _form(request, coalition, values, {}, preview=render_markdown(values["body"]))
    errors = {}
    if not values["title"].strip():
        errors["title"] = _("Give the proposal a title.")
    if values["kind"] not in rules.KINDS:
        errors["kind"] = _("Choose a kind of proposal.")
    if not values["seats"].strip().isdigit():
        errors["seats"] = _("Give a whole number.")
    options = [line.strip() for line in values["options"].splitlines() if line.strip()]
    if not errors:
        try:
            proposal = proposals.create_proposal(
                session, coalition=coalition, author=account, kind=values["kind"], title=values["title"],
                body=values["body"], options=options, seats=int(values["seats"]), now=now)
        except DomainError as error:
            session.rollback()
            field = field_of(error, FIELDS)
            errors[{"option": "options"}.get(field, field)] = error_text(request, error)
        else:
            return see_other(f"/c/{coalition.slug}/proposals/{proposal.number}")
    return _form(request, coalition, values, errors, status=422)
