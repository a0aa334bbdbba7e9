"""The Borda count on weighted ranked ballots, with equal rankings and unranked candidates averaged."""

from collections.abc import Iterable, Sequence
from fractions import Fraction

from voting.exact import format_exact
from voting.profile import BallotError, aggregate_rankings, check_candidates
from voting.types import RankedBallot, Result, Round

__all__ = ["borda"]


def _ballot_points(ranking: tuple[tuple[str, ...], ...], names: tuple[str, ...]) -> dict[str, Fraction]:
    """Points on one ballot: place p (0 = first) of n earns n-1-p; a group earns the average of its places."""
    size = len(names)
    ranked = {name for group in ranking for name in group}
    unranked = tuple(name for name in names if name not in ranked)
    points: dict[str, Fraction] = {}
    start = 0
    for group in (*ranking, unranked) if unranked else ranking:
        average = Fraction(2 * (size - 1 - start) - (len(group) - 1), 2)
        for name in group:
            points[name] = average
        start += len(group)
    return points


def borda(
    ballots: Iterable[RankedBallot], *, candidates: Sequence[str], seats: int = 1, seed: str | None = None
) -> Result:
    """Borda winners: with n candidates a ballot gives n-1, n-2, ..., 0 points from first to last.

    J.-C. de Borda (1781), standard scoring. Candidates ranked equal share the average of the
    points of the places they span; candidates a ballot leaves out share the bottom places the
    same way (so a ballot always hands out n(n-1)/2 points). Every candidate tied for the
    highest total wins (``tied``).

    >>> result = borda([RankedBallot.of("A", "B", "C"), RankedBallot.of("B", weight=2)], candidates=["A", "B", "C"])
    >>> result.winners, result.rounds[0].tally
    (('B',), {'A': Fraction(3, 1), 'B': Fraction(5, 1), 'C': Fraction(1, 1)})
    """
    if seats != 1:
        raise BallotError(f"this method fills one seat; got seats={seats}")
    names = check_candidates(candidates)
    totals = dict.fromkeys(names, Fraction(0))
    for ranking, weight in aggregate_rankings(ballots, names).items():
        for name, points in _ballot_points(ranking, names).items():
            totals[name] += points * weight
    levels = sorted(set(totals.values()), reverse=True)
    ranking = tuple(tuple(name for name in names if totals[name] == level) for level in levels)
    winners = ranking[0]
    shown = ", ".join(f"{name} {format_exact(totals[name])}" for name in names)
    explanation = (f"Borda points ({len(names) - 1} for a first place down to 0 for last, shared equally where "
                   f"places are tied or left unranked): {shown}. Highest: {', '.join(winners)}.")
    data = {"totals": {name: format_exact(value) for name, value in totals.items()}}
    return Result(method="borda", candidates=names, winners=winners, ranking=ranking,
                  rounds=(Round(1, "count", explanation, tally=totals, elected=winners, data=data),),
                  tied=len(winners) > 1, summary=f"Borda: {', '.join(winners)}", data=data)
