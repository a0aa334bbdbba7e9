"""Packed exact counts: slots of one big integer, coalition tables by size and weight, and their uses.

Slots and meet in the middle by size, with the plain Banzhaf polynomial; coalition counts by size and
weight, packed per size and read as prefix-summed columns; and for two weighted criteria at once, a
packed table of complements by size and both weights.

A coalition T of the others meets both quotas iff its complement U (among the others) weighs at most
W_c - w_c(i) - q_c on each criterion c: a box. So every count is a box count over subsets U, kept in
the generating function prod_j (1 + y x1^a_j x2^b_j) truncated to the box (Bilbao et al. 2002,
"Voting power in the European Union enlargement", EJOR 143: generating functions for double
majority games). One row per first-criterion weight, each row packing (second weight, size) slots.
"""

from bisect import bisect_left
from collections.abc import Sequence
from math import comb

from voting import progress
from voting.bigint import big, from_bytes, low_bits, mutable, ones
from voting.power.game import IntegerGame

__all__ = [
    "BoxTable",
    "PrefixColumns",
    "SizeWeightTable",
    "box_below",
    "box_cells",
    "box_lookups",
    "build_table",
    "mitm_below",
    "pure_swings",
    "respace",
    "slot_bits",
    "slot_sum",
]


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

    A member swings for T exactly when it swings for the complement of T among the others in the game
    [W - quota + 1; weights] (W the total weight), so the smaller of the two quotas is counted: a
    two-thirds quota costs a third of the total, in time and in memory.

    >>> pure_swings([4, 3, 2, 1], 6)
    {1: 1, 2: 3, 3: 3, 4: 5}
    """
    total = sum(weights)
    if quota <= total:
        quota = min(quota, total - quota + 1)
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


TRANSPOSE_COLUMNS = 512


class SizeWeightTable:
    """C(t, z): subsets of t members weighing exactly z < quota, row t packed as one integer.

    The generating function prod_j (1 + y x^w_j) (Banzhaf 1965; Mann & Shapley 1962), truncated at
    x^quota. Members come heaviest first, so the lightest t-subset so far is the t-1 lightest plus the
    newcomer: slot k of row t holds weight ``offsets[t] + k``, rows hold only the weights their subsets
    reach, and adding a member is one shift and one addition per row. Slots at or past the quota hold
    garbage (it only ever moves to higher slots) until masked; counts are < 2**members and fit a slot.
    Rows past ``largest`` are not kept; ``band`` (first, last) keeps the sum of rows first..last by weight.

    >>> table = SizeWeightTable(4, 3)
    >>> for weight in (3, 2, 1):
    ...     table.add(weight)
    >>> [table.below(t) for t in range(4)], table.window(1, 2)
    ([1, 3, 1, 0], 2)
    """

    def __init__(self, quota: int, members: int, largest: int | None = None, band: tuple[int, int] = (0, -1),
                 bits: int | None = None, lean: bool = False) -> None:
        self.quota, self.bits, self.lean = quota, bits or slot_bits(members), lean
        keep = members if largest is None else min(largest, members)
        self.rows, self.offsets = [mutable(1)] + [mutable(0) for _ in range(keep)], [0] + [quota] * keep
        self.added, self.last = 0, None
        self.coarse = max(1, quota // 32)
        self._masks: dict[int, int] = {}
        self.band = band
        self.band_sum = big(1 if band[0] <= 0 <= band[1] else 0)

    def mask(self, slots: int) -> int:
        """A mask of at least ``slots`` slots (and exactly ``slots`` when that is a multiple of the grid); cached,
        or with ``lean`` cut from the one mask of the whole quota each time (memory for time)."""
        rounded = -(-max(slots, 0) // self.coarse) * self.coarse
        if self.lean:
            if -1 not in self._masks:
                self._masks[-1] = ones(self.quota * self.bits)
            return self._masks[-1] >> (max(0, self.quota - rounded) * self.bits)
        if rounded not in self._masks:
            self._masks[rounded] = ones(rounded * self.bits)
        return self._masks[rounded]

    def add(self, weight: int) -> None:
        """Multiply by (1 + y x^weight); weights must come in non-increasing order."""
        if self.last is not None and weight > self.last:
            raise ValueError("members must be added heaviest first")
        self.last = weight
        self._add_to_band(weight)
        rows, offsets, bits, quota = self.rows, self.offsets, self.bits, self.quota
        slack = weight + 1 + self.coarse
        for t in range(min(self.added + 1, len(rows) - 1), 0, -1):
            start = offsets[t - 1] + weight
            if start >= quota:
                continue
            value = rows[t]
            value <<= (offsets[t] - start) * bits
            value += rows[t - 1]
            width = quota - start
            if value.bit_length() > (width + slack) * bits:
                value &= self.mask(width)
            rows[t], offsets[t] = value, start
        self.added += 1
        progress.advance()

    def aligned(self, t: int) -> int:
        """Row t with slot z holding weight z (z < quota), garbage dropped; 0 outside the kept rows."""
        if not 0 <= t < len(self.rows) or not self.rows[t]:
            return 0
        offset = self.offsets[t]
        return low_bits(self.rows[t], (self.quota - offset) * self.bits) << (offset * self.bits)

    def _add_to_band(self, weight: int) -> None:
        """Rows first..last after the member = rows first..last + (rows first-1..last-1 shifted by weight)."""
        first, last = self.band
        if first > last or weight >= self.quota:
            return
        lower, top, below = self.band_sum, self.aligned(last), self.aligned(first - 1)
        if top or below:
            lower = lower - top + below
        total = self.band_sum + (lower << (weight * self.bits))
        if total.bit_length() > (self.quota + weight + 1) * self.bits:
            total = low_bits(total, self.quota * self.bits)
        self.band_sum = total

    def band_window(self, low: int) -> int:
        """Subsets with first..last members weighing at least ``low`` and less than the quota."""
        low = max(low, 0)
        inside = low_bits(self.band_sum >> (low * self.bits), (self.quota - low) * self.bits)
        return slot_sum(inside, self.bits, self.quota - low)

    def window(self, t: int, low: int) -> int:
        """Subsets of t members weighing at least ``low`` and less than the quota."""
        if not 0 <= t < len(self.rows) or not self.rows[t]:
            return 0
        skip = max(0, low - self.offsets[t])
        slots = self.quota - self.offsets[t] - skip
        if slots <= 0:
            return 0
        return slot_sum(low_bits(self.rows[t] >> (skip * self.bits), slots * self.bits), self.bits, slots)

    def below(self, t: int) -> int:
        """Subsets of t members weighing less than the quota."""
        return self.window(t, 0)

    def live_rows(self) -> int:
        """Rows 0 .. live - 1 hold every subset lighter than the quota (sizes past them have none)."""
        live = 0
        while live < len(self.rows) and self.rows[live] and self.offsets[live] < self.quota:
            live += 1
        return live


class PrefixColumns:
    """Column z of the finished table: F(t, z), subsets of t members weighing less than z, for every
    size t, packed ``bits`` per size; built by transposing the rows' bytes and summing columns in turn.

    >>> table = SizeWeightTable(4, 3)
    >>> for weight in (3, 2, 1):
    ...     table.add(weight)
    >>> columns = PrefixColumns(table)
    >>> columns.unpack(columns.column(4), 4), columns.unpack(columns.column(2), 4)
    ([1, 3, 1, 0], [1, 1, 0, 0])
    """

    def __init__(self, table: SizeWeightTable) -> None:
        self.quota, self.bits, self.kept = table.quota, table.bits, len(table.rows)
        step, live = table.bits // 8, table.live_rows()
        self.step, self.block, self.offsets = step, step * live, table.offsets[:live]
        grid = bytearray(self.block * self.quota)
        rows = [self._row_bytes(table, t) for t in range(live)]
        progress.phase("reading the table", 2 * self.quota, "steps")
        for first in range(0, self.quota, TRANSPOSE_COLUMNS):
            last = min(self.quota, first + TRANSPOSE_COLUMNS)
            for t, (offset, data) in enumerate(rows):
                self._place(grid, data, t, step, max(first, offset) - offset, last - offset, offset)
            progress.advance(last - first)
        running, block = 0, self.block
        for z in progress.tracked(range(self.quota)):
            running += int.from_bytes(grid[z * block : (z + 1) * block], "little")
            grid[z * block : (z + 1) * block] = running.to_bytes(block, "little")
        self.grid = grid

    def _row_bytes(self, table: SizeWeightTable, t: int) -> tuple[int, bytes]:
        offset = table.offsets[t]
        slots = self.quota - offset
        return offset, low_bits(table.rows[t], slots * self.bits).to_bytes(slots * self.bits // 8, "little")

    def _place(self, grid: bytearray, data: bytes, t: int, step: int, low: int, high: int, offset: int) -> None:
        """Slots low..high - 1 of row t (weights offset + low ..) into their columns, byte by byte.

        Columns are placed in runs of TRANSPOSE_COLUMNS, so the strided writes stay within the cache.
        """
        if low >= high:
            return
        part = data[low * step : high * step]
        start = ((offset + low) * (self.block // step) + t) * step
        end = (offset + high) * self.block
        for byte in range(step):
            grid[start + byte : end : self.block] = part[byte::step]

    def column(self, z: int, sizes: int | None = None) -> int:
        """F(t, z) for every t (or t < ``sizes``), packed ``bits`` per size; 0 for z <= 0; z is capped at the quota."""
        z = min(z, self.quota)
        if z <= 0:
            return 0
        start = (z - 1) * self.block
        length = self.block if sizes is None else min(self.block, bisect_left(self.offsets, z) * self.step,
                                                      max(0, sizes) * self.step)
        return int.from_bytes(self.grid[start : start + length], "little")

    def totals(self, count: int) -> list[int]:
        """F(t, quota) for t < ``count``: subsets of t members weighing less than the quota (0 past the kept rows)."""
        return self.unpack(self.column(self.quota), count)

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
            term = self.column(self.quota - (j + 1) * weight, rows - j) << (j * self.bits)
            under += -term if j % 2 else term
            j += 1
        mask = (1 << (rows * self.bits)) - 1
        under &= mask
        below = (self.column(self.quota) - (under << self.bits)) & mask
        window = (below - under) & mask
        return self.unpack(window, rows), self.unpack(below, rows)


def build_table(quota: int, weights: Sequence[int], largest: int | None = None) -> PrefixColumns:
    """The finished table of every member, as prefix columns."""
    table = SizeWeightTable(quota, len(weights), largest)
    progress.phase("adding members", len(weights), "members")
    for weight in sorted(weights, reverse=True):
        table.add(weight)
    return PrefixColumns(table)


def box_cells(game: IntegerGame) -> int:
    """How many (weight, weight) cells the table of ``game``'s two criteria holds: (A + 1)(B + 1)."""
    (first, q1), (second, q2) = game.weighted
    return (sum(first) - q1 + 1) * (sum(second) - q2 + 1)


