"""Benchmark Concord's IRV and Schulze against pref_voting, pyrankvote and pyvoting on the same profiles, in one run.

Run: ``.venv/bin/python bench/methods.py`` (``--ballots N`` to change the 100,000, ``--repeat R`` to keep the
least of R timings). Needs the bench extras: pref_voting, pyrankvote, pyvoting 1.0.4 with pandas<3.
Timings are CPU seconds; pref_voting's numba functions are compiled on a small profile first and that
warm-up is not counted. Each count is split alike on both sides:

- build: from the caller's ballots to a counted-ready profile. Concord: ``masked_rankings`` from
  ``RankedBallot`` objects (every distinct ranking checked, identical ones merged, weights summed
  exactly); pref_voting: ``Profile`` from lists of candidate numbers and counts (it also fills its
  margin matrix there); pyvoting: ``AddBallot`` per ballot. pyrankvote has no separate step (0).
- method: the count on that profile (Concord's ``schulze_profile`` / ``irv_profile``; the peer's method).
- whole: from ballots to result, as users call it (Concord's ``schulze`` / ``irv``; the peer's build + method).

Ratios are Concord / peer: below 1 means Concord is faster. "agree": same winners (and Concord's
split count gives the same winners as its whole count).
"""

import argparse
import random
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voting.condorcet import schulze, schulze_profile  # noqa: E402
from voting.irv import irv, irv_profile  # noqa: E402
from voting.profile import masked_rankings  # noqa: E402
from voting.types import RankedBallot  # noqa: E402

__all__ = ["main"]

Row = tuple[str, str, tuple[float, float, float], tuple[float | None, float, float], bool]


