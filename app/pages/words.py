"""Stored rules, outcomes and votes in plain words, in the visitor's language."""

from collections.abc import Callable, Mapping
from fractions import Fraction

from app.i18n import format_number, format_share
from governance.errors import N_

Gettext = Callable[..., str]


METHOD_NAMES = {
    "plurality": N_("plurality (one choice each)"), "approval": N_("approval voting"), "score": N_("score voting"),
    "star": N_("STAR (score then automatic runoff)"), "irv": N_("instant-runoff voting"), "schulze": N_("the Schulze method"),
    "ranked_pairs": N_("ranked pairs"), "copeland": N_("the Copeland method"), "borda": N_("the Borda count"),
    "stv_scottish": N_("single transferable vote (Scottish rules)"), "stv_meek": N_("single transferable vote (Meek)"),
}
OUTCOMES = {"passed": N_("Passed"), "rejected": N_("Rejected"), "no_quorum": N_("No quorum"), "decided": N_("Decided"),
            "tied": N_("Tied"), "no_votes": N_("No votes"), "withdrawn": N_("Withdrawn"),
            "superseded": N_("Superseded")}
CHOICES = {"yes": N_("Yes"), "no": N_("No"), "abstain": N_("Abstain"), "block": N_("Block")}
KIND_NAMES = {"decision": N_("Decision"), "rule_change": N_("Rule change"), "admission": N_("Admission"),
              "choice": N_("Choice"), "election": N_("Election"), "charter_amendment": N_("Charter amendment"),
              "weight_change": N_("Weight change"), "suspension": N_("Suspension"), "readmission": N_("Readmission"),
              "expulsion": N_("Expulsion")}
STATES = {"draft": N_("Draft"), "open": N_("Open"), "closed": N_("Closed"), "withdrawn": N_("Withdrawn")}
PROXY_STATUSES = {"pending": N_("Awaiting an answer"), "accepted": N_("Accepted"), "declined": N_("Declined"),
                  "revoked": N_("Revoked"), "lapsed": N_("Lapsed (a member is no longer active)")}
STATUSES = {"active": N_("Active"), "suspended": N_("Suspended"), "left": N_("Left"), "expelled": N_("Expelled")}
WORDS_OF_VALUES = {"state": STATES, "kind": KIND_NAMES, "required": STATUSES,
                   "status": {**STATUSES, **PROXY_STATUSES, "ended": N_("Ended")},  # a member's or a proxy's
                   "new_status": STATUSES}
"""The stored words a refusal message may name, by the name of its value: translated where the message is shown."""


def _share_text(value: object, locale: str) -> str:
    share = Fraction(str(value))
    percent = format_share(share, locale)
    exact = (share * 1000).denominator == 1
    return percent if exact else f"{format_number(share, locale)} ({percent})"


def _threshold(_: Gettext, data: Mapping[str, object], locale: str, *, weight: bool) -> str:
    amount = _share_text(data["fraction"], locale)
    bases = ({"yes_no": _("the weight voting yes or no"), "cast": _("the weight cast, abstentions included"),
              "eligible": _("the weight of all eligible members")} if weight else
             {"yes_no": _("the members voting yes or no"), "cast": _("the members who vote, abstentions included"),
              "eligible": _("all eligible members")})
    base = bases[str(data["base"])]
    if data["strict"]:
        return _("more than %(amount)s of %(base)s", amount=amount, base=base)
    return _("at least %(amount)s of %(base)s", amount=amount, base=base)


def describe_rule(_: Gettext, rule: Mapping[str, object], locale: str) -> list[str]:
    """The sentences that say how a ballot under ``rule`` is decided."""
    sentences = []
    if rule.get("type") == "majority":
        counting = rule.get("counting", "equal")
        parts = []
        if counting in ("equal", "double"):
            parts.append(_threshold(_, rule["member_threshold"], locale, weight=False))
        if counting in ("weighted", "double"):
            parts.append(_threshold(_, rule["weight_threshold"], locale, weight=True))
        sentences.append(_("Passes when yes wins %(criteria)s.", criteria=_(" and ").join(parts)))
        if rule.get("blocking_minority_members"):
            sentences.append(_("The weight criterion counts as met unless at least %(n)s members vote against.",
                               n=format_number(rule["blocking_minority_members"], locale)))
        if rule.get("unanimity"):
            sentences.append(_("Unanimity: no member may vote no."))
        if rule.get("consensus"):
            sentences.append(_("Consensus: any member may block, and one block fails the proposal."))
    else:
        method = _(METHOD_NAMES.get(str(rule.get("method")), str(rule.get("method"))))
        counting = _("each member's weight") if rule.get("counting") == "weighted" else _("one vote per member")
        sentences.append(_("Counted by %(method)s, with %(counting)s.", method=method, counting=counting))
    if rule.get("quorum_members"):
        sentences.append(_("Quorum: at least %(amount)s of the eligible members must take part.",
                           amount=_share_text(rule["quorum_members"], locale)))
    if rule.get("quorum_weight"):
        sentences.append(_("Quorum: at least %(amount)s of the eligible weight must take part.",
                           amount=_share_text(rule["quorum_weight"], locale)))
    sentences.append(_("The secretariat may close the ballot early.") if rule.get("early_close", True)
                     else _("The ballot stays open until its closing time."))
    return sentences


def describe_vote(_: Gettext, vote: Mapping[str, object] | None, locale: str) -> str:
    """One member's vote as a short phrase."""
    if not vote:
        return ""
    if "choice" in vote:
        return _(CHOICES[str(vote["choice"])])
    if "option" in vote:
        return str(vote["option"])
    if "approve" in vote:
        return _("Approves: %(names)s", names=", ".join(vote["approve"])) if vote["approve"] else _("Approves none")
    if "scores" in vote:
        return ", ".join(f"{name}: {format_number(score, locale)}" for name, score in vote["scores"].items())
    groups = [" = ".join(item) if isinstance(item, list) else str(item) for item in vote["ranking"]]
    return " > ".join(groups)


def criterion_name(_: Gettext, name: str) -> str:
    return {"members": _("Majority of members"), "weight": _("Majority of weight"),
            "quorum_members": _("Quorum of members"), "quorum_weight": _("Quorum of weight"),
            "unanimity": _("Unanimity"), "consensus": _("Consensus")}.get(name, name)
