"""Exact swing counts by coalition size for an integer game: dynamic programming, meet in the middle, bitsets."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import comb

from voting.power.estimate import (
    bitset_bytes,
    box_bytes,
    halves_bytes,
    residue_bytes,
    rows_work,
    table_bytes,
    table_widths,
    work_seconds,
)
from voting import progress
from voting.power.game import IntegerGame, PowerError
from voting.power.residues import ResidueColumns, pass_moduli
from voting.power.tables import (
    BoxTable,
    PrefixColumns,
    SizeWeightTable,
    box_below,
    box_cells,
    box_lookups,
    build_table,
    mitm_below,
    slot_bits,
)

__all__ = ["Counts", "ExactTooBig", "ExactTooSlow", "count_game", "estimate_bytes", "estimate_seconds"]

BITSET_LIMIT = 20
SMALL_ENOUGH_TO_ENUMERATE = 14
COMPLEMENT_AFTER_SECONDS = 1.0
MEMBER_SWINGS = "each member's swings"
MITM_LIMIT = 36
MOST_PASSES = 6
MB = 1 << 20


class ExactTooSlow(PowerError):
    """Exact counting would take longer than allowed; use a Monte Carlo estimate instead."""

    def __init__(self, seconds: float, limit: float | None) -> None:
        if seconds == float("inf"):
            message = (f"no exact method counts three or more weighted criteria with more than {BITSET_LIMIT} "
                       "members; use the Monte Carlo estimate")
        else:
            allowed = "" if limit is None else f" (limit {limit:.3g} s)"
            message = f"exact power analysis would take about {seconds:.3g} s{allowed}; use the Monte Carlo estimate"
        super().__init__(message)
        self.seconds = seconds


class ExactTooBig(PowerError):
    """Exact counting would need more memory than allowed; use a Monte Carlo estimate instead."""

    def __init__(self, needed: float, limit: int) -> None:
        if needed == float("inf"):
            message = (f"no exact method counts three or more weighted criteria with more than {BITSET_LIMIT} "
                       "members; use the Monte Carlo estimate")
        else:
            message = (f"exact power analysis would need about {megabytes(needed)} of memory "
                       f"(limit {megabytes(limit)}); use the Monte Carlo estimate")
        super().__init__(message)
        self.needed, self.limit = needed, limit


def megabytes(count: float) -> str:
    """A memory size in words: "340 MB", "2.3 GB".

    >>> megabytes(2.3 * 2**30), megabytes(340 * 2**20)
    ('2.3 GB', '340 MB')
    """
    if count >= 1000 * MB:
        return f"{count / (1 << 30):.1f} GB"
    return f"{max(1, round(count / MB))} MB"


@dataclass(frozen=True)
class Counts:
    """Raw exact counts: ``swings_by_size[i][t]`` = coalitions T without member i, |T| = t, T loses and
    T + i wins; ``winning_by_size[t]`` = winning coalitions with t members; ``minimal_winning`` or None."""

    swings_by_size: tuple[tuple[int, ...], ...]
    winning_by_size: tuple[int, ...]
    minimal_winning: int | None
    method: str


Lookup = Callable[[int], int]


@lru_cache(maxsize=8)
def _binomials(n: int) -> tuple[int, ...]:
    """comb(n, t) for t = 0..n."""
    return tuple(comb(n, t) for t in range(n + 1))


def _type_swings(n: int, game: IntegerGame, window: Lookup, below: Lookup) -> tuple[int, ...]:
    """Swings by size for one member; window(t): T weighs in [q - w, q); below(t): T weighs < q."""
    s, c = game.size_min, game.clause_min
    swings = []
    for t, total in enumerate(_binomials(n - 1)):
        if t >= c:
            swings.append(0)
        elif t + 1 == c:
            swings.append(total - (total - below(t) if t >= s else 0))
        elif t + 1 < s:
            swings.append(0)
        elif t + 1 == s:
            swings.append(total - below(t) + window(t))
        else:
            swings.append(window(t))
    return tuple(swings)


def _minimal_with_smallest(prefix: int, game: IntegerGame, window: Lookup, below: Lookup) -> int:
    """Minimal winning coalitions whose lightest member comes after the ``prefix`` heavier members."""
    s, c = game.size_min, game.clause_min
    found = 0
    for r in range(min(prefix, c - 1) + 1):
        t = r + 1
        if t >= c:
            found += comb(prefix, r) if r < s else below(r)
        elif t == s:
            found += comb(prefix, r) - below(r) + window(r)
        elif t > s:
            found += window(r)
    return found


def _winning_by_size(n: int, game: IntegerGame, below: Lookup) -> tuple[int, ...]:
    s, c = game.size_min, game.clause_min
    return tuple(
        comb(n, t) if t >= c else 0 if t < s else comb(n, t) - below(t) for t in range(n + 1)
    )


def _single_criterion(game: IntegerGame) -> tuple[tuple[int, ...], int]:
    if game.weighted:
        return game.weighted[0]
    return (0,) * game.n, 0


def _zero(_: int) -> int:
    return 0


def _minimal_from_table(prefix: int, game: IntegerGame, table: SizeWeightTable, low: int) -> int:
    """``_minimal_with_smallest`` read from a table whose band sums the sizes size_min .. clause_min - 2."""
    s, c = game.size_min, game.clause_min
    found = table.band_window(low) if s <= c - 2 else 0
    if 0 <= s - 1 <= prefix and s < c:
        found += comb(prefix, s - 1) - table.below(s - 1) + table.window(s - 1, low)
    if 0 <= c - 1 <= prefix:
        found += comb(prefix, c - 1) if c - 1 < s else table.below(c - 1)
    return found


def _count_by_rows(game: IntegerGame) -> Counts:
    weights, quota = _single_criterion(game)
    n = game.n
    if quota == 0:
        swings = _type_swings(n, game, _zero, _zero)
        minimal = sum(_minimal_with_smallest(p, game, _zero, _zero) for p in range(n))
        by_size = _winning_by_size(n, game, _zero)
        return _finish(game, tuple(swings for _ in range(n)), by_size, minimal, "size-only")
    table = SizeWeightTable(quota, n, band=(game.size_min, game.clause_min - 2))
    minimal = 0
    progress.phase("adding members", n, "members")
    for prefix, weight in enumerate(sorted(weights, reverse=True)):
        minimal += _minimal_from_table(prefix, game, table, quota - weight)
        table.add(weight)
    columns = PrefixColumns(table)
    by_type = _swings_by_weight(n, game, columns, weights)
    by_size = _winning_by_size(n, game, columns.unpack(columns.column(quota), n + 1).__getitem__)
    return _finish(game, tuple(by_type[w] for w in weights), by_size, minimal, "dynamic programming")


def _complement_rows(game: IntegerGame) -> int:
    """The largest complement size that matters: T of size t with t + 1 >= min(size_min, clause_min)."""
    return max(0, min(game.n, game.n - min(game.size_min, game.clause_min)))


def _count_by_complements(game: IntegerGame) -> Counts:
    """The size x weight table of complements: T of the others meets the quota iff the others outside T
    weigh at most W - w - q. Cheaper when the quota is above half or a member count rules out small
    coalitions; minimal winning coalitions are not counted."""
    weights, quota = _single_criterion(game)
    columns = build_table(sum(weights) - quota + 1, weights, largest=_complement_rows(game))
    return _from_complements(game, columns, "dynamic programming over complements")


def _from_complements(game: IntegerGame, columns: PrefixColumns | ResidueColumns, method: str) -> Counts:
    """Swings and winning coalitions by size from the prefix columns of the complements' table."""
    weights, _ = _single_criterion(game)
    n, rows = game.n, columns.kept
    by_type: dict[int, tuple[int, ...]] = {}
    progress.phase(MEMBER_SWINGS, len(set(weights)), "weights")
    for weight in set(weights):
        window, below = (values + [0] * (n - rows) for values in columns.without(weight, min(rows, n)))
        by_type[weight] = _type_swings(
            n, game, lambda t: window[n - 1 - t], lambda t: comb(n - 1, t) - below[n - 1 - t] + window[n - 1 - t]
        )
        progress.advance()
    meets = columns.totals(rows) + [0] * (n + 1 - rows)
    by_size = _winning_by_size(n, game, lambda t: comb(n, t) - meets[n - t])
    return Counts(tuple(by_type[w] for w in weights), by_size, None, method)


