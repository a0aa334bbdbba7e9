"""Count one ballot from its frozen rule, eligible members and votes; used by the service and the offline verifier.

Standard library and ``voting/`` only, so that ``concord verify`` recounts without the service.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import lru_cache

from governance.log.canonical import canonical_bytes, canonical_text, is_plain
from voting.exact import format_exact, parse_exact
from voting.majority import MajorityRule, decide
from voting.registry import get_method
from voting.types import ApprovalBallot, RankedBallot, ScoreBallot

__all__ = ["ChoiceError", "ballot_shape", "check_choice", "count_ballot", "vote_commitment"]

RANKED = {"irv", "schulze", "ranked_pairs", "copeland", "borda", "stv_scottish", "stv_meek"}
STRICT_RANKING = {"stv_scottish", "stv_meek"}
DEFAULT_MAX_SCORE = 5
MAJORITY_CHOICES = ("yes", "no", "abstain")
CONSENSUS_CHOICES = (*MAJORITY_CHOICES, "block")
_json_string = json.encoder.encode_basestring  # a str as canonical JSON writes it (ensure_ascii=False)
_sha256 = hashlib.sha256


def _plain_vote_text(vote: dict) -> str | None:
    """The canonical text of a vote built of plain JSON values (a one-field vote of a string written directly),
    None for anything else."""
    if len(vote) == 1:
        ((key, value),) = vote.items()
        if type(key) is str and type(value) is str:
            return f"{{{_json_string(key)}:{_json_string(value)}}}"
    return canonical_text(vote) if is_plain(vote) else None


def vote_commitment(*, number: int, member: str, vote: Mapping[str, object], salt: str) -> str:
    """The hex SHA-256 of the canonical ``{member, number, salt, vote}``: what a ``vote.cast`` event publishes
    while the ballot is open; ``ballot.closed`` reveals each counted vote and its salt.

    >>> vote_commitment(number=1, member="a", vote={"choice": "yes"}, salt="00")[:16]
    '6f5ba140dcabe6b4'
    """
    vote_text = _plain_vote_text(vote) if type(vote) is dict else None
    if vote_text is not None and type(member) is str and type(number) is int and type(salt) is str:
        text = (f'{{"member":{_json_string(member)},"number":{number},"salt":{_json_string(salt)},'
                f'"vote":{vote_text}}}')  # canonical_bytes of the same object, its keys already in order
        return _sha256(text.encode("utf-8")).hexdigest()
    data = canonical_bytes({"member": member, "number": number, "salt": salt, "vote": dict(vote)})
    return _sha256(data).hexdigest()


class ChoiceError(ValueError):
    """A vote that does not fit the ballot: the message says what to change.

    ``template`` is a catalog message with ``%(name)s`` placeholders and ``params`` its values (as a DomainError
    has them, so the service can pass them on); ``str(error)`` is the English message with the values filled in.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


def ballot_shape(rule: Mapping[str, object]) -> str:
    """Which field a vote carries: choice, option, approve, scores or ranking."""
    if rule.get("type") == "majority":
        return "choice"
    method = rule["method"]
    if method == "plurality":
        return "option"
    if method == "approval":
        return "approve"
    if method in ("score", "star"):
        return "scores"
    return "ranking"


def _check_ranking(ranking: object, options: Sequence[str], strict: bool) -> list:
    if not isinstance(ranking, list) or not ranking:
        raise ChoiceError("ranking must be a non-empty list of options, best first (a list inside it = tied).")
    seen: set[str] = set()
    for item in ranking:
        group = item if isinstance(item, list) else [item]
        if strict and isinstance(item, list):
            raise ChoiceError("this election needs a strict order: rank candidates one by one, without ties.")
        for name in group:
            if name not in options:
                raise ChoiceError("%(option)s is not one of the options: %(options)s.", option=repr(name),
                                  options=", ".join(options))
            if name in seen:
                raise ChoiceError("%(option)s is ranked more than once.", option=repr(name))
            seen.add(name)
    return ranking


def check_choice(rule: Mapping[str, object], options: Sequence[str], vote: Mapping[str, object]) -> dict:
    """Validate a vote against the ballot and return its canonical stored form."""
    if type(vote) is not dict and not isinstance(vote, Mapping):
        raise ChoiceError("a vote is a JSON object.")
    shape = ballot_shape(rule)
    if shape != "choice" and vote.get("choice") == "abstain" and len(vote) == 1:
        return {"choice": "abstain"}
    if len(vote) != 1 or shape not in vote:
        if shape == "choice":
            raise ChoiceError("this ballot takes a vote of the form {%(field)s: ...}.", field=repr(shape))
        raise ChoiceError('this ballot takes a vote of the form {%(field)s: ...} or {"choice": "abstain"}.',
                          field=repr(shape))
    value = vote[shape]
    if shape == "choice":
        allowed = CONSENSUS_CHOICES if rule.get("consensus") else MAJORITY_CHOICES
        if value not in allowed:
            raise ChoiceError("choice must be one of %(choices)s; got %(choice)s.", choices=", ".join(allowed),
                              choice=repr(value))
        return {"choice": value}
    if shape == "option":
        if value not in options:
            raise ChoiceError("%(option)s is not one of the options: %(options)s.", option=repr(value),
                              options=", ".join(options))
        return {"option": value}
    if shape == "approve":
        if not isinstance(value, list) or any(name not in options for name in value) or len(set(value)) != len(value):
            raise ChoiceError("approve must list distinct options from: %(options)s.", options=", ".join(options))
        return {"approve": sorted(value, key=options.index)}
    if shape == "scores":
        top = int(rule.get("max_score", DEFAULT_MAX_SCORE))
        if not isinstance(value, Mapping):
            raise ChoiceError("scores must map options to whole numbers.")
        for name, score in value.items():
            if name not in options:
                raise ChoiceError("%(option)s is not one of the options: %(options)s.", option=repr(name),
                                  options=", ".join(options))
            if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= top:
                raise ChoiceError("the score for %(option)s must be a whole number from 0 to %(top)s; got %(score)s.",
                                  option=repr(name), top=top, score=score if type(score) is int else repr(score))
        return {"scores": dict(sorted(value.items()))}
    return {"ranking": _check_ranking(value, options, rule["method"] in STRICT_RANKING)}


