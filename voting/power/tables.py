"""Exact coalition counts by size and weight: plain counts packed per size, then read as prefix-summed columns."""

from bisect import bisect_left
from collections.abc import Sequence

from voting.bigint import big, low_bits, mutable, ones
from voting.power.rows import slot_bits, slot_sum

__all__ = ["PrefixColumns", "SizeWeightTable", "build_table"]

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

    def __init__(self, quota: int, members: int, largest: int | None = None, band: tuple[int, int] = (0, -1)) -> None:
        self.quota, self.bits = quota, slot_bits(members)
        keep = members if largest is None else min(largest, members)
        self.rows, self.offsets = [mutable(1)] + [mutable(0) for _ in range(keep)], [0] + [quota] * keep
        self.added, self.last = 0, None
        self.coarse = max(1, quota // 32)
        self._masks: dict[int, int] = {}
        self.band = band
        self.band_sum = big(1 if band[0] <= 0 <= band[1] else 0)

    def mask(self, slots: int) -> int:
        """A mask of at least ``slots`` slots (and exactly ``slots`` when that is a multiple of the grid)."""
        rounded = -(-max(slots, 0) // self.coarse) * self.coarse
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
        for first in range(0, self.quota, TRANSPOSE_COLUMNS):
            last = min(self.quota, first + TRANSPOSE_COLUMNS)
            for t, (offset, data) in enumerate(rows):
                self._place(grid, data, t, step, max(first, offset) - offset, last - offset, offset)
        running, block = 0, self.block
        for z in range(self.quota):
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
    for weight in sorted(weights, reverse=True):
        table.add(weight)
    return PrefixColumns(table)
