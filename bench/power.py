"""Benchmark: Concord's exact Banzhaf and Shapley-Shubik against powerindex, powerindices and power-bdd, side by side.

Every run, Concord's and each peer's, is a subprocess of its own, measured by os.wait4: CPU seconds (user +
system: the machine is shared, and wall-clock time there measures the neighbours as much as the code) and the
peak resident memory of that process ("MB", the interpreter included: a bare Python is about 10 MB, with
Concord's modules about 25 MB). Peers are capped in CPU seconds (RLIMIT_CPU, so a loaded machine does not cut
them short) and show "> cap" when they run out; a wall-clock limit of WALL_PER_CPU times the cap only guards
against a hang. Concord runs twice per case: with its default integers (gmpy2's mpz when importable, see
voting.bigint) and with plain Python ints only (the standard-library path); the ratio to the peers uses the default.

The heavy-tailed case (--pareto) is the acceptance case of issue 21, bench/data/pareto_193.json (see
bench/pareto_case.py): 193 members, Pareto(1.1) x 1000 weights, a two-thirds quota; Shapley-Shubik there runs
with the default memory budget, as ``CONCORD_POWER_MEMORY_MB=512 concord power FILE --json`` does.
Usage: python bench/power.py [--cap SECONDS] [--quick] [--pareto] [--peers a,b]
"""

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voting.bigint import backend  # noqa: E402

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


TIMED = "import time; {setup}; started = time.process_time(); {call}; print(time.process_time() - started)"
OURS = {
    "banzhaf": TIMED.format(setup="from voting.power import swing_counts, weighted_game as g; game = g({w}, {q})",
                            call="swing_counts(game)"),
    "shapley": TIMED.format(setup="from voting.power import analyze, weighted_game as g; game = g({w}, {q})",
                            call="analyze(game, memory_bytes={budget})"),
}
DOUBLE = TIMED.format(
    setup="from fractions import Fraction as F; from voting.power import Criterion as C, Game, analyze; w = {w}; "
          "n = len(w); game = Game(tuple(f'm{{i}}' for i in range(n)), (C((1,) * n, F(55 * n, 100)), "
          "C(tuple(w), F(65 * sum(w), 100))), min_no_to_block=4)",
    call="analyze(game)")


def run(code: str, cap: float | None, *, pure: bool = False) -> tuple[float, bool, float]:
    """CPU seconds and peak memory (MB) of ``code`` in a subprocess of its own, and whether it finished within the
    CPU ``cap`` (None: no cap); NaN seconds if it failed. A run that prints a number (Concord's) reports the CPU
    seconds of its call alone; a peer's are its whole process's."""
    seconds = None if cap is None else max(1, int(cap + 0.999))

    def limit_cpu() -> None:
        if seconds is not None:
            resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))

    env = {**os.environ, "PYTHONPATH": str(ROOT), **({"CONCORD_NO_GMPY": "1"} if pure else {})}
    process = subprocess.Popen([sys.executable, "-W", "ignore", "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, preexec_fn=limit_cpu, env=env)
    deadline = time.monotonic() + WALL_PER_CPU * (seconds or 600)
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            return usage.ru_utime + usage.ru_stime, False, usage.ru_maxrss / 1024
        time.sleep(0.05)
    cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    printed = process.stdout.read().decode().strip()
    process.stdout.close()
    if printed and os.waitstatus_to_exitcode(status) == 0:
        cpu = float(printed.splitlines()[-1])  # Concord's runs time their call alone, as before
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return cpu, False, peak
    if os.waitstatus_to_exitcode(status) != 0:
        return float("nan"), True, peak
    return cpu, True, peak


def show(result: tuple[float, bool, float]) -> str:
    seconds, finished, peak = result
    if seconds != seconds:
        return "error"
    return (f"{seconds:.2f} s" if finished else f"> {seconds:.1f} s") + f" {peak:.0f} MB"


def ratio(ours: float, peers: list[tuple[float, bool, float]], chosen: list[str], n: int) -> str:
    correct = [result for p, result in zip(chosen, peers) if p != "powerindices" or n < 63]
    fastest = min((s for s, done, _ in correct if done and s == s), default=None)
    bound = min((s for s, done, _ in correct if not done), default=float("inf"))
    if fastest is not None and fastest <= bound:
        return f"{fastest / ours:.1f}x"
    return f"> {bound / ours:.1f}x" if bound < float("inf") else "no peer"


def case_line(label: str, n: int, top: str, kind: str, weights: list[int], quota: int, chosen: list[str],
              cap: float, budget: str = "None") -> str:
    code = OURS[kind].format(w=weights, q=quota, budget=budget)
    ours, pure = run(code, None), run(code, None, pure=True)
    peers = [run(PEERS[p][kind].format(q=quota, w=weights), cap) for p in chosen]
    return (f"{label:<9}{n:>5}{top:>7}  {show(ours):>18}  {show(pure):>18}  "
            + "  ".join(f"{show(s):>18}" for s in peers) + f"  {ratio(ours[0], peers, chosen, n)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=60.0, help="CPU seconds each peer may use per case")
    parser.add_argument("--quick", action="store_true", help="only the n = 100 cases")
    parser.add_argument("--pareto", action="store_true", help="only the heavy-tailed 193-member case")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated peers to run (default: all)")
    args = parser.parse_args()
    chosen = [peer for peer in args.peers.split(",") if peer]
    cases = [("banzhaf", 100, 1000), ("banzhaf", 200, 1000), ("banzhaf", 500, 1000),
             ("shapley", 100, 100), ("shapley", 200, 1000), ("shapley", 500, 100)]
    if args.quick:
        cases = [case for case in cases if case[1] == 100]
    print(f"Concord's table integers: {backend()} (the second column: plain Python ints)")
    print(f"{'index':<9}{'n':>5}{'w max':>7}  {'concord':>18}  {'int only':>18}  "
          + "  ".join(f"{p:>18}" for p in chosen) + "  vs fastest correct peer")
    if not args.pareto:
        for kind, n, top in cases:
            weights, quota = weights_for(n, top)
            print(case_line(kind, n, str(top), kind, weights, quota, chosen, args.cap), flush=True)
        for n, top in ([(27, 100), (100, 100)] if args.quick else [(27, 100), (100, 100), (200, 100)]):
            weights, _ = weights_for(n, top)
            ours, pure = run(DOUBLE.format(w=weights), None), run(DOUBLE.format(w=weights), None, pure=True)
            print(f"{'double':<9}{n:>5}{top:>7}  {show(ours):>18}  {show(pure):>18}  (no peer counts a double majority)",
                  flush=True)
    if args.pareto or not args.quick:
        case = json.loads((ROOT / "bench" / "data" / "pareto_193.json").read_text(encoding="utf-8"))
        weights, quota = case["criteria"][0]["weights"], case["criteria"][0]["quota"]
        for kind in ("banzhaf", "shapley"):
            print(case_line(f"{kind[:7]}*", len(weights), "Pareto", kind, weights, quota, chosen, args.cap,
                            budget="512 << 20"), flush=True)
        print("(* the heavy-tailed acceptance case, bench/data/pareto_193.json; Shapley-Shubik within 512 MB)")
    print("(CPU seconds and peak memory of each run's process; exact analysis includes Shapley-Shubik, Banzhaf,"
          " Coleman and minimal winning coalitions; powerindices is wrong past n = 62 and is shown for time only)")


if __name__ == "__main__":
    main()
