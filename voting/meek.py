"""Meek STV as the Proportional Representation Foundation's reference rule: 9-place fixed point, exact integers."""

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from voting.exact import format_exact
from voting.stv import STVInputError, aggregate_rankings, check_election, default_seed
from voting.ties import break_tie
from voting.types import RankedBallot, Result, Round, TieBreakRecord

__all__ = ["meek_stv"]

RULE = (
    "Meek STV: Hill, Wichmann & Woodall, Computer Journal 30(3), 1987; "
    "PR Foundation Reference Meek Rule (prfound.org/resources/reference/reference-meek-rule/)"
)


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


class _MeekCount:
    """Keep factors and votes as integers scaled by 10**precision, rounded exactly as the reference rule says."""

    def __init__(self, rankings: Mapping[tuple[str, ...], Fraction], candidates: Sequence[str], seats: int, scale: int):
        self.rankings, self.candidates, self.seats, self.scale = rankings, tuple(candidates), seats, scale
        self.keep = {c: scale for c in candidates}
        self.votes = {c: 0 for c in candidates}
        self.elected: list[str] = []
        self.defeated: list[str] = []
        self.excess = 0
        self.quota = 0

    def hopeful(self) -> list[str]:
        return [c for c in self.candidates if c not in self.elected and c not in self.defeated]

    def distribute(self) -> None:
        """B.2.a and B.2.b: pass each ballot down its ranking, each candidate keeping weight x keep factor (rounded up)."""
        scale = self.scale
        votes = {c: 0 for c in self.candidates}
        excess = 0
        for preferences, multiplier in self.rankings.items():
            weight = scale
            for name in preferences:
                factor = self.keep[name]
                if not factor:
                    continue
                kept = _ceil_div(weight * factor, scale)
                votes[name] += kept * multiplier.numerator // multiplier.denominator
                weight -= kept
                if weight <= 0:
                    break
            excess += max(weight, 0) * multiplier.numerator // multiplier.denominator
        self.votes, self.excess = votes, excess
        self.quota = sum(votes[c] for c in self.candidates if c not in self.defeated) // (self.seats + 1) + 1

    def surplus(self) -> int:
        return max(sum(self.votes[c] - self.quota for c in self.elected), 0)

    def update_keep_factors(self) -> None:
        """B.2.f: kf times quota (rounded up), divided by the vote (rounded up)."""
        for name in self.elected:
            times_quota = _ceil_div(self.keep[name] * self.quota, self.scale)
            self.keep[name] = _ceil_div(times_quota * self.scale, self.votes[name])

    def iterate(self, omega: Fraction) -> tuple[list[str], int]:
        """B.2: iterate until someone reaches the quota or the surplus settles; return (newly elected, surplus)."""
        previous = None
        while True:
            self.distribute()
            reached = sorted(
                (c for c in self.hopeful() if self.votes[c] >= self.quota),
                key=lambda c: (-self.votes[c], self.candidates.index(c)),
            )
            self.elected.extend(reached)
            surplus = self.surplus()
            if reached:
                return reached, surplus
            if surplus < omega * self.scale or (previous is not None and surplus >= previous):
                return [], surplus
            previous = surplus
            self.update_keep_factors()

    def tally(self, *also: str) -> dict[str, Fraction]:
        shown = [c for c in self.candidates if c not in self.defeated or c in also]
        return {c: Fraction(self.votes[c], self.scale) for c in shown}


def _round(count: _MeekCount, number: int, action: str, explanation: str, tally: dict[str, Fraction], **kw: object) -> Round:
    return Round(
        number=number,
        action=action,
        explanation=explanation,
        tally=tally,
        exhausted=Fraction(count.excess, count.scale),
        elected=tuple(kw.pop("elected", ())),  # type: ignore[arg-type]
        eliminated=tuple(kw.pop("eliminated", ())),  # type: ignore[arg-type]
        tie_breaks=tuple(kw.pop("tie_breaks", ())),  # type: ignore[arg-type]
        data={"quota": format_exact(Fraction(count.quota, count.scale)), **kw},
    )


def _defeat_lowest(count: _MeekCount, surplus: int, seed: str) -> tuple[str, tuple[TieBreakRecord, ...]]:
    """B.3: the lowest hopeful, tied with everyone within the total surplus of it; ties go to a seeded lot."""
    hopeful = count.hopeful()
    lowest = min(count.votes[c] for c in hopeful)
    tied = [c for c in hopeful if count.votes[c] <= lowest + surplus]
    if len(tied) == 1:
        return tied[0], ()
    chosen, record = break_tie(tied, want="lowest", history=[], seed=seed)
    return chosen, (record,)


