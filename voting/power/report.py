"""Power indices from exact swing counts: Banzhaf, Penrose, Shapley-Shubik, Coleman, veto players, dummies,
and the exact concentration of weight or power: Gini coefficient, Herfindahl-Hirschman index, largest-k shares.

Definitions (Felsenthal & Machover 1998, *The Measurement of Voting Power*, ch. 3-4): a swing for
member i is a coalition T without i that loses while T + i wins. Penrose (absolute Banzhaf) index:
swings / 2**(n-1); normalized Banzhaf (Banzhaf 1965): swings / total swings; Shapley-Shubik (Shapley &
Shubik 1954): sum over swings T of |T|! (n-1-|T|)! / n!; Coleman (1971): power of the collectivity to
act = winning coalitions / 2**n, to prevent = swings / winning, to initiate = swings / losing coalitions.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import comb, factorial

from voting.power.count import Counts
from voting.power.game import Game

__all__ = [
    "Concentration",
    "MemberPower",
    "PowerReport",
    "build_report",
    "concentration",
    "gini",
    "herfindahl",
    "largest_shares",
]


def gini(values: Sequence[Fraction | int]) -> Fraction | None:
    """The Gini coefficient sum_i sum_j |x_i - x_j| / (2 n sum x); None when every value is 0.

    Computed from the ascending order: G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n (Gini 1912).

    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (Fraction(0, 1), Fraction(3, 4))
    """
    ordered = sorted(Fraction(value) for value in values)
    total = sum(ordered, Fraction(0))
    if total == 0:
        return None
    n = len(ordered)
    ranked = sum((rank * value for rank, value in enumerate(ordered, 1)), Fraction(0))
    return 2 * ranked / (n * total) - Fraction(n + 1, n)


def herfindahl(values: Sequence[Fraction | int]) -> Fraction | None:
    """The Herfindahl-Hirschman index: the sum of squared shares (1/n when equal, 1 for a monopoly).

    >>> herfindahl([1, 1, 2])
    Fraction(3, 8)
    """
    total = sum((Fraction(value) for value in values), Fraction(0))
    if total == 0:
        return None
    return sum(((Fraction(value) / total) ** 2 for value in values), Fraction(0))


def largest_shares(values: Sequence[Fraction | int]) -> tuple[Fraction, ...] | None:
    """Share of the total held by the largest k values together, for k = 1..n; None when the total is 0.

    >>> [str(share) for share in largest_shares([1, 3, 4])]
    ['1/2', '7/8', '1']
    """
    ordered = sorted((Fraction(value) for value in values), reverse=True)
    total = sum(ordered, Fraction(0))
    if total == 0:
        return None
    shares, running = [], Fraction(0)
    for value in ordered:
        running += value
        shares.append(running / total)
    return tuple(shares)


@dataclass(frozen=True)
class Concentration:
    """Gini, Herfindahl-Hirschman and largest-k shares of one distribution; None where undefined."""

    gini: Fraction | None
    herfindahl: Fraction | None
    largest_shares: tuple[Fraction, ...] | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: exact fraction strings, null where undefined."""
        return {
            "gini": None if self.gini is None else str(self.gini),
            "herfindahl": None if self.herfindahl is None else str(self.herfindahl),
            "largest_shares": None if self.largest_shares is None else [str(s) for s in self.largest_shares],
        }


def concentration(values: Sequence[Fraction | int]) -> Concentration:
    """All three concentration measures of ``values``.

    >>> concentration([1, 1]).gini
    Fraction(0, 1)
    """
    return Concentration(gini(values), herfindahl(values), largest_shares(values))


@dataclass(frozen=True)
class MemberPower:
    """One member's row: weights per criterion and every index (None where the index is undefined)."""

    name: str
    weights: tuple[Fraction, ...]
    swings: int
    banzhaf: Fraction | None
    penrose: Fraction
    shapley_shubik: Fraction | None
    coleman_prevent: Fraction | None
    coleman_initiate: Fraction | None
    veto: bool
    dummy: bool


