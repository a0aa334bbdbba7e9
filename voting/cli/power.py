"""The ``concord power`` command: every exact power measure of a game given by flags or a JSON file.

The exact count runs within a memory budget, ``--memory-mb`` (default ``CONCORD_POWER_MEMORY_MB``, else 512),
estimated before counting starts; past it the command prints a Monte Carlo estimate, labelled so, with its error
bound and what the exact count would need. A person at a terminal sees the count's progress on standard error
(never with ``--json``).
"""

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from voting.exact import ExactNumberError, format_exact, parse_exact, truncate
from voting.power import ApproximateReport, Criterion, ExactTooBig, Game, PowerError, analyze, monte_carlo
from voting.power.count import megabytes
from voting.power.game import default_names
from voting.power.report import PowerReport
from voting.progress import reporting, terminal_bar

__all__ = ["estimate_note", "game_from_json", "main", "render_estimate", "render_text"]

DEFAULT_MEMORY_MB = 512
MEMORY_VARIABLE = "CONCORD_POWER_MEMORY_MB"
SAMPLES = 20_000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concord power", description="Exact voting power of a weighted game.")
    parser.add_argument("file", nargs="?", help='JSON: {"names": [...], "criteria": [{"weights": [...], "quota": ...}]}')
    parser.add_argument("--weights", action="append", default=[], help="comma-separated weights (repeat per criterion)")
    parser.add_argument("--quota", action="append", default=[], help="quota for the criterion given just before")
    parser.add_argument("--names", help="comma-separated member names")
    parser.add_argument("--min-no-to-block", type=int, help="a coalition also wins if fewer members are outside it")
    parser.add_argument("--json", action="store_true", help="print JSON with exact fraction strings")
    parser.add_argument("--exact", action="store_true", help="print exact fractions instead of percentages")

    parser.add_argument("--memory-mb", type=int, help=f"memory the exact count may use (default: {MEMORY_VARIABLE}, "
                        f"else {DEFAULT_MEMORY_MB}); past it, a Monte Carlo estimate")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="Monte Carlo draws when estimating")
    return parser


def _memory_mb(given: int | None) -> int:
    """The budget in MB: the flag, else the environment variable, else 512; a budget below 1 MB is refused."""
    text = os.environ.get(MEMORY_VARIABLE, "").strip()
    if given is None and text:
        if not text.isdigit():
            raise PowerError(f"{MEMORY_VARIABLE}={text[:20]!r}: give a whole number of megabytes")
        given = int(text)
    budget = DEFAULT_MEMORY_MB if given is None else given
    if budget < 1:
        raise PowerError("the memory budget must be at least 1 MB")
    return budget


def _points(values: tuple | None) -> Fraction:
    return max(((e.high - e.low) / 2 * 100 for e in values or ()), default=Fraction(0))


def estimate_note(estimate: ApproximateReport, too_big: ExactTooBig) -> str:
    """"estimated, +/-0.4 points; the exact count needs about 2.3 GB: `concord power --memory-mb 4096`": the widest
    95% half-interval of either index in percentage points, and the budget that would allow the exact count."""
    points = max(_points(estimate.banzhaf), _points(estimate.shapley_shubik))
    shown = f"{float(points):.1f}" if points >= Fraction(1, 20) else f"{float(points):.2f}"
    if too_big.needed == float("inf"):
        return f"estimated, +/-{shown} points; {too_big}"
    suggested = 1 << max(0, math.ceil(math.log2(too_big.needed / 2**20)))
    return (f"estimated, +/-{shown} points; the exact count needs about {megabytes(too_big.needed)}: "
            f"`concord power --memory-mb {suggested}`")


def game_from_json(data: object) -> Game:
    """A Game from ``{"names": [...], "criteria": [{"weights": [...], "quota": ...}], "min_no_to_block": k}``.

    >>> game_from_json({"criteria": [{"weights": ["2.5", 1], "quota": 3}]}).names
    ('A', 'B')
    """
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list) or not data["criteria"]:
        raise PowerError('the file needs "criteria": a list of {"weights": [...], "quota": ...}')
    criteria = []
    for number, item in enumerate(data["criteria"], 1):
        if not isinstance(item, dict) or "weights" not in item or "quota" not in item:
            raise PowerError(f'criterion {number} needs "weights" and "quota"')
        criteria.append(Criterion(tuple(_exact(w) for w in item["weights"]), _exact(item["quota"])))
    names = data.get("names") or default_names(len(criteria[0].weights))
    return Game(tuple(names), tuple(criteria), data.get("min_no_to_block"))


def _exact(value: object) -> Fraction:
    if isinstance(value, float):
        raise PowerError(f"{value!r}: write decimal weights as strings (\"2.5\") so they stay exact")
    try:
        return parse_exact(value)
    except ExactNumberError as error:
        raise PowerError(str(error)) from None


