"""The rule designer's one error type: a design problem that cannot be solved as given."""

__all__ = ["DesignError"]


class DesignError(ValueError):
    """Bad sizes, shares, weights or constraints; the message says what to change."""
