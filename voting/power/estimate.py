"""Time estimates for exact power counting: operation counts times this machine's speed, measured now."""

import os
import time
from collections.abc import Sequence

from voting.bigint import backend, mutable, ones
from voting.power.game import IntegerGame
from voting.power.tables import slot_bits

__all__ = ["load_factor", "machine_rates", "plain_slots", "rows_work", "table_widths", "work_seconds"]

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
