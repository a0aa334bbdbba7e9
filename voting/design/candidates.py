"""Candidates as the power engine sees them: each rule re-evaluated by ``voting.power.analyze``, with its properties."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from voting.design.errors import DesignError
from voting.power import Criterion, Game, analyze

__all__ = ["Candidate", "evaluate_rule"]


@dataclass(frozen=True)
class Candidate:
    """One rule: weights, quota (and members quota), the exact index each member gets and how far it is
    from the target; ``veto``, ``dummies`` and ``smallest_blocking`` as the power engine reports them."""

    names: tuple[str, ...]
    weights: tuple[int | Fraction, ...]
    quota: int | Fraction
    members_quota: int | None
    index: str
    targets: tuple[Fraction, ...]
    achieved: tuple[Fraction, ...]
    max_deviation: Fraction
    sum_of_squares: Fraction
    veto: tuple[str, ...]
    dummies: tuple[str, ...]
    smallest_blocking: int | None

    @property
    def quota_share(self) -> Fraction:
        """The quota as a share of the total weight."""
        return Fraction(self.quota, sum(self.weights))

    @property
    def largest_share(self) -> Fraction:
        """The largest index any member gets."""
        return max(self.achieved)

    def game(self) -> Game:
        """The rule as a game for ``voting.power``."""
        return rule_game(self.names, self.weights, self.quota, self.members_quota)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: weights and quotas as integers, every index and distance an exact string."""
        return {
            "weights": {name: _number(weight) for name, weight in zip(self.names, self.weights)},
            "quota": _number(self.quota),
            "members_quota": self.members_quota,
            "quota_share": str(self.quota_share),
            "index": self.index,
            "indices": {name: str(value) for name, value in zip(self.names, self.achieved)},
            "targets": {name: str(value) for name, value in zip(self.names, self.targets)},
            "max_deviation": str(self.max_deviation),
            "sum_of_squares": str(self.sum_of_squares),
            "largest_share": str(self.largest_share),
            "veto": list(self.veto),
            "dummies": list(self.dummies),
            "smallest_blocking": self.smallest_blocking,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Candidate":
        """The candidate ``to_dict`` wrote (members in the order of its ``weights``).

        >>> c = evaluate_rule("AB", [2, 1], 2, None, [Fraction(2, 3), Fraction(1, 3)], "banzhaf")
        >>> Candidate.from_dict(c.to_dict()) == c
        True
        """
        names = tuple(data["weights"])
        return cls(
            names=names, weights=tuple(_read(data["weights"][n]) for n in names), quota=_read(data["quota"]),
            members_quota=data["members_quota"], index=str(data["index"]),
            targets=tuple(Fraction(data["targets"][n]) for n in names),
            achieved=tuple(Fraction(data["indices"][n]) for n in names),
            max_deviation=Fraction(data["max_deviation"]), sum_of_squares=Fraction(data["sum_of_squares"]),
            veto=tuple(data["veto"]), dummies=tuple(data["dummies"]), smallest_blocking=data["smallest_blocking"],
        )

def _read(value: object) -> int | Fraction:
    return value if isinstance(value, int) else Fraction(str(value))


def _number(value: int | Fraction) -> int | str:
    """Integers as JSON integers, other exact numbers as strings."""
    return int(value) if Fraction(value).denominator == 1 else str(value)


def rule_game(names: Sequence[str], weights: Sequence[object], quota: object, members_quota: int | None) -> Game:
    """[quota; weights], and at least ``members_quota`` members when given."""
    criteria = [Criterion(tuple(weights), quota)]
    if members_quota is not None:
        criteria.append(Criterion((1,) * len(weights), members_quota))
    return Game(tuple(names), tuple(criteria))


def evaluate_rule(names: Sequence[str], weights: Sequence[object], quota: object, members_quota: int | None,
                  targets: Sequence[Fraction], index: str) -> Candidate:
    """The rule's exact indices from the power engine, and its distances to ``targets``.

    >>> c = evaluate_rule("ABC", [2, 1, 1], 3, None, [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)], "banzhaf")
    >>> [str(a) for a in c.achieved], str(c.max_deviation), c.veto
    (['3/5', '1/5', '1/5'], '1/10', ('A',))
    """
    report = analyze(rule_game(names, weights, quota, members_quota))
    achieved = [getattr(member, index) for member in report.members]
    if any(value is None for value in achieved):
        raise DesignError(f"the rule [{quota}; ...] leaves the {index} index undefined: " + "; ".join(report.undefined))
    gaps = [a - t for a, t in zip(achieved, targets)]
    return Candidate(
        names=tuple(names), weights=tuple(weights), quota=quota, members_quota=members_quota, index=index,
        targets=tuple(targets), achieved=tuple(achieved), max_deviation=max(abs(g) for g in gaps),
        sum_of_squares=sum((g * g for g in gaps), Fraction(0)), veto=report.veto, dummies=report.dummies,
        smallest_blocking=report.smallest_blocking,
    )
