"""Decide yes/no/abstain ballots: count by members and by weight, check quorum and every criterion, explain."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from math import lcm
from typing import Literal, get_args

from voting.exact import ExactNumberError, format_exact, parse_exact
from voting.majority.rule import (
    MEMBER_BASE_WORDS,
    WEIGHT_BASE_WORDS,
    Base,
    Counting,
    MajorityRule,
    RuleError,
    Threshold,
    format_percent,
)

__all__ = [
    "Base",
    "Choice",
    "Count",
    "Counting",
    "Criterion",
    "MajorityResult",
    "MajorityRule",
    "RuleError",
    "Threshold",
    "VoteError",
    "decide",
    "passes",
]

Choice = Literal["yes", "no", "abstain", "block"]
Outcome = Literal["passed", "rejected", "no_quorum"]
CHOICES: tuple[str, ...] = get_args(Choice)


class VoteError(ValueError):
    """Votes or weights that cannot be counted (a voter who is not eligible, a block without consensus...)."""

@dataclass(frozen=True)
class Count:
    """Votes by choice, counted by members (ints) or by weight (Fractions), and the eligible total."""

    yes: int | Fraction
    no: int | Fraction
    abstain: int | Fraction
    block: int | Fraction
    not_voted: int | Fraction
    eligible: int | Fraction

    @property
    def cast(self) -> int | Fraction:
        """Everything cast: yes, no, abstain and block (not the members who did not vote).

        >>> Count(yes=3, no=1, abstain=2, block=1, not_voted=4, eligible=11).cast
        7
        """
        return self.yes + self.no + self.abstain + self.block

    def base_total(self, base: Base) -> int | Fraction:
        """The denominator of a threshold: yes+no, all cast, or all eligible.

        >>> Count(yes=3, no=1, abstain=2, block=0, not_voted=4, eligible=10).base_total("cast")
        6
        """
        return {"yes_no": self.yes + self.no, "cast": self.cast, "eligible": self.eligible}[base]

    def to_dict(self) -> dict[str, object]:
        """JSON-able form: member numbers as ints, weights as exact strings.

        >>> Count(Fraction(1, 2), Fraction(0), Fraction(0), Fraction(0), Fraction(1, 3), Fraction(5, 6)).to_dict()["yes"]
        '0.5'
        """
        names = ("yes", "no", "abstain", "block", "not_voted", "eligible")
        return {name: _json_number(getattr(self, name)) for name in names}


def _json_number(value: int | Fraction | None) -> int | str | None:
    if value is None or isinstance(value, int):
        return value
    if value.denominator == 1:  # what format_exact writes for a whole number, without its conversions
        return str(value.numerator)
    return format_exact(value)


@dataclass(frozen=True)
class Criterion:
    """One condition of a rule as applied to a ballot: its exact share and threshold, met or not, and why.

    ``name`` is "members", "weight", "quorum_members", "quorum_weight", "unanimity" or
    "consensus". ``share`` is None where it is undefined (nobody voted yes or no, zero weight)
    or meaningless (unanimity, consensus). ``deemed_met``: met only by the blocking-minority clause.
    """

    name: str
    met: bool
    share: Fraction | None = None
    threshold: Fraction | None = None
    strict: bool | None = None
    base: str | None = None
    deemed_met: bool = False
    explanation: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-able form, numbers as exact strings.

        >>> Criterion("members", False, Fraction(1, 2), Fraction(1, 2), True, "yes_no").to_dict()["share"]
        '0.5'
        """
        return {
            "name": self.name,
            "met": self.met,
            "share": _json_number(self.share),
            "threshold": _json_number(self.threshold),
            "strict": self.strict,
            "base": self.base,
            "deemed_met": self.deemed_met,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class MajorityResult:
    """The decision on one yes/no/abstain ballot: outcome, counts by members and by weight, every criterion."""

    outcome: Outcome
    quorum_reached: bool
    members: Count
    weight: Count
    criteria: tuple[Criterion, ...]
    quorum: tuple[Criterion, ...]
    blocked_by: tuple[str, ...]
    explanation: str
    rule: MajorityRule

    @property
    def passed(self) -> bool:
        """Whether the proposal passed.

        >>> decide(MajorityRule(), eligible={"a": 1}, votes={"a": "yes"}).passed
        True
        """
        return self.outcome == "passed"

    def to_dict(self) -> dict[str, object]:
        """JSON-able form, every number exact (member counts as ints, weights and shares as strings).

        >>> decide(MajorityRule(), eligible={"a": Fraction(1, 3)}, votes={"a": "yes"}).to_dict()["weight"]["yes"]
        '1/3'
        """
        return {
            "outcome": self.outcome,
            "quorum_reached": self.quorum_reached,
            "members": self.members.to_dict(),
            "weight": self.weight.to_dict(),
            "criteria": [criterion.to_dict() for criterion in self.criteria],
            "quorum": [criterion.to_dict() for criterion in self.quorum],
            "blocked_by": list(self.blocked_by),
            "explanation": self.explanation,
            "rule": self.rule.to_dict(),
        }


def _read_weights(eligible: Mapping[str, object]) -> dict[str, Fraction]:
    weights = {}
    for member, weight in eligible.items():
        if not isinstance(member, str) or not member:
            raise VoteError(f"member names must be non-empty strings, not {member!r}")
        if type(weight) is not Fraction:  # a Fraction is immutable and exact already: parse_exact would copy it
            try:
                weight = parse_exact(weight)
            except ExactNumberError as error:
                raise VoteError(f"weight of {member!r}: {error}") from None
        if weight < 0:
            raise VoteError(f"weight of {member!r} is {format_exact(weight)}; a weight cannot be negative")
        weights[member] = weight
    return weights


def _check_votes(rule: MajorityRule, weights: Mapping[str, Fraction], votes: Mapping[str, str]) -> None:
    for member, choice in votes.items():
        if member not in weights:
            raise VoteError(f"{member!r} voted but is not an eligible member of this ballot")
        if choice not in CHOICES:
            raise VoteError(f"{member!r} voted {choice!r}; a vote is one of: {', '.join(CHOICES)}")
        if choice == "block" and not rule.consensus:
            raise VoteError(f"{member!r} voted 'block', but this rule has no consensus clause; vote yes, no or abstain")


def _tally(weights: Mapping[str, Fraction], votes: Mapping[str, str]) -> tuple[Count, Count]:
    # Sums of integers over one common denominator: the same exact Fractions, without a gcd per addition.
    ratios = {member: weight.as_integer_ratio() for member, weight in weights.items()}
    denominator = lcm(*{below for _, below in ratios.values()})
    scaled = {member: above * (denominator // below) for member, (above, below) in ratios.items()}
    members = dict.fromkeys(CHOICES, 0)
    weight = dict.fromkeys(CHOICES, 0)
    for member, choice in votes.items():
        members[choice] += 1
        weight[choice] += scaled[member]
    total = sum(scaled.values())
    member_count = Count(**members, not_voted=len(weights) - len(votes), eligible=len(weights))
    weight_count = Count(**{choice: Fraction(part, denominator) for choice, part in weight.items()},
                         not_voted=Fraction(total - sum(weight.values()), denominator),
                         eligible=Fraction(total, denominator))
    return member_count, weight_count


def _share(part: int | Fraction, whole: int | Fraction) -> Fraction | None:
    return Fraction(part) / whole if whole else None


def _threshold_criterion(name: str, threshold: Threshold, count: Count) -> Criterion:
    share = _share(count.yes, count.base_total(threshold.base))
    met = share is not None and threshold.is_met(share)
    return Criterion(name, met, share, Fraction(threshold.fraction), threshold.strict, threshold.base)


def _opposing_members(members: Count, base: Base) -> int:
    """Members counted against in ``base``: the Council counts an abstention as a vote against."""
    return int({"yes_no": members.no, "cast": members.cast - members.yes, "eligible": members.eligible - members.yes}[base])


def _weight_criterion(rule: MajorityRule, members: Count, weight: Count) -> Criterion:
    criterion = _threshold_criterion("weight", rule.weight_threshold, weight)
    minority = rule.blocking_minority_members
    if criterion.met or minority is None or criterion.share is None or members.yes == 0:
        return criterion
    if _opposing_members(members, rule.weight_threshold.base) < minority:
        return replace(criterion, met=True, deemed_met=True)
    return criterion


def _quorum_criteria(rule: MajorityRule, members: Count, weight: Count) -> tuple[Criterion, ...]:
    criteria = []
    for name, quorum, count in (("quorum_members", rule.quorum_members, members), ("quorum_weight", rule.quorum_weight, weight)):
        if quorum is not None:
            share = _share(count.cast, count.eligible)
            met = quorum == 0 or (share is not None and share >= quorum)
            criteria.append(Criterion(name, met, share, Fraction(quorum), False, "eligible"))
    return tuple(criteria)


def _decision_criteria(rule: MajorityRule, members: Count, weight: Count) -> tuple[Criterion, ...]:
    criteria = []
    if rule.uses_members:
        criteria.append(_threshold_criterion("members", rule.member_threshold, members))
    if rule.uses_weight:
        criteria.append(_weight_criterion(rule, members, weight))
    if rule.unanimity:
        criteria.append(Criterion("unanimity", members.no == 0 and members.block == 0 and members.yes > 0))
    if rule.consensus:
        criteria.append(Criterion("consensus", members.block == 0))
    return tuple(criteria)


def _outcome(quorum: tuple[Criterion, ...], criteria: tuple[Criterion, ...]) -> Outcome:
    if not all(criterion.met for criterion in quorum):
        return "no_quorum"
    return "passed" if all(criterion.met for criterion in criteria) else "rejected"


def _verdict(criterion: Criterion, words: tuple[str, str] = ("met", "not met")) -> str:
    threshold = Threshold(criterion.threshold or Fraction(1), bool(criterion.strict))
    return f"needed {threshold.describe()}: {words[0] if criterion.met else words[1]}"


def _explain_members(criterion: Criterion, members: Count) -> str:
    base = criterion.base
    if criterion.share is None:
        reason = {"yes_no": "nobody voted yes or no", "cast": "nobody voted", "eligible": "there are no eligible members"}
        return f"{reason[base]}, so the members' share is undefined and the member criterion is not met"  # type: ignore[index]
    total = members.base_total(base)  # type: ignore[arg-type]
    return (
        f"{members.yes} of {total} {MEMBER_BASE_WORDS[base].removeprefix('the ').removeprefix('all ')} voted yes "  # type: ignore[index]
        f"({format_percent(criterion.share)}, {_verdict(criterion)})"
    )


def _explain_weight(criterion: Criterion, weight: Count, members: Count, minority: int | None) -> str:
    base = criterion.base
    if not weight.eligible:
        return "the eligible members hold no weight at all, so the weight criterion cannot be met"
    if criterion.share is None:
        reason = {"yes_no": "no weight was cast yes or no", "cast": "no weight was cast"}
        return f"{reason[base]}, so the weight share is undefined and the weight criterion is not met"  # type: ignore[index]
    total = weight.base_total(base)  # type: ignore[arg-type]
    text = (
        f"members voting yes hold {format_percent(criterion.share)} of {WEIGHT_BASE_WORDS[base]} "  # type: ignore[index]
        f"({format_exact(weight.yes)} of {format_exact(total)}; "
    )
    if criterion.deemed_met:
        opposing = _opposing_members(members, base)  # type: ignore[arg-type]
        return text + (
            f"{_verdict(criterion, ('not met', 'not met'))}, but deemed met because only {opposing} "
            f"member{'s' if opposing != 1 else ''} counted against, fewer than the blocking minority of {minority})"
        )
    return text + f"{_verdict(criterion)})"


def _explain_quorum(criterion: Criterion, count: Count) -> str:
    words = ("reached", "not reached")
    if criterion.name == "quorum_members":
        share = "no eligible members" if criterion.share is None else format_percent(criterion.share)
        return f"{count.cast} of {count.eligible} members took part ({share}, {_verdict(criterion, words)})"
    if criterion.share is None:
        return f"the eligible members hold no weight at all, so the weight quorum is {words[not criterion.met]}"
    return (
        f"members taking part hold {format_percent(criterion.share)} of the eligible weight "
        f"({format_exact(count.cast)} of {format_exact(count.eligible)}; {_verdict(criterion, words)})"
    )


def _explain_other(criterion: Criterion, members: Count, blocked_by: tuple[str, ...]) -> str:
    if criterion.name == "consensus":
        if criterion.met:
            return "nobody blocked"
        return f"blocked by {', '.join(blocked_by)} (consensus: a single block fails the proposal)"
    if members.no or members.block:
        against = members.no + members.block
        return f"not unanimous: {against} member{'s' if against != 1 else ''} voted against"
    if not members.yes:
        return "not unanimous: unanimity needs at least one yes, and nobody voted yes"
    abstained = f", {members.abstain} abstained (abstention does not prevent unanimity)" if members.abstain else ""
    return f"unanimous: nobody voted no{abstained}"


def _explain_criterion(criterion: Criterion, result: MajorityResult) -> str:
    if criterion.name == "members":
        return _explain_members(criterion, result.members)
    if criterion.name == "weight":
        return _explain_weight(criterion, result.weight, result.members, result.rule.blocking_minority_members)
    if criterion.name == "quorum_members":
        return _explain_quorum(criterion, result.members)
    if criterion.name == "quorum_weight":
        return _explain_quorum(criterion, result.weight)
    return _explain_other(criterion, result.members, result.blocked_by)


def _explain(result: MajorityResult) -> MajorityResult:
    quorum = tuple(replace(c, explanation=_explain_criterion(c, result)) for c in result.quorum)
    criteria = tuple(replace(c, explanation=_explain_criterion(c, result)) for c in result.criteria)
    if result.outcome == "no_quorum":
        summary = "No quorum: " + "; ".join(c.explanation for c in quorum) + "; without a quorum the votes do not decide."
    else:
        parts = [c.explanation for c in criteria] + [f"quorum: {c.explanation}" for c in quorum]
        summary = f"{result.outcome.capitalize()}: " + "; ".join(parts) + "."
    return replace(result, quorum=quorum, criteria=criteria, explanation=summary)


def _judge(rule: MajorityRule, eligible: Mapping[str, object], votes: Mapping[str, str]) -> MajorityResult:
    rule.validate()
    weights = _read_weights(eligible)
    _check_votes(rule, weights, votes)
    members, weight = _tally(weights, votes)
    quorum = _quorum_criteria(rule, members, weight)
    criteria = _decision_criteria(rule, members, weight)
    blocked_by = tuple(sorted(member for member, choice in votes.items() if choice == "block"))
    outcome = _outcome(quorum, criteria)
    return MajorityResult(outcome, outcome != "no_quorum", members, weight, criteria, quorum, blocked_by, "", rule)


def decide(rule: MajorityRule, *, eligible: Mapping[str, Fraction], votes: Mapping[str, Choice]) -> MajorityResult:
    """Decide a yes/no/abstain ballot: quorum first (abstentions and blocks take part), then every criterion.

    A share equal to a "more than" threshold fails (a tie fails); a share whose base is empty
    is undefined and fails. Thresholds follow the rule's counting; the EU clauses follow TEU
    art. 16(4) (blocking minority) and TFEU art. 238(4) (abstention does not prevent unanimity).

    >>> result = decide(MajorityRule(), eligible={"a": 1, "b": 1, "c": 1}, votes={"a": "yes", "b": "no"})
    >>> result.outcome, result.explanation
    ('rejected', 'Rejected: 1 of 2 members voting yes or no voted yes (50%, needed more than 50%: not met).')
    """
    return _explain(_judge(rule, eligible, votes))


def passes(rule: MajorityRule, *, eligible: Mapping[str, Fraction], yes: Iterable[str]) -> bool:
    """Whether the proposal passes when every eligible member votes: those in ``yes`` yes, all others no.

    The simple game behind power indices (winning coalitions); no explanation is built.

    >>> passes(MajorityRule(counting="weighted"), eligible={"a": 50, "b": 49, "c": 1}, yes={"b", "c"})
    False
    """
    in_favour = set(yes)
    strangers = sorted(in_favour - set(eligible))
    if strangers:
        raise VoteError(f"{', '.join(map(repr, strangers))} not eligible, so cannot be in the yes coalition")
    votes = {member: "yes" if member in in_favour else "no" for member in eligible}
    return _judge(rule, eligible, votes).outcome == "passed"
