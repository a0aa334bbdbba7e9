"""Check the Jagiellonian compromise's figure on EU-27 apart from ``voting.power``: a textbook subset-sum count.

Square-root weights at 3 decimals (in thousandths), the quota q = 1/2 + 1/2 sqrt(sum w_i^2) / sum w_i of the total
(Słomczyński & Życzkowski, arXiv physics/0701338; physics/0610271), each member's Banzhaf swings counted from the
number of coalitions of the others at each weight, and the largest gap between the normalized index and the
square-root target. Standard library only; plain integers and floats. Usage: python bench/design_compromise_check.py
"""

import csv
import math
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

DATA = Path(__file__).parent / "data" / "eu27_population_2003.csv"


def coalition_counts(weights: list[int]) -> list[int]:
    """counts[s]: the coalitions of exactly weight s."""
    counts = [1] + [0] * sum(weights)
    for weight in weights:
        for total in range(len(counts) - 1, weight - 1, -1):
            counts[total] += counts[total - weight]
    return counts


def swings(weights: list[int], quota: int) -> list[int]:
    """Each member's swings: coalitions of the others weighing from quota - w to quota - 1."""
    counts = coalition_counts(weights)
    result = []
    for weight in weights:
        others = counts[:]
        for total in range(weight, len(others)):
            others[total] -= others[total - weight]
        result.append(sum(others[max(0, quota - weight):quota]))
    return result


def main() -> None:
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    roots = [Decimal(row["size"]).sqrt() for row in rows]
    weights = [int((root * 1000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)) for root in roots]
    share = 0.5 * (1 + math.sqrt(sum(w * w for w in weights)) / sum(weights))
    quota = math.ceil(share * sum(weights))
    counted = swings(weights, quota)
    targets = [float(root) / float(sum(roots)) for root in roots]
    gaps = [abs(s / sum(counted) - t) for s, t in zip(counted, targets)]
    print(f"quota share {share:.6f}, quota {quota} of {sum(weights)}; largest deviation {max(gaps) * 100:.6f} points "
          f"({rows[gaps.index(max(gaps))]['name']})")


if __name__ == "__main__":
    main()
