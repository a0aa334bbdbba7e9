"""Condorcet methods on weighted ranked ballots: Schulze, ranked pairs, Copeland, Condorcet winner and loser."""

from collections.abc import Iterable, Sequence
from fractions import Fraction

from voting.exact import format_exact
from voting.pairwise import PairwiseCounts, masked_pairwise, matrix_table, pairwise_matrix
from voting.profile import BallotError, MaskedProfile, masked_rankings
from voting.types import RankedBallot, Result, Round

__all__ = [
    "condorcet_loser",
    "condorcet_winner",
    "copeland",
    "pairwise_matrix",
    "ranked_pairs",
    "schulze",
    "schulze_profile",
]


def _checked_seats(seats: int) -> None:
    if seats != 1:
        raise BallotError(f"this method fills one seat; got seats={seats}")


def _counts(ballots: Iterable[RankedBallot], candidates: Sequence[str], seats: int) -> PairwiseCounts:
    _checked_seats(seats)
    return masked_pairwise(masked_rankings(ballots, candidates))


def _undominated_layers(names: tuple[str, ...], beats: list[list[bool]]) -> tuple[tuple[str, ...], ...]:
    """Groups, best first: each holds the remaining candidates that no remaining candidate beats."""
    remaining = list(range(len(names)))
    layers = []
    while remaining:
        top = [i for i in remaining if not any(beats[j][i] for j in remaining)] or remaining
        layers.append(tuple(names[i] for i in top))
        remaining = [i for i in remaining if i not in top]
    return tuple(layers)


def _link_strengths(counts: PairwiseCounts, variant: str) -> list[list[int]]:
    """Schulze 2011 link strengths as integers; 0 where there is no (majority) link.

    "winning": the pair (N[a,b], N[b,a]) compared as in Schulze 2011, section 2.1 (more
    supporters first, then fewer opponents), encoded as one integer; "margin": N[a,b] - N[b,a].
    """
    wins, size, base = counts.wins, len(counts.candidates), counts.total + 1
    links = [[0] * size for _ in range(size)]
    for i in range(size):
        for j in range(size):
            if i != j and wins[i][j] > wins[j][i]:
                if variant == "winning":
                    links[i][j] = wins[i][j] * base + (counts.total - wins[j][i])
                else:
                    links[i][j] = wins[i][j] - wins[j][i]
    return links


def _widest_paths(links: list[list[int]]) -> list[list[int]]:
    """Floyd–Warshall for the widest (strongest) path between every ordered pair."""
    size = len(links)
    paths = [row[:] for row in links]
    for k in range(size):
        via = paths[k]
        for i in range(size):
            to_k = paths[i][k]
            if i == k or not to_k:
                continue
            row = paths[i]
            for j in range(size):
                if j != i and j != k:
                    through = to_k if to_k < via[j] else via[j]
                    if through > row[j]:
                        row[j] = through
    return paths


def schulze(
    ballots: Iterable[RankedBallot],
    *,
    candidates: Sequence[str],
    seats: int = 1,
    seed: str | None = None,
    variant: str = "winning",
) -> Result:
    """Schulze winners: candidates whose strongest path to each rival is at least as strong as the reverse.

    Follows M. Schulze, "A new monotonic, clone-independent, reversal symmetric, and
    Condorcet-consistent single-winner election method", Social Choice and Welfare 36 (2011)
    267–303 (and arXiv:1804.02973). Ballots may rank candidates equal; unranked candidates rank
    equal below ranked ones. ``variant="winning"`` (default) measures a link by its winning votes
    (ties between equal winning votes go to the link with fewer opposing votes, section 2.1);
    ``variant="margin"`` by the margin. Every undefeated candidate wins; several means ``tied``.
    The published path strengths are winning votes (or margins), in ``data["strongest_paths"]``.

    >>> ballots = [RankedBallot.of("A", "B", "C", weight=3), RankedBallot.of("B", "C", "A", weight=2)]
    >>> result = schulze(ballots, candidates=["A", "B", "C"])
    >>> result.winners, result.data["strongest_paths"]["A"]["B"]
    (('A',), '3')
    """
    if variant not in ("winning", "margin"):
        raise BallotError(f"unknown Schulze variant {variant!r}; use 'winning' or 'margin'")
    _checked_seats(seats)
    return schulze_profile(masked_rankings(ballots, candidates), variant=variant)


