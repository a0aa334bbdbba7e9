"""Exact swing counts for two weighted criteria at once: a packed table of complements by size and both weights.

A coalition T of the others meets both quotas iff its complement U (among the others) weighs at most
W_c - w_c(i) - q_c on each criterion c: a box. So every count is a box count over subsets U, kept in
the generating function prod_j (1 + y x1^a_j x2^b_j) truncated to the box (Bilbao et al. 2002,
"Voting power in the European Union enlargement", EJOR 143: generating functions for double
majority games). One row per first-criterion weight, each row packing (second weight, size) slots.
"""

from math import comb

from voting.bigint import mutable, ones
from voting.power.game import IntegerGame
from voting.power.rows import slot_bits

__all__ = ["BoxTable", "box_below", "box_cells", "box_lookups"]


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
        for u, v in sorted(zip(first, second), reverse=True):
            self._add(rows, u, v, limit)
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
