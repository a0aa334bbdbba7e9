"""Ballots, results and rounds shared by every counting method: frozen, exact, weighted."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "ApprovalBallot",
    "Ballot",
    "RankedBallot",
    "Result",
    "Round",
    "ScoreBallot",
    "TieBreakRecord",
]


@dataclass(frozen=True)
class RankedBallot:
    """A preference order, best first; each position is a group of candidates ranked equal.

    Candidates the ballot does not mention rank equal below every ranked one.
    ``weight`` is an organization's weight or a count of identical ballots.
    """

    ranking: tuple[tuple[str, ...], ...]
    weight: Fraction = Fraction(1)

    @classmethod
    def of(cls, *ranking: str | tuple[str, ...], weight: Fraction | int = 1) -> "RankedBallot":
        """``RankedBallot.of("A", ("B", "C"), weight=2)``: A first, then B and C tied."""
        groups = tuple((item,) if isinstance(item, str) else tuple(item) for item in ranking)
        return cls(groups, Fraction(weight))


@dataclass(frozen=True)
class ApprovalBallot:
    """The set of candidates a voter approves of."""

    approved: frozenset[str]
    weight: Fraction = Fraction(1)


@dataclass(frozen=True)
class ScoreBallot:
    """Integer scores per candidate; a candidate left out is "no score" (counted as the minimum)."""

    scores: tuple[tuple[str, int], ...]
    weight: Fraction = Fraction(1)

    @classmethod
    def of(cls, scores: Mapping[str, int], weight: Fraction | int = 1) -> "ScoreBallot":
        return cls(tuple(sorted(scores.items())), Fraction(weight))

    def as_dict(self) -> dict[str, int]:
        return dict(self.scores)


Ballot = RankedBallot | ApprovalBallot | ScoreBallot


@dataclass(frozen=True)
class TieBreakRecord:
    """How one tie was resolved: among whom, by which step, in whose favour."""

    tied: tuple[str, ...]
    chosen: tuple[str, ...]
    by: str  # "earlier round" or "lot"
    explanation: str
    seed: str | None = None


@dataclass(frozen=True)
class Round:
    """One round or stage of a count, as published.

    ``tally`` holds every continuing candidate's total (exact); ``exhausted`` the weight of
    ballots that can no longer count (IRV) or the non-transferable votes (STV).
    ``data`` carries method-specific tables (a pairwise matrix, path strengths, score totals),
    already JSON-shaped: strings, integers, lists and dicts, numbers as exact strings.
    """

    number: int
    action: str
    explanation: str
    tally: Mapping[str, Fraction] = field(default_factory=dict)
    exhausted: Fraction = Fraction(0)
    elected: tuple[str, ...] = ()
    eliminated: tuple[str, ...] = ()
    tie_breaks: tuple[TieBreakRecord, ...] = ()
    data: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """The outcome of a count.

    ``winners``: every winner, and every tied winner when the method ends in a tie that no
    explicit policy broke (then ``tied`` is true). ``ranking``: the full order the method
    defines, as groups of equally placed candidates, best first (empty where it defines none).
    """

    method: str
    candidates: tuple[str, ...]
    winners: tuple[str, ...]
    ranking: tuple[tuple[str, ...], ...] = ()
    rounds: tuple[Round, ...] = ()
    seats: int = 1
    tied: bool = False
    tie_breaks: tuple[TieBreakRecord, ...] = ()
    summary: str = ""
    data: Mapping[str, object] = field(default_factory=dict)
