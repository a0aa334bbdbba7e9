"""Validated, aggregated profiles: identical ballots merged, candidates checked, weights kept exact."""

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from itertools import count, repeat
from operator import attrgetter

from voting.exact import format_exact
from voting.ties import profile_seed
from voting.types import ApprovalBallot, RankedBallot, ScoreBallot

__all__ = [
    "BallotError",
    "MaskedProfile",
    "Ranking",
    "aggregate_approvals",
    "aggregate_rankings",
    "aggregate_scores",
    "check_candidates",
    "common_denominator",
    "masked_rankings",
    "ranked_profile_seed",
    "sum_by_key",
]

Ranking = tuple[tuple[str, ...], ...]


class BallotError(ValueError):
    """A ballot or candidate list that cannot be counted: the message says which and why."""


def check_candidates(candidates: Sequence[str]) -> tuple[str, ...]:
    """The candidate list as a tuple; refuses an empty list, a non-string name or a name given twice.

    >>> check_candidates(["A", "B"])
    ('A', 'B')
    >>> check_candidates(["A", "A"])
    Traceback (most recent call last):
    ...
    voting.profile.BallotError: candidate 'A' is listed twice; give each candidate once
    """
    names = tuple(candidates)
    if not names:
        raise BallotError("no candidates: give at least one candidate name")
    seen: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name:
            raise BallotError(f"candidate names must be non-empty strings, got {name!r}")
        if name in seen:
            raise BallotError(f"candidate {name!r} is listed twice; give each candidate once")
        seen.add(name)
    return names


def _weight_parts(weight: object) -> tuple[int, int]:
    if type(weight) is Fraction:
        numerator, denominator = weight.numerator, weight.denominator
    elif type(weight) is int:
        numerator, denominator = weight, 1
    elif isinstance(weight, (int, Fraction)) and not isinstance(weight, bool):
        numerator, denominator = Fraction(weight).numerator, Fraction(weight).denominator
    else:
        raise BallotError(f"ballot weight {weight!r} is not an exact number; use an int or a Fraction")
    if numerator < 0:
        raise BallotError(f"ballot weight {format_exact(Fraction(numerator, denominator))} is negative; "
                          "weights must be 0 or more")
    return numerator, denominator


def sum_by_key(keys: Sequence[Hashable], weights: Sequence[int]) -> dict[Hashable, int]:
    """Total of ``weights`` per distinct key, keys in order of first appearance.

    Each key is hashed once, in C (``dict.setdefault`` numbers it by where it first appears):
    hashing and comparing nested tuples is most of the cost of grouping ballots.

    >>> sum_by_key(["a", "b", "a"], [1, 2, 3])
    {'a': 4, 'b': 2}
    """
    if len(set(weights)) == 1:  # every weight alike (unweighted ballots): count in C, multiply once
        weight = weights[0]
        return {key: times * weight for key, times in Counter(keys).items()}
    first: dict[Hashable, int] = {}
    places = list(map(first.setdefault, keys, count()))
    sums = [0] * len(places)
    for place, weight in zip(places, weights):
        sums[place] += weight
    return {key: sums[place] for key, place in first.items()}


def _checked_kind(ballots: list[object], kind: type) -> None:
    if len(set(map(type, ballots))) > 1 or (ballots and type(ballots[0]) is not kind):
        stranger = next(ballot for ballot in ballots if type(ballot) is not kind)
        raise BallotError(f"expected a {kind.__name__}, got {type(stranger).__name__}: {stranger!r}")


