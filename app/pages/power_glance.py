"""Power at a glance: how far a rule moves power from what its counting suggests, who gains and who loses, and
which members can block together."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from governance.power import game_for_rule
from voting.power import PowerError, is_winning

__all__ = ["Blockers", "Finding", "blockers", "divergence", "findings"]

NOTABLE = Fraction(1, 100)
"""A member is worth a finding when its power and its weight share differ by at least one percentage point."""


@dataclass(frozen=True)
class Finding:
    slug: str
    name: str
    weight_share: Fraction
    power: Fraction


@dataclass(frozen=True)
class Blockers:
    """The smallest group that can block every proposal: named members, or ``any_of`` when any that many will do."""

    names: tuple[str, ...]
    any_of: int | None = None


def _nominal(view, counting: str) -> list[Fraction | None]:  # noqa: ANN001
    """What the counting suggests each member holds: one equal share, or its share of the weight."""
    if counting == "equal":
        return [Fraction(1, len(view.rows))] * len(view.rows)
    return [row.weight_share for row in view.rows]


def divergence(view, counting: str) -> Fraction:  # noqa: ANN001
    """Half the summed gaps between Banzhaf power and the nominal share (the total variation distance): 0 when the
    rule gives each member what its counting suggests, up to 1."""
    gaps = [abs(row.banzhaf - nominal) for row, nominal in zip(view.rows, _nominal(view, counting), strict=True)
            if row.banzhaf is not None and nominal is not None]
    return sum(gaps, Fraction(0)) / 2


def findings(view, *, most: int = 2) -> list[Finding]:  # noqa: ANN001
    """The members whose power differs most from their weight share: up to ``most`` who gain, ``most`` who lose."""
    rows = [row for row in view.rows if row.banzhaf is not None and row.weight_share is not None
            and abs(row.banzhaf - row.weight_share) >= NOTABLE]
    losers = sorted((r for r in rows if r.banzhaf < r.weight_share), key=lambda r: r.banzhaf - r.weight_share)
    gainers = sorted((r for r in rows if r.banzhaf > r.weight_share), key=lambda r: r.weight_share - r.banzhaf)
    return [Finding(r.slug, r.name, r.weight_share, r.banzhaf) for r in losers[:most] + gainers[:most]]


def blockers(rule: Mapping[str, object], eligible: Sequence[Mapping[str, str]], smallest: int | None) -> Blockers | None:
    """A smallest group whose "no" defeats any proposal under ``rule``: for each criterion, the members heaviest in
    it first, until the others cannot pass; the shortest such group, kept only when its size is the report's
    ``smallest`` (computed exactly), so the group named is truly a smallest one."""
    try:
        game = game_for_rule(rule, eligible)
    except (PowerError, ValueError, KeyError):
        return None
    names = {row["member"]: row.get("name", row["member"]) for row in eligible}
    best: tuple[str, ...] | None = None
    interchangeable = False
    for criterion in game.criteria:
        order = sorted(range(game.size), key=lambda i: -criterion.weights[i])
        for size in range(1, game.size + 1):
            chosen = {game.names[i] for i in order[:size]}
            if not is_winning(game, [name for name in game.names if name not in chosen]):
                if best is None or size < len(best):
                    best, interchangeable = tuple(game.names[i] for i in order[:size]), len(set(criterion.weights)) == 1
                break
    if best is None or smallest is None or len(best) != smallest:
        return None
    if interchangeable:
        return Blockers((), len(best))
    return Blockers(tuple(names[slug] for slug in best))
