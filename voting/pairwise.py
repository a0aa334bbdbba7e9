"""The pairwise (head-to-head) matrix of a ranked profile, counted in integers and returned exact."""

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from voting.exact import format_exact
from voting.profile import MaskedProfile, Ranking, check_candidates, common_denominator, masked_rankings
from voting.types import RankedBallot

__all__ = ["PairwiseCounts", "masked_pairwise", "matrix_table", "pairwise_counts", "pairwise_matrix"]


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


def _split(profile: Mapping[tuple[int, ...], int], blocks: dict[tuple[int, int], int]) -> dict[tuple[int, ...], int]:
    """Cut each ranking in two halves: add the halves' (above, below) block, return the halves to count inside.

    Every candidate of the first half ranks above every candidate of the second, whatever the order
    inside each half, so the pairs between halves need only the two sets; identical halves merge.
    """
    halves: dict[tuple[int, ...], int] = {}
    get, block = halves.get, blocks.get
    for masks, weight in profile.items():
        size = len(masks)
        if size < 3:
            if size == 2:
                blocks[masks] = block(masks, 0) + weight  # type: ignore[index]
            continue
        middle = size >> 1
        first, second = masks[:middle], masks[middle:]
        key = (sum(first), sum(second))
        blocks[key] = block(key, 0) + weight
        if middle > 1:
            halves[first] = get(first, 0) + weight
        halves[second] = get(second, 0) + weight
    return halves


def _blocks(profile: MaskedProfile) -> dict[tuple[int, int], int]:
    """Total weight per (candidates above, candidates below) block; together they make every pairwise count."""
    everyone = (1 << len(profile.candidates)) - 1
    blocks: dict[tuple[int, int], int] = {}
    for masks, weight in profile.rankings.items():
        ranked = sum(masks)
        if ranked != everyone:
            key = (ranked, everyone ^ ranked)
            blocks[key] = blocks.get(key, 0) + weight
    pending: Mapping[tuple[int, ...], int] = profile.rankings
    while pending:
        pending = _split(pending, blocks)
    return blocks


def _members(mask: int) -> list[int]:
    return [position for position in range(mask.bit_length()) if mask >> position & 1]


def masked_pairwise(profile: MaskedProfile) -> PairwiseCounts:
    """Head-to-head counts of a :class:`~voting.profile.MaskedProfile` (weights stay scaled by its ``scale``).

    >>> counts = masked_pairwise(masked_rankings([RankedBallot.of("B", "A")], ["A", "B", "C"]))
    >>> counts.wins, counts.total
    ([[0, 0, 1], [1, 0, 1], [0, 0, 0]], 1)
    """
    size = len(profile.candidates)
    wins = [[0] * size for _ in range(size)]
    members: dict[int, list[int]] = {}
    for (above, below), weight in _blocks(profile).items():
        if below not in members:
            members[below] = _members(below)
        columns = members[below]
        for i in _members(above):
            row = wins[i]
            for j in columns:
                row[j] += weight
    return PairwiseCounts(profile.candidates, wins, profile.scale, sum(profile.rankings.values()))


def pairwise_counts(profile: Mapping[Ranking, Fraction], candidates: Sequence[str]) -> PairwiseCounts:
    """Head-to-head counts of an aggregated profile, with weights scaled to a common integer denominator.

    >>> counts = pairwise_counts({(("A",), ("B",)): Fraction(1, 2)}, ["A", "B"])
    >>> counts.exact(0, 1), counts.exact(1, 0)
    (Fraction(1, 2), Fraction(0, 1))
    """
    names = tuple(candidates)
    scale = common_denominator(profile.values())
    bit = {name: 1 << position for position, name in enumerate(names)}
    rankings: dict[tuple[int, ...], int] = {}
    for ranking, weight in profile.items():
        key = tuple(sum(bit[name] for name in group) for group in ranking if group)
        rankings[key] = rankings.get(key, 0) + weight.numerator * (scale // weight.denominator)
    return masked_pairwise(MaskedProfile(names, rankings, scale))


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
    counts = masked_pairwise(masked_rankings(ballots, names))
    return {a: {b: counts.exact(i, j) for j, b in enumerate(names) if j != i} for i, a in enumerate(names)}
