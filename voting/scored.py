"""Plurality, approval, score (range) and STAR voting on weighted ballots, with published totals."""

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from voting.exact import format_exact
from voting.profile import BallotError, aggregate_approvals, aggregate_rankings, aggregate_scores
from voting.profile import check_candidates, ranked_profile_seed
from voting.ties import break_tie
from voting.types import ApprovalBallot, RankedBallot, Result, Round, ScoreBallot, TieBreakRecord

__all__ = ["approval", "plurality", "score", "star"]


def _one_seat(seats: int) -> None:
    if seats != 1:
        raise BallotError(f"this method fills one seat; got seats={seats}")


def _groups_by_total(candidates: Sequence[str], totals: Mapping[str, Fraction]) -> tuple[tuple[str, ...], ...]:
    levels = sorted(set(totals.values()), reverse=True)
    return tuple(tuple(name for name in candidates if totals[name] == level) for level in levels)


def _shown(totals: Mapping[str, Fraction]) -> dict[str, str]:
    return {name: format_exact(value) for name, value in totals.items()}


def _highest_total_result(method: str, names: tuple[str, ...], totals: dict[str, Fraction], what: str,
                          data: dict[str, object]) -> Result:
    ranking = _groups_by_total(names, totals)
    winners = ranking[0]
    top = format_exact(totals[winners[0]])
    verdict = f"tied at {top}: {', '.join(winners)}" if len(winners) > 1 else f"{winners[0]} has the most, {top}"
    data = {"totals": _shown(totals), **data}
    explanation = f"Each candidate's total {what}; {verdict}."
    return Result(
        method=method,
        candidates=names,
        winners=winners,
        ranking=ranking,
        rounds=(Round(1, "count", explanation, tally=totals, elected=winners, data=data),),
        tied=len(winners) > 1,
        summary=f"{method.capitalize()}: {', '.join(winners)}" + (" (tied)" if len(winners) > 1 else ""),
        data=data,
    )


def _single_marks(ballots: Iterable[RankedBallot | ApprovalBallot]) -> tuple[list[RankedBallot], list[ApprovalBallot]]:
    ranked: list[RankedBallot] = []
    approvals: list[ApprovalBallot] = []
    for ballot in ballots:
        (approvals if isinstance(ballot, ApprovalBallot) else ranked).append(ballot)  # type: ignore[arg-type]
    return ranked, approvals


def plurality(
    ballots: Iterable[RankedBallot | ApprovalBallot], *, candidates: Sequence[str], seats: int = 1, seed: str | None = None
) -> Result:
    """Plurality winners: most first-choice weight; every candidate tied for most wins (``tied``).

    A ballot is a RankedBallot (its first choice counts when that position holds one candidate)
    or an ApprovalBallot marking one candidate. Two or more candidates first (or marked) is an
    overvote and counts for no one; an empty ballot is blank. Both are reported in ``data``.

    >>> plurality([RankedBallot.of("A", "B", weight=2), RankedBallot.of("B")], candidates=["A", "B"]).winners
    ('A',)
    """
    _one_seat(seats)
    names = check_candidates(candidates)
    ranked, marked = _single_marks(ballots)
    totals = dict.fromkeys(names, Fraction(0))
    overvotes = blanks = Fraction(0)
    firsts = [(r[0] if r else (), w) for r, w in aggregate_rankings(ranked, names).items()]
    firsts += [(tuple(a), w) for a, w in aggregate_approvals(marked, names).items()]
    for first, weight in firsts:
        if len(first) == 1:
            totals[first[0]] += weight
        elif first:
            overvotes += weight
        else:
            blanks += weight
    extra = {"overvotes": format_exact(overvotes), "blank": format_exact(blanks)}
    return _highest_total_result("plurality", names, totals, "of first choices", extra)


