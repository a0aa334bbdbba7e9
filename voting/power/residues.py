"""The size x weight table in little memory: counted modulo 2**b - 1 in narrow slots, read only where it is probed.

Exact counting keeps C(t, z), the subsets of t members weighing z, in slots wide enough for any count
(n + 2 bits or more), then copies it into prefix-summed columns: twice the table and once the grid. Here
each pass keeps residues modulo m = 2**b - 1 in slots of b + h bits (h spare bits), with b a prime near
(n + 1) / passes, and the passes' moduli pairwise coprime (gcd(2**a - 1, 2**b - 1) = 2**gcd(a, b) - 1), so
their product exceeds every count and the Chinese remainder theorem (Garner's form, Knuth, TAOCP vol. 2,
4.3.2) rebuilds each exact count. Packed rows only ever add, so a slot v is folded back by
v = (v mod 2**b) + (v >> b), which keeps it congruent modulo m, every few members (carries never cross a
slot while the spare bits last). The prefix sums F(t, z) are taken in column chunks, and kept only at the
columns a member's removal reads: F'(t, z) = sum_j (-1)^j F(t - j, z - j w) needs z = quota - k w.
"""

from collections.abc import Sequence
from math import prod

from voting import progress
from voting.bigint import big, from_bytes, low_bits
from voting.power.tables import SizeWeightTable

__all__ = ["ResidueColumns", "chunk_columns", "pass_moduli", "probe_columns", "spare_bits"]

CHUNK_COLUMNS = 2048


def _is_prime(value: int) -> bool:
    return value >= 2 and all(value % d for d in range(2, int(value**0.5) + 1))


def spare_bits(members: int) -> int:
    """Spare bits per slot: enough for 10 additions between folds and for alternating sums of ``members`` terms."""
    return max(12, (members + 2).bit_length() + 4)