def _count_by_residues(game: IntegerGame, passes: int) -> Counts:
    """The table engines' counts in less memory: residue passes (``voting.power.residues``), complements or not,
    whichever table is smaller; minimal winning coalitions are not counted."""
    weights, quota = _single_criterion(game)
    method = f"dynamic programming modulo {passes} coprime numbers"
    if _residue_orientation(game) == "complements":
        columns = ResidueColumns(weights, sum(weights) - quota + 1, _complement_rows(game), passes=passes)
        return _from_complements(game, columns, method + ", over complements")
    columns = ResidueColumns(weights, quota, None, passes=passes)
    n = game.n
    by_type = _swings_by_weight(n, game, columns, weights)
    by_size = _winning_by_size(n, game, columns.totals(n + 1).__getitem__)
    return Counts(tuple(by_type[w] for w in weights), by_size, None, method)


def _residue_orientation(game: IntegerGame) -> str:
    """"complements" or "rows": the table with fewer slots."""
    weights, quota = _single_criterion(game)
    direct = sum(table_widths(weights, quota))
    complements = sum(table_widths(weights, sum(weights) - quota + 1)[: _complement_rows(game) + 1])
    return "complements" if complements < direct else "rows"


def _count_by_halves(game: IntegerGame) -> Counts:
    weights, quota = _single_criterion(game)
    n = game.n
    by_type: dict[int, tuple[int, ...]] = {}
    progress.phase(MEMBER_SWINGS, len(set(weights)), "weights")
    for i, weight in enumerate(weights):
        if weight not in by_type:
            others = weights[:i] + weights[i + 1 :]
            low, high = mitm_below(others, [quota - weight, quota])
            by_type[weight] = _type_swings(n, game, lambda t: high[t] - low[t], high.__getitem__)
        progress.advance()
    order = sorted(weights, reverse=True)
    minimal = 0
    progress.phase("minimal winning coalitions", n, "members")
    for prefix, weight in enumerate(order):
        low, high = mitm_below(order[:prefix], [quota - weight, quota])
        minimal += _minimal_with_smallest(prefix, game, lambda r: high[r] - low[r], high.__getitem__)
        progress.advance()
    (below,) = mitm_below(weights, [quota])
    by_size = _winning_by_size(n, game, below.__getitem__)
    return _finish(game, tuple(by_type[w] for w in weights), by_size, minimal, "meet in the middle")