def schulze_profile(profile: MaskedProfile, *, variant: str = "winning") -> Result:
    """:func:`schulze` on a profile already read and checked (``masked_rankings``): the counting step alone.

    >>> ballots = [RankedBallot.of("A", "B", weight=2), RankedBallot.of("B", "A")]
    >>> schulze_profile(masked_rankings(ballots, ["A", "B"])).winners
    ('A',)
    """
    if variant not in ("winning", "margin"):
        raise BallotError(f"unknown Schulze variant {variant!r}; use 'winning' or 'margin'")
    counts = masked_pairwise(profile)
    paths = _widest_paths(_link_strengths(counts, variant))
    names, size = counts.candidates, len(counts.candidates)
    beats = [[paths[i][j] > paths[j][i] for j in range(size)] for i in range(size)]
    ranking = _undominated_layers(names, beats)
    shown = [[value // (counts.total + 1) for value in row] for row in paths] if variant == "winning" else paths
    winners = ranking[0]
    tally = {names[i]: Fraction(sum(beats[i])) for i in range(size)}
    explanation = (
        f"Strongest paths measured by {'winning votes' if variant == 'winning' else 'margins'}: "
        f"{' and '.join(winners)} {'have' if len(winners) > 1 else 'has'} a path to every rival at least as "
        "strong as the rival's path back. The tally counts the rivals each candidate beats by strongest path."
    )
    data = {"variant": variant, "pairwise": matrix_table(counts), "strongest_paths": matrix_table(counts, shown)}
    return Result(
        method="schulze",
        candidates=names,
        winners=winners,
        ranking=ranking,
        rounds=(Round(1, "strongest paths", explanation, tally=tally, elected=winners, data=data),),
        tied=len(winners) > 1,
        summary=f"Schulze ({variant}): {', '.join(winners)}",
        data=data,
    )


def copeland(
    ballots: Iterable[RankedBallot], *, candidates: Sequence[str], seats: int = 1, seed: str | None = None
) -> Result:
    """Copeland winners: most head-to-head wins, a tie counting 1/2; every candidate with the top score wins.

    A. H. Copeland (1951); pairwise counts as in :func:`pairwise_matrix`.

    >>> result = copeland([RankedBallot.of("A", ("B", "C"))], candidates=["A", "B", "C"])
    >>> result.winners, result.rounds[0].tally["B"]
    (('A',), Fraction(1, 2))
    """
    counts = _counts(ballots, candidates, seats)
    names, wins = counts.candidates, counts.wins
    scores = {
        a: sum((Fraction(1) if wins[i][j] > wins[j][i] else Fraction(1, 2) if wins[i][j] == wins[j][i] else Fraction(0))
               for j in range(len(names)) if j != i)
        for i, a in enumerate(names)
    }
    ordered = sorted(set(scores.values()), reverse=True)
    ranking = tuple(tuple(a for a in names if scores[a] == value) for value in ordered)
    winners = ranking[0]
    explanation = (
        "Each candidate scores 1 per head-to-head win and 1/2 per head-to-head tie; "
        f"highest score {format_exact(ordered[0])}: {', '.join(winners)}."
    )
    data = {"pairwise": matrix_table(counts), "scores": {a: format_exact(s) for a, s in scores.items()}}
    return Result(
        method="copeland",
        candidates=names,
        winners=winners,
        ranking=ranking,
        rounds=(Round(1, "copeland scores", explanation, tally=scores, elected=winners, data=data),),
        tied=len(winners) > 1,
        summary=f"Copeland: {', '.join(winners)}",
        data=data,
    )


def condorcet_winner(ballots: Iterable[RankedBallot], *, candidates: Sequence[str]) -> str | None:
    """The candidate who beats every other head to head (strictly), or None; pairwise counts as in pairwise_matrix.

    >>> condorcet_winner([RankedBallot.of("A", "B"), RankedBallot.of("B", "A")], candidates=["A", "B"]) is None
    True
    """
    counts = _counts(ballots, candidates, 1)
    wins, size = counts.wins, len(counts.candidates)
    for i in range(size):
        if all(wins[i][j] > wins[j][i] for j in range(size) if j != i):
            return counts.candidates[i]
    return None


def condorcet_loser(ballots: Iterable[RankedBallot], *, candidates: Sequence[str]) -> str | None:
    """The candidate who loses to every other head to head (strictly), or None.

    >>> condorcet_loser([RankedBallot.of("A", "B", "C")], candidates=["A", "B", "C"])
    'C'
    """
    counts = _counts(ballots, candidates, 1)
    wins, size = counts.wins, len(counts.candidates)
    for i in range(size):
        if all(wins[i][j] < wins[j][i] for j in range(size) if j != i):
            return counts.candidates[i]
    return None

def _lock(reach: tuple[int, ...], i: int, j: int) -> tuple[int, ...] | None:
    """Lock i over j: the new reachability, or None where j already reaches i (a cycle)."""
    if reach[j] >> i & 1:
        return None
    gained = reach[j] | 1 << j
    return tuple(row | gained if (x == i or row >> i & 1) else row for x, row in enumerate(reach))


def _lock_all(reach: tuple[int, ...], edges: frozenset[tuple[int, int]]) -> tuple[int, ...] | None:
    """Lock every pair of ``edges`` that does not already close a cycle; None if they close one together.

    Where they close none together, every order locks the same pairs, so no order needs trying.
    """
    open_edges = [edge for edge in edges if not reach[edge[1]] >> edge[0] & 1]
    for i, j in open_edges:
        locked = _lock(reach, i, j)
        if locked is None:
            return None
        reach = locked
    return reach


def _margin_groups(counts: PairwiseCounts) -> list[tuple[int, list[tuple[int, int]]]]:
    wins, size = counts.wins, len(counts.candidates)
    by_margin: dict[int, list[tuple[int, int]]] = {}
    for i in range(size):
        for j in range(size):
            if wins[i][j] > wins[j][i]:
                by_margin.setdefault(wins[i][j] - wins[j][i], []).append((i, j))
    return sorted(by_margin.items(), reverse=True)


def _all_lock_outcomes(groups: list[list[tuple[int, int]]], size: int) -> set[tuple[int, ...]]:
    """Final reachabilities over every order of equal-margin pairs (memoized depth-first search)."""
    memo: dict[tuple[int, frozenset[tuple[int, int]], tuple[int, ...]], frozenset[tuple[int, ...]]] = {}

    def explore(level: int, pending: frozenset[tuple[int, int]], reach: tuple[int, ...]) -> frozenset[tuple[int, ...]]:
        if not pending:
            if level == len(groups):
                return frozenset([reach])
            return explore(level + 1, frozenset(groups[level]), reach)
        together = _lock_all(reach, pending)
        if together is not None:
            return explore(level, frozenset(), together)
        key = (level, pending, reach)
        if key not in memo:
            outcomes: set[tuple[int, ...]] = set()
            for edge in pending:
                locked = _lock(reach, *edge)
                outcomes |= explore(level, pending - {edge}, reach if locked is None else locked)
            memo[key] = frozenset(outcomes)
        return memo[key]

    return set(explore(0, frozenset(), tuple(0 for _ in range(size))))


def _lock_in_order(counts: PairwiseCounts, groups: list[tuple[int, list[tuple[int, int]]]]) -> tuple[list, list]:
    names = counts.candidates
    reach = tuple(0 for _ in names)
    locked, skipped = [], []
    for margin, edges in groups:
        for i, j in sorted(edges, key=lambda edge: (names[edge[0]], names[edge[1]])):
            entry = {"pair": [names[i], names[j]], "margin": format_exact(Fraction(margin, counts.scale))}
            after = _lock(reach, i, j)
            (skipped if after is None else locked).append(entry)
            reach = reach if after is None else after
    return locked, skipped


def ranked_pairs(
    ballots: Iterable[RankedBallot], *, candidates: Sequence[str], seats: int = 1, seed: str | None = None
) -> Result:
    """Ranked pairs winners: lock head-to-head wins by margin, largest first, skipping any that closes a cycle.

    T. N. Tideman, "Independence of clones as a criterion for voting rules", Social Choice and
    Welfare 4 (1987) 185–206, locking by margin. Tie-break policy for equal margins: every order
    of the equal-margin pairs is tried (the "parallel universes" reading); a candidate who wins
    in any order is a winner, and more than one such candidate means ``tied``. Zero margins lock
    nothing. ``data["locked"]`` and ``data["skipped"]`` list pairs in order, equal margins by name.

    >>> ballots = [RankedBallot.of("A", "B", "C", weight=3), RankedBallot.of("B", "C", "A", weight=2)]
    >>> ranked_pairs(ballots, candidates=["A", "B", "C"]).ranking
    (('A',), ('B',), ('C',))
    """
    counts = _counts(ballots, candidates, seats)
    names, size = counts.candidates, len(counts.candidates)
    groups = _margin_groups(counts)
    outcomes = _all_lock_outcomes([edges for _, edges in groups], size)
    winners = tuple(name for i, name in enumerate(names) if any(not any(r[x] >> i & 1 for x in range(size)) for r in outcomes))
    ranking: tuple[tuple[str, ...], ...] = ()
    if len(outcomes) == 1:
        (reach,) = outcomes
        ranking = _undominated_layers(names, [[bool(reach[i] >> j & 1) for j in range(size)] for i in range(size)])
    locked, skipped = _lock_in_order(counts, groups)
    explanation = (
        "Head-to-head wins are locked in from the largest margin down; a win that would close a cycle "
        f"is skipped. {' and '.join(winners)} {'are' if len(winners) > 1 else 'is'} beaten by no locked win."
    )
    data = {"pairwise": matrix_table(counts), "locked": locked, "skipped": skipped}
    tally = {name: Fraction(sum(counts.wins[i][j] > counts.wins[j][i] for j in range(size))) for i, name in enumerate(names)}
    return Result(
        method="ranked_pairs",
        candidates=names,
        winners=winners,
        ranking=ranking,
        rounds=(Round(1, "lock pairs", explanation, tally=tally, elected=winners, data=data),),
        tied=len(winners) > 1,
        summary=f"Ranked pairs: {', '.join(winners)}",
        data=data,
    )