def _to_ballot(shape: str, vote: Mapping[str, object], weight: Fraction):  # noqa: ANN202
    if shape == "option":
        return RankedBallot.of(vote["option"], weight=weight)
    if shape == "approve":
        return ApprovalBallot(frozenset(vote["approve"]), weight)
    if shape == "scores":
        return ScoreBallot.of(vote["scores"], weight)
    return RankedBallot.of(*[tuple(item) if isinstance(item, list) else item for item in vote["ranking"]],
                           weight=weight)


def _quorum(rule: Mapping[str, object], eligible: Mapping[str, Fraction], voted: Sequence[str]) -> tuple[bool, str]:
    members_share = Fraction(len(voted), len(eligible)) if eligible else Fraction(0)
    total = sum(eligible.values(), Fraction(0))
    weight_share = sum((eligible[m] for m in voted), Fraction(0)) / total if total else Fraction(0)
    notes, reached = [], True
    for field, share, what in (("quorum_members", members_share, "members"), ("quorum_weight", weight_share, "weight")):
        if rule.get(field) is not None:
            needed = parse_exact(rule[field])
            ok = share >= needed
            reached &= ok
            notes.append(f"{format_exact(share)} of the {what} took part (quorum {rule[field]}: "
                         f"{'reached' if ok else 'not reached'})")
    return reached, "; ".join(notes)


def _count_method(rule, options, seats, eligible, votes, seed) -> dict:  # noqa: ANN001
    from voting.report import result_to_dict

    shape = ballot_shape(rule)
    reached, quorum_text = _quorum(rule, eligible, list(votes))
    weighted = rule.get("counting") == "weighted"
    ballots = [_to_ballot(shape, vote, eligible[member] if weighted else Fraction(1))
               for member, vote in sorted(votes.items()) if vote.get("choice") != "abstain"]
    base = {"kind": "method", "method": rule["method"], "quorum_reached": reached, "quorum": quorum_text,
            "voted": len(votes), "eligible": len(eligible)}
    if not reached:
        return {**base, "outcome": "no_quorum", "winners": [],
                "explanation": f"No quorum: {quorum_text}. Nothing was counted."}
    if not ballots:
        return {**base, "outcome": "no_votes", "winners": [], "explanation": "Every member abstained."}
    method = get_method(str(rule["method"]))
    options_kw = {"max_score": rule["max_score"]} if "max_score" in rule else {}
    result = method(ballots, candidates=list(options), seats=seats, seed=seed, **options_kw)
    counted = result_to_dict(result)
    outcome = "tied" if result.tied else "decided"
    return {**base, **counted, "outcome": outcome,
            "explanation": f"{result.summary} {quorum_text}".strip() if quorum_text else result.summary}


_parse_exact_text = lru_cache(maxsize=4096)(parse_exact)  # Fractions are immutable: one per distinct weight text


def _exact_weight(value: object) -> Fraction:
    return _parse_exact_text(value) if type(value) is str else parse_exact(value)


@lru_cache(maxsize=256)
def _majority_rule_of_text(text: str) -> MajorityRule:
    return MajorityRule.from_dict(json.loads(text))


def _majority_rule(data: dict) -> MajorityRule:
    """``MajorityRule.from_dict(data)``, read once per distinct rule (a frozen value): ballots mostly share a few."""
    if is_plain(data):
        return _majority_rule_of_text(canonical_text(data))
    return MajorityRule.from_dict(data)


def count_ballot(*, rule: Mapping[str, object], eligible: Sequence[Mapping[str, str]], votes: Mapping[str, Mapping],
                 options: Sequence[str] = (), seats: int = 1, seed: str = "") -> dict:
    """The result of a ballot as stored and published: JSON-shaped, every number an exact string."""
    weights = {row["member"]: _exact_weight(row["weight"]) for row in eligible}
    if rule.get("type") == "majority":
        majority = _majority_rule({k: v for k, v in rule.items() if k != "type"})
        choices = {member: vote["choice"] for member, vote in votes.items()}
        return {"kind": "majority", **decide(majority, eligible=weights, votes=choices).to_dict()}
    return _count_method(rule, options, seats, weights, votes, seed)
