"""Rule what-if: power under another rule or other weights beside the current one, and past decisions it would flip."""

import re
from collections.abc import Callable, Mapping
from fractions import Fraction

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.budget import budgeted_rule_powers
from app.deps import SessionDep, limit_anonymous_what_ifs
from app.pages.common import CoalitionDep, coalition_pages, error_text
from app.pages.power import report_view
from app.pages.words import describe_rule
from app.templating import render
from governance import coalitions, members, power, rules
from governance.errors import DomainError
from governance.models import Coalition
from voting.exact import format_exact

__all__ = ["router", "rule_values"]

router = coalition_pages()
Gettext = Callable[..., str]
SHARE = re.compile(r"\s*(\d{1,9}(\.\d{1,9})?|\d{1,9}\s*/\s*\d{1,9})\s*")
CHOICES = {"counting": ("equal", "weighted", "double"), "member_strict": ("more", "least"),
           "weight_strict": ("more", "least"), "member_base": ("yes_no", "cast", "eligible"),
           "weight_base": ("yes_no", "cast", "eligible")}


def rule_values(rule: Mapping, eligible: list[dict[str, str]]) -> dict[str, str]:
    """The form's fields filled from a stored yes/no rule and the members' weights."""
    values = {"counting": rule["counting"], "quorum_members": rule.get("quorum_members") or "",
              "quorum_weight": rule.get("quorum_weight") or "", "consensus": "on" if rule.get("consensus") else "",
              "unanimity": "on" if rule.get("unanimity") else ""}
    for prefix in ("member", "weight"):
        threshold = rule[f"{prefix}_threshold"]
        values.update({f"{prefix}_fraction": threshold["fraction"], f"{prefix}_base": threshold["base"],
                       f"{prefix}_strict": "more" if threshold["strict"] else "least"})
    values.update({f"w-{row['member']}": row["weight"] for row in eligible})
    return values


def _share(_: Gettext, text: str, *, threshold: bool) -> tuple[Fraction | None, str | None]:
    if not SHARE.fullmatch(text):
        return None, _("Write a share such as 1/2, 2/3 or 0.55.")
    share = Fraction(text.replace(" ", ""))
    if threshold and not 0 < share <= 1:
        return None, _("A threshold must be more than 0 and at most 1.")
    if not threshold and not 0 <= share <= 1:
        return None, _("A quorum must be between 0 and 1.")
    return share, None


def _read_rule(_: Gettext, values: Mapping[str, str], current: Mapping, errors: dict[str, str]) -> dict:
    for name, allowed in CHOICES.items():
        if values.get(name) not in allowed:
            errors[name] = _("Choose one of the options offered.")
    rule = {"counting": values.get("counting"), "consensus": values.get("consensus") == "on",
            "unanimity": values.get("unanimity") == "on", "early_close": current.get("early_close", True),
            "blocking_minority_members": current.get("blocking_minority_members")}
    for prefix in ("member", "weight"):
        share, error = _share(_, values.get(f"{prefix}_fraction", ""), threshold=True)
        if error:
            errors[f"{prefix}_fraction"] = error
        rule[f"{prefix}_threshold"] = {"fraction": str(share), "strict": values.get(f"{prefix}_strict") == "more",
                                       "base": values.get(f"{prefix}_base")}
    for name in ("quorum_members", "quorum_weight"):
        text = values.get(name, "").strip()
        share, error = _share(_, text, threshold=False) if text else (None, None)
        if error:
            errors[name] = error
        rule[name] = None if share is None else str(share)
    return rule


def _read_weights(_: Gettext, values: dict[str, str], eligible: list[dict], errors: dict[str, str]) -> dict:
    weights = {}
    for row in eligible:
        name = f"w-{row['member']}"
        text = values.setdefault(name, row["weight"]).strip()
        try:
            weights[row["member"]] = format_exact(members.parse_weight(text))
        except DomainError:
            errors[name] = _("A weight is a number of at least 0, such as 12 or 12.5.")
    return weights


def _results(_: Gettext, request: Request, session: Session, coalition: Coalition, kind: str, rule: dict, weights: dict,
             eligible: list[dict], locale: str) -> dict:
    limit_anonymous_what_ifs(request, session)
    outcome = power.what_if(session, coalition=coalition, kind=kind, rule=rule, weights=weights,
                            rule_powers=budgeted_rule_powers(request))
    proposed_rows = [{**row, "weight": weights.get(row["member"], row["weight"])} for row in eligible]
    return {"current": report_view(outcome.current.report, eligible),
            "proposed": report_view(outcome.proposed.report, proposed_rows),
            "proposed_words": describe_rule(_, outcome.proposed.report["rule"], locale),
            "changed": outcome.changed_outcomes, "recounted": outcome.ballots_recounted}


@router.get("/power/what-if", name="what_if_page")
def what_if_page(request: Request, coalition: CoalitionDep, session: SessionDep) -> Response:
    _ = request.state.translate
    query = request.query_params
    kind = query.get("kind", "decision")
    errors: dict[str, str] = {}
    if kind not in rules.YES_NO_KINDS:
        kind, errors["kind"] = "decision", _("Choose one of the options offered.")
    eligible = power.eligible_rows(session, coalition=coalition)
    current = coalitions.get_rules(session, coalition)[kind]
    submitted = "counting" in query
    values = {key: query.get(key, "") for key in query} if submitted else rule_values(current, eligible)
    rule = _read_rule(_, values, current, errors)
    weights = _read_weights(_, values, eligible, errors)
    results, status = None, 422
    if not errors and eligible:
        try:
            results = _results(_, request, session, coalition, kind, rule, weights, eligible, request.state.locale)
        except DomainError as error:
            errors["form"], status = error_text(request, error), error.status_code
    htmx = request.headers.get("hx-request") == "true"
    return render(request, "power/whatif.html", {
        "coalition": coalition, "kind": kind, "kinds": rules.YES_NO_KINDS, "values": values, "errors": errors,
        "eligible": eligible, "results": results,
        "current_words": describe_rule(_, current, request.state.locale)},
        block="whatif" if htmx else None, status_code=status if errors else 200)
