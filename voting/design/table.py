"""Every quota's power scores at once, read from one generating-function table of coalition weights.

For integer weights w_1..w_n the polynomial prod (1 + x^w_i) counts coalitions by weight; dividing out
one factor (1 + x^w) gives the coalitions of the others of a member of weight w, and its prefix sums give
that member's swings at every quota q at once: coalitions T of the others with q - w <= w(T) < q (Banzhaf
1965). The same table packed by coalition size (each coefficient a big integer holding one count per
size) gives Shapley-Shubik numerators (Shapley & Shubik 1954: sum over swings T of |T|! (n-1-|T|)!) and
the double majority (a quota of weight and a quota of members). Members of equal weight share one row,
so the work is (distinct weights) x (total weight), whatever the number of quotas read.
"""

from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate, repeat
from math import factorial
from operator import add, lshift, sub

from voting.bigint import backend, big

__all__ = ["Columns", "score_columns", "subset_counts"]

Columns = dict[int, list[int]]
PACKED_BITS = 300_000


def subset_counts(weights: Sequence[int]) -> list[int]:
    """``counts[s]``: the coalitions of weight exactly s, for s = 0..sum(weights).

    >>> subset_counts([1, 1, 2])
    [1, 2, 2, 2, 1]
    """
    counts = [1] + [0] * sum(weights)
    reach = 0
    for weight in weights:
        reach += weight
        counts[weight : reach + 1] = map(add, counts[weight : reach + 1], counts[: reach + 1 - weight])
    return counts


def _without(counts: list[int], weight: int, bits: int = 0) -> list[int]:
    """The counts with one factor (1 + x^weight) divided out (times y^1, a shift by ``bits``, when packed)."""
    out = counts[:weight]
    for start in range(weight, len(counts), weight):
        block = counts[start : start + weight]
        previous = out[start - weight : start - weight + len(block)]
        if bits:
            previous = map(lshift, previous, repeat(bits))
        out.extend(map(sub, block, previous))
    return out


def _windows(counts: list[int], weight: int, quotas: range, bits: int = 0,
             tails: bool = True) -> tuple[list[int], list[int]]:
    """For each quota q: the others' coalitions weighing in [q - weight, q), and (``tails``) those weighing q or more."""
    prefix = [0, *accumulate(_without(counts, weight, bits))]
    window = [prefix[q] - prefix[max(0, q - weight)] for q in quotas]
    everything = prefix[-1]
    return window, [everything - prefix[q] for q in quotas] if tails else []


def _banzhaf_plain(weights: Sequence[int], quotas: range) -> dict[int | None, Columns]:
    if backend() == "gmpy2" and quotas.start >= 1 and sum(weights) * (len(weights) // 8 + 1) * 8 <= PACKED_BITS:
        return {None: _banzhaf_packed(weights, quotas)}
    counts = subset_counts(weights)
    return {None: {w: _windows(counts, w, quotas, tails=False)[0] for w in sorted(set(weights))}}


def _banzhaf_packed(weights: Sequence[int], quotas: range) -> Columns:
    """The same swings from one big integer: coefficient s of prod (1 + x^w) in the s-th slot of ``bits`` bits
    (a count below 2**n, so no slot overflows and every product is exact); dividing by 1 + x^w and multiplying
    by 1 + x + ... + x^(w-1) are then single operations, fast with gmpy2 (GMP) for moderate tables."""
    width = len(weights) // 8 + 1
    bits = 8 * width
    counts = big(1)
    for weight in weights:
        counts += counts << (weight * bits)
    unit, span = (big(1) << bits) - 1, len(quotas) * width
    columns = {}
    for weight in sorted(set(weights)):
        factor = big(1) << (weight * bits)
        windows = (counts // (factor + 1)) * ((factor - 1) // unit)
        raw = int((windows >> ((quotas.start - 1) * bits)) & ((big(1) << (8 * span)) - 1)).to_bytes(span, "little")
        columns[weight] = [int.from_bytes(raw[i : i + width], "little") for i in range(0, span, width)]
    return columns


@lru_cache(maxsize=16)
def _orders(n: int) -> tuple[int, ...]:
    """t! (n-1-t)!: the orderings in which a coalition of t others comes just before the member."""
    return tuple(factorial(t) * factorial(n - 1 - t) for t in range(n))


def _sized_counts(weights: Sequence[int], bits: int) -> list[int]:
    counts = [1] + [0] * sum(weights)
    reach = 0
    for weight in weights:
        reach += weight
        shifted = map(lshift, counts[: reach + 1 - weight], repeat(bits))
        counts[weight : reach + 1] = map(add, counts[weight : reach + 1], shifted)
    return counts


def _slots(value: int, n: int, width: int) -> list[int]:
    data = value.to_bytes(n * width, "little")
    return [int.from_bytes(data[t * width : (t + 1) * width], "little") for t in range(n)]


def _sized(weights: Sequence[int], quotas: range, index: str, members_quotas: Sequence[int] | None) -> dict[int | None, Columns]:
    n = len(weights)
    width = n // 8 + 1
    counts = _sized_counts(weights, 8 * width)
    factors = _orders(n) if index == "shapley_shubik" else (1,) * n
    keys = [None] if members_quotas is None else list(members_quotas)
    result: dict[int | None, Columns] = {key: {} for key in keys}
    for weight in sorted(set(weights)):
        window, tail = _windows(counts, weight, quotas, 8 * width)
        rows: dict[int | None, list[int]] = {key: [] for key in keys}
        for inside, beyond in zip(window, tail):
            scored = [count * factor for count, factor in zip(_slots(inside, n, width), factors)]
            if members_quotas is None:
                rows[None].append(sum(scored))
                continue
            from_size = [*accumulate(reversed(scored))][::-1]
            outside = _slots(beyond, n, width)
            for m in keys:
                size = min(max(m, 1), n) - 1
                extra = 0 if m <= 1 else outside[size] * factors[size]
                rows[m].append(from_size[size] + extra if m <= n else 0)
        for key in keys:
            result[key][weight] = rows[key]
    return result


def score_columns(
    weights: Sequence[int], index: str, quotas: range, members_quotas: Sequence[int] | None = None
) -> dict[int | None, Columns]:
    """Scores by members quota (None: no members quota), then by distinct weight, one per quota in ``quotas``.

    A score is the swing count (``banzhaf``) or the Shapley-Shubik numerator (``shapley_shubik``, over n!)
    of any member of that weight, in the game [q; weights] (and at least m members, for each m given).

    >>> score_columns([4, 3, 2, 1], "banzhaf", range(6, 7))
    {None: {1: [1], 2: [3], 3: [3], 4: [5]}}
    >>> score_columns([4, 3, 2, 1], "shapley_shubik", range(6, 7))[None][4]
    [10]
    """
    if index == "banzhaf" and members_quotas is None:
        return _banzhaf_plain(weights, quotas)
    return _sized(weights, quotas, index, members_quotas)
