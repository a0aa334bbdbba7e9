"""Simple games for power analysis: criteria of weights and quotas, the EU-style clause, exact integer forms."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from voting.exact import ExactNumberError, parse_exact

__all__ = [
    "Criterion",
    "Game",
    "IntegerGame",
    "PowerError",
    "integer_game",
    "is_winning",
    "pivotal_members",
    "quota_from_share",
    "weighted_game",
]


class PowerError(ValueError):
    """A game that cannot be analysed as given (bad weights, names, quotas or clause)."""


@dataclass(frozen=True)
class Criterion:
    """One weighted requirement: a coalition meets it iff its total weight is >= ``quota``.

    A fractional quota q means ">= q" exactly; weights are exact non-negative numbers.
    """

    weights: tuple[Fraction, ...]
    quota: Fraction

    def __post_init__(self) -> None:
        try:
            weights = tuple(parse_exact(weight) for weight in self.weights)
            quota = parse_exact(self.quota)
        except ExactNumberError as error:
            raise PowerError(f"criterion: {error}") from None
        if any(weight < 0 for weight in weights):
            raise PowerError("weights must not be negative")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "quota", quota)


@dataclass(frozen=True)
class Game:
    """A simple game: a coalition wins iff it meets every criterion, or (EU-style clause) fewer
    than ``min_no_to_block`` members are outside it.

    >>> Game(("A", "B"), (Criterion((1, 1), 2),)).criteria[0].weights
    (Fraction(1, 1), Fraction(1, 1))
    """

    names: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    min_no_to_block: int | None = None

    def __post_init__(self) -> None:
        names = tuple(str(name) for name in self.names)
        criteria = tuple(c if isinstance(c, Criterion) else Criterion(*c) for c in self.criteria)
        if len(set(names)) != len(names):
            raise PowerError("member names must be distinct")
        if not criteria:
            raise PowerError("a game needs at least one criterion (weights and a quota)")
        for number, criterion in enumerate(criteria, 1):
            if len(criterion.weights) != len(names):
                raise PowerError(
                    f"criterion {number} has {len(criterion.weights)} weights for {len(names)} members"
                )
        if self.min_no_to_block is not None and (
            isinstance(self.min_no_to_block, bool) or not isinstance(self.min_no_to_block, int)
        ):
            raise PowerError("min_no_to_block must be a whole number of members")
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "criteria", criteria)

    @property
    def size(self) -> int:
        """The number of members."""
        return len(self.names)


def weighted_game(weights: Sequence[object], quota: object, names: Sequence[str] | None = None) -> Game:
    """A one-criterion weighted game ``[quota; weights]``; members are named A, B, ... unless named.

    >>> weighted_game([4, 3, 2, 1], 6).names
    ('A', 'B', 'C', 'D')
    """
    chosen = tuple(names) if names is not None else default_names(len(weights))
    return Game(chosen, (Criterion(tuple(weights), quota),))


def default_names(count: int) -> tuple[str, ...]:
    """A, B, ..., Z, then M27, M28, ...: stable placeholder names for unnamed members."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return tuple(letters[i] if count <= 26 else f"M{i + 1}" for i in range(count))


def quota_from_share(weights: Iterable[object], share: Fraction, *, strict: bool) -> Fraction:
    """The least quota equivalent to "more than" (``strict``) or "at least" ``share`` of the total weight.

    Weights are scaled exactly to integers by their common denominator; the quota is the least
    integer-scaled total meeting the rule, returned in the original units. Ties: "more than"
    excludes exactly ``share``.

    >>> quota_from_share([4, 3, 2, 1], Fraction(1, 2), strict=True)
    Fraction(6, 1)
    >>> quota_from_share(["2.5", "1.5"], Fraction(1, 2), strict=False)
    Fraction(2, 1)
    """
    values = [parse_exact(weight) for weight in weights]
    share = parse_exact(share)
    scale = math.lcm(*(value.denominator for value in values)) if values else 1
    target = sum(values, Fraction(0)) * scale * share
    least = math.floor(target) + 1 if strict else math.ceil(target)
    return Fraction(least, scale)


@dataclass(frozen=True)
class IntegerGame:
    """The same game with integer weights: a coalition S of size t wins iff
    (t >= ``size_min`` and w_c(S) >= q_c for every weighted criterion c) or t >= ``clause_min``.

    Criteria whose weights are all equal became the size threshold; criteria always met were dropped;
    a criterion never met set ``size_min`` to n + 1. ``scales`` records the exact factor per criterion.
    """

    n: int
    size_min: int
    clause_min: int
    weighted: tuple[tuple[tuple[int, ...], int], ...]
    scales: tuple[Fraction, ...]

    def wins(self, size: int, totals: Sequence[int]) -> bool:
        """Whether a coalition of ``size`` members with these weighted totals wins."""
        if size >= self.clause_min:
            return True
        return size >= self.size_min and all(total >= quota for total, (_, quota) in zip(totals, self.weighted))


def integer_game(game: Game) -> IntegerGame:
    """Scale every criterion exactly to integers and fold equal-weight criteria into a size threshold.

    >>> integer_game(weighted_game(["2.5", "1", "0.5"], "2.2")).weighted
    (((5, 2, 1), 5),)
    """
    n = game.size
    size_min, weighted, scales = 0, [], []
    for criterion in game.criteria:
        scale = math.lcm(*(w.denominator for w in criterion.weights)) if n else 1
        ints = [int(w * scale) for w in criterion.weights]
        divisor = math.gcd(*ints) if any(ints) else 1
        ints = [w // divisor for w in ints]
        quota = max(0, math.ceil(criterion.quota * scale / divisor))
        scales.append(Fraction(scale, divisor))
        if quota == 0:
            continue
        if quota > sum(ints):
            size_min = n + 1
        elif len(set(ints)) == 1:
            size_min = max(size_min, math.ceil(quota / ints[0]))
        else:
            weighted.append((tuple(ints), quota))
    clause = game.min_no_to_block
    clause_min = n + 1 if clause is None else max(0, n - clause + 1)
    if size_min > n:
        weighted = []
    return IntegerGame(n, size_min, clause_min, tuple(weighted), tuple(scales))


def _member_indices(game: Game, members: Iterable[str]) -> set[int]:
    index = {name: i for i, name in enumerate(game.names)}
    chosen = set()
    for name in members:
        if name not in index:
            raise PowerError(f"{name!r} is not a member of this game")
        chosen.add(index[name])
    return chosen


def _wins_indices(game: Game, chosen: set[int]) -> bool:
    clause = game.min_no_to_block
    if clause is not None and game.size - len(chosen) < clause:
        return True
    return all(sum((c.weights[i] for i in chosen), Fraction(0)) >= c.quota for c in game.criteria)


def is_winning(game: Game, members: Iterable[str]) -> bool:
    """Whether the coalition of ``members`` wins: every criterion met (weight >= quota), or the clause.

    Members not named are "against" (abstentions count as not in the coalition).

    >>> is_winning(weighted_game([4, 3, 2, 1], 6), ["A", "C"])
    True
    """
    return _wins_indices(game, _member_indices(game, members))


def pivotal_members(game: Game, yes: Iterable[str]) -> tuple[str, ...]:
    """Members whose switch alone (yes to no, or no to yes) would change the outcome of this split.

    >>> pivotal_members(weighted_game([4, 3, 2, 1], 6), ["A", "C"])
    ('A', 'C')
    """
    chosen = _member_indices(game, yes)
    outcome = _wins_indices(game, chosen)
    return tuple(
        name for i, name in enumerate(game.names) if _wins_indices(game, chosen ^ {i}) != outcome
    )
