"""Exact coalition counts by size and weight, each size's counts packed as slots of one big integer."""

from bisect import bisect_left
from collections.abc import Sequence

__all__ = ["PrefixRows", "RowTable", "mitm_below", "pure_swings", "slot_bits", "slot_sum"]


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
    if slots <= 64:
        return value % modulus
    data = value.to_bytes(slots * bits // 8, "little")
    step = 64 * bits // 8
    return sum(int.from_bytes(data[i : i + step], "little") for i in range(0, len(data), step)) % modulus


class RowTable:
    """Prefix counts F(t, z): subsets of t members weighing less than z, for z <= quota, row t packed.

    The generating function prod_j (1 + y x^w_j) (Banzhaf 1965; Mann & Shapley 1962), truncated at
    x^quota and kept prefix-summed over the weight: shifting and prefix-summing commute, so adding a
    member is the same shift-add, and windows need two slots instead of a sum. No t members weigh
    less than ``floor[t]``, the sum of the t lightest weights, so slot k of row t holds
    F(t, floor[t] + 1 + k): rows start where subsets can exist, and sizes past ``largest`` are not kept.
    Slots past the quota hold garbage
    until masked (it only ever moves to higher slots); each count is < 2**members and fits its slot.

    >>> table = RowTable(4, [1, 2, 3])
    >>> for weight in (3, 2, 1):
    ...     table.add(weight)
    >>> table.finish()
    >>> [table.window(t, 0) for t in range(4)], table.window(1, 2)
    ([1, 3, 1, 0], 2)
    """

    def __init__(self, quota: int, weights: Sequence[int], largest: int | None = None) -> None:
        self.quota, self.largest = quota, len(weights) if largest is None else largest
        self.bits = slot_bits(len(weights))
        self.floor = [0]
        for weight in sorted(weights):
            self.floor.append(self.floor[-1] + weight)
        self.slack = max(weights, default=0) + 1
        self.coarse = max(1, quota // 32)
        self._masks: dict[int, int] = {}
        one = (1).to_bytes(self.bits // 8, "little")
        self.rows = [int.from_bytes(one * quota, "little")]

    def width(self, t: int) -> int:
        """Slots of row t: weights floor[t] .. quota - 1 (none when t members always reach the quota)."""
        return max(0, self.quota - self.floor[t])

    def _mask(self, width: int) -> int:
        """A mask at least ``width`` slots wide, from a few cached sizes."""
        rounded = -(-width // self.coarse) * self.coarse
        if rounded not in self._masks:
            self._masks[rounded] = (1 << (rounded * self.bits)) - 1
        return self._masks[rounded]

    def add(self, weight: int) -> None:
        """Multiply by (1 + y x^weight): every subset so far, with and without the new member."""
        rows, bits = self.rows, self.bits
        if len(rows) <= self.largest:
            rows.append(0)
        if weight >= self.quota:
            return
        for t in range(len(rows) - 1, 0, -1):
            previous, width = rows[t - 1], self.width(t)
            if not previous or not width:
                continue
            shift = weight - (self.floor[t] - self.floor[t - 1])
            moved = previous << (shift * bits) if shift >= 0 else previous >> (-shift * bits)
            value = rows[t] + moved
            rows[t] = value & self._mask(width) if value.bit_length() > (width + self.slack) * bits else value

    def finish(self) -> None:
        """Drop the garbage past the quota."""
        self.rows = [row & ((1 << (self.width(t) * self.bits)) - 1) for t, row in enumerate(self.rows)]

    def below(self, t: int, z: int) -> int:
        """F(t, z): subsets of t members weighing less than z (z is capped at the quota)."""
        slot = min(z, self.quota) - self.floor[t] - 1
        if slot < 0 or t >= len(self.rows):
            return 0
        return (self.rows[t] >> (slot * self.bits)) & ((1 << self.bits) - 1)

    def window(self, t: int, low: int) -> int:
        """How many subsets in row t weigh at least ``low`` and less than the quota."""
        return self.below(t, self.quota) - self.below(t, low)


class PrefixRows:
    """Column z of a finished RowTable: every size's F(t, z), packed ``bits`` per size.

    Rows are kept as bytes, so a column is gathered from one slot per row.
    """

    def __init__(self, table: RowTable) -> None:
        self.quota, self.bits, self.floor = table.quota, table.bits, table.floor
        self.step = table.bits // 8
        self.data = [row.to_bytes(self.step * table.width(t), "little") for t, row in enumerate(table.rows)]
        self.starts = [-(floor + 1) * self.step for floor in self.floor]

    def column(self, z: int) -> int:
        """F(t, z) for every t, packed ``bits`` per size; 0 for z <= 0; z is capped at the quota."""
        z = min(z, self.quota)
        live = bisect_left(self.floor, z)
        base, step = z * self.step, self.step
        return int.from_bytes(
            b"".join([row[base + start : base + start + step] for row, start in zip(self.data[:live], self.starts)]),
            "little",
        )

    def unpack(self, packed: int, count: int) -> list[int]:
        """The first ``count`` sizes of a packed column (slots above them are dropped)."""
        slot = (1 << self.bits) - 1
        return [(packed >> (t * self.bits)) & slot for t in range(count)]

    def without(self, weight: int, rows: int) -> tuple[list[int], list[int]]:
        """For the same members less one of ``weight``, per size t < ``rows``: subsets weighing at least
        quota - weight and less than the quota (the window), and subsets weighing less than the quota.

        With P = (1 + y x^w) P', F'(t, z) = F(t, z) - F'(t - 1, z - w), unrolled to the alternating sum
        of F(t - j, z - j w) over j: columns shifted j sizes up, so no row is ever divided.
        """
        under, j = 0, 0
        while j < rows and self.quota - (j + 1) * weight > 0:
            term = self.column(self.quota - (j + 1) * weight) << (j * self.bits)
            under += -term if j % 2 else term
            j += 1
        mask = (1 << (rows * self.bits)) - 1
        under &= mask
        below = (self.column(self.quota) - (under << self.bits)) & mask
        window = (below - under) & mask
        return self.unpack(window, rows), self.unpack(below, rows)


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


def pure_swings(weights: Sequence[int], quota: int) -> dict[int, int]:
    """Swings per distinct weight in the plain weighted game [quota; weights] (quota >= 1).

    One packed polynomial P = prod_j (1 + x^w_j) truncated at x^quota; a member of weight w swings
    for the subsets T of the others with q - w <= w(T) < q, and since P = (1 + x^w) P_without, that
    count is the alternating sum over j >= 0 of (-1)^j (F(q - jw) - F(q - (j+1)w)), F the prefix sums of P.

    >>> pure_swings([4, 3, 2, 1], 6)
    {1: 1, 2: 3, 3: 3, 4: 5}
    """
    bits = slot_bits(len(weights))
    mask = (1 << (quota * bits)) - 1
    limit = (quota + max(weights, default=0) + 1) * bits
    poly = 1
    for weight in sorted(weights):
        if weight < quota:
            poly += poly << (weight * bits)
            if poly.bit_length() > limit:
                poly &= mask
    data = (poly & mask).to_bytes(quota * bits // 8, "little")
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