@dataclass(frozen=True)
class PowerReport:
    """Every exact measure of one game; ``undefined`` explains each index left as None."""

    names: tuple[str, ...]
    members: tuple[MemberPower, ...]
    swings_by_size: tuple[tuple[int, ...], ...]
    winning_coalitions: int
    minimal_winning_coalitions: int | None
    smallest_winning: int | None
    smallest_blocking: int | None
    coleman_act: Fraction
    dictator: str | None
    weight_concentration: tuple[Concentration, ...]
    banzhaf_concentration: Concentration | None
    shapley_shubik_concentration: Concentration | None
    scales: tuple[Fraction, ...]
    method: str
    undefined: tuple[str, ...]
    exact: bool = True

    @property
    def veto(self) -> tuple[str, ...]:
        """Members in every winning coalition."""
        return tuple(m.name for m in self.members if m.veto)

    @property
    def dummies(self) -> tuple[str, ...]:
        """Members with no swing at all, whatever their weight."""
        return tuple(m.name for m in self.members if m.dummy)

    def index(self, name: str) -> dict[str, Fraction | None]:
        """Banzhaf, Penrose and Shapley-Shubik of one member, by name."""
        member = self.members[self.names.index(name)]
        return {"banzhaf": member.banzhaf, "penrose": member.penrose, "shapley_shubik": member.shapley_shubik}

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: every number an exact string ("5/12") or an integer, null where undefined."""
        text = _text
        by_name = lambda attribute: {m.name: text(getattr(m, attribute)) for m in self.members}  # noqa: E731
        return {
            "exact": self.exact,
            "method": self.method,
            "names": list(self.names),
            "banzhaf": by_name("banzhaf"),
            "penrose": by_name("penrose"),
            "shapley_shubik": by_name("shapley_shubik"),
            "swings": {m.name: m.swings for m in self.members},
            "veto": list(self.veto),
            "dummies": list(self.dummies),
            "dictator": self.dictator,
            "winning_coalitions": self.winning_coalitions,
            "minimal_winning_coalitions": self.minimal_winning_coalitions,
            "smallest_winning": self.smallest_winning,
            "smallest_blocking": self.smallest_blocking,
            "coleman_act": text(self.coleman_act),
            "coleman_prevent": by_name("coleman_prevent"),
            "coleman_initiate": by_name("coleman_initiate"),
            "weight_concentration": [c.to_dict() for c in self.weight_concentration],
            "banzhaf_concentration": _maybe(self.banzhaf_concentration),
            "shapley_shubik_concentration": _maybe(self.shapley_shubik_concentration),
            "scales": [text(scale) for scale in self.scales],
            "undefined": list(self.undefined),
            "members": [_member_dict(m) for m in self.members],
        }


def _text(value: Fraction | int | None) -> str | None:
    return None if value is None else str(value)


def _maybe(value: Concentration | None) -> dict[str, object] | None:
    return None if value is None else value.to_dict()


def _member_dict(member: MemberPower) -> dict[str, object]:
    row = {key: _text(getattr(member, key)) for key in ("banzhaf", "penrose", "shapley_shubik")}
    row.update(coleman_prevent=_text(member.coleman_prevent), coleman_initiate=_text(member.coleman_initiate))
    return {
        "name": member.name,
        "weights": [str(w) for w in member.weights],
        "swings": member.swings,
        **row,
        "veto": member.veto,
        "dummy": member.dummy,
    }


class _ShapleyShubik:
    """Shapley-Shubik from swings by size, with the factorial weights computed once and equal rows once."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.orders = [factorial(t) * factorial(n - 1 - t) for t in range(n)]
        self.known: dict[tuple[int, ...], Fraction] = {}

    def __call__(self, row: tuple[int, ...]) -> Fraction:
        if row not in self.known:
            total = sum(count * order for count, order in zip(row, self.orders) if count)
            self.known[row] = Fraction(total, factorial(self.n))
        return self.known[row]


def _smallest(counts: Counts, n: int) -> tuple[int | None, int | None]:
    by_size = counts.winning_by_size
    winning = next((t for t in range(n + 1) if by_size[t]), None)
    largest_losing = next((t for t in range(n, -1, -1) if by_size[t] < comb(n, t)), None)
    return winning, None if largest_losing is None else n - largest_losing


def _notes(total_swings: int, winning: int, n: int, empty_wins: bool) -> tuple[str, ...]:
    notes = []
    if winning == 0:
        notes.append("no coalition wins (a quota above the total weight?): Banzhaf, Shapley-Shubik, "
                     "Coleman's power to prevent and veto players are undefined")
    if empty_wins:
        notes.append("the empty coalition wins (quota 0 or below?): Banzhaf, Shapley-Shubik and "
                     "Coleman's power to initiate are undefined")
    if total_swings == 0 and winning and not empty_wins:
        notes.append("no member has a swing: the normalized Banzhaf index is undefined")
    return tuple(notes)


def build_report(game: Game, counts: Counts, scales: tuple[Fraction, ...]) -> PowerReport:
    """Assemble every measure from exact ``counts`` (see the module docstring for the definitions)."""
    n = game.size
    swings = [sum(row) for row in counts.swings_by_size]
    total_swings, winning = sum(swings), sum(counts.winning_by_size)
    losing = 2**n - winning
    empty_wins = counts.winning_by_size[0] > 0
    proper = winning > 0 and not empty_wins
    members = []
    shapley_shubik = _ShapleyShubik(n)
    for i, name in enumerate(game.names):
        row = counts.swings_by_size[i]
        members.append(MemberPower(
            name=name,
            weights=tuple(c.weights[i] for c in game.criteria),
            swings=swings[i],
            banzhaf=Fraction(swings[i], total_swings) if total_swings else None,
            penrose=Fraction(swings[i], 2 ** (n - 1)),
            shapley_shubik=shapley_shubik(row) if proper else None,
            coleman_prevent=Fraction(swings[i], winning) if winning else None,
            coleman_initiate=Fraction(swings[i], losing) if losing else None,
            veto=winning > 0 and row[n - 1] == 1,
            dummy=swings[i] == 0,
        ))
    dictators = [m.name for i, m in enumerate(members) if m.veto and counts.swings_by_size[i][0] == 1]
    smallest_winning, smallest_blocking = _smallest(counts, n)
    banzhaf = [m.banzhaf for m in members]
    shapley = [m.shapley_shubik for m in members]
    return PowerReport(
        names=game.names,
        members=tuple(members),
        swings_by_size=counts.swings_by_size,
        winning_coalitions=winning,
        minimal_winning_coalitions=counts.minimal_winning,
        smallest_winning=smallest_winning,
        smallest_blocking=smallest_blocking,
        coleman_act=Fraction(winning, 2**n),
        dictator=dictators[0] if dictators else None,
        weight_concentration=tuple(concentration(c.weights) for c in game.criteria),
        banzhaf_concentration=concentration(banzhaf) if total_swings else None,
        shapley_shubik_concentration=concentration(shapley) if proper else None,
        scales=scales,
        method=counts.method,
        undefined=_notes(total_swings, winning, n, empty_wins),
    )
