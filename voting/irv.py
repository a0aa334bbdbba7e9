"""Instant-runoff voting (ranked-choice, alternative vote) on weighted ranked ballots, round by round."""

from collections.abc import Iterable, Sequence
from fractions import Fraction

from voting import progress
from voting.exact import format_exact
from voting.profile import BallotError, MaskedProfile, masked_rankings, ranked_profile_seed
from voting.ties import break_tie
from voting.types import RankedBallot, Result, Round, TieBreakRecord

__all__ = ["irv", "irv_profile"]


class _Piles:
    """Each distinct ballot sits on the pile of its highest-ranked continuing candidate, or is exhausted.

    Ballots are tuples of group bitmasks (see ``MaskedProfile``); an elimination moves only the
    loser's pile, so a count touches each ballot once per transfer instead of once per round.
    """

    def __init__(self, profile: MaskedProfile) -> None:
        self.rankings, self.weights = list(profile.rankings), list(profile.rankings.values())
        self.candidates = profile.candidates
        self.continuing = (1 << len(self.candidates)) - 1
        self.position = [-1] * len(self.rankings)
        self.piles: list[list[int]] = [[] for _ in self.candidates]
        self.scaled = [0] * len(self.candidates)
        self.exhausted = 0
        self._advance(range(len(self.rankings)))

    @property
    def totals(self) -> dict[str, int]:
        """Scaled totals of the continuing candidates, in candidate order."""
        return {name: self.scaled[i] for i, name in enumerate(self.candidates) if self.continuing >> i & 1}

    def _advance(self, ballots: Iterable[int]) -> None:
        rankings, weights, position, piles, scaled = self.rankings, self.weights, self.position, self.piles, self.scaled
        continuing = self.continuing
        for ballot in ballots:
            ranking, at = rankings[ballot], position[ballot] + 1
            end, live = len(ranking), 0
            while at < end:
                live = ranking[at] & continuing
                if live:
                    break
                at += 1
            if live and not live & (live - 1):  # one continuing candidate here; two or more are an overvote
                position[ballot] = at
                chosen = live.bit_length() - 1
                piles[chosen].append(ballot)
                scaled[chosen] += weights[ballot]
            else:
                position[ballot] = end
                self.exhausted += weights[ballot]

    def eliminate(self, losers: Sequence[str]) -> None:
        """Remove ``losers`` and move each of their ballots to its next continuing choice."""
        index = [self.candidates.index(loser) for loser in losers]
        for i in index:
            self.continuing &= ~(1 << i)
        for i in index:
            pile, self.piles[i], self.scaled[i] = self.piles[i], [], 0
            self._advance(pile)


def _batch_losers(totals: dict[str, int]) -> list[str]:
    """The most candidates, lowest first, whose combined total is below the next-higher candidate's."""
    ordered = sorted(totals, key=totals.__getitem__)
    losers: list[str] = []
    combined = 0
    for count, name in enumerate(ordered[:-1], start=1):
        combined += totals[name]
        if combined < totals[ordered[count]]:
            losers = ordered[:count]
    return losers


class _Count:
    def __init__(self, profile: MaskedProfile, seed: str | None) -> None:
        self.profile, self.candidates, self.seed = profile, profile.candidates, seed
        self.scale = profile.scale
        self.piles = _Piles(profile)
        self.history: list[dict[str, Fraction]] = []
        self.rounds: list[Round] = []
        self.tie_breaks: list[TieBreakRecord] = []

    def exact(self, value: int) -> Fraction:
        return Fraction(value, self.scale)

    def lowest(self, totals: dict[str, int]) -> tuple[list[str], tuple[TieBreakRecord, ...]]:
        bottom = min(totals.values())
        tied = [name for name, total in totals.items() if total == bottom]
        if len(tied) == 1:
            return tied, ()
        if self.seed is None:
            self.seed = ranked_profile_seed(self.candidates, self.profile.named())
        loser, record = break_tie(tied, want="lowest", history=self.history, seed=self.seed)
        self.tie_breaks.append(record)
        return [loser], (record,)

    def record(self, action: str, explanation: str, **outcome: object) -> None:
        totals = {name: self.exact(value) for name, value in sorted(self.piles.totals.items())}
        exhausted = self.exact(self.piles.exhausted)
        data = {
            "tally": {name: format_exact(value) for name, value in totals.items()},
            "exhausted": format_exact(exhausted),
            "continuing_weight": format_exact(sum(totals.values(), Fraction(0))),
        }
        self.rounds.append(Round(len(self.rounds) + 1, action, explanation, tally=totals, exhausted=exhausted,
                                 data=data, **outcome))  # type: ignore[arg-type]
        self.history.append(totals)


