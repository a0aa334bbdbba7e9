"""The ``concord design`` command: weights and a quota whose power comes closest to a target, from a CSV or JSON file."""

import argparse
import json
import sys
import time
from collections.abc import Sequence
from fractions import Fraction

from voting.design.constraints import Constraints
from voting.design.designer import Design, design, optimal_quota
from voting.design.errors import DesignError
from voting.design.quota_search import MEASURES
from voting.design.inputs import Members, members_from_text
from voting.design.problem import Problem
from voting.design.targets import INDICES, TARGETS, target_shares
from voting.exact import ExactNumberError, format_exact, parse_exact, truncate
from voting.power import PowerError

__all__ = ["main", "render_text"]

BAR = 30


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="concord design", description=__doc__)
    parser.add_argument("file", help="CSV with a header row name,size (or name,share), or the same as JSON")
    parser.add_argument("--target", choices=TARGETS, help="power proportional to size, to its square root, equal, "
                        "or the shares given (default: shares for a share column, else sqrt)")
    parser.add_argument("--index", choices=INDICES, default="banzhaf")
    parser.add_argument("--max-weight", type=int, default=100, help="weights are whole numbers 1..W (default 100)")
    parser.add_argument("--double-majority", action="store_true", help="also require a number of members")
    parser.add_argument("--no-veto", action="store_true", help="no member may block alone")
    parser.add_argument("--no-dummy", action="store_true", help="every member must have some power")
    parser.add_argument("--max-share", help="nobody's index above this share (e.g. 1/3)")
    parser.add_argument("--min-blocking", type=int, help="the smallest blocking coalition has at least K members")
    parser.add_argument("--min-quota", default="1/2", help="the quota is more than this share of the weight (1/2)")
    parser.add_argument("--measure", choices=MEASURES, default="max",
                        help="rank by the largest absolute deviation (max) or the sum of squares")
    parser.add_argument("--given-weights", action="store_true",
                        help="no search: the optimal quota for the file's weight column (whole numbers)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--evaluations", type=int, default=3000, help="weight vectors to evaluate (default 3000)")
    parser.add_argument("--seconds", type=float, help="stop after this many seconds, whatever the evaluations")
    parser.add_argument("--keep", type=int, default=5, help="candidates to show (default 5)")
    parser.add_argument("--json", action="store_true", help="print JSON with exact fraction strings")
    return parser


def _share(text: str | None, flag: str) -> Fraction | None:
    if text is None:
        return None
    try:
        return parse_exact(text)
    except ExactNumberError as error:
        raise DesignError(f"{flag}: {error}") from None


def problem_from_args(args: argparse.Namespace) -> tuple[Problem, Members]:
    """The design problem the flags and the file describe, and the file's members."""
    with open(args.file, encoding="utf-8") as handle:
        members = members_from_text(handle.read(), args.file)
    target = args.target or ("shares" if members.column == "share" else "sqrt")
    if (target == "shares") != (members.column == "share"):
        raise DesignError("--target shares needs a share column; the other targets need a size column")
    constraints = Constraints(no_veto=args.no_veto, no_dummy=args.no_dummy, max_share=_share(args.max_share, "--max-share"),
                              min_blocking=args.min_blocking, min_quota=_share(args.min_quota, "--min-quota"))
    problem = Problem.of(members.names, target_shares(members.values, target), index=args.index,
                         max_weight=args.max_weight, double_majority=args.double_majority, constraints=constraints,
                         measure=args.measure)
    return problem, members


def _given(problem: Problem, members: Members, seed: int) -> Design:
    """The optimal quota (and members quota) for the weights in the file, over every allowed quota."""
    if members.weights is None or not all(w.isdigit() and int(w) >= 1 for w in members.weights):
        raise DesignError("--given-weights needs a weight column of whole numbers, 1 or more")
    started = time.monotonic()
    candidate = optimal_quota(problem.names, [int(w) for w in members.weights], problem.targets,
                              index=problem.index, constraints=problem.constraints,
                              double_majority=problem.double_majority, measure=problem.measure)
    return Design(problem, (candidate,), 1, time.monotonic() - started, False, seed, ())


def _bar(done: int, total: int) -> None:
    filled = BAR * done // max(total, 1)
    print(f"\rsearching [{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)


def _approx(value: Fraction, places: int = 5) -> str:
    return format_exact(truncate(value, places))


def render_text(result: Design) -> str:
    """Each candidate's rule and distances, then the best candidate member by member."""
    lines = [f"{'#':>2}  {'quota':>14}  {'members':>7}  {'largest deviation':>18}  {'sum of squares':>14}  veto / dummies"]
    for rank, c in enumerate(result.candidates, 1):
        quota = f"{c.quota} ({_approx(c.quota_share * 100)}%)"
        flags = ", ".join(c.veto) or "-", ", ".join(c.dummies) or "-"
        lines.append(f"{rank:>2}  {quota:>14}  {c.members_quota or '-':>7}  {_approx(c.max_deviation):>18}  "
                     f"{_approx(c.sum_of_squares, 10):>14}  {flags[0]} / {flags[1]}")
    if result.candidates:
        best = result.candidates[0]
        lines += ["", f"best: {result.problem.index} index, exact", f"{'member':<16} {'weight':>6}  {'target':>9}  {'achieved':>9}  exact"]
        for name, weight, target, achieved in zip(best.names, best.weights, best.targets, best.achieved):
            lines.append(f"{name:<16} {weight:>6}  {_approx(target):>9}  {_approx(achieved):>9}  {achieved}")
        lines.append(f"smallest blocking coalition: {best.smallest_blocking} members")
    else:
        lines.append("no rule meets the constraints")
    lines.append(f"search: {result.evaluations} weight vectors in {result.seconds:.1f} s (seed {result.seed})")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    """Run ``concord design``; exit 2 on bad input."""
    args = _parser().parse_args(list(argv))
    try:
        problem, members = problem_from_args(args)
        progress = _bar if sys.stderr.isatty() and not args.given_weights else None
        if args.given_weights:
            result = _given(problem, members, args.seed)
        else:
            result = design(problem, seed=args.seed, evaluations=args.evaluations, seconds=args.seconds,
                            keep=args.keep, progress=progress)
    except (DesignError, PowerError, OSError, UnicodeDecodeError) as error:
        print(f"concord design: {error}", file=sys.stderr)
        return 2
    if progress is not None:
        print(file=sys.stderr)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if args.json else render_text(result))
    return 0 if result.candidates else 1
