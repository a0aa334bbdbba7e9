"""Benchmark: Concord's exact Banzhaf and Shapley-Shubik against powerindex, powerindices and power-bdd, side by side.

Each peer runs in a subprocess capped in CPU seconds (RLIMIT_CPU, so a loaded machine does not cut it
short) and prints "> cap" when it runs out; a wall-clock limit of WALL_PER_CPU times the cap only guards
against a hang. Times are CPU seconds (user + system, of this process or of the peer's subprocess): the
machine is shared, and wall-clock time there measures the neighbours as much as the code. Concord runs
twice per case: with its default integers (gmpy2's mpz when importable, see voting.bigint) and with plain
Python ints only (the standard-library path); the ratio to the peers uses the default.
Usage: python bench/power.py [--cap SECONDS] [--quick]
"""

import argparse
import math
import random
import resource
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voting.bigint import backend, pure_integers  # noqa: E402
from voting.power import Criterion, Game, analyze, swing_counts, weighted_game  # noqa: E402

WALL_PER_CPU = 10

PEERS = {
    "powerindex": {
        "banzhaf": "import powerindex as p; g=p.Game(quota={q}, weights={w}); g.calc_banzhaf()",
        "shapley": "import powerindex as p; g=p.Game(quota={q}, weights={w}); g.calc_shapley_shubik()",
    },
    "powerindices": {
        "banzhaf": "import powerindices as p; p.compute_pbi({q}, {w})",
        "shapley": "import powerindices as p; p.compute_ssi({q}, {w})",
    },
    "power-bdd": {
        "banzhaf": "from power_bdd.bdd import BDD, WeightedGame; BDD(WeightedGame({q}, {w})).calc_banzhaf()",
        "shapley": "from power_bdd.bdd import BDD, WeightedGame; BDD(WeightedGame({q}, {w})).calc_shapley()",
    },
}


def weights_for(n: int, top: int, seed: int = 2024) -> tuple[list[int], int]:
    rng = random.Random(seed)
    weights = [rng.randint(1, top) for _ in range(n)]
    return weights, sum(weights) // 2 + 1


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_peer(code: str, cap: float) -> tuple[float, bool]:
    """CPU seconds the peer used, and whether it finished within the CPU cap (NaN if it failed)."""
    seconds = max(1, math.ceil(cap))

    def limit_cpu() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))

    started = children_cpu()
    try:
        subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True, timeout=WALL_PER_CPU * seconds,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=limit_cpu)
    except subprocess.TimeoutExpired:
        return children_cpu() - started, False
    except subprocess.CalledProcessError as error:
        if error.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            return children_cpu() - started, False
        return float("nan"), True
    return children_cpu() - started, True


def run_ours(kind: str, game: Game) -> float:
    started = time.process_time()
    swing_counts(game) if kind == "banzhaf" else analyze(game)
    return time.process_time() - started


def run_ours_pure(kind: str, game: Game) -> float:
    """The same with plain Python ints, as without gmpy2."""
    with pure_integers():
        return run_ours(kind, game)


def double_majority(n: int, top: int) -> Game:
    """A member count (55%) and a weight criterion (65%), with a blocking minority of 4: the EU shape."""
    weights, _ = weights_for(n, top)
    criteria = (Criterion((1,) * n, Fraction(55 * n, 100)), Criterion(tuple(weights), Fraction(65 * sum(weights), 100)))
    return Game(tuple(f"m{i}" for i in range(n)), criteria, min_no_to_block=4)


def show(result: tuple[float, bool]) -> str:
    seconds, finished = result
    if seconds != seconds:
        return "error"
    return f"{seconds:.2f} s" if finished else f"> {seconds:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=60.0, help="CPU seconds each peer may use per case")
    parser.add_argument("--quick", action="store_true", help="only the n = 100 cases")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated peers to run (default: all)")
    args = parser.parse_args()
    chosen = [peer for peer in args.peers.split(",") if peer]
    cases = [("banzhaf", 100, 1000), ("banzhaf", 200, 1000), ("banzhaf", 500, 1000),
             ("shapley", 100, 100), ("shapley", 200, 1000), ("shapley", 500, 100)]
    if args.quick:
        cases = [case for case in cases if case[1] == 100]
    print(f"Concord's table integers: {backend()} (the second column: plain Python ints)")
    print(f"{'index':<9}{'n':>5}{'w max':>7}  {'concord':>10}  {'int only':>10}  "
          + "  ".join(f"{p:>14}" for p in chosen)
          + "  vs fastest correct peer")
    for kind, n, top in cases:
        weights, quota = weights_for(n, top)
        ours = run_ours(kind, weighted_game(weights, quota))
        pure = run_ours_pure(kind, weighted_game(weights, quota))
        peers = [run_peer(PEERS[p][kind].format(q=quota, w=weights), args.cap) for p in chosen]
        correct = [result for p, result in zip(chosen, peers) if p != "powerindices" or n < 63]
        fastest = min((s for s, done in correct if done and s == s), default=None)
        bound = min((s for s, done in correct if not done), default=float("inf"))
        ratio = f"{fastest / ours:.1f}x" if fastest is not None and fastest <= bound else f"> {bound / ours:.1f}x"
        print(f"{kind:<9}{n:>5}{top:>7}  {ours:>8.2f} s  {pure:>8.2f} s  " + "  ".join(f"{show(s):>14}" for s in peers)
              + f"  {ratio}", flush=True)
    for n, top in ([(27, 100), (100, 100)] if args.quick else [(27, 100), (100, 100), (200, 100)]):
        seconds = run_ours("shapley", double_majority(n, top))
        pure = run_ours_pure("shapley", double_majority(n, top))
        print(f"{'double':<9}{n:>5}{top:>7}  {seconds:>8.2f} s  {pure:>8.2f} s  (no peer counts a double majority)",
              flush=True)
    print("(CPU seconds; exact analysis includes Shapley-Shubik, Banzhaf, Coleman and minimal winning coalitions;"
          " powerindices is wrong past n = 62 and is shown for time only)")


if __name__ == "__main__":
    main()
