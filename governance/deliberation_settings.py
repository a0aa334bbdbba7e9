"""The three settings deliberation reads from the coalition's charter: moderators, discussion period, amendment rule.

Until the charter is in place these are the coalition's plain settings (no member moderators, so the secretariat
moderates; no discussion period; amendments decided by the coalition's rule for decisions). This module is the one
place that reads them, so the charter takes over here alone.
"""

from datetime import timedelta

from sqlmodel import Session

from governance import coalitions
from governance.models import Coalition

__all__ = ["amendment_rule", "discussion_period", "moderators"]


def moderators(session: Session, coalition: Coalition) -> set[str]:
    """The slugs of the members whose representatives moderate the discussion (the coalition's admins always may)."""
    return set()


def discussion_period(session: Session, coalition: Coalition) -> timedelta:
    """How long after a proposal is drafted its ballot may open at the earliest (amendments come in meanwhile)."""
    return timedelta(0)


def amendment_rule(session: Session, coalition: Coalition) -> dict:
    """The yes/no rule a declined amendment is put to a ballot under."""
    return coalitions.get_rules(session, coalition)["decision"]