class BoxTable:
    """D[a][b][s]: subsets of all members with weights a <= A, b <= B on the two criteria and s members.

    Row a packs slot b * (n + 1) + s; a member of weights (u, v) multiplies by (1 + y x1^u x2^v).
    Counts of subsets of n members are < 2**n, so every slot and every prefix sum fits its bits.

    >>> table = BoxTable(IntegerGame(2, 0, 3, (((1, 1), 1), ((2, 1), 2)), (1, 1)))
    >>> table.sizes(table.box(1, 1))
    [1, 1, 0]
    """

    def __init__(self, game: IntegerGame) -> None:
        (first, q1), (second, q2) = game.weighted
        n = self.n = game.n
        self.high_a, self.high_b = sum(first) - q1, sum(second) - q2
        self.bits = slot_bits(n)
        self.block = (n + 1) * self.bits
        self.size_mask = ones(self.block)
        self.row_mask = ones((self.high_b + 1) * self.block)
        rows = [mutable(int(a == 0)) for a in range(self.high_a + 1)]
        limit = (self.high_b + 1 + max(second)) * self.block
        progress.phase("adding members", n, "members")
        for u, v in sorted(zip(first, second), reverse=True):
            self._add(rows, u, v, limit)
            progress.advance()
        self.prefix = self._prefix_sums([row & self.row_mask for row in rows])

    def _add(self, rows: list[int], u: int, v: int, limit: int) -> None:
        shift, mask = v * self.block + self.bits, self.row_mask
        for a in range(self.high_a, u - 1, -1):
            source = rows[a - u]
            if source:
                value = rows[a]
                value += source << shift
                if value.bit_length() > limit:
                    value &= mask
                rows[a] = value

    def _prefix_sums(self, rows: list[int]) -> list[int]:
        """Q[a], slot (b, s) = subsets with weights <= a and <= b and s members (2-D prefix sums).

        Along b by doubling (Hillis & Steele 1986): after adding the value shifted by 1, 2, 4, ... blocks,
        each slot holds the sum of every slot at or below it.
        """
        prefix, running = [], 0
        for row in rows:
            running += row
            scanned, step = running, 1
            while step <= self.high_b:
                scanned = (scanned + (scanned << (step * self.block))) & self.row_mask
                step *= 2
            prefix.append(scanned)
        return prefix

    def box(self, a: int, b: int) -> int:
        """Subsets of all members weighing at most a and at most b, packed by size (0 if a box is empty)."""
        if a < 0 or b < 0:
            return 0
        return (self.prefix[min(a, self.high_a)] >> (min(b, self.high_b) * self.block)) & self.size_mask

    def box_without(self, a: int, b: int, u: int, v: int) -> int:
        """The same box count over the members less one of weights (u, v), packed by size.

        Since D = (1 + y x1^u x2^v) D', the box of D' is the alternating sum of ever smaller boxes of D.
        """
        if u == 0 and v == 0:
            return self.pack(_divide_by_one_plus_y(self.sizes(self.box(a, b))))
        total, j = 0, 0
        while a - j * u >= 0 and b - j * v >= 0:
            term = self.box(a - j * u, b - j * v) << (j * self.bits)
            total += -term if j % 2 else term
            j += 1
        return total

    def sizes(self, packed: int) -> list[int]:
        """Unpack a size vector: entry s is the count of subsets with s members."""
        slot = (1 << self.bits) - 1
        return [int((packed >> (s * self.bits)) & slot) for s in range(self.n + 1)]

    def pack(self, counts: list[int]) -> int:
        """Pack a size vector into one integer, ``bits`` per size."""
        return sum(count << (s * self.bits) for s, count in enumerate(counts))


