"""Benchmark Concord's IRV and Schulze against pref_voting, pyrankvote and pyvoting on the same profiles, in one run.

Run: ``.venv/bin/python bench/methods.py`` (``--ballots N`` to change the 100,000). Needs the bench extras:
pref_voting, pyrankvote, pyvoting 1.0.4 with pandas<3. Timings are CPU seconds of one run each;
pref_voting's numba functions are compiled on a small profile first and that warm-up is not counted.
Concord is timed from ballot objects to result (validation and aggregation included); pref_voting from
its Profile (construction timed separately), since that is how its users call it.
"""

import argparse
import random
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voting.condorcet import schulze  # noqa: E402
from voting.irv import irv  # noqa: E402
from voting.types import RankedBallot  # noqa: E402

__all__ = ["main"]


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    """CPU seconds of this process (all threads): steadier than wall time on a shared machine."""
    start = time.process_time()
    outcome = action()
    return time.process_time() - start, outcome


def _profile(rng: random.Random, ballots: int, candidates: int, distinct: int | None) -> tuple[list[str], list[list[str]], list[int]]:
    """Random complete rankings with integer weights 1..5; ``distinct`` limits them to a pool (real elections repeat)."""
    names = [f"C{number}" for number in range(candidates)]
    pool = [rng.sample(names, candidates) for _ in range(distinct)] if distinct else None
    orders = [rng.choice(pool) if pool else rng.sample(names, candidates) for _ in range(ballots)]
    return names, orders, [rng.randint(1, 5) for _ in range(ballots)]


def _concord_ballots(orders: list[list[str]], weights: list[int]) -> list[RankedBallot]:
    return [RankedBallot(tuple((name,) for name in order), Fraction(weight)) for order, weight in zip(orders, weights)]


def _pref_voting_rows(label: str, names: list[str], orders: list[list[str]], weights: list[int]) -> list[tuple]:
    from pref_voting.iterative_methods import instant_runoff
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles import Profile

    index = {name: number for number, name in enumerate(names)}
    build, profile = _timed(lambda: Profile([[index[n] for n in order] for order in orders], rcounts=weights))
    ballots = _concord_ballots(orders, weights)
    ours_s, ours_result = _timed(lambda: schulze(ballots, candidates=names))
    theirs_s, theirs_result = _timed(lambda: beat_path(profile))
    ours_i, ours_irv = _timed(lambda: irv(ballots, candidates=names))
    theirs_i, theirs_irv = _timed(lambda: instant_runoff(profile))
    agree_s = list(ours_result.winners) == [names[n] for n in theirs_result]
    agree_i = list(ours_irv.winners) == [names[n] for n in theirs_irv]
    return [
        (f"Schulze, {label}", "pref_voting beat_path", ours_s, theirs_s, build, agree_s),
        (f"IRV, {label}", "pref_voting instant_runoff", ours_i, theirs_i, build, agree_i),
    ]


def _pyrankvote_row(label: str, names: list[str], orders: list[list[str]]) -> tuple:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    people = {name: Candidate(name) for name in names}
    theirs_ballots = [Ballot(ranked_candidates=[people[n] for n in order]) for order in orders]
    ours_ballots = _concord_ballots(orders, [1] * len(orders))
    ours, ours_result = _timed(lambda: irv(ours_ballots, candidates=names))
    theirs, theirs_result = _timed(lambda: pyrankvote.instant_runoff_voting(list(people.values()), theirs_ballots))
    agree = list(ours_result.winners) == [c.name for c in theirs_result.get_winners()]
    return (f"IRV, {label}, weights 1", "pyrankvote instant_runoff_voting", ours, theirs, 0.0, agree)


def _pyvoting_row(rng: random.Random) -> tuple:
    sys.path.insert(0, str(Path(__import__("pandas").__file__).parents[1] / "pyvoting"))
    from RankedChoiceVoting import RankedChoiceVoting

    names, orders, _ = _profile(rng, 2000, 5, None)
    election = RankedChoiceVoting(names)

    def count() -> object:
        for order in orders:
            election.AddBallot(order)
        return election.RunElection()

    ours, ours_result = _timed(lambda: irv(_concord_ballots(orders, [1] * len(orders)), candidates=names))
    theirs, theirs_result = _timed(count)
    agree = list(ours_result.winners) == sorted(name for name, rank, _ in theirs_result if rank == 1)
    return ("IRV, 2,000 ballots x 5", "pyvoting RankedChoiceVoting", ours, theirs, 0.0, agree)


def _warm_up_pref_voting() -> float:
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles import Profile

    spent, _ = _timed(lambda: beat_path(Profile([[0, 1, 2], [2, 1, 0]], rcounts=[2, 1])))
    return spent


def main() -> None:
    """Print one table: count, peer, Concord seconds, peer seconds and ratio (also with pref_voting's Profile build)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    size = f"{arguments.ballots:,} ballots x 10"
    print(f"pref_voting numba warm-up (not counted): {_warm_up_pref_voting():.2f} s", flush=True)
    print(f"{'count':<52} {'peer':<34} {'Concord s':>10} {'peer s':>9} {'ratio':>7} "
          f"{'peer+build s':>13} {'ratio':>7} {'agree':>6}", flush=True)
    for label, distinct in ((f"{size}, 2,000 distinct", 2000), (f"{size}, all distinct", None)):
        names, orders, weights = _profile(rng, arguments.ballots, 10, distinct)
        _print_rows(_pref_voting_rows(label, names, orders, weights))
        _print_rows([_pyrankvote_row(label, names, orders)])
    _print_rows([_pyvoting_row(rng)])


def _print_rows(rows: list[tuple]) -> None:
    for count, peer, ours, theirs, build, agree in rows:
        whole = theirs + build
        print(f"{count:<52} {peer:<34} {ours:>10.3f} {theirs:>9.3f} {ours / theirs:>7.2f} "
              f"{whole:>13.3f} {ours / whole:>7.2f} {str(agree):>6}", flush=True)

if __name__ == "__main__":
    main()
