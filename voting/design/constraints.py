"""What a coalition may require of a rule: no veto, no dummy, a power cap, a blocking size, a least quota.

A member has a veto iff the others together lose: their weight is below the quota or they are fewer
than the members quota. The smallest blocking coalition is the fewest members whose absence makes the
rest lose: the heaviest first, or enough members to break the members quota. Both bounds only depend
on the quota, so they narrow the quotas searched instead of being checked afterwards.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from voting.design.errors import DesignError
from voting.power import quota_from_share

__all__ = ["Constraints", "members_quota_range", "quota_range", "smallest_blocking"]


@dataclass(frozen=True)
class Constraints:
    """Requirements on a rule. ``min_quota``: the quota's least share of the total weight, "more than"
    when ``strict`` (the default is a simple majority, more than half); ``min_blocking``: the smallest
    blocking coalition has at least this many members; ``max_share``: nobody's index above it."""

    no_veto: bool = False
    no_dummy: bool = False
    max_share: Fraction | None = None
    min_blocking: int | None = None
    min_quota: Fraction = Fraction(1, 2)
    strict: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.min_quota <= 1:
            raise DesignError("the least quota is a share of the total weight, between 0 and 1")
        if self.max_share is not None and not 0 < self.max_share <= 1:
            raise DesignError("the power cap is a share between 0 (excluded) and 1")
        if self.min_blocking is not None and self.min_blocking < 1:
            raise DesignError("the smallest blocking coalition needs at least one member")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, shares as exact strings."""
        return {"no_veto": self.no_veto, "no_dummy": self.no_dummy,
                "max_share": None if self.max_share is None else str(self.max_share),
                "min_blocking": self.min_blocking, "min_quota": str(self.min_quota), "strict": self.strict}


def _blocking_floor(constraints: Constraints) -> int:
    """The least size every blocking coalition must have: 2 for no veto (one member must not block)."""
    return max(2 if constraints.no_veto else 1, constraints.min_blocking or 1)


def quota_range(weights: Sequence[int], constraints: Constraints) -> range:
    """The integer quotas the constraints allow: at least the least quota, at most what keeps every
    (k - 1) heaviest members from blocking alone; empty when none is left.

    >>> quota_range([4, 3, 2, 1], Constraints(no_veto=True))
    range(6, 7)
    """
    total = sum(weights)
    low = max(1, int(quota_from_share(weights, constraints.min_quota, strict=constraints.strict)))
    heaviest = sorted(weights, reverse=True)
    high = total - sum(heaviest[: _blocking_floor(constraints) - 1])
    return range(low, high + 1)


def members_quota_range(n: int, constraints: Constraints) -> range:
    """Members quotas m = 1..n the constraints allow: n - m + 1 members (enough to block by number)
    must be at least the blocking floor.

    >>> members_quota_range(5, Constraints(no_veto=True))
    range(1, 5)
    """
    return range(1, n - _blocking_floor(constraints) + 2)


def smallest_blocking(weights: Sequence[int], quota: int, members_quota: int | None = None) -> int:
    """The fewest members whose absence makes the others lose (weight below the quota, or too few).

    >>> smallest_blocking([4, 3, 2, 1], 6), smallest_blocking([4, 3, 2, 1], 6, 4)
    (2, 1)
    """
    rest, count = sum(weights), 0
    for weight in sorted(weights, reverse=True):
        if rest < quota:
            break
        rest -= weight
        count += 1
    by_number = len(weights) + 1 if members_quota is None else len(weights) - members_quota + 1
    return min(count, max(by_number, 0))
