"""Explicit, recorded tie-breaking: compare earlier rounds first, then draw a seeded lot."""

import hashlib
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from voting.types import TieBreakRecord

__all__ = ["break_tie", "lot_order", "profile_seed"]


def lot_order(candidates: Sequence[str], seed: str) -> list[str]:
    """A reproducible random order of ``candidates``: sorted by SHA-256 of ``seed`` and the name.

    Anyone holding the seed can redo the draw.

    >>> lot_order(["A", "B", "C"], "seed-1") == lot_order(["C", "B", "A"], "seed-1")
    True
    """
    return sorted(candidates, key=lambda name: hashlib.sha256(f"{seed}\x00{name}".encode()).digest())


def profile_seed(parts: Sequence[str]) -> str:
    """A default seed derived from the ballots themselves, so that the lot is fixed before counting."""
    digest = hashlib.sha256("\x1e".join(parts).encode()).hexdigest()
    return digest[:16]


def break_tie(
    tied: Sequence[str],
    *,
    want: str,
    history: Sequence[Mapping[str, Fraction]],
    seed: str,
    key: Callable[[Mapping[str, Fraction], str], Fraction] | None = None,
) -> tuple[str, TieBreakRecord]:
    """Pick one of ``tied``: the ``want``ed ("lowest" or "highest") one.

    Earlier-round comparison: look back through ``history`` (latest round first) for the most
    recent round in which the tied candidates' totals differ, and keep only those with the
    lowest (or highest) total there; repeat until one is left or the history runs out. Then a
    lot seeded with ``seed`` decides, and the seed is recorded.

    >>> chosen, record = break_tie(["A", "B"], want="lowest", history=[{"A": 1, "B": 2}], seed="x")
    >>> chosen, record.by
    ('A', 'earlier round')
    """
    if want not in ("lowest", "highest"):
        raise ValueError("want must be 'lowest' or 'highest'")
    remaining = sorted(tied)
    value = key or (lambda totals, name: Fraction(totals.get(name, 0)))
    pick = min if want == "lowest" else max
    for totals in reversed(history):
        extreme = pick(value(totals, name) for name in remaining)
        narrowed = [name for name in remaining if value(totals, name) == extreme]
        if len(narrowed) < len(remaining):
            remaining = narrowed
        if len(remaining) == 1:
            chosen = remaining[0]
            return chosen, TieBreakRecord(
                tied=tuple(sorted(tied)),
                chosen=(chosen,),
                by="earlier round",
                explanation=f"Tie between {', '.join(sorted(tied))} broken by the most recent earlier round "
                f"in which they differed: {chosen} had the {want} total.",
            )
    chosen = lot_order(remaining, seed)[0]
    return chosen, TieBreakRecord(
        tied=tuple(sorted(tied)),
        chosen=(chosen,),
        by="lot",
        explanation=f"Tie between {', '.join(remaining)} not resolved by earlier rounds; "
        f"drawn by lot with seed {seed!r}: {chosen}.",
        seed=seed,
    )