def approval(
    ballots: Iterable[ApprovalBallot], *, candidates: Sequence[str], seats: int = 1, seed: str | None = None
) -> Result:
    """Approval winners: most approving weight; every candidate tied for most wins (``tied``).

    Brams and Fishburn, "Approval Voting", APSR 72 (1978). A ballot approving no one is blank.

    >>> approval([ApprovalBallot(frozenset({"A", "B"})), ApprovalBallot(frozenset({"B"}))], candidates=["A", "B"]).winners
    ('B',)
    """
    _one_seat(seats)
    names = check_candidates(candidates)
    totals = dict.fromkeys(names, Fraction(0))
    blanks = Fraction(0)
    for approved, weight in aggregate_approvals(ballots, names).items():
        for name in approved:
            totals[name] += weight
        if not approved:
            blanks += weight
    return _highest_total_result("approval", names, totals, "of approvals", {"blank": format_exact(blanks)})


def _score_totals(profile: Mapping[tuple[tuple[str, int], ...], Fraction], names: tuple[str, ...]) -> dict[str, Fraction]:
    totals = dict.fromkeys(names, Fraction(0))
    for scores, weight in profile.items():
        for name, value in scores:
            totals[name] += value * weight
    return totals


def score(
    ballots: Iterable[ScoreBallot],
    *,
    candidates: Sequence[str],
    seats: int = 1,
    seed: str | None = None,
    max_score: int = 5,
) -> Result:
    """Score (range) voting winners: highest weighted sum of scores 0..``max_score``; a missing score counts 0.

    Every candidate tied for the highest total wins (``tied``). Smith, "Range voting" (2000).

    >>> ballots = [ScoreBallot.of({"A": 5, "B": 3}), ScoreBallot.of({"B": 5}, weight=2)]
    >>> result = score(ballots, candidates=["A", "B"])
    >>> result.winners, result.rounds[0].tally["B"]
    (('B',), Fraction(13, 1))
    """
    _one_seat(seats)
    names = check_candidates(candidates)
    totals = _score_totals(aggregate_scores(ballots, names, max_score=max_score), names)
    return _highest_total_result("score", names, totals, f"of scores (0 to {max_score})", {"max_score": max_score})



class _Star:
    """One STAR count: score totals, head-to-head preferences between any two candidates, recorded tie-breaks."""

    def __init__(self, profile: dict, names: tuple[str, ...], seed: str | None) -> None:
        self.sheets = [(dict(scores), weight) for scores, weight in profile.items()]
        self.profile, self.names, self.seed = profile, names, seed
        self.totals = _score_totals(profile, names)
        self.tie_breaks: list[TieBreakRecord] = []

    def prefer(self, a: str, b: str) -> Fraction:
        """Weight of ballots scoring ``a`` strictly above ``b``."""
        return sum((w for s, w in self.sheets if s.get(a, 0) > s.get(b, 0)), Fraction(0))

    def by_lot(self, group: list[str], need: int) -> list[str]:
        if self.seed is None:
            self.seed = ranked_profile_seed(self.names, self.profile)
        chosen, remaining = [], list(group)
        while len(chosen) < need:
            name, record = break_tie(remaining, want="highest", history=[], seed=self.seed)
            self.tie_breaks.append(record)
            chosen.append(name)
            remaining.remove(name)
        return chosen

    def pick(self, group: list[str], need: int) -> list[str]:
        """``need`` of the equally scored ``group``: fewest head-to-head losses among them first, then lot."""
        if len(group) <= need:
            return group
        losses = {a: sum(self.prefer(b, a) > self.prefer(a, b) for b in group if b != a) for a in group}
        levels = [[a for a in group if losses[a] == count] for count in sorted(set(losses.values()))]
        if len(levels) == 1:
            return self.by_lot(group, need)
        chosen: list[str] = []
        for level in levels:
            take = self.pick(level, need - len(chosen))
            chosen += take
            if len(chosen) == need:
                break
        self.tie_breaks.append(TieBreakRecord(
            tied=tuple(group), chosen=tuple(chosen), by="head-to-head",
            explanation=f"Equal score totals among {', '.join(group)}: {', '.join(chosen)} lost the fewest "
            "head-to-head match-ups among them (a lot settles any tie that remains).",
        ))
        return chosen

    def finalists(self) -> list[str]:
        chosen: list[str] = []
        for group in _groups_by_total(self.names, self.totals):
            chosen += self.pick(list(group), 2 - len(chosen))
            if len(chosen) >= 2 or len(chosen) == len(self.names):
                break
        return chosen


