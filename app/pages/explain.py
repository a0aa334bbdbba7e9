"""A result's summary and explanation in the visitor's language, built from the stored result's fields (the
recorded English text is shown beside it, labelled): one sentence per quorum and majority condition for yes/no
ballots, the winners and the count for every counting method."""

from collections.abc import Callable, Mapping
from fractions import Fraction

from app.i18n import format_readable, format_share, join_names
from app.pages.words import METHOD_NAMES, OUTCOMES
from governance.errors import N_

__all__ = ["explain_result"]

Gettext = Callable[..., str]
MET, REACHED = (N_("met"), N_("not met")), (N_("reached"), N_("not reached"))
MEMBER_BASES = {"yes_no": N_("%(yes)s of %(total)s members voting yes or no voted yes"),
                "cast": N_("%(yes)s of %(total)s members who voted voted yes"),
                "eligible": N_("%(yes)s of %(total)s eligible members voted yes")}
WEIGHT_BASES = {"yes_no": N_("members voting yes hold %(share)s of the weight voting yes or no (%(yes)s of %(total)s)"),
                "cast": N_("members voting yes hold %(share)s of the weight cast (%(yes)s of %(total)s)"),
                "eligible": N_("members voting yes hold %(share)s of the weight of all eligible members "
                               "(%(yes)s of %(total)s)")}


def _count(result: Mapping, key: str, name: str) -> Fraction:
    return Fraction(str(result[key].get(name, 0)))


def _base_total(result: Mapping, key: str, base: str) -> Fraction:
    yes, no = _count(result, key, "yes"), _count(result, key, "no")
    cast = yes + no + _count(result, key, "abstain") + _count(result, key, "block")
    return {"yes_no": yes + no, "cast": cast, "eligible": _count(result, key, "eligible")}[base]


def _needed(_: Gettext, criterion: Mapping, locale: str, words: tuple[str, str]) -> str:
    threshold = format_share(criterion.get("threshold") or 1, locale, 2).replace(".00", "")
    need = (_("needed more than %(threshold)s", threshold=threshold) if criterion.get("strict")
            else _("needed at least %(threshold)s", threshold=threshold))
    return _("%(needed)s: %(verdict)s", needed=need, verdict=_(words[0]) if criterion["met"] else _(words[1]))


def _criterion(_: Gettext, result: Mapping, criterion: Mapping, locale: str) -> str:
    name, share = criterion["name"], criterion.get("share")
    number = lambda value: format_readable(value, locale)  # noqa: E731
    if name in ("members", "weight") and share is None:
        return _("nobody voted in the way this condition counts, so it is not met")
    if name == "members":
        base = str(criterion["base"])
        said = _(MEMBER_BASES[base], yes=number(_count(result, "members", "yes")),
                 total=number(_base_total(result, "members", base)))
        return _("%(said)s (%(share)s, %(needed)s)", said=said, share=format_share(share, locale),
                 needed=_needed(_, criterion, locale, MET))
    if name == "weight":
        base = str(criterion["base"])
        said = _(WEIGHT_BASES[base], share=format_share(share, locale), yes=number(_count(result, "weight", "yes")),
                 total=number(_base_total(result, "weight", base)))
        if criterion.get("deemed_met"):
            return _("%(said)s, deemed met: too few members voted against to form the blocking minority", said=said)
        return _("%(said)s; %(needed)s", said=said, needed=_needed(_, criterion, locale, MET))
    if name in ("quorum_members", "quorum_weight"):
        key = "members" if name == "quorum_members" else "weight"
        took = _count(result, key, "eligible") - _count(result, key, "not_voted")
        template = (N_("%(took)s of %(eligible)s members took part") if key == "members"
                    else N_("members taking part hold %(took)s of %(eligible)s of the eligible weight"))
        said = _(template, took=number(took), eligible=number(_count(result, key, "eligible")))
        shown = format_share(share, locale) if share is not None else "—"
        return _("%(said)s (%(share)s, %(needed)s)", said=said, share=shown, needed=_needed(_, criterion, locale, REACHED))
    if name == "consensus":
        return _("nobody blocked") if criterion["met"] else _(
            "blocked by %(names)s (one block fails the proposal)", names=join_names(result.get("blocked_by", []), locale))
    if name == "unanimity":
        return _("unanimous: nobody voted against") if criterion["met"] else _("not unanimous: some voted against")
    return _("%(needed)s: %(verdict)s", needed=name, verdict=_(MET[0]) if criterion["met"] else _(MET[1]))


def _majority(_: Gettext, result: Mapping, locale: str) -> list[str]:
    outcome = _(OUTCOMES.get(result["outcome"], result["outcome"]))
    sentences = [_("%(outcome)s.", outcome=outcome)]
    for criterion in result.get("quorum", []):
        sentences.append(_("Quorum: %(said)s.", said=_criterion(_, result, criterion, locale)))
    if result["outcome"] == "no_quorum":
        sentences.append(_("Without a quorum the votes do not decide."))
        return sentences
    for criterion in result.get("criteria", []):
        said = _("%(said)s.", said=_criterion(_, result, criterion, locale))
        sentences.append(said[:1].upper() + said[1:])
    return sentences


def _method(_: Gettext, result: Mapping, locale: str) -> list[str]:
    method = _(METHOD_NAMES.get(str(result.get("method")), str(result.get("method"))))
    winners = join_names(result.get("winners", []), locale)
    sentences = [_("Counted by %(method)s.", method=method)]
    if result.get("voted") is not None and result.get("eligible") is not None:
        sentences.append(_("%(voted)s of %(eligible)s members voted.", voted=format_readable(result["voted"], locale),
                           eligible=format_readable(result["eligible"], locale)))
    if result.get("outcome") == "no_quorum":
        sentences.append(_("No quorum: without it the votes do not decide."))
    elif not result.get("winners"):
        sentences.append(_("Nobody won: there were no votes to count."))
    elif result.get("tied"):
        sentences.append(_("Tied between %(names)s; no rule broke the tie.", names=winners))
    elif int(result.get("seats") or 1) > 1:
        sentences.append(_("Elected: %(names)s.", names=winners))
    else:
        sentences.append(_("Chosen: %(names)s.", names=winners))
    rounds = len(result.get("rounds") or [])
    if rounds > 1:
        sentences.append(_("The count took %(rounds)s rounds; the table shows each.", rounds=format_readable(rounds, locale)))
    return sentences


def explain_result(_: Gettext, result: Mapping, locale: str) -> list[str]:
    """The sentences that say what the result is and why, from its stored fields, in the language of ``_``."""
    if result.get("kind") == "majority":
        return _majority(_, result, locale)
    return _method(_, result, locale)