def _describe_round(count: _Count, totals: dict[str, int], losers: list[str], batch: bool) -> str:
    continuing = sum(totals.values())
    shown = ", ".join(f"{name} {format_exact(count.exact(totals[name]))}" for name in sorted(totals, key=lambda n: -totals[n]))
    reason = (
        "together they have fewer votes than the next candidate, so none can catch up"
        if batch and len(losers) > 1
        else "fewest votes"
    )
    return (f"No candidate has a majority of the {format_exact(count.exact(continuing))} continuing votes "
            f"({shown}); eliminated: {', '.join(losers)} ({reason}).")


def irv(
    ballots: Iterable[RankedBallot],
    *,
    candidates: Sequence[str],
    seats: int = 1,
    seed: str | None = None,
    batch_elimination: bool = False,
) -> Result:
    """Instant-runoff winner: eliminate the lowest candidate each round until one has a majority of continuing votes.

    Each ballot counts for its highest-ranked continuing candidate. A candidate ranked again
    later on the same ballot keeps only its first (highest) ranking; skipped (empty) positions are
    passed over. An overvote — two or more continuing candidates ranked equal at the ballot's
    current top position — exhausts the ballot there for good (as the San Francisco Charter
    §13.102 and Maine's 21-A M.R.S. §723-A treat overvotes); positions whose candidates are all
    eliminated are passed over, which reproduces Burlington's official 2009 count. A majority is
    more than half of the weight not yet exhausted. A tie for
    last place is broken by the most recent earlier round in which the tied candidates differed,
    then by a lot seeded with ``seed`` (default: derived from the ballots); every draw is recorded.
    ``batch_elimination=True`` instead eliminates at once the most candidates whose combined
    total is below the next-higher candidate's total (they cannot catch up), as Burlington 2009 did.

    >>> ballots = [RankedBallot.of("A", weight=4), RankedBallot.of("B", "C", weight=3), RankedBallot.of("C", "B", weight=2)]
    >>> result = irv(ballots, candidates=["A", "B", "C"])
    >>> result.winners, [r.eliminated for r in result.rounds], result.rounds[-1].tally["B"]
    (('B',), [('C',), ()], Fraction(5, 1))
    """
    if seats != 1:
        raise BallotError(f"instant-runoff fills one seat; got seats={seats} (use STV for more)")
    return irv_profile(masked_rankings(ballots, candidates, repeated="keep_first"), seed=seed,
                       batch_elimination=batch_elimination)


def irv_profile(profile: MaskedProfile, *, seed: str | None = None, batch_elimination: bool = False) -> Result:
    """:func:`irv` on a profile already read and checked (``masked_rankings``): the counting step alone.

    >>> ballots = [RankedBallot.of("A", weight=2), RankedBallot.of("B", "A"), RankedBallot.of("C", "B")]
    >>> irv_profile(masked_rankings(ballots, ["A", "B", "C"], repeated="keep_first")).winners
    ('A',)
    """
    count = _Count(profile, seed)
    progress.phase("counting", max(1, len(count.candidates) - 1), "rounds")
    while True:
        totals = count.piles.totals
        leader = max(totals, key=totals.__getitem__)
        if len(totals) == 1 or 2 * totals[leader] > sum(totals.values()):
            count.record("elect", f"{leader} has a majority of the continuing votes and is elected.", elected=(leader,))
            break
        batch = _batch_losers(totals) if batch_elimination else []
        losers, records = (batch, ()) if batch else count.lowest(totals)
        count.record("eliminate", _describe_round(count, totals, losers, batch_elimination), eliminated=tuple(losers),
                     tie_breaks=records)
        count.piles.eliminate(losers)
        progress.advance(len(losers))
    return Result(
        method="irv",
        candidates=count.candidates,
        winners=(leader,),
        rounds=tuple(count.rounds),
        tie_breaks=tuple(count.tie_breaks),
        summary=f"Instant-runoff: {leader} elected after {len(count.rounds)} round(s)",
        data={"batch_elimination": batch_elimination, "seed": count.seed} if count.seed else {"batch_elimination": batch_elimination},
    )
