"""A design problem: the members, their target shares, the index, the rule family and its constraints."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from voting.design.constraints import Constraints
from voting.design.errors import DesignError
from voting.design.quota_search import MEASURES
from voting.design.targets import INDICES

__all__ = ["Problem"]


@dataclass(frozen=True)
class Problem:
    """Find integer weights 1..``max_weight`` and a quota (and a members quota if ``double_majority``)
    whose ``index`` (normalized Banzhaf or Shapley-Shubik) comes closest to ``targets`` by ``measure``
    (``max``: the largest absolute deviation; ``squares``: the sum of squared deviations)."""

    names: tuple[str, ...]
    targets: tuple[Fraction, ...]
    index: str = "banzhaf"
    max_weight: int = 100
    double_majority: bool = False
    constraints: Constraints = field(default_factory=Constraints)
    measure: str = "max"

    def __post_init__(self) -> None:
        if len(self.names) != len(self.targets) or len(self.names) < 2:
            raise DesignError("a design needs at least two members, each with one target share")
        if len(set(self.names)) != len(self.names):
            raise DesignError("member names must be distinct")
        if sum(self.targets) != 1 or min(self.targets) < 0:
            raise DesignError("target shares must be zero or more and sum to 1")
        if self.index not in INDICES:
            raise DesignError(f"unknown index {self.index!r}: choose one of {', '.join(INDICES)}")
        if self.measure not in MEASURES:
            raise DesignError(f"unknown distance {self.measure!r}: choose one of {', '.join(MEASURES)}")
        if isinstance(self.max_weight, bool) or not isinstance(self.max_weight, int) or not 1 <= self.max_weight <= 10_000:
            raise DesignError("the largest weight must be a whole number from 1 to 10000")

    @classmethod
    def of(cls, names: Sequence[str], targets: Sequence[Fraction], **options: object) -> "Problem":
        """A problem from any sequences (stored as tuples)."""
        return cls(tuple(str(name) for name in names), tuple(targets), **options)
