"""The three settings deliberation reads from the coalition's charter: moderators, discussion period, amendment rule.

Once the charter is adopted, its version in force names the moderators and gives the rule for decisions, which
amendments put to a ballot follow; in set-up there are no member moderators (the secretariat moderates) and amendments
follow the coalition's rule for decisions. The charter sets no discussion period yet: ballots may open at once. This
module is the one place that reads them.
"""

from datetime import timedelta

from sqlmodel import Session

from governance import charter, coalitions
from governance.models import Coalition

__all__ = ["amendment_rule", "discussion_period", "moderators"]


def moderators(session: Session, coalition: Coalition) -> set[str]:
    """The slugs of the members whose representatives moderate the discussion (the coalition's admins always may)."""
    in_force = charter.charter_in_force(session, coalition)
    return set(charter.settings(in_force).moderators) if in_force is not None else set()


def discussion_period(session: Session, coalition: Coalition) -> timedelta:
    """How long after a proposal is drafted its ballot may open at the earliest (amendments come in meanwhile)."""
    return timedelta(0)


def amendment_rule(session: Session, coalition: Coalition) -> dict:
    """The yes/no rule a declined amendment is put to a ballot under: the charter's (or, in set-up, the coalition's)
    rule for decisions."""
    in_force = charter.charter_in_force(session, coalition)
    if in_force is not None:
        return charter.settings(in_force).decision_rule("decision")
    return coalitions.get_rules(session, coalition)["decision"]