def _divide_by_one_plus_y(counts: list[int]) -> list[int]:
    """Coefficients of P(y) / (1 + y) for a P divisible by it, lowest first."""
    quotient, carry = [], 0
    for coefficient in counts[:-1]:
        carry = coefficient - carry
        quotient.append(carry)
    return quotient + [0]


def box_lookups(table: BoxTable, u: int, v: int) -> tuple[list[int], list[int]]:
    """For a member of weights (u, v): per size t of T, T + i meets both quotas, and T meets both.

    >>> table = BoxTable(IntegerGame(2, 0, 3, (((1, 1), 1), ((2, 1), 2)), (1, 1)))
    >>> box_lookups(table, 1, 2)
    ([1, 1], [0, 0])
    """
    n = table.n
    with_member = table.sizes(table.box_without(table.high_a, table.high_b, u, v))
    without = table.sizes(table.box_without(table.high_a - u, table.high_b - v, u, v))
    return [with_member[n - 1 - t] for t in range(n)], [without[n - 1 - t] for t in range(n)]


def box_below(table: BoxTable) -> list[int]:
    """Per size t, coalitions of all members that miss at least one quota."""
    n, meets = table.n, table.sizes(table.box(table.high_a, table.high_b))
    return [comb(n, t) - meets[n - t] for t in range(n + 1)]
