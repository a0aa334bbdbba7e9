"""Benchmark: Concord's exact Banzhaf and Shapley-Shubik against powerindex, powerindices and power-bdd, side by side.

Each peer runs in a subprocess with a time cap and prints "> cap" when it runs out.
Usage: python bench/power.py [--cap SECONDS] [--quick]
"""

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voting.power import analyze, swing_counts, weighted_game  # noqa: E402

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


def run_peer(code: str, cap: float) -> float | None:
    started = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True, timeout=cap,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError:
        return float("nan")
    return time.perf_counter() - started


def run_ours(kind: str, weights: list[int], quota: int) -> float:
    game = weighted_game(weights, quota)
    started = time.perf_counter()
    swing_counts(game) if kind == "banzhaf" else analyze(game)
    return time.perf_counter() - started


def show(seconds: float | None, cap: float) -> str:
    if seconds is None:
        return f"> {cap:g} s"
    return "error" if seconds != seconds else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="only the n = 100 cases")
    args = parser.parse_args()
    cases = [("banzhaf", 100, 1000), ("banzhaf", 200, 1000), ("banzhaf", 500, 1000),
             ("shapley", 100, 100), ("shapley", 200, 1000), ("shapley", 500, 100)]
    if args.quick:
        cases = [case for case in cases if case[1] == 100]
    print(f"{'index':<9}{'n':>5}{'w max':>7}  {'concord':>10}  " + "  ".join(f"{p:>14}" for p in PEERS) + "  best ratio")
    for kind, n, top in cases:
        weights, quota = weights_for(n, top)
        ours = run_ours(kind, weights, quota)
        peers = [run_peer(PEERS[p][kind].format(q=quota, w=weights), args.cap) for p in PEERS]
        known = [s for s in peers if s is not None and s == s]
        ratio = f"{min(known) / ours:.1f}x" if known else f"> {args.cap / ours:.1f}x"
        print(f"{kind:<9}{n:>5}{top:>7}  {ours:>8.2f} s  " + "  ".join(f"{show(s, args.cap):>14}" for s in peers)
              + f"  {ratio}", flush=True)
    print("(exact analysis includes Shapley-Shubik, Banzhaf, Coleman and minimal winning coalitions;"
          " powerindices is wrong past n = 62 and is shown for time only)")


if __name__ == "__main__":
    main()
