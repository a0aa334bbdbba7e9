"""The charter's pages: the version in force, every version, the difference of two in words; change proposal forms."""

from fastapi import Request
from fastapi.responses import Response

from app.deps import NowDep, SessionDep
from app.markdown import render_markdown
from app.pages.charter_forms import FORM_KINDS, blank_values, payload_from_form
from app.pages.common import CoalitionDep, FormDep, SignedInDep, coalition_pages, error_text, see_other, text
from app.templating import render
from governance import charter, members, proposals
from governance.charter_words import describe_changes
from governance.errors import DomainError, Forbidden

router = coalition_pages()


def _versions_to_compare(rows: list, first: int | None, second: int | None) -> tuple[int, int] | None:
    numbers = {row.version for row in rows}
    if first in numbers and second in numbers and first != second:
        return first, second
    newest = max(numbers, default=0)
    return (newest - 1, newest) if newest > 1 else None


@router.get("/charter", name="charter_page")
def charter_page(request: Request, coalition: CoalitionDep, session: SessionDep, from_version: int | None = None,
                 to_version: int | None = None) -> Response:
    in_force = charter.charter_in_force(session, coalition)
    versions = charter.list_versions(session, coalition, limit=500)
    compared = _versions_to_compare(versions, from_version, to_version)
    diff, pair = [], None
    if compared:
        pair = [charter.get_version(session, coalition, n) for n in compared]
        diff = describe_changes(charter.document(pair[0]), charter.document(pair[1]))
    return render(request, "charter/index.html", {
        "coalition": coalition, "charter": in_force, "versions": versions, "diff": diff, "pair": pair,
        "text_html": render_markdown(in_force.text) if in_force else "",
        "settings": charter.settings(in_force) if in_force else None})


def _check_member(account, coalition) -> None:  # noqa: ANN001
    if account.coalition_id != coalition.id:
        raise Forbidden("Your account belongs to another coalition, not %(coalition)s.", coalition=coalition.name)


def _form(request: Request, session, coalition, kind: str, values: dict, errors: dict, status: int = 200):  # noqa: ANN001, ANN202
    return render(request, "charter/propose.html", {
        "coalition": coalition, "kind": kind, "kinds": FORM_KINDS, "values": values, "errors": errors,
        "members": members.list_members(session, coalition=coalition, limit=1000),
        "charter": charter.charter_in_force(session, coalition)}, status_code=status)


@router.get("/charter/propose", name="propose_change_page")
def propose_change_page(request: Request, coalition: CoalitionDep, session: SessionDep, account: SignedInDep,
                        kind: str = "weight_change") -> Response:
    _check_member(account, coalition)
    kind = kind if kind in FORM_KINDS else "weight_change"
    return _form(request, session, coalition, kind, blank_values(), {})


@router.post("/charter/propose", name="propose_change")
def propose_change(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                   account: SignedInDep, now: NowDep) -> Response:
    _check_member(account, coalition)
    kind = text(form, "kind")
    kind = kind if kind in FORM_KINDS else "weight_change"
    values = {key: text(form, key) for key in blank_values()}
    _ = request.state.translate
    if not values["title"].strip():
        return _form(request, session, coalition, kind, values, {"title": _("Give the proposal a title.")}, 422)
    try:
        proposal = proposals.create_proposal(session, coalition=coalition, author=account, kind=kind,
                                             title=values["title"], body=values["body"],
                                             payload=payload_from_form(kind, values), now=now)
    except DomainError as error:
        session.rollback()
        return _form(request, session, coalition, kind, values, {"form": error_text(request, error)}, 422)
    return see_other(f"/c/{coalition.slug}/proposals/{proposal.number}")
