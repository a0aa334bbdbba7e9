"""Scottish STV: the weighted inclusive Gregory count of the Scottish Local Government Elections Order 2007."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from voting import progress
from voting.exact import format_exact, truncate
from voting.ties import break_tie, profile_seed
from voting.types import RankedBallot, Result, Round, TieBreakRecord

__all__ = ["STVInputError", "aggregate_rankings", "check_election", "default_seed", "scottish_stv"]

PLACES = 5
RULES = "The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules 45-52"

Parcel = tuple[tuple[str, ...], int, Fraction]  # preferences, position of the holder, value of each paper


class STVInputError(ValueError):
    """Candidates, seats or ballots that an STV count cannot use."""


def check_election(candidates: Sequence[str], seats: int) -> None:
    """Refuse duplicate or empty candidate lists and a seat count below one."""
    if len(set(candidates)) != len(candidates):
        raise STVInputError("each candidate may be listed only once")
    if not candidates:
        raise STVInputError("an STV count needs at least one candidate")
    if seats < 1:
        raise STVInputError(f"seats must be at least 1, got {seats}")


def _usable_preferences(ballot: RankedBallot, known: set[str]) -> tuple[str, ...]:
    preferences: list[str] = []
    for group in ballot.ranking:
        for name in group:
            if name not in known:
                raise STVInputError(f"a ballot ranks {name!r}, who is not among the candidates")
        if len(group) != 1 or group[0] in preferences:
            break
        preferences.append(group[0])
    return tuple(preferences)


def aggregate_rankings(ballots: Iterable[RankedBallot], candidates: Sequence[str]) -> dict[tuple[str, ...], Fraction]:
    """Identical rankings merged, weights summed; a ranking stops at its first tied group or repeated name.

    An STV ballot may not rank two candidates equal (nor one twice): the preferences before that
    point count and the rest is ignored, as a ballot paper is read up to its first error.
    Ballots left with no first preference are not valid votes and are dropped.

    >>> aggregate_rankings([RankedBallot.of("A", ("B", "C")), RankedBallot.of("A", "D", weight=2)], "ABCD")
    {('A',): Fraction(1, 1), ('A', 'D'): Fraction(2, 1)}
    """
    known = set(candidates)
    totals: dict[tuple[str, ...], Fraction] = defaultdict(Fraction)
    for ballot in ballots:
        if ballot.weight < 0:
            raise STVInputError(f"ballot weights cannot be negative, got {format_exact(ballot.weight)}")
        preferences = _usable_preferences(ballot, known)
        if preferences and ballot.weight:
            totals[preferences] += Fraction(ballot.weight)
    return dict(totals)


def default_seed(rankings: Mapping[tuple[str, ...], Fraction], seats: int) -> str:
    """A lot seed fixed by the ballots themselves, so nobody can choose it after seeing the count."""
    parts = [f"{seats}"] + sorted(f"{format_exact(w)}:{'>'.join(r)}" for r, w in rankings.items())
    return profile_seed(parts)


class _ScottishCount:
    """The state of one count: who holds which papers at which value, stage by stage."""

    def __init__(self, rankings: Mapping[tuple[str, ...], Fraction], candidates: Sequence[str], seats: int, seed: str):
        self.candidates, self.seats, self.seed = tuple(candidates), seats, seed
        self.valid = sum(rankings.values(), Fraction(0))
        self.quota = int(self.valid // (seats + 1)) + 1
        self.piles: dict[str, dict[Parcel, Fraction]] = {c: defaultdict(Fraction) for c in candidates}
        self.totals: dict[str, Fraction] = {c: Fraction(0) for c in candidates}
        for preferences, weight in rankings.items():
            self.piles[preferences[0]][(preferences, 0, Fraction(1))] += weight
            self.totals[preferences[0]] += weight
        self.elected: list[str] = []
        self.excluded: set[str] = set()
        self.surplus_done: set[str] = set()
        self.exhausted = Fraction(0)
        self.lost = Fraction(0)
        self.history: list[dict[str, Fraction]] = []
        self.rounds: list[Round] = []

    def continuing(self) -> list[str]:
        return [c for c in self.candidates if c not in self.excluded and c not in self.elected]

    def tally(self) -> dict[str, Fraction]:
        return {c: self.totals[c] for c in self.candidates if c not in self.excluded}

    def move(self, holder: str, value_of: Mapping[Fraction, Fraction]) -> tuple[Fraction, Fraction]:
        """Pass the holder's papers to each one's next continuing preference; return (transferred, non-transferable)."""
        open_names = set(self.continuing())
        moved = stuck = Fraction(0)
        for (preferences, position, value), papers in self.piles[holder].items():
            new_value = value_of[value]
            after = next((i for i in range(position + 1, len(preferences)) if preferences[i] in open_names), None)
            if after is None:
                stuck += papers * new_value
                continue
            receiver = preferences[after]
            self.piles[receiver][(preferences, after, new_value)] += papers
            self.totals[receiver] += papers * new_value
            moved += papers * new_value
        self.piles[holder] = defaultdict(Fraction)
        self.exhausted += stuck
        return moved, stuck

    def transfer_values(self, holder: str) -> dict[Fraction, Fraction]:
        surplus, total = self.totals[holder] - self.quota, self.totals[holder]
        values = {value for (_, _, value) in self.piles[holder]}
        return {value: truncate(surplus * value / total, PLACES) for value in values}

    def pick(self, tied: list[str], want: str) -> tuple[str, tuple[TieBreakRecord, ...]]:
        if len(tied) == 1:
            return tied[0], ()
        chosen, record = break_tie(tied, want=want, history=self.history, seed=self.seed)
        return chosen, (record,)

    def elect_reaching_quota(self) -> list[str]:
        reached = [c for c in self.continuing() if self.totals[c] >= self.quota]
        reached.sort(key=lambda c: (-self.totals[c], self.candidates.index(c)))
        room = self.seats - len(self.elected)
        self.elected.extend(reached[:room])
        return reached[:room]

    def record(self, action: str, explanation: str, **details: object) -> None:
        elected = tuple(self.elect_reaching_quota())
        if elected:
            explanation += f" {_names(elected)} reached the quota of {self.quota} and {_are(elected)} elected."
        tally = self.tally()
        self.history.append(tally)
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                action=action,
                explanation=explanation,
                tally=tally,
                exhausted=self.exhausted,
                elected=elected,
                eliminated=tuple(details.pop("eliminated", ())),  # type: ignore[arg-type]
                tie_breaks=tuple(details.pop("tie_breaks", ())),  # type: ignore[arg-type]
                data={"quota": str(self.quota), "lost_to_truncation": format_exact(self.lost), **details},
            )
        )


def _names(names: Sequence[str]) -> str:
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def _are(names: Sequence[str]) -> str:
    return "is" if len(names) == 1 else "are"


def _first_stage(count: _ScottishCount) -> None:
    count.record(
        "first preferences",
        f"First preferences counted: {format_exact(count.valid)} valid votes for {count.seats} seats, so the quota is "
        f"{count.quota} (votes divided by {count.seats + 1}, decimals ignored, plus one).",
    )


def _transfer_surplus(count: _ScottishCount) -> bool:
    holders = [c for c in count.elected if c not in count.surplus_done and count.totals[c] > count.quota]
    if not holders:
        return False
    largest = max(count.totals[c] for c in holders)
    holder, ties = count.pick([c for c in holders if count.totals[c] == largest], "highest")
    surplus = count.totals[holder] - count.quota
    values = count.transfer_values(holder)
    moved, stuck = count.move(holder, values)
    count.lost += surplus - moved - stuck
    count.totals[holder] = Fraction(count.quota)
    count.surplus_done.add(holder)
    shown = ", ".join(format_exact(v) for _, v in sorted(values.items(), reverse=True))
    count.record(
        f"surplus of {holder}",
        f"{holder}'s surplus of {format_exact(surplus)} is transferred: each ballot paper passes to its next continuing "
        f"preference at surplus x its value / {format_exact(surplus + count.quota)}, cut to {PLACES} places "
        f"(transfer values {shown}); {format_exact(moved)} transferred, {format_exact(stuck)} non-transferable.",
        tie_breaks=ties,
        transfer_values=[format_exact(v) for _, v in sorted(values.items(), reverse=True)],
    )
    return True


def _exclude_lowest(count: _ScottishCount) -> None:
    continuing = count.continuing()
    lowest = min(count.totals[c] for c in continuing)
    loser, ties = count.pick([c for c in continuing if count.totals[c] == lowest], "lowest")
    count.excluded.add(loser)
    moved, stuck = count.move(loser, _Identity())
    count.totals[loser] = Fraction(0)
    count.record(
        f"exclusion of {loser}",
        f"{loser} has the fewest votes ({format_exact(lowest)}) and is excluded; each ballot paper passes at its current "
        f"value to its next continuing preference: {format_exact(moved)} transferred, {format_exact(stuck)} non-transferable.",
        eliminated=(loser,),
        tie_breaks=ties,
    )


class _Identity(dict):  # type: ignore[type-arg]
    """Every value maps to itself: excluded candidates' papers keep their value (rule 50(4))."""

    def __missing__(self, key: Fraction) -> Fraction:
        return key