def _timed(action: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Least CPU seconds of this process (all threads) over ``repeat`` runs: steadier than wall time when shared."""
    best, outcome = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        outcome = action()
        best = min(best, time.process_time() - start)
    return best, outcome


def _profile(rng: random.Random, ballots: int, candidates: int, distinct: int | None) -> tuple[list[str], list[list[str]], list[int]]:
    """Random complete rankings with integer weights 1..5; ``distinct`` limits them to a pool (real elections repeat)."""
    names = [f"C{number}" for number in range(candidates)]
    pool = [rng.sample(names, candidates) for _ in range(distinct)] if distinct else None
    orders = [rng.choice(pool) if pool else rng.sample(names, candidates) for _ in range(ballots)]
    return names, orders, [rng.randint(1, 5) for _ in range(ballots)]


def _concord_ballots(orders: list[list[str]], weights: list[int]) -> list[RankedBallot]:
    return [RankedBallot(tuple((name,) for name in order), Fraction(weight)) for order, weight in zip(orders, weights)]


def _concord(method: str, ballots: list[RankedBallot], names: list[str], repeat: int) -> tuple[tuple[float, float, float], tuple, bool]:
    """Concord's (build, method, whole) seconds, its winners, and whether split and whole counts agree."""
    repeated = "keep_first" if method == "irv" else "error"
    counted, whole_count = (irv_profile, irv) if method == "irv" else (schulze_profile, schulze)
    build, profile = _timed(lambda: masked_rankings(ballots, names, repeated=repeated), repeat)
    step, split = _timed(lambda: counted(profile), repeat)  # type: ignore[arg-type]
    whole, result = _timed(lambda: whole_count(ballots, candidates=names), repeat)
    return (build, step, whole), result.winners, split.winners == result.winners  # type: ignore[attr-defined]


def _pref_voting_rows(label: str, names: list[str], orders: list[list[str]], weights: list[int], repeat: int) -> list[Row]:
    from pref_voting.iterative_methods import instant_runoff
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles import Profile

    index = {name: number for number, name in enumerate(names)}
    numbered = [[index[n] for n in order] for order in orders]
    build, profile = _timed(lambda: Profile(numbered, rcounts=weights), repeat)
    ballots = _concord_ballots(orders, weights)
    rows = []
    for method, peer_name, peer in (("schulze", "pref_voting beat_path", beat_path),
                                     ("irv", "pref_voting instant_runoff", instant_runoff)):
        ours, winners, consistent = _concord(method, ballots, names, repeat)
        step, theirs = _timed(lambda: peer(profile), repeat)  # noqa: B023
        agree = consistent and list(winners) == [names[n] for n in theirs]  # type: ignore[attr-defined]
        rows.append((f"{'IRV' if method == 'irv' else 'Schulze'}, {label}", peer_name, ours, (build, step, build + step), agree))
    return rows


def _pyrankvote_row(label: str, names: list[str], orders: list[list[str]], repeat: int) -> Row:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    people = {name: Candidate(name) for name in names}
    theirs_ballots = [Ballot(ranked_candidates=[people[n] for n in order]) for order in orders]
    ours, winners, consistent = _concord("irv", _concord_ballots(orders, [1] * len(orders)), names, repeat)
    theirs, result = _timed(lambda: pyrankvote.instant_runoff_voting(list(people.values()), theirs_ballots), repeat)
    agree = consistent and list(winners) == [c.name for c in result.get_winners()]  # type: ignore[attr-defined]
    return (f"IRV, {label}, weights 1", "pyrankvote instant_runoff_voting", ours, (None, theirs, theirs), agree)


def _pyvoting_row(rng: random.Random, repeat: int) -> Row:
    sys.path.insert(0, str(Path(__import__("pandas").__file__).parents[1] / "pyvoting"))
    from RankedChoiceVoting import RankedChoiceVoting

    names, orders, _ = _profile(rng, 2000, 5, None)

    def build() -> RankedChoiceVoting:
        election = RankedChoiceVoting(names)
        for order in orders:
            election.AddBallot(order)
        return election

    built, election = _timed(build, repeat)
    step, result = _timed(election.RunElection)  # once: RunElection spends the election it counts
    ours, winners, consistent = _concord("irv", _concord_ballots(orders, [1] * len(orders)), names, repeat)
    agree = consistent and list(winners) == sorted(name for name, rank, _ in result if rank == 1)  # type: ignore[attr-defined]
    return ("IRV, 2,000 ballots x 5", "pyvoting RankedChoiceVoting", ours, (built, step, built + step), agree)


def _warm_up_pref_voting() -> float:
    from pref_voting.iterative_methods import instant_runoff
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles import Profile

    def both() -> None:
        profile = Profile([[0, 1, 2], [2, 1, 0]], rcounts=[2, 1])
        beat_path(profile)
        instant_runoff(profile)

    spent, _ = _timed(both)
    return spent


HEADER = (f"{'count':<52} {'peer':<33} {'Concord: build':>14} {'method':>7} {'whole':>7} "
          f"{'peer: build':>11} {'method':>7} {'whole':>7} {'ratio: method':>13} {'whole':>7} {'agree':>6}")


def _print_rows(rows: list[Row]) -> None:
    for count, peer, (build, step, whole), (peer_build, peer_step, peer_whole), agree in rows:
        split = peer_build is not None and peer_step > 0
        method_ratio = f"{step / peer_step:>13.2f}" if split else f"{'-':>13}"
        shown_build = f"{peer_build:>11.3f}" if peer_build is not None else f"{'-':>11}"
        print(f"{count:<52} {peer:<33} {build:>14.3f} {step:>7.3f} {whole:>7.3f} "
              f"{shown_build} {peer_step:>7.3f} {peer_whole:>7.3f} {method_ratio} {whole / peer_whole:>7.2f} "
              f"{str(agree):>6}", flush=True)


def main() -> None:
    """Print one table: count, peer, build / method / whole seconds for Concord and the peer, and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="keep the least CPU time of this many runs of each step")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    size = f"{arguments.ballots:,} ballots x 10"
    print(f"pref_voting numba warm-up (not counted): {_warm_up_pref_voting():.2f} s", flush=True)
    print(HEADER, flush=True)
    for label, distinct in ((f"{size}, 2,000 distinct", 2000), (f"{size}, all distinct", None)):
        names, orders, weights = _profile(rng, arguments.ballots, 10, distinct)
        _print_rows(_pref_voting_rows(label, names, orders, weights, arguments.repeat))
        _print_rows([_pyrankvote_row(label, names, orders, arguments.repeat)])
    _print_rows([_pyvoting_row(rng, arguments.repeat)])


if __name__ == "__main__":
    main()
