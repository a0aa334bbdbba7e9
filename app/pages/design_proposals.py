"""A designer candidate as proposals in one step: its weights (``weight_change``), its quota as the decision rule of the
kinds chosen (``rule_change``), or both, cross-referenced."""

from collections.abc import Mapping, Sequence
from fractions import Fraction

from fastapi import Request
from fastapi.responses import Response

from app.deps import NowDep, SessionDep
from app.design_jobs import jobs_of
from app.pages.common import CoalitionDep, FormDep, SignedInDep, coalition_pages, see_other, text
from governance import proposals, rules
from governance.errors import Forbidden, RuleViolation
from voting.design import Candidate
from voting.exact import format_exact

__all__ = ["RULE_KINDS", "candidate_rule", "router"]

router = coalition_pages()
RULE_KINDS = rules.YES_NO_KINDS
WHAT = ("both", "weights", "rule")


def candidate_rule(candidate: Candidate) -> dict:
    """The candidate's game as a stored majority rule: at least quota / total of the eligible weight (and at least
    members quota / members of the eligible members for a double majority), abstentions counting as not yes.

    The threshold is a share, so it reproduces the designed game only with the candidate's weights in force.
    """
    total, members = sum(candidate.weights), len(candidate.weights)
    rule: dict = {"type": "majority", "counting": "weighted",
                  "weight_threshold": {"fraction": format_exact(Fraction(candidate.quota, total)), "strict": False,
                                       "base": "eligible"}}
    if candidate.members_quota is not None:
        rule["counting"] = "double"
        rule["member_threshold"] = {"fraction": format_exact(Fraction(candidate.members_quota, members)),
                                    "strict": False, "base": "eligible"}
    return rule


def _summary(candidate: Candidate) -> str:
    total = sum(candidate.weights)
    needed = f"{candidate.quota} of the {total} votes of weight"
    if candidate.members_quota is not None:
        needed += f" and {candidate.members_quota} of the {len(candidate.weights)} members"
    return (f"Found by the rule designer: with these weights, a proposal that needs {needed} gives each member a "
            f"{candidate.index.replace('_', '-')} power within {format_exact(candidate.max_deviation)} of its target.")


def _weights_proposal(candidate: Candidate, names: Mapping[str, str], partner: int | None) -> dict:
    weights = {slug: str(weight) for slug, weight in zip(candidate.names, candidate.weights)}
    lines = [_summary(candidate), ""] + [f"- {names.get(s, s)}: {w}" for s, w in weights.items()]
    if partner is not None:
        lines += ["", f"Proposal #{partner}, a rule change, sets the quota as a share of the total weight; the "
                      f"designed power needs both adopted (a share of other weights gives other power)."]
    return {"kind": "weight_change", "payload": {"weights": weights, "reason": _summary(candidate)},
            "body": "\n".join(lines)}


def _rule_proposal(candidate: Candidate, kinds: Sequence[str], partner: int | None) -> dict:
    rule = candidate_rule(candidate)
    share = rule["weight_threshold"]["fraction"]
    lines = [_summary(candidate), "", f"The rule for {', '.join(kinds)}: at least {share} of the eligible weight"
             + (f" and {rule['member_threshold']['fraction']} of the eligible members"
                if "member_threshold" in rule else "") + "."]
    if partner is not None:
        lines += ["", f"Goes with proposal #{partner}, which sets the weights this share was designed for."]
    return {"kind": "rule_change", "payload": {"rules": {kind: rule for kind in kinds}, "reason": _summary(candidate)},
            "body": "\n".join(lines)}


def drafts(candidate: Candidate, names: Mapping[str, str], what: str, kinds: Sequence[str], first: int) -> list[dict]:
    """The proposals to create, numbered from ``first`` (the coalition's next number: the log's head lock keeps the
    numbers of one transaction consecutive), each naming its partner when there are two."""
    if what == "weights":
        return [_weights_proposal(candidate, names, None)]
    if what == "rule":
        return [_rule_proposal(candidate, kinds, None)]
    return [_weights_proposal(candidate, names, first + 1), _rule_proposal(candidate, kinds, first)]


@router.post("/power/design/{job_id}/propose", name="propose_design")
def propose_design(request: Request, job_id: str, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                   account: SignedInDep, now: NowDep) -> Response:
    """Create the candidate's proposal(s) as drafts of the signed-in representative, then show the first."""
    if account.coalition_id != coalition.id:
        raise Forbidden("Your account belongs to another coalition, not %(coalition)s.", coalition=coalition.name)
    _ = request.state.translate
    job = jobs_of(request.app)[0].get(session, coalition, job_id)
    number, what = text(form, "candidate"), text(form, "what")
    candidates = job.result.candidates if job.result else ()
    if not number.isdigit() or not 1 <= int(number) <= len(candidates) or what not in WHAT:
        raise RuleViolation("Choose one of the candidates and what to propose.")
    kinds = [kind for kind in form.getlist("rule_kind") if kind in RULE_KINDS]
    if what != "weights" and not kinds:
        raise RuleViolation("Choose at least one kind of proposal the new rule should decide.")
    candidate = candidates[int(number) - 1]
    first = proposals.next_number(session, coalition=coalition)
    created = []
    for draft, title in zip(drafts(candidate, job.names, what, kinds, first), _titles(_, what, int(number))):
        created.append(proposals.create_proposal(session, coalition=coalition, author=account, kind=draft["kind"],
                                                 title=title, body=draft["body"], payload=draft["payload"], now=now))
    return see_other(f"/c/{coalition.slug}/proposals/{created[0].number}")


def _titles(_, what: str, number: int) -> list[str]:  # noqa: ANN001
    weights = _("Weights from the rule designer, candidate %(number)s", number=number)
    rule = _("Decision rule from the rule designer, candidate %(number)s", number=number)
    return {"weights": [weights], "rule": [rule], "both": [weights, rule]}[what]