def _fill_last_vacancies(count: _ScottishCount) -> bool:
    remaining = count.continuing()
    if len(remaining) > count.seats - len(count.elected):
        return False
    remaining.sort(key=lambda c: (-count.totals[c], count.candidates.index(c)))
    count.elected.extend(remaining)
    last = count.rounds[-1]
    note = f" {_names(remaining)} {_are(remaining)} elected as the continuing candidates fill the last vacancies (rule 52)."
    count.rounds[-1] = replace(last, explanation=last.explanation + note, elected=last.elected + tuple(remaining))
    return True


def scottish_stv(
    ballots: Iterable[RankedBallot], *, candidates: Sequence[str], seats: int, seed: str | None = None
) -> Result:
    """Elect ``seats`` candidates by Scottish STV (SSI 2007/42, Sch. 1, rules 45-52), stage by stage, exactly.

    Quota floor(valid / (seats + 1)) + 1; the largest surplus is transferred first, every paper of the
    elected candidate at value surplus x paper value / total, truncated to 5 places (rule 48(3)); with no
    surplus the lowest candidate is excluded and their papers pass at their current values (rule 50).
    Ties between surpluses or for exclusion go to the most recent stage at which the tied candidates
    differed, then to a lot seeded by ``seed`` (default: a hash of the ballots), recorded (rules 49, 51).
    A ranking stops at a tied group or repeated name; ballots with no first preference are not counted.

    >>> ballots = [RankedBallot.of("A", "B", weight=8), RankedBallot.of("B", weight=2), RankedBallot.of("C", weight=3)]
    >>> result = scottish_stv(ballots, candidates=["A", "B", "C"], seats=2)
    >>> result.winners, result.data["quota"], [r.action for r in result.rounds]
    (('A', 'B'), '5', ['first preferences', 'surplus of A'])
    >>> result.rounds[1].tally
    {'A': Fraction(5, 1), 'B': Fraction(5, 1), 'C': Fraction(3, 1)}
    """
    check_election(candidates, seats)
    rankings = aggregate_rankings(ballots, candidates)
    count = _ScottishCount(rankings, candidates, seats, seed or default_seed(rankings, seats))
    _first_stage(count)
    progress.phase("counting", len(candidates), "stages")
    while len(count.elected) < seats and not _fill_last_vacancies(count):
        if not _transfer_surplus(count):
            _exclude_lowest(count)
        progress.advance()
    tie_breaks = tuple(record for stage in count.rounds for record in stage.tie_breaks)
    return Result(
        method="stv_scottish",
        candidates=tuple(candidates),
        winners=tuple(count.elected),
        rounds=tuple(count.rounds),
        seats=seats,
        tie_breaks=tie_breaks,
        summary=f"Elected by Scottish STV (quota {count.quota}): {_names(count.elected)}.",
        data={
            "quota": str(count.quota),
            "valid_votes": format_exact(count.valid),
            "non_transferable": format_exact(count.exhausted),
            "lost_to_truncation": format_exact(count.lost),
            "seed": count.seed,
            "rules": RULES,
        },
    )