def _count_by_box(game: IntegerGame) -> Counts:
    """Two weighted criteria: box counts of complements (see ``voting.power.tables``); minimal winning not counted."""
    table = BoxTable(game)
    (first, _), (second, _) = game.weighted
    by_type: dict[tuple[int, int], tuple[int, ...]] = {}
    progress.phase(MEMBER_SWINGS, len(set(zip(first, second))), "weights")
    for pair in zip(first, second):
        if pair not in by_type:
            meets_with, meets_without = box_lookups(table, *pair)
            n = game.n
            by_type[pair] = _type_swings(
                n, game, lambda t: meets_with[t] - meets_without[t], lambda t: comb(n - 1, t) - meets_without[t]
            )
        progress.advance()
    below = box_below(table)
    by_size = _winning_by_size(game.n, game, below.__getitem__)
    swings = tuple(by_type[pair] for pair in zip(first, second))
    return Counts(swings, by_size, None, "dynamic programming over both criteria")


def _finish(
    game: IntegerGame, swings: tuple[tuple[int, ...], ...], by_size: tuple[int, ...], minimal: int, method: str
) -> Counts:
    if game.wins(0, [0] * len(game.weighted)):
        minimal = 1
    return Counts(swings, by_size, minimal, method)


def _stride_mask(n: int, bit: int) -> int:
    block = 1 << bit
    return int.from_bytes((b"\x00" * block + b"\x01" * block) * (1 << (n - bit - 1)), "little")


def _count_by_bitset(game: IntegerGame) -> Counts:
    """Every coalition at once: byte S of an integer says whether coalition S (a bitmask) wins."""
    n = game.n
    sizes = [0]
    totals = [[0] for _ in game.weighted]
    for member in range(n):
        sizes += [size + 1 for size in sizes]
        for column, (weights, _) in zip(totals, game.weighted):
            column += [total + weights[member] for total in column]
    flags = bytes(game.wins(size, row) for size, row in zip(sizes, zip(*totals) if totals else ((),) * len(sizes)))
    winning = int.from_bytes(flags, "little")
    losing = int.from_bytes(b"\x01" * len(flags), "little") ^ winning
    labels = int.from_bytes(bytes(size + 1 for size in sizes), "little")
    minimal, swings = winning, []
    progress.phase(MEMBER_SWINGS, n, "members")
    for member in range(n):
        member_mask = _stride_mask(n, member)
        shift = 8 << member
        critical = winning & member_mask & (losing << shift)
        labelled = (critical * 255 & labels).to_bytes(len(flags), "little")
        swings.append(tuple(labelled.count(t + 2) for t in range(n)))
        minimal &= ~(member_mask & (winning << shift))
        progress.advance()
    labelled = (winning * 255 & labels).to_bytes(len(flags), "little")
    by_size = tuple(labelled.count(t + 1) for t in range(n + 1))
    return Counts(tuple(swings), by_size, minimal.bit_count(), "enumeration")


