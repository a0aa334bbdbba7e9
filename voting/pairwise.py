"""The pairwise (head-to-head) matrix of a ranked profile, counted in integers and returned exact."""

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from voting.exact import format_exact
from voting.profile import Ranking, aggregate_rankings, check_candidates, common_denominator
from voting.types import RankedBallot

__all__ = ["PairwiseCounts", "matrix_table", "pairwise_counts", "pairwise_matrix"]


class PairwiseCounts:
    """``wins[i][j]``: scaled integer weight of ballots ranking candidate i above j; divide by ``scale``.

    Candidates a ballot leaves out rank equal below all it ranks; candidates in one group rank equal.
    """

    def __init__(self, candidates: tuple[str, ...], wins: list[list[int]], scale: int, total: int) -> None:
        self.candidates = candidates
        self.wins = wins
        self.scale = scale
        self.total = total

    def exact(self, i: int, j: int) -> Fraction:
        """The exact weight preferring candidate ``i`` over ``j``."""
        return Fraction(self.wins[i][j], self.scale)


def _below_mask_weights(profile: Mapping[Ranking, int], index: Mapping[str, int]) -> dict[int, int]:
    """Total weight per (set of candidates ranked below, candidate): key ``mask * size + candidate``."""
    size, totals = len(index), {}
    bit = {name: 1 << position for name, position in index.items()}
    everyone = (1 << size) - 1
    for ranking, weight in profile.items():
        below = everyone
        for group in ranking:
            for name in group:
                below ^= bit[name]
        for group in reversed(ranking):
            if below:
                base = below * size
                for name in group:
                    key = base + index[name]
                    totals[key] = totals.get(key, 0) + weight
            for name in group:
                below |= bit[name]
    return totals


def pairwise_counts(profile: Mapping[Ranking, Fraction], candidates: Sequence[str]) -> PairwiseCounts:
    """Head-to-head counts of an aggregated profile, with weights scaled to a common integer denominator.

    >>> counts = pairwise_counts({(("A",), ("B",)): Fraction(1, 2)}, ["A", "B"])
    >>> counts.exact(0, 1), counts.exact(1, 0)
    (Fraction(1, 2), Fraction(0, 1))
    """
    names = tuple(candidates)
    scale = common_denominator(profile.values())
    scaled = {ranking: weight.numerator * (scale // weight.denominator) for ranking, weight in profile.items()}
    index = {name: position for position, name in enumerate(names)}
    size = len(names)
    wins = [[0] * size for _ in range(size)]
    for key, weight in _below_mask_weights(scaled, index).items():
        mask, i = divmod(key, size)
        row, j = wins[i], 0
        while mask:
            if mask & 1:
                row[j] += weight
            mask >>= 1
            j += 1
    return PairwiseCounts(names, wins, scale, sum(scaled.values()))


def matrix_table(counts: PairwiseCounts, values: list[list[int]] | None = None) -> dict[str, dict[str, str]]:
    """A JSON-shaped table ``{row: {column: "exact"}}`` of ``values`` (default: the pairwise wins)."""
    grid = counts.wins if values is None else values
    names = counts.candidates
    return {
        names[i]: {names[j]: format_exact(Fraction(grid[i][j], counts.scale)) for j in range(len(names)) if j != i}
        for i in range(len(names))
    }


def pairwise_matrix(ballots: Iterable[RankedBallot], *, candidates: Sequence[str]) -> dict[str, dict[str, Fraction]]:
    """Weight of ballots ranking each candidate above each other one (unranked: equal, below the ranked).

    >>> m = pairwise_matrix([RankedBallot.of("A", "B"), RankedBallot.of("B", weight=2)], candidates=["A", "B", "C"])
    >>> m["A"]["B"], m["B"]["A"], m["A"]["C"], m["C"]["A"]
    (Fraction(1, 1), Fraction(2, 1), Fraction(1, 1), Fraction(0, 1))
    """
    names = check_candidates(candidates)
    counts = pairwise_counts(aggregate_rankings(ballots, names), names)
    return {a: {b: counts.exact(i, j) for j, b in enumerate(names) if j != i} for i, a in enumerate(names)}
