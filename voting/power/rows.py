"""Packed exact counts: slots of one big integer, meet in the middle by size, and the plain Banzhaf polynomial."""

from bisect import bisect_left
from collections.abc import Sequence

from voting.bigint import big, from_bytes, mutable, ones

__all__ = ["mitm_below", "pure_swings", "respace", "slot_bits", "slot_sum"]


def slot_bits(members: int) -> int:
    """Bits per packed count: counts of subsets of ``members`` are < 2**members; a multiple of 8."""
    return 8 * ((members + 9) // 8)


def slot_sum(value: int, bits: int, slots: int) -> int:
    """The sum of the ``slots`` counts packed in ``value`` (``bits`` each), exactly while it is < 2**bits - 1.

    Since 2**bits = 1 modulo 2**bits - 1, the packed number is congruent to the sum of its slots.

    >>> slot_sum(3 + (4 << 8) + (5 << 16), 8, 3)
    12
    """
    if value == 0:
        return 0
    modulus = (1 << bits) - 1
    if slots <= 64 or type(value) is not int:  # GMP's remainder is fast at any length, Python's is not
        return int(value % modulus)
    data = value.to_bytes(slots * bits // 8, "little")
    step = 64 * bits // 8
    return sum(int.from_bytes(data[i : i + step], "little") for i in range(0, len(data), step)) % modulus


def _subset_sums(weights: Sequence[int]) -> list[tuple[int, int]]:
    sums = [(0, 0)]
    for weight in weights:
        sums += [(total + weight, size + 1) for total, size in sums]
    return sums


def mitm_below(weights: Sequence[int], thresholds: Sequence[int]) -> list[list[int]]:
    """For each threshold m, the number of subsets of each size t = 0..len(weights) weighing less than m.

    Meet in the middle (Horowitz & Sahni 1974): both halves enumerated, one sorted, counts by size
    accumulated as packed integers, so the cost is about 2**(n/2) per threshold, whatever the weights.

    >>> mitm_below([5, 3, 1], [4])
    [[1, 2, 0, 0]]
    """
    n = len(weights)
    bits = slot_bits(n)
    half = n // 2
    left = _subset_sums(weights[:half])
    right = sorted(_subset_sums(weights[half:]))
    keys = [total for total, _ in right]
    cumulative, running = [0], 0
    for _, size in right:
        running += 1 << (size * bits)
        cumulative.append(running)
    slot = (1 << bits) - 1
    results = []
    for threshold in thresholds:
        by_size = [0] * (half + 1)
        for total, size in left:
            by_size[size] += cumulative[bisect_left(keys, threshold - total)]
        packed = sum(value << (size * bits) for size, value in enumerate(by_size))
        results.append([(packed >> (t * bits)) & slot for t in range(n + 1)])
    return results


def respace(value: int, bits: int, wider: int) -> int:
    """The same packed counts, moved from slots of ``bits`` to slots of ``wider`` bits (multiples of 8).

    >>> respace(3 + (4 << 8), 8, 16) == 3 + (4 << 16)
    True
    """
    step, new = bits // 8, wider // 8
    slots = -(-value.bit_length() // bits)
    data, moved = value.to_bytes(slots * step, "little"), bytearray(slots * new)
    for byte in range(step):
        moved[byte::new] = data[byte::step]
    return from_bytes(moved)


def _subset_polynomial(weights: Sequence[int], quota: int) -> tuple[int, int]:
    """prod_j (1 + x^w_j) truncated at x^quota, packed, and its slot bits.

    Lightest first, so the polynomial is short while it can be; after k members every count is
    < 2**k, so slots start narrow and widen (by whole words, through ``respace``) as members come.
    Slots past the quota only ever feed higher slots, so they are cut off only once they fill a
    sixteenth of the quota more than the heaviest member: one mask per many members, not per member.
    """
    final = slot_bits(len(weights))
    bits, poly, added = min(final, 64), mutable(1), 0
    slack = max(weights, default=0) + 1 + quota // 16
    mask = ones(quota * bits)
    for weight in sorted(weights):
        added += 1
        if weight >= quota:
            continue
        if added + 2 > bits:
            wider = min(final, 64 * -(-(added + 2) // 64))
            poly, bits = mutable(respace(big(poly), bits, wider)), wider
            mask = ones(quota * bits)
        poly += poly << (weight * bits)
        if poly.bit_length() > (quota + slack) * bits:
            poly &= mask
    return poly & mask, bits


def pure_swings(weights: Sequence[int], quota: int) -> dict[int, int]:
    """Swings per distinct weight in the plain weighted game [quota; weights] (quota >= 1).

    One packed polynomial P = prod_j (1 + x^w_j) truncated at x^quota; a member of weight w swings
    for the subsets T of the others with q - w <= w(T) < q, and since P = (1 + x^w) P_without, that
    count is the alternating sum over j >= 0 of (-1)^j (F(q - jw) - F(q - (j+1)w)), F the prefix sums of P.

    >>> pure_swings([4, 3, 2, 1], 6)
    {1: 1, 2: 3, 3: 3, 4: 5}
    """
    poly, bits = _subset_polynomial(weights, quota)
    data = poly.to_bytes(quota * bits // 8, "little")
    step = bits // 8
    prefix, running = [0], 0
    for start in range(0, len(data), step):
        running += int.from_bytes(data[start : start + step], "little")
        prefix.append(running)
    swings = {}
    for weight in sorted(set(weights)):
        total, sign, top = 0, 1, quota
        while top > 0 and weight > 0:
            total += sign * (prefix[top] - prefix[max(0, top - weight)])
            sign, top = -sign, top - weight
        swings[weight] = total
    return swings