def pass_moduli(members: int, passes: int) -> list[tuple[int, int]]:
    """(b, slot bits) per pass: distinct primes b summing past ``members`` + 1, slots of b + spare bits rounded to bytes.

    >>> pass_moduli(193, 2)
    [(97, 112), (101, 120)]
    """
    spare = spare_bits(members)
    b, chosen = max(spare + 8, -(-(members + 1) // passes)), []
    while len(chosen) < passes:
        if _is_prime(b):
            chosen.append((b, 8 * (-(-(b + spare) // 8))))
        b += 1
    return chosen


def probe_columns(weights: Sequence[int], quota: int, rows: int) -> list[int]:
    """The columns z whose prefix sums a member's removal reads: quota - k w for each weight w and 1 <= k <= rows.

    >>> probe_columns([3, 5], 10, 4)
    [1, 4, 5, 7]
    """
    found = set()
    for weight in set(weights):
        for k in range(1, rows + 1):
            if weight <= 0 or quota - k * weight <= 0:
                break
            found.add(quota - k * weight)
    return sorted(found)


def chunk_columns(quota: int) -> int:
    """How many columns one chunk of the transposition holds."""
    return max(1, min(quota, CHUNK_COLUMNS))


def _slot_masks(bits: int, low: int, slots: int) -> tuple[int, int]:
    """Masks of the low ``low`` bits of each of ``slots`` slots, and of the ``bits - low`` bits above them moved down."""
    spread = int.from_bytes((b"\x01" + b"\x00" * (bits // 8 - 1)) * slots, "little")
    return big(((1 << low) - 1) * spread), big(((1 << (bits - low)) - 1) * spread)


class _Folder:
    """Folds every slot of a packed vector back below 2**(b + 1), keeping it congruent modulo 2**b - 1."""

    def __init__(self, b: int, bits: int, slots: int) -> None:
        self.b = b
        self.low, self.high = _slot_masks(bits, b, slots)

    def __call__(self, value: int) -> int:
        high = (value >> self.b) & self.high
        value &= self.low
        value += high
        return value


class _ResiduePass:
    """One pass: the table of residues modulo 2**b - 1, and its prefix sums at the probed columns."""

    def __init__(self, weights: Sequence[int], quota: int, keep: int, b: int, bits: int, probes: Sequence[int]) -> None:
        self.modulus, self.bits, self.b = (1 << b) - 1, bits, b
        table = SizeWeightTable(quota, len(weights), keep, bits=bits, lean=True)
        fold, period = _Folder(b, bits, quota), bits - b - 2
        progress.phase(f"residues modulo 2^{b} - 1: adding members", len(weights), "members")
        for count, weight in enumerate(sorted(weights, reverse=True), 1):
            table.add(weight)
            if count % period == 0:
                table.rows = [fold(row) for row in table.rows]
        table.rows = [fold(row) for row in table.rows]
        self.columns = self._probe(table, quota, probes)

    def _pieces(self, table: SizeWeightTable, quota: int, width: int) -> list[tuple[int, list[bytes]]]:
        """Each live row as bytes cut at the chunk boundaries, the rows' integers freed one by one."""
        step, rows = self.bits // 8, []
        for t in range(table.live_rows()):
            offset = table.offsets[t]
            data = low_bits(table.rows[t], (quota - offset) * self.bits).to_bytes((quota - offset) * step, "little")
            table.rows[t] = None
            cuts = [0] + [first - offset for first in range(width, quota, width) if first > offset] + [quota - offset]
            rows.append((offset, [data[a * step : b * step] for a, b in zip(cuts, cuts[1:])]))
            del data
        table.rows, table._masks = [], {}
        return rows

    def _probe(self, table: SizeWeightTable, quota: int, probes: Sequence[int]) -> dict[int, int]:
        """F(t, z) residues packed by size t for each probed z, by a running sum over column chunks; each chunk of
        the rows is freed once summed."""
        width, step = chunk_columns(quota), self.bits // 8
        rows = self._pieces(table, quota, width)
        live = len(rows)
        block = step * live
        fold, every = _Folder(self.b, self.bits, live), (1 << (self.bits - self.b - 1)) - 2
        wanted, found, running = set(probes), {}, big(0)
        progress.phase(f"residues modulo 2^{self.b} - 1: reading the table", quota, "columns")
        for first in range(0, quota, width):
            last = min(quota, first + width)
            grid = bytearray(block * (last - first))
            for t, (offset, pieces) in enumerate(rows):
                if offset < last:
                    part = pieces.pop(0)
                    start = ((max(first, offset) - first) * live + t) * step
                    for byte in range(step):
                        grid[start + byte :: block] = part[byte::step]
            for z in range(first, last):
                running += from_bytes(grid[(z - first) * block : (z - first + 1) * block])
                if (z + 1) % every == 0 or z + 1 in wanted:
                    running = fold(running)
                if z + 1 in wanted:
                    found[z + 1] = int(running)
            progress.advance(last - first)
        return found

    def digits(self, packed: int, count: int, offset: int = 0) -> list[int]:
        """The first ``count`` slots of ``packed``, less ``offset`` each, modulo 2**b - 1."""
        slot, bits, m = (1 << self.bits) - 1, self.bits, self.modulus
        return [(((packed >> (t * bits)) & slot) - offset) % m for t in range(count)]

    def column(self, z: int, quota: int) -> int:
        """F(t, z) residues packed by size; 0 for z <= 0."""
        return 0 if z <= 0 else self.columns[min(z, quota)]

    def under(self, weight: int, quota: int, rows: int) -> list[int]:
        """F'(t, quota - weight) residues for t < rows, the members less one of ``weight`` (see the module docstring)."""
        bits, total, j = self.bits, 0, 0
        while j < rows and quota - (j + 1) * weight > 0:
            term = self.column(quota - (j + 1) * weight, quota) << (j * bits)
            total += -term if j % 2 else term
            j += 1
        offset = (rows // 2 + 1) << (self.b + 1)
        total += offset * sum(1 << (t * bits) for t in range(rows))
        return self.digits(total & ((1 << (rows * bits)) - 1), rows, offset)


def _garner(residues: Sequence[int], moduli: Sequence[int]) -> int:
    """The x in [0, prod(moduli)) with x = r_i modulo m_i for every i (moduli pairwise coprime)."""
    value, step = 0, 1
    for residue, modulus in zip(residues, moduli):
        value += step * ((residue - value) * pow(step, -1, modulus) % modulus)
        step *= modulus
    return value


class ResidueColumns:
    """The prefix columns of the table of ``weights`` below ``quota``, by residue passes, exact after Garner.

    The same reads as ``voting.power.tables.PrefixColumns`` for its callers: ``without`` and ``totals``.

    >>> columns = ResidueColumns([3, 2, 1], 4, None, passes=2)
    >>> columns.totals(4), columns.without(2, 3)
    ([1, 3, 1, 0], ([0, 1, 0], [1, 2, 0]))
    """

    def __init__(self, weights: Sequence[int], quota: int, largest: int | None, *, passes: int) -> None:
        n = len(weights)
        self.quota = quota
        self.kept = 1 + (n if largest is None else min(largest, n))
        probes = probe_columns(weights, quota, self.kept) + [quota]
        moduli, totals, under = [], [], []
        for b, bits in pass_moduli(n, passes):
            run = _ResiduePass(weights, quota, self.kept - 1, b, bits, probes)
            moduli.append(run.modulus)
            totals.append(run.digits(run.column(quota, quota), self.kept))
            under.append({w: run.under(w, quota, self.kept) for w in set(weights)})
            del run
        if prod(moduli) <= 2**n:
            raise ValueError("the moduli do not cover every count")
        combine = lambda lists: [_garner(values, moduli) for values in zip(*lists)]  # noqa: E731
        self._totals = combine(totals)
        self._under = {w: combine([found[w] for found in under]) for w in set(weights)}

    def totals(self, count: int) -> list[int]:
        """F(t, quota) for t < ``count``: subsets of t members weighing less than the quota."""
        return (self._totals + [0] * count)[:count]

    def without(self, weight: int, rows: int) -> tuple[list[int], list[int]]:
        """As ``PrefixColumns.without``: per size t < ``rows``, the members less one of ``weight``, the subsets
        weighing at least quota - weight and less than the quota, and those weighing less than the quota."""
        under = (self._under[weight] + [0] * rows)[:rows]
        totals = self.totals(rows)
        below = [totals[t] - (under[t - 1] if t else 0) for t in range(rows)]
        return [b - u for b, u in zip(below, under)], below
