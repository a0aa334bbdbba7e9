"""Monte Carlo estimates of power indices, with 95% confidence intervals, for games too large to count exactly."""

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from voting.power.game import Game, IntegerGame, PowerError, integer_game

__all__ = ["ApproximateReport", "Estimate", "monte_carlo"]

Z95 = Fraction(196, 100)
PLACES = 10**9


@dataclass(frozen=True)
class Estimate:
    """A sample proportion and its 95% normal-approximation interval, bounds rounded outward to 1e-9."""

    value: Fraction
    low: Fraction
    high: Fraction

    def to_dict(self) -> dict[str, str]:
        """Exact strings for the estimate and the interval."""
        return {"estimate": str(self.value), "low": str(self.low), "high": str(self.high)}


@dataclass(frozen=True)
class ApproximateReport:
    """Approximate indices: estimates, not exact values; ``label`` says so wherever they are shown."""

    names: tuple[str, ...]
    samples: int
    seed: int
    penrose: tuple[Estimate, ...]
    banzhaf: tuple[Estimate, ...] | None
    shapley_shubik: tuple[Estimate, ...] | None
    exact: bool = False
    label: str = "approximate: Monte Carlo estimate with 95% confidence intervals"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, keyed like the exact report, each index an estimate with its interval."""
        def by_name(values: tuple[Estimate, ...] | None) -> dict[str, object] | None:
            return None if values is None else {n: e.to_dict() for n, e in zip(self.names, values)}

        return {
            "exact": False,
            "label": self.label,
            "samples": self.samples,
            "seed": self.seed,
            "names": list(self.names),
            "penrose": by_name(self.penrose),
            "banzhaf": by_name(self.banzhaf),
            "shapley_shubik": by_name(self.shapley_shubik),
        }


def _interval(hits: int, samples: int, scale: Fraction = Fraction(1)) -> Estimate:
    p = Fraction(hits, samples)
    variance = p * (1 - p) / samples
    scaled = math.ceil(variance * PLACES**2)
    whole = math.isqrt(scaled)
    root = Fraction(whole + (whole * whole < scaled), PLACES)
    half = Z95 * root * scale
    value = p * scale
    low = Fraction(math.floor(max(Fraction(0), value - half) * PLACES), PLACES)
    high = Fraction(math.ceil(min(Fraction(1), value + half) * PLACES), PLACES)
    return Estimate(value, low, high)


def _totals(game: IntegerGame, members: list[int]) -> list[int]:
    return [sum(weights[i] for i in members) for weights, _ in game.weighted]


def _swing_hits(game: IntegerGame, rng: random.Random, samples: int) -> list[int]:
    n, hits = game.n, [0] * game.n
    for _ in range(samples):
        members = [i for i in range(n) if rng.getrandbits(1)]
        inside = set(members)
        totals, size = _totals(game, members), len(members)
        for i in range(n):
            sign = -1 if i in inside else 1
            other = [t + sign * weights[i] for t, (weights, _) in zip(totals, game.weighted)]
            with_i, without_i = (totals, other) if i in inside else (other, totals)
            size_with = size if i in inside else size + 1
            if game.wins(size_with, with_i) and not game.wins(size_with - 1, without_i):
                hits[i] += 1
    return hits


def _pivot_hits(game: IntegerGame, rng: random.Random, samples: int) -> list[int]:
    n, hits = game.n, [0] * game.n
    order = list(range(n))
    for _ in range(samples):
        rng.shuffle(order)
        totals = [0] * len(game.weighted)
        for size, i in enumerate(order, 1):
            totals = [t + weights[i] for t, (weights, _) in zip(totals, game.weighted)]
            if game.wins(size, totals):
                hits[i] += 1
                break
    return hits


def monte_carlo(game: Game, *, samples: int, seed: int) -> ApproximateReport:
    """Estimate Penrose, normalized Banzhaf and Shapley-Shubik indices from ``samples`` random draws.

    Penrose: the share of uniformly random coalitions of the others for which the member swings;
    Shapley-Shubik: the share of random orders in which the member is pivotal. Intervals: normal
    approximation, p +/- 1.96 sqrt(p(1-p)/samples). The Banzhaf interval divides the Penrose one by the
    estimated total (a plug-in interval). Reproducible from ``seed``.

    >>> report = monte_carlo(Game(("A", "B"), (((1, 0), 1),)), samples=100, seed=1)
    >>> str(report.shapley_shubik[0].value), str(report.shapley_shubik[1].high), report.exact
    ('1', '0', False)
    """
    if samples < 1:
        raise PowerError("samples must be at least 1")
    if game.size == 0:
        raise PowerError("a game needs at least one member")
    integer = integer_game(game)
    rng = random.Random(seed)
    swings = _swing_hits(integer, rng, samples)
    pivots = _pivot_hits(integer, rng, samples)
    penrose = tuple(_interval(h, samples) for h in swings)
    total = sum(swings)
    banzhaf = tuple(_interval(h, samples, Fraction(samples, total)) for h in swings) if total else None
    shapley = tuple(_interval(h, samples) for h in pivots) if sum(pivots) else None
    return ApproximateReport(game.names, samples, seed, penrose, banzhaf, shapley)
