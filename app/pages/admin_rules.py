"""The secretariat edits the coalition's default rule for each kind of proposal, and its time zone."""

from fastapi import Request
from fastapi.responses import Response

from app.deps import NowDep, SessionDep
from app.pages.common import AdminDep, CoalitionDep, FormDep, coalition_pages, error_text, see_other, text
from app.pages.words import describe_rule
from app.templating import render
from governance import charter, coalitions, rules
from governance.errors import DomainError, NotFound
from governance.rules import COMMITTEE_METHODS, SINGLE_WINNER_METHODS

router = coalition_pages()


def _threshold(form, prefix: str) -> dict:  # noqa: ANN001
    return {"fraction": text(form, f"{prefix}_fraction").strip(), "strict": text(form, f"{prefix}_strict") == "more",
            "base": text(form, f"{prefix}_base")}


def rule_from_form(kind: str, form) -> dict:  # noqa: ANN001
    """The rule a rule form describes, before validation by the domain."""
    common = {"counting": text(form, "counting"), "early_close": text(form, "early_close") == "on",
              "quorum_members": text(form, "quorum_members").strip() or None,
              "quorum_weight": text(form, "quorum_weight").strip() or None}
    if kind in rules.OPTION_KINDS:
        rule = {**common, "method": text(form, "method")}
        if text(form, "max_score").strip():
            score = text(form, "max_score").strip()
            rule["max_score"] = int(score) if score.isdigit() else score
        return rule
    return {**common, "member_threshold": _threshold(form, "member"), "weight_threshold": _threshold(form, "weight"),
            "consensus": text(form, "consensus") == "on", "unanimity": text(form, "unanimity") == "on"}


def _page(request: Request, session, coalition, *, values=None, errors=None, status: int = 200,  # noqa: ANN001
          editing: str | None = None) -> Response:
    current = coalitions.get_rules(session, coalition)
    words = {kind: describe_rule(request.state.translate, rule, request.state.locale) for kind, rule in current.items()}
    return render(request, "admin/rules.html", {
        "coalition": coalition, "rules": current, "kinds": rules.KINDS, "words": words,
        "option_kinds": rules.OPTION_KINDS, "single_methods": SINGLE_WINNER_METHODS,
        "committee_methods": COMMITTEE_METHODS, "values": values or {}, "errors": errors or {},
        "editing": next(iter(errors or {}), editing), "constituted": charter.is_constituted(session, coalition)},
        status_code=status)


@router.get("/admin/rules", name="admin_rules")
def admin_rules(request: Request, coalition: CoalitionDep, session: SessionDep, admin: AdminDep,
                edit: str | None = None) -> Response:
    """The rule of each kind in words; one form at a time (``?edit=kind``) while the coalition is in set-up."""
    return _page(request, session, coalition, editing=edit)


@router.post("/admin/rules/{kind}", name="set_rule")
def set_rule(request: Request, kind: str, form: FormDep, coalition: CoalitionDep, session: SessionDep,
             admin: AdminDep, now: NowDep) -> Response:
    if kind not in rules.KINDS:
        raise NotFound("There is no proposal kind %(kind)s.", kind=repr(kind))
    reason = text(form, "reason")
    if not reason.strip():
        message = request.state.translate("Say why the rule changes.")
        return _page(request, session, coalition, values={kind: {"reason": reason}},
                     errors={kind: {"reason": message}}, status=422)
    try:
        coalitions.set_rule(session, coalition=coalition, actor=admin.username, kind=kind,
                            rule=rule_from_form(kind, form), now=now, reason=reason)
    except DomainError as error:
        session.rollback()
        return _page(request, session, coalition, values={kind: {"reason": reason}},
                     errors={kind: {"form": error_text(request, error)}}, status=422)
    return see_other(f"/c/{coalition.slug}/admin/rules#rule-{kind}")


@router.post("/admin/time-zone", name="set_coalition_time_zone")
def set_coalition_time_zone(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                            admin: AdminDep) -> Response:
    zone = text(form, "time_zone")
    try:
        coalitions.set_time_zone(session, coalition=coalition, actor=admin.username, time_zone=zone)
    except DomainError as error:
        session.rollback()
        return _page(request, session, coalition, values={"time_zone": zone},
                     errors={"time_zone": {"time_zone": error_text(request, error)}}, status=422)
    return see_other(f"/c/{coalition.slug}/admin/rules#time-zone")