def _game_from_flags(args: argparse.Namespace) -> Game:
    if not args.weights or len(args.weights) != len(args.quota):
        raise PowerError("give --weights and --quota once per criterion (or a JSON file)")
    criteria = [
        Criterion(tuple(_exact(w) for w in weights.split(",")), _exact(quota))
        for weights, quota in zip(args.weights, args.quota)
    ]
    count = len(criteria[0].weights)
    names = tuple(n.strip() for n in args.names.split(",")) if args.names else default_names(count)
    return Game(names, tuple(criteria), args.min_no_to_block)


def _fmt(value: Fraction | None, exact: bool = True) -> str:
    """An index exactly ("5/12 (~0.4166)") or as a percentage to one decimal ("41.7%").

    >>> _fmt(Fraction(5, 12), exact=False), _fmt(Fraction(1, 4), exact=False)
    ('41.7%', '25.0%')
    """
    if value is None:
        return "undefined"
    if not exact:
        percent = Decimal(value.numerator * 100) / Decimal(value.denominator)
        return f"{percent.quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN)}%"
    return f"{value} (~{format_exact(truncate(value, 4))})"


def render_text(report: PowerReport, *, exact: bool = True) -> str:
    """A plain-text table of every member's indices followed by the game-wide measures: exact fractions, or
    percentages when ``exact`` is false."""
    def show(value: Fraction | None) -> str:
        return _fmt(value, exact)

    lines = [f"{'member':<12} {'swings':>8}  {'Banzhaf':<22} {'Penrose':<22} Shapley-Shubik"]
    for m in report.members:
        lines.append(f"{m.name:<12} {m.swings:>8}  {show(m.banzhaf):<22} {show(m.penrose):<22} {show(m.shapley_shubik)}")
    lines += [
        "",
        f"veto players: {', '.join(report.veto) or 'none'}",
        f"dummies (no power at all): {', '.join(report.dummies) or 'none'}",
        f"dictator: {report.dictator or 'none'}",
        f"winning coalitions: {report.winning_coalitions}",
        f"minimal winning coalitions: {report.minimal_winning_coalitions if report.minimal_winning_coalitions is not None else 'not computed'}",
        f"smallest number of members that can pass: {report.smallest_winning if report.smallest_winning is not None else 'none can'}",
        f"smallest number of members that can block: {report.smallest_blocking if report.smallest_blocking is not None else 'none can'}",
        f"Coleman power of the collectivity to act: {show(report.coleman_act)}",
    ]
    lines += [f"note: {note}" for note in report.undefined]
    lines.append(f"method: exact ({report.method}); weights scaled by {', '.join(map(str, report.scales))}")
    return "\n".join(lines)


def _range(value: object) -> str:
    if value is None:
        return "undefined"
    return f"~{format_exact(truncate(value.value, 4))} [{format_exact(truncate(value.low, 4))}, " \
           f"{format_exact(truncate(value.high, 4))}]"


def render_estimate(estimate: ApproximateReport, note: str) -> str:
    """A plain-text table of estimates with their 95% intervals, under the note that says they are estimates."""
    lines = [note, f"{'member':<12} {'Banzhaf':<30} Shapley-Shubik"]
    for i, name in enumerate(estimate.names):
        banzhaf = estimate.banzhaf[i] if estimate.banzhaf else None
        shapley = estimate.shapley_shubik[i] if estimate.shapley_shubik else None
        lines.append(f"{name:<12} {_range(banzhaf):<30} {_range(shapley)}")
    lines.append(f"method: {estimate.label}, {estimate.samples} samples, seed {estimate.seed}")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    """Run ``concord power``: print every measure (text or ``--json``); exit 2 on bad input.

    >>> main(["--weights", "4,3,2,1", "--quota", "6", "--json"])  # doctest: +ELLIPSIS
    {...
    0
    """
    args = _parser().parse_args(list(argv))
    try:
        if args.file:
            with open(args.file, encoding="utf-8") as handle:
                game = game_from_json(json.load(handle))
        else:
            game = _game_from_flags(args)
        budget = _memory_mb(args.memory_mb)
        try:
            with reporting(None if args.json else terminal_bar(unit="steps")):
                report = analyze(game, memory_bytes=budget << 20)
        except ExactTooBig as too_big:
            return _print_estimate(game, too_big, args)
    except (PowerError, OSError, json.JSONDecodeError) as error:
        print(f"concord power: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_dict(), indent=2) if args.json else render_text(report, exact=args.exact))
    return 0


def _print_estimate(game: Game, too_big: ExactTooBig, args: argparse.Namespace) -> int:
    estimate = monte_carlo(game, samples=args.samples, seed=0)
    note = estimate_note(estimate, too_big)
    if args.json:
        needed = None if too_big.needed == float("inf") else math.ceil(too_big.needed)
        print(json.dumps({**estimate.to_dict(), "note": note, "exact_memory_bytes": needed,
                          "memory_limit_bytes": too_big.limit}, indent=2))
    else:
        print(render_estimate(estimate, note))
    return 0