def _names(names: Sequence[str]) -> str:
    return ", ".join(names)


def _count_rounds(count: _MeekCount, omega: Fraction, seed: str) -> list[Round]:
    count.distribute()
    rounds = [_round(count, 1, "first preferences", "First preferences counted; every keep factor is 1.", count.tally())]
    while len(count.hopeful()) > count.seats - len(count.elected) > 0:
        reached, surplus = count.iterate(omega)
        shown = format_exact(Fraction(surplus, count.scale))
        if reached:
            rounds.append(_round(count, len(rounds) + 1, f"election of {_names(reached)}",
                                 f"{_names(reached)} reached the quota and {'is' if len(reached) == 1 else 'are'} elected.",
                                 count.tally(), elected=reached, surplus=shown))
            continue
        loser, ties = _defeat_lowest(count, surplus, seed)
        tally = count.tally()
        count.defeated.append(loser)
        count.keep[loser] = 0
        rounds.append(_round(count, len(rounds) + 1, f"exclusion of {loser}",
                             f"The surplus ({shown}) is too small to change the order, so {loser}, lowest with "
                             f"{format_exact(tally[loser])}, is defeated; their keep factor becomes 0.",
                             tally, eliminated=(loser,), tie_breaks=ties, surplus=shown))
    return rounds + _finish(count, len(rounds) + 1)


def _finish(count: _MeekCount, number: int) -> list[Round]:
    """Step C: elect the remaining hopefuls if seats are unfilled, otherwise defeat them."""
    remaining = sorted(count.hopeful(), key=lambda c: (-count.votes[c], count.candidates.index(c)))
    if not remaining:
        return []
    tally = count.tally()
    if len(count.elected) < count.seats:
        count.elected.extend(remaining)
        return [_round(count, number, f"election of remaining {_names(remaining)}",
                       f"{_names(remaining)} fill the remaining seats.", tally, elected=remaining)]
    count.defeated.extend(remaining)
    return [_round(count, number, f"defeat of remaining {_names(remaining)}",
                   f"All seats are filled; {_names(remaining)} {'is' if len(remaining) == 1 else 'are'} not elected.",
                   tally, eliminated=remaining)]


def meek_stv(
    ballots: Iterable[RankedBallot],
    *,
    candidates: Sequence[str],
    seats: int,
    seed: str | None = None,
    omega: Fraction = Fraction(1, 10**6),
    precision: int = 9,
) -> Result:
    """Elect ``seats`` candidates by Meek STV, following the PR Foundation reference rule digit for digit.

    Votes and keep factors are integers scaled by 10**``precision``: keep weights and keep factors are
    rounded up, the quota is total / (seats + 1) truncated plus 10**-precision, and iteration stops
    when the total surplus is below ``omega`` or stops falling. A defeat tie is every hopeful within
    the total surplus of the lowest; it is broken by a lot seeded by ``seed`` (default: a hash of the
    ballots), recorded. A ranking stops at a tied group or repeated name (see ``aggregate_rankings``).

    >>> ballots = [RankedBallot.of("Castor", "Pollux", weight=4), RankedBallot.of("Helen", weight=2)]
    >>> result = meek_stv(ballots, candidates=["Castor", "Pollux", "Helen"], seats=2)
    >>> result.winners, [str(v) for v in result.rounds[2].tally.values()]
    (('Castor', 'Helen'), ['500000001/250000000', '499999999/250000000', '2'])
    """
    check_election(candidates, seats)
    if precision < 1:
        raise STVInputError(f"precision must be at least 1 decimal place, got {precision}")
    if omega <= 0:
        raise STVInputError(f"omega must be positive, got {format_exact(omega)}")
    rankings = aggregate_rankings(ballots, candidates)
    seed = seed or default_seed(rankings, seats)
    count = _MeekCount(rankings, candidates, seats, 10**precision)
    rounds = _count_rounds(count, Fraction(omega), seed)
    tie_breaks = tuple(record for stage in rounds for record in stage.tie_breaks)
    return Result(
        method="stv_meek",
        candidates=tuple(candidates),
        winners=tuple(count.elected),
        rounds=tuple(rounds),
        seats=seats,
        tie_breaks=tie_breaks,
        summary=f"Elected by Meek STV: {_names(count.elected)}.",
        data={
            "quota": format_exact(Fraction(count.quota, count.scale)),
            "omega": format_exact(Fraction(omega)),
            "precision": precision,
            "seed": seed,
            "rule": RULE,
        },
    )