def _scaled_weights(weights: list[object]) -> tuple[list[int], int]:
    """The weights as integers over their least common denominator, and that denominator; refuses bad weights."""
    if set(map(type, weights)) <= {Fraction, int}:
        numerators = list(map(attrgetter("numerator"), weights))
        denominators = list(map(attrgetter("denominator"), weights))
    else:
        parts = list(map(_weight_parts, weights))
        numerators, denominators = [part[0] for part in parts], [part[1] for part in parts]
    if numerators and min(numerators) < 0:
        _weight_parts(weights[next(i for i, numerator in enumerate(numerators) if numerator < 0)])
    scale = math.lcm(1, *set(denominators))
    if scale == 1:
        return numerators, 1
    return [numerator * (scale // denominator) for numerator, denominator in zip(numerators, denominators)], scale


def _scaled_groups(ballots: Iterable[object], kind: type, attribute: str) -> tuple[dict[object, int], int]:
    """Total weight per distinct ballot content as integers over ``scale``, and ``scale``; refuses other kinds.

    Integer sums grouped by content, converted once: adding Fractions ballot by ballot is far slower.
    """
    listed = ballots if type(ballots) is list else list(ballots)
    _checked_kind(listed, kind)
    weights, scale = _scaled_weights(list(map(attrgetter("weight"), listed)))
    return sum_by_key(list(map(attrgetter(attribute), listed)), weights), scale


def _grouped_weights(ballots: Iterable[object], kind: type, attribute: str) -> dict[object, Fraction]:
    """Total weight per distinct ballot content, refusing ballots of another kind."""
    totals, scale = _scaled_groups(ballots, kind, attribute)
    return {content: Fraction(total, scale) for content, total in totals.items()}


def _normalized_ranking(ranking: Ranking, known: frozenset[str], *, repeated: str) -> Ranking:
    names = [name for group in ranking for name in group]
    if len(names) == len(ranking) == len(set(names)) and all(ranking) and known.issuperset(names):
        return ranking  # the common case: one known candidate per position, none repeated
    seen: set[str] = set()
    groups = []
    for group in ranking:
        kept = []
        for name in group:
            if name not in known:
                raise BallotError(f"ballot ranks {name!r}, which is not a candidate (candidates: {sorted(known)})")
            if name in seen:
                if repeated == "error":
                    raise BallotError(f"ballot ranks {name!r} more than once: {ranking!r}")
                continue
            seen.add(name)
            kept.append(name)
        if kept:
            groups.append(tuple(sorted(kept)))
    return tuple(groups)


def aggregate_rankings(
    ballots: Iterable[RankedBallot], candidates: Sequence[str], *, repeated: str = "error"
) -> dict[Ranking, Fraction]:
    """Total weight per distinct ranking; empty positions and zero weights dropped, equal groups sorted.

    ``repeated="error"`` refuses a candidate ranked twice; ``"keep_first"`` keeps its highest
    ranking and ignores later ones.

    >>> aggregate_rankings([RankedBallot.of("A", "B"), RankedBallot.of("A", "B", weight=2)], ["A", "B"])
    {(('A',), ('B',)): Fraction(3, 1)}
    """
    known = frozenset(check_candidates(candidates))
    scaled, scale = _scaled_groups(ballots, RankedBallot, "ranking")
    totals: dict[Ranking, int] = {}
    for ranking, total in scaled.items():
        if total:
            key = _normalized_ranking(ranking, known, repeated=repeated)  # type: ignore[arg-type]
            totals[key] = totals.get(key, 0) + total
    return {key: Fraction(total, scale) for key, total in totals.items()}


class MaskedProfile:
    """A checked ranked profile in integers, for counting fast and exactly.

    ``rankings`` maps each distinct ranking, written as a tuple of groups (a group is a bitmask:
    bit ``i`` stands for ``candidates[i]``; no group empty, no candidate twice), to its total weight
    times ``scale``, an integer; zero totals are dropped. Unranked candidates rank equal below all.
    """

    __slots__ = ("candidates", "rankings", "scale")

    def __init__(self, candidates: tuple[str, ...], rankings: dict[tuple[int, ...], int], scale: int) -> None:
        self.candidates, self.rankings, self.scale = candidates, rankings, scale

    def exact(self, value: int) -> Fraction:
        """A scaled integer weight as the exact weight it stands for."""
        return Fraction(value, self.scale)

    def group(self, mask: int) -> tuple[str, ...]:
        """The names a group bitmask stands for, sorted as :func:`aggregate_rankings` sorts equal groups."""
        return tuple(sorted(name for position, name in enumerate(self.candidates) if mask >> position & 1))

    def named(self) -> dict[Ranking, Fraction]:
        """The same profile keyed by names, exactly as :func:`aggregate_rankings` returns it."""
        groups: dict[int, tuple[str, ...]] = {}
        for masks in self.rankings:
            for mask in masks:
                if mask not in groups:
                    groups[mask] = self.group(mask)
        return {tuple(map(groups.__getitem__, masks)): self.exact(total) for masks, total in self.rankings.items()}


def _slow_masks(ranking: Ranking, single: Mapping[tuple[str], int], known: frozenset[str], repeated: str) -> tuple[int, ...]:
    normalized = _normalized_ranking(ranking, known, repeated=repeated)
    return tuple(sum(single[(name,)] for name in group) for group in normalized)


class _Bits(dict):
    """Bitmask per one-candidate group; any other group reads as 0."""

    __slots__ = ()

    def __missing__(self, group: object) -> int:
        return 0


def _fast_masks(rankings: list[Ranking], single: Mapping[tuple[str], int]) -> tuple[list[tuple[int, ...]], list[int]]:
    """Each ranking as bitmasks, read in C, and the places of those that need the slow path.

    The fast reading holds where every position is one known candidate and none repeats; then the
    one-bit masks add up to as many bits as positions. A position that is not one known candidate
    reads as 0 and a repeat carries in the sum: either leaves fewer bits than positions.
    """
    try:
        masks = list(map(tuple, map(map, repeat(_Bits(single).__getitem__), rankings)))
    except TypeError:  # an unhashable position (a list): read every ranking the slow way
        return [() for _ in rankings], list(range(len(rankings)))
    if all(map(int.__eq__, map(int.bit_count, map(sum, masks)), map(len, masks))):
        return masks, []
    return masks, [place for place, mask in enumerate(masks) if sum(mask).bit_count() != len(mask)]


def masked_rankings(
    ballots: Iterable[RankedBallot], candidates: Sequence[str], *, repeated: str = "error"
) -> MaskedProfile:
    """The ballots as a :class:`MaskedProfile`, each distinct ranking checked once as in :func:`aggregate_rankings`.

    >>> profile = masked_rankings([RankedBallot.of("B", ("C", "A"), weight=Fraction(1, 2))], ["A", "B", "C"])
    >>> profile.rankings, profile.scale, profile.named()
    ({(2, 5): 1}, 2, {(('B',), ('A', 'C')): Fraction(1, 2)})
    """
    names = check_candidates(candidates)
    single = {(name,): 1 << position for position, name in enumerate(names)}
    scaled, scale = _scaled_groups(ballots, RankedBallot, "ranking")
    if 0 in scaled.values():
        scaled = {ranking: total for ranking, total in scaled.items() if total}
    rankings, totals = list(scaled), list(scaled.values())
    masks, slow = _fast_masks(rankings, single)  # type: ignore[arg-type]
    if not slow:
        profile = dict(zip(masks, totals))  # distinct rankings read this way have distinct masks
        return MaskedProfile(names, profile if len(profile) == len(masks) else sum_by_key(masks, totals), scale)
    skip = set(slow)
    profile = {mask: total for place, (mask, total) in enumerate(zip(masks, totals)) if place not in skip}
    known = frozenset(names)
    for place in slow:
        key = _slow_masks(rankings[place], single, known, repeated)  # type: ignore[arg-type]
        profile[key] = profile.get(key, 0) + totals[place]
    return MaskedProfile(names, profile, scale)


def aggregate_approvals(ballots: Iterable[ApprovalBallot], candidates: Sequence[str]) -> dict[frozenset[str], Fraction]:
    """Total weight per distinct set of approved candidates; zero weights dropped.

    >>> aggregate_approvals([ApprovalBallot(frozenset({"A"}))], ["A", "B"])
    {frozenset({'A'}): Fraction(1, 1)}
    """
    known = frozenset(check_candidates(candidates))
    totals: dict[frozenset[str], Fraction] = {}
    for approved, total in _grouped_weights(ballots, ApprovalBallot, "approved").items():
        unknown = set(approved) - known  # type: ignore[call-overload]
        if unknown:
            raise BallotError(f"ballot approves {sorted(unknown)}, not candidates (candidates: {sorted(known)})")
        if total:
            totals[approved] = totals.get(approved, Fraction(0)) + total  # type: ignore[index]
    return totals


def _checked_scores(scores: tuple[tuple[str, int], ...], known: frozenset[str], max_score: int) -> tuple:
    seen: set[str] = set()
    for name, value in scores:
        if name not in known:
            raise BallotError(f"ballot scores {name!r}, which is not a candidate (candidates: {sorted(known)})")
        if name in seen:
            raise BallotError(f"ballot scores {name!r} more than once")
        seen.add(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= max_score:
            raise BallotError(f"score {value!r} for {name!r} is not a whole number from 0 to {max_score}")
    return tuple(sorted((name, value) for name, value in scores if value))


def aggregate_scores(
    ballots: Iterable[ScoreBallot], candidates: Sequence[str], *, max_score: int
) -> dict[tuple[tuple[str, int], ...], Fraction]:
    """Total weight per distinct score sheet (zero scores dropped: a missing score counts as 0).

    >>> aggregate_scores([ScoreBallot.of({"A": 5, "B": 0})], ["A", "B"], max_score=5)
    {(('A', 5),): Fraction(1, 1)}
    """
    known = frozenset(check_candidates(candidates))
    if isinstance(max_score, bool) or not isinstance(max_score, int) or max_score < 1:
        raise BallotError(f"max_score must be a whole number of at least 1, got {max_score!r}")
    totals: dict[tuple[tuple[str, int], ...], Fraction] = {}
    for scores, total in _grouped_weights(ballots, ScoreBallot, "scores").items():
        key = _checked_scores(scores, known, max_score)  # type: ignore[arg-type]
        if total:
            totals[key] = totals.get(key, Fraction(0)) + total
    return totals


def common_denominator(weights: Iterable[Fraction]) -> int:
    """The least common denominator of ``weights``, to count in integers and divide once at the end.

    >>> common_denominator([Fraction(1, 2), Fraction(1, 3), Fraction(4)])
    6
    """
    return math.lcm(1, *{weight.denominator for weight in weights})


def ranked_profile_seed(candidates: Sequence[str], profile: Mapping[object, Fraction]) -> str:
    """A lot seed fixed by the candidates and the ballots alone (``ties.profile_seed``).

    Weights enter as shares of the total, so scaling every weight alike draws the same lot.

    >>> ranked_profile_seed(["A", "B"], {(("A",),): Fraction(1), (("B",),): Fraction(1)}) == ranked_profile_seed(
    ...     ["A", "B"], {(("A",),): Fraction(5), (("B",),): Fraction(5)})
    True
    """
    total = sum(profile.values(), Fraction(0)) or Fraction(1)
    lines = sorted(f"{key!r}={format_exact(weight / total)}" for key, weight in profile.items())
    return profile_seed([repr(tuple(candidates)), *lines])
