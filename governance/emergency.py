"""An emergency suspension: the one direct act on membership a charter may leave to the secretariat, logged with its
reason and reviewed at once by a ballot on readmitting the member (the suspension stands unless that passes)."""

from datetime import datetime, timedelta

from sqlmodel import Session

from governance import ballots, charter, proposals
from governance.errors import RuleViolation
from governance.log import store
from governance.models import Account, Coalition, Member, Proposal
from governance.text import clean_text

__all__ = ["REVIEW_PREFIX", "allowed", "suspend_now"]

REVIEW_PREFIX = "Review of an emergency suspension: "
MAX_REASON = 1000 - len(REVIEW_PREFIX)


def allowed(session: Session, coalition: Coalition) -> bool:
    in_force = charter.charter_in_force(session, coalition)
    return in_force is not None and charter.settings(in_force).emergency_suspension


def suspend_now(session: Session, *, coalition: Coalition, actor: Account, member: Member, reason: str,
                now: datetime) -> Proposal:
    """Suspend ``member`` at once (a charter version, logged with the reason) and open the review ballot: a
    readmission proposal open for the charter's default duration. Returns the review proposal."""
    if actor.role != "admin":
        raise RuleViolation("Only the secretariat suspends a member in an emergency.")
    store.lock_head(session, coalition)
    reason = clean_text(reason, field="reason", max_length=MAX_REASON)
    charter.record_emergency_suspension(session, coalition=coalition, actor=actor, member=member.slug, reason=reason,
                                        now=now)
    review = proposals.create_proposal(
        session, coalition=coalition, author=actor, kind="readmission", now=now,
        title=f"Review of the emergency suspension of {member.name}",
        body=f"The secretariat suspended {member.name} at once: {reason}\n\nIf this passes, the member is readmitted.",
        payload={"member": member.slug, "reason": REVIEW_PREFIX + reason})
    hours = charter.settings(charter.charter_in_force(session, coalition)).default_hours
    ballots.open_ballot(session, coalition=coalition, actor=actor, proposal=review, now=now,
                        closes_at=now + timedelta(hours=max(hours, 1)))
    return review
