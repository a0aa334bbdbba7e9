"""Exact voting power of simple games: Banzhaf, Penrose, Shapley-Shubik, Coleman, veto players, dummies.

A game has one or more criteria (weights and a quota each); a coalition wins iff its weight is
>= the quota for every criterion, or, with the EU-style clause, fewer than ``min_no_to_block``
members are outside it. Weights may be decimals or fractions: each criterion is scaled exactly to
integers by its common denominator (never rounded). Definitions follow Banzhaf (1965), Shapley &
Shubik (1954), Coleman (1971) and Felsenthal & Machover (1998); see ``voting.power.report``.

Counting is exact, with integers only: a generating-function table of coalitions by size and
weight, each size packed into one big integer, then read as prefix-summed columns (weights of moderate size; a
member-count criterion such as the EU's 15 of 27 is the size itself, so costs nothing), or meet in
the middle (huge weights such as populations, few members), a table by size and both weights (two
weighted criteria), or every coalition as a bitset (up to 20 members). Where no engine is fast enough,
ExactTooSlow says so, and where none fits the memory allowed, ExactTooBig; ``monte_carlo`` then
estimates the game, labelled approximate.

The package: ``game`` (games, criteria, their exact integer form), ``count`` (exact swing counts, choosing
the engine), ``tables`` (the packed tables it counts with), ``residues`` (the same table in less memory, by
residues and the Chinese remainder theorem), ``estimate`` (how long exact counting takes
here), ``montecarlo`` (sampled estimates), ``report`` (the indices and concentration), ``whatif`` (Penrose
square-root weights, the Jagiellonian quota); this module is its public face. The command is ``voting.cli.power``.
"""

from fractions import Fraction

from voting.power.count import Counts, ExactTooBig, ExactTooSlow, count_game, estimate_seconds
from voting.power.game import (
    Criterion,
    Game,
    PowerError,
    integer_game,
    is_winning,
    pivotal_members,
    quota_from_share,
    weighted_game,
)
from voting.power.montecarlo import ApproximateReport, Estimate, monte_carlo
from voting.power.report import (
    Concentration,
    MemberPower,
    PowerReport,
    build_report,
    concentration,
    gini,
    herfindahl,
    largest_shares,
)
from voting.power.tables import pure_swings
from voting.power.whatif import JagiellonianQuota, SquareRootWeights, jagiellonian_quota, penrose_weights

__all__ = [
    "ApproximateReport",
    "Concentration",
    "Criterion",
    "Estimate",
    "ExactTooBig",
    "ExactTooSlow",
    "Game",
    "JagiellonianQuota",
    "MemberPower",
    "PowerError",
    "PowerReport",
    "SquareRootWeights",
    "analyze",
    "banzhaf",
    "concentration",
    "estimated_exact_seconds",
    "gini",
    "herfindahl",
    "is_winning",
    "jagiellonian_quota",
    "largest_shares",
    "monte_carlo",
    "penrose_weights",
    "pivotal_members",
    "quota_from_share",
    "swing_counts",
    "weighted_game",
]


def analyze(game: Game, *, exact_limit_seconds: float | None = None, memory_bytes: int | None = None) -> PowerReport:
    """Every exact measure of ``game``: indices as Fractions, None (with a note) where undefined.

    Raises ExactTooSlow (a PowerError) when the estimated counting time exceeds ``exact_limit_seconds``, and
    ExactTooBig when no exact method fits in ``memory_bytes`` (estimated before counting; the table engines
    fall back to counting by residues in narrower slots, ``voting.power.residues``, before giving up); the
    caller may then show ``monte_carlo`` instead.

    >>> report = analyze(weighted_game([4, 4, 4, 2, 2, 1], 12, ["FR", "DE", "IT", "BE", "NL", "LU"]))
    >>> report.dummies, str(report.index("FR")["shapley_shubik"])
    (('LU',), '7/30')
    """
    if game.size == 0:
        raise PowerError("a game needs at least one member")
    integer = integer_game(game)
    counts = count_game(integer, limit_seconds=exact_limit_seconds, memory_bytes=memory_bytes)
    return build_report(game, counts, integer.scales)


def swing_counts(game: Game) -> tuple[int, ...]:
    """Each member's swing count: coalitions of the others that lose without the member and win with it.

    A plain weighted game uses one packed polynomial (Banzhaf 1965's count, by generating function).

    >>> swing_counts(weighted_game([4, 3, 2, 1], 6))
    (5, 3, 3, 1)
    """
    if game.size == 0:
        raise PowerError("a game needs at least one member")
    integer = integer_game(game)
    plain = integer.size_min == 0 and integer.clause_min > integer.n and len(integer.weighted) == 1
    if plain:
        weights, quota = integer.weighted[0]
        by_weight = pure_swings(weights, quota)
        return tuple(by_weight[w] for w in weights)
    counts: Counts = count_game(integer)
    return tuple(sum(row) for row in counts.swings_by_size)


def banzhaf(game: Game) -> tuple[Fraction, ...] | None:
    """Normalized Banzhaf indices (swings / total swings; Banzhaf 1965); None when nobody swings.

    >>> [str(b) for b in banzhaf(weighted_game([4, 3, 2, 1], 6))]
    ['5/12', '1/4', '1/4', '1/12']
    """
    swings = swing_counts(game)
    total = sum(swings)
    return tuple(Fraction(s, total) for s in swings) if total else None


def estimated_exact_seconds(game: Game) -> float:
    """Wall seconds exact counting of ``game`` would take now (inf when no exact engine applies).

    Operation counts of the engine ``analyze`` would pick, times this machine's speed measured in CPU
    time and its current load (see ``voting.power.estimate``).

    >>> estimated_exact_seconds(weighted_game([4, 3, 2, 1], 6)) < 1
    True
    """
    return estimate_seconds(integer_game(game))[1]
