"""Time estimates for exact power counting: operation counts times this machine's speed, measured now."""

import os
import time
from collections.abc import Sequence

from voting.bigint import backend, mutable, ones
from voting.power.game import IntegerGame
from voting.power.residues import chunk_columns, probe_columns
from voting.power.tables import box_cells, slot_bits

__all__ = ["bitset_bytes", "box_bytes", "halves_bytes", "load_factor", "machine_rates", "plain_slots", "residue_bytes",
           "rows_work", "table_bytes", "table_widths", "work_seconds"]



def growth() -> float:
    """Peak over finished table while members are added: a fifth more for gmpy2's rows, updated in place; more than
    twice for plain ints, each update a new integer, the old ones freed into a fragmented heap (both measured)."""
    return 1.25 if backend() == "gmpy2" else 2.3
MASKS = 17
"""A table caches masks of up to 32 widths, a 32nd of the quota apart: about 16.5 quotas of slots in all."""

PROBE_BITS = 1 << 19
PROBE_STEPS = 20_000
PROBE_EVERY_SECONDS = 30.0
_probe: dict[str, float | str] = {}


def machine_rates() -> tuple[float, float]:
    """CPU seconds per bit of a big-integer shift-and-add, and per interpreted loop step, measured now.

    Some milliseconds of probing in CPU time (immune to neighbours), repeated at most every 30 s;
    ``load_factor`` then turns CPU time into the wall time a waiting page sees.

    >>> per_bit, per_step = machine_rates()
    >>> 0 < per_bit < per_step
    True
    """
    now, kind = time.monotonic(), backend()
    if _probe.get("backend") == kind and now - _probe["at"] < PROBE_EVERY_SECONDS:
        return _probe["bit"], _probe["step"]
    per_bit = float("inf")
    for _ in range(3):  # the tables' own step: a row shifted, added and cut in place, with gmpy2 when they use it
        value, mask = mutable((1 << PROBE_BITS) - 1), ones(PROBE_BITS)
        started = time.process_time()
        for _ in range(6):
            value <<= 64
            value += mask
            value &= mask
        per_bit = min(per_bit, (time.process_time() - started) / (6 * PROBE_BITS))
    started = time.process_time()
    total = 0
    for step in range(PROBE_STEPS):
        total += step & 7
    per_step = (time.process_time() - started) / PROBE_STEPS
    _probe.update(at=now, backend=kind, bit=per_bit, step=per_step)
    return per_bit, per_step


def load_factor() -> float:
    """How many runnable processes share each core now (at least 1): CPU seconds times this is wall time.

    >>> load_factor() >= 1
    True
    """
    try:
        return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    except OSError:
        return 1.0


def table_widths(weights: Sequence[int], quota: int) -> list[int]:
    """Slots per row of the size x weight table: quota less the t lightest weights, for t = 0..n.

    >>> table_widths([3, 1, 2], 4)
    [4, 3, 1, 0]
    """
    widths, floor = [quota], 0
    for weight in sorted(weights):
        floor += weight
        widths.append(max(0, quota - floor))
    return widths


def work_seconds(bits: float, steps: float) -> float:
    """Wall seconds for ``bits`` of big-integer shift-and-add plus ``steps`` interpreted steps, at today's rates.

    >>> work_seconds(0, 0)
    0.0
    """
    per_bit, per_step = machine_rates()
    return (bits * per_bit + steps * per_step) * load_factor()


def plain_slots(weights: Sequence[int], quota: int, largest: int | None = None) -> float:
    """Slots the size x weight table touches while members are added heaviest first (see
    ``voting.power.tables``): after k members, row t spans the lightest to the heaviest t of them, below
    the quota. Summed over every k up to a few hundred sampled values, then scaled.

    >>> plain_slots([1, 1], 3)
    3.0
    """
    order = sorted(weights, reverse=True)
    heaviest = [0]
    for weight in order:
        heaviest.append(heaviest[-1] + weight)
    n = len(order)
    keep = n if largest is None else min(largest, n)
    stride = max(1, n * n // 40_000)
    total = 0
    for k in range(1, n + 1, stride):
        for t in range(1, min(k, keep) + 1):
            lightest = heaviest[k] - heaviest[k - t]
            if lightest >= quota:
                break
            total += min(quota - 1, heaviest[t]) - lightest + 1
    return float(total * stride)


def rows_work(game: IntegerGame, weights: Sequence[int], quota: int, largest: int | None = None) -> tuple[float, float]:
    """Bits and steps of the size x weight table: the rows' shift-adds, the transposition into prefix
    columns, and the column reads per type.

    Weighted by factors fitted against CPU time (n = 27 to 500).

    >>> bits, steps = rows_work(IntegerGame(3, 0, 4, (((1, 2, 3), 4),), (1,)), (1, 2, 3), 4)
    >>> bits > 0 and steps > 0
    True
    """
    n, bits = game.n, slot_bits(game.n)
    widths = table_widths(weights, quota)[: None if largest is None else largest + 1]
    live = sum(1 for width in widths if width)
    grid = quota * live * bits
    gathers = sum(min(n, quota // max(w, 1)) for w in set(weights))
    return 1.5 * plain_slots(weights, quota, largest) * bits + 10.0 * grid, 6 * n * live + 3 * gathers + 40 * n * n


def table_bytes(weights: Sequence[int], quota: int, largest: int | None) -> float:
    """Peak bytes of the size x weight table engine: its rows, their masks, a copy of the rows as bytes and the
    grid of prefix columns (every kept row times every weight below the quota).

    >>> table_bytes([3, 1, 2], 4, None)
    96.0
    """
    widths = table_widths(weights, quota)[: None if largest is None else largest + 1]
    step = slot_bits(len(weights)) // 8
    live = sum(1 for width in widths if width)
    return float(step * (2 * sum(widths) + MASKS * quota + live * quota))


def residue_bytes(weights: Sequence[int], quota: int, keep: int, slot_widths: Sequence[int]) -> float:
    """Peak bytes of the widest residue pass (``voting.power.residues``): its rows and masks, one chunk of
    columns, and the probed columns kept as Python integers.

    >>> weights = list(range(1, 200))
    >>> residue_bytes(weights, 10_000, 199, [80, 88]) < table_bytes(weights, 10_000, None) / 2
    True
    """
    widths = table_widths(weights, quota)[: keep + 1]
    live = sum(1 for width in widths if width)
    probes = len(probe_columns(weights, quota, keep + 1)) + 1
    step = max(slot_widths) // 8
    rows = step * (growth() * sum(widths) + 4 * quota + live * chunk_columns(quota))
    return float(rows + probes * (live * step + 40))


def bitset_bytes(members: int, criteria: int) -> float:
    """Peak bytes of enumeration: a flag, a size and each criterion's total per coalition, and the packed bitsets."""
    return float(2**members * (16 + 40 * criteria))


def halves_bytes(members: int, types: int) -> float:
    """Peak bytes of meet in the middle: both halves' subset sums as tuples, sorted keys and packed counts."""
    return float(2 ** ((members + 1) // 2) * 400 + 1000 * types)


def box_bytes(game: IntegerGame) -> float:
    """Peak bytes of the table over two weighted criteria: its rows and their prefix sums."""
    return float(2 * box_cells(game) * (game.n + 1) * slot_bits(game.n) // 8)