def _star_runoff(count: _Star, first: str, second: str) -> tuple[tuple[str, ...], Round]:
    votes = {first: count.prefer(first, second), second: count.prefer(second, first)}
    neutral = sum((w for _, w in count.sheets), Fraction(0)) - votes[first] - votes[second]
    if votes[first] != votes[second]:
        winners = (max(votes, key=votes.__getitem__),)
        reason = "preferred on more ballots"
    elif count.totals[first] != count.totals[second]:
        winners = (max((first, second), key=count.totals.__getitem__),)
        reason = "runoff tied; higher score total"
    else:
        winners, reason = tuple(sorted((first, second))), "runoff and score totals both tied: a tie"
    explanation = (f"Automatic runoff between {first} and {second}: {first} {format_exact(votes[first])}, "
                   f"{second} {format_exact(votes[second])}, no preference {format_exact(neutral)}; "
                   f"{' and '.join(winners)} ({reason}).")
    data = {"preferences": _shown(votes), "no_preference": format_exact(neutral), "decided_by": reason}
    return winners, Round(2, "automatic runoff", explanation, tally=votes, elected=winners, data=data)


def star(
    ballots: Iterable[ScoreBallot],
    *,
    candidates: Sequence[str],
    seats: int = 1,
    seed: str | None = None,
    max_score: int = 5,
) -> Result:
    """STAR winner: the two highest score totals advance; the one scored higher on more ballots wins.

    Equal Vote Coalition, STAR Voting rules and Official Tiebreaker Protocol
    (starvoting.org/ties): scores 0..5, a missing score counts 0. A tie for a finalist place goes
    to the tied candidate(s) who lost the fewest head-to-head match-ups among the tied, repeated,
    then to a lot seeded with ``seed`` (default: derived from the ballots). In the runoff a ballot
    scoring both finalists equal is "no preference", reported apart. A runoff tie goes to the
    higher score total; if that is equal too, both finalists are returned, ``tied``.

    >>> ballots = [ScoreBallot.of({"A": 5, "B": 4, "C": 0}, weight=2), ScoreBallot.of({"C": 5, "B": 3}, weight=3)]
    >>> result = star(ballots, candidates=["A", "B", "C"])
    >>> result.winners, result.rounds[1].tally
    (('C',), {'B': Fraction(2, 1), 'C': Fraction(3, 1)})
    """
    _one_seat(seats)
    names = check_candidates(candidates)
    count = _Star(aggregate_scores(ballots, names, max_score=max_score), names, seed)
    finalists = count.finalists()
    shown = ", ".join(f"{name} {format_exact(count.totals[name])}" for name in names)
    scoring = Round(1, "scoring round", f"Score totals: {shown}. Advancing to the runoff: {', '.join(finalists)}.",
                    tally=count.totals, tie_breaks=tuple(count.tie_breaks), data={"totals": _shown(count.totals)})
    if len(finalists) == 1:
        winners, rounds = tuple(finalists), (scoring,)
    else:
        winners, runoff = _star_runoff(count, *finalists)
        rounds = (scoring, runoff)
    rest = [name for name in finalists if name not in winners]
    others = _groups_by_total([n for n in names if n not in finalists], count.totals)
    ranking = (winners, *((tuple(rest),) if rest else ()), *others)
    data = {"totals": _shown(count.totals), "finalists": finalists, **({"seed": count.seed} if count.seed else {})}
    return Result(method="star", candidates=names, winners=winners, ranking=ranking, rounds=rounds,
                  tied=len(winners) > 1, tie_breaks=tuple(count.tie_breaks), data=data,
                  summary=f"STAR: {', '.join(winners)}" + (" (tied)" if len(winners) > 1 else ""))
