"""The heavy-tailed acceptance case: 193 members (the UN General Assembly's size), Pareto weights, a two-thirds quota.

Weights are round(1000 * X) for X Pareto-distributed with shape 1.1 (``random.paretovariate``), drawn from
``random.Random(SEED)``; the quota is the least integer at or above two thirds of the total. SEED is the seed in
0..19,999 whose total comes nearest the 778,406 of the case as first reported (issue 21): 778,411.
``python bench/pareto_case.py`` rewrites bench/data/pareto_193.json, a file ``concord power FILE`` reads.
"""

import json
import math
import random
from fractions import Fraction
from pathlib import Path

MEMBERS, SHAPE, SCALE, SEED = 193, 1.1, 1000, 6119
PATH = Path(__file__).resolve().parent / "data" / "pareto_193.json"


def pareto_case(seed: int = SEED, members: int = MEMBERS) -> dict[str, object]:
    """The game as ``concord power`` reads it: names, one criterion of weights and quota, and how it was drawn."""
    rng = random.Random(seed)
    weights = [round(rng.paretovariate(SHAPE) * SCALE) for _ in range(members)]
    return {
        "description": f"{members} members, weights round({SCALE} x Pareto(shape {SHAPE})) from random.Random({seed}),"
                       " quota two thirds of the total, rounded up; regenerate with python bench/pareto_case.py",
        "names": [f"M{i + 1}" for i in range(members)],
        "criteria": [{"weights": weights, "quota": math.ceil(Fraction(2, 3) * sum(weights))}],
    }


if __name__ == "__main__":
    PATH.write_text(json.dumps(pareto_case()) + "\n", encoding="utf-8")
    print(f"wrote {PATH}")