def estimate_seconds(game: IntegerGame) -> tuple[str, float]:
    """The engine exact counting would use, and its wall time now: operation counts (calibrated against
    CPU time on a 2-core machine) at this machine's measured speed, times its current load."""
    n = game.n
    if len(game.weighted) > 1:
        choices = []
        if n <= BITSET_LIMIT:
            choices.append(("bitset", work_seconds(0, 2 * (n + len(game.weighted)) * 2**n)))
        if n <= SMALL_ENOUGH_TO_ENUMERATE:
            return choices[0]
        if len(game.weighted) == 2:
            (first, q1), _ = game.weighted
            bits = 2.5 * n * box_cells(game) * (n + 1) * slot_bits(n)
            choices.append(("box", work_seconds(bits, 6 * n * (sum(first) - q1 + 1) + 1000)))
        return min(choices, key=lambda choice: choice[1], default=("none", float("inf")))
    weights, quota = _single_criterion(game)
    halves = work_seconds(0, 40 * (len(set(weights)) + n) * 2 ** ((n + 1) // 2) + 1000)
    rows = work_seconds(*rows_work(game, weights, quota))
    if n <= MITM_LIMIT and halves < rows:
        return "halves", halves
    if rows > COMPLEMENT_AFTER_SECONDS and weights:
        bits, steps = rows_work(game, weights, sum(weights) - quota + 1, _complement_rows(game))
        complements = work_seconds(bits, steps)
        if complements < rows:
            return "complements", complements
    return "rows", rows


def estimate_bytes(game: IntegerGame, engine: str) -> float:
    """Memory the engine needs for ``game`` beyond the interpreter's own, in bytes (inf where it does not apply)."""
    n = game.n
    if engine == "bitset":
        return bitset_bytes(n, len(game.weighted))
    if engine == "box":
        return box_bytes(game)
    if engine == "none":
        return float("inf")
    weights, quota = _single_criterion(game)
    if engine == "halves":
        return halves_bytes(n, len(set(weights)))
    if not weights or quota == 0:
        return 1000.0 * n * n
    if engine == "rows":
        return table_bytes(weights, quota, None)
    if engine == "complements":
        return table_bytes(weights, sum(weights) - quota + 1, _complement_rows(game))
    passes = int(engine.removeprefix("residues"))
    if _residue_orientation(game) == "complements":
        quota, keep = sum(weights) - quota + 1, _complement_rows(game)
    else:
        keep = n
    return residue_bytes(weights, quota, keep, [bits for _, bits in pass_moduli(n, passes)])


def _residue_plan(game: IntegerGame, seconds: float, memory_bytes: int) -> tuple[str, float, float]:
    """The fewest residue passes within ``memory_bytes`` (each pass's time in proportion to its slots' width), or
    the most passes and what they would need."""
    bits = slot_bits(game.n)
    plan = ("none", float("inf"), float("inf"))
    for passes in range(1, MOST_PASSES + 1):
        engine = f"residues{passes}"
        needed = estimate_bytes(game, engine)
        width = sum(slot for _, slot in pass_moduli(game.n, passes))
        plan = (engine, seconds * 1.5 * width / bits, needed)
        if needed <= memory_bytes:
            break
    return plan


def count_game(game: IntegerGame, *, limit_seconds: float | None = None, memory_bytes: int | None = None) -> Counts:
    """Exact counts for ``game``, by the fastest engine that applies within ``memory_bytes``; ExactTooSlow past
    ``limit_seconds``, ExactTooBig when no exact engine fits the memory."""
    engine, seconds = estimate_seconds(game)
    if memory_bytes is not None and estimate_bytes(game, engine) > memory_bytes:
        needed = estimate_bytes(game, engine)
        if engine in ("rows", "complements"):
            engine, seconds, needed = _residue_plan(game, seconds, memory_bytes)
        if needed > memory_bytes:
            raise ExactTooBig(needed, memory_bytes)
    if engine == "none" or (limit_seconds is not None and seconds > limit_seconds):
        raise ExactTooSlow(seconds, limit_seconds)
    if engine.startswith("residues"):
        return _count_by_residues(game, int(engine.removeprefix("residues")))
    run = {"bitset": _count_by_bitset, "box": _count_by_box, "complements": _count_by_complements,
           "halves": _count_by_halves, "rows": _count_by_rows}[engine]
    return run(game)


def _swings_by_weight(n: int, game, columns, weights) -> dict[int, tuple[int, ...]]:  # noqa: ANN001
    """Each distinct weight's swings by coalition size, read from the columns without one member of that weight."""
    by_type: dict[int, tuple[int, ...]] = {}
    progress.phase(MEMBER_SWINGS, len(set(weights)), "weights")
    for weight in set(weights):
        window, below = columns.without(weight, n)
        by_type[weight] = _type_swings(n, game, window.__getitem__, below.__getitem__)
        progress.advance()
    return by_type
