"""Applications to join: made on a public page without an account, followed at a private link, turned into an
admission proposal or declined with a reason by the secretariat (or any member, where the charter says so)."""

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from governance import charter, notices, proposals
from governance.errors import Conflict, Forbidden, NotFound
from governance.models import Account, Application, Coalition, Proposal
from governance.text import clean_text

__all__ = ["check_reader", "decide_by", "decline_application", "find_by_token", "get_application", "list_applications",
           "propose_admission", "submit_application"]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def submit_application(session: Session, *, coalition: Coalition, name: str, country: str, statement: str,
                       contact: str, now: datetime) -> tuple[Application, str]:
    """Stage an application; returns it and the secret of its private link (only its digest is stored)."""
    token = secrets.token_urlsafe(24)
    application = Application(
        coalition_id=coalition.id, token_hash=_digest(token), created_at=now,
        name=clean_text(name, field="name", max_length=200),
        country=clean_text(country, field="country", max_length=100, required=False),
        statement=clean_text(statement, field="statement", max_length=5000, required=False),
        contact=clean_text(contact, field="contact", max_length=200))
    session.add(application)
    session.flush()
    return application, token


def find_by_token(session: Session, *, coalition: Coalition, token: str) -> Application | None:
    return session.exec(select(Application).where(Application.coalition_id == coalition.id,
                                                  Application.token_hash == _digest(token))).first()


def get_application(session: Session, *, coalition: Coalition, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None or application.coalition_id != coalition.id:
        raise NotFound("%(coalition)s has no application %(id)s.", coalition=coalition.name, id=application_id)
    return application


def list_applications(session: Session, *, coalition: Coalition, status: str | None = None) -> list[Application]:
    query = select(Application).where(Application.coalition_id == coalition.id)
    if status:
        query = query.where(Application.status == status)
    return list(session.exec(query.order_by(Application.created_at.desc(), Application.id.desc())))


def decide_by(session: Session, coalition: Coalition) -> str:
    """Who may turn applications into proposals: "secretariat", or "members" where the charter says so."""
    in_force = charter.charter_in_force(session, coalition)
    return charter.settings(in_force).applications_decided_by if in_force else "secretariat"


def check_reader(session: Session, *, coalition: Coalition, actor: Account) -> None:
    """Applications hold contacts: only those who decide on them read them."""
    if actor.coalition_id != coalition.id or (actor.role != "admin" and decide_by(session, coalition) != "members"):
        raise Forbidden("Only the secretariat decides on applications to %(coalition)s.", coalition=coalition.name)


def _check_decider(session: Session, coalition: Coalition, actor: Account, application: Application) -> None:
    check_reader(session, coalition=coalition, actor=actor)
    if application.status != "received":
        raise Conflict("This application has been decided already.")


def propose_admission(session: Session, *, coalition: Coalition, actor: Account, application: Application,
                      weight: object, basis: str, now: datetime) -> Proposal:
    """Draft the admission proposal of an application, with the weight the proposer gives it."""
    _check_decider(session, coalition, actor, application)
    proposal = proposals.create_proposal(
        session, coalition=coalition, author=actor, kind="admission", title=f"Admit {application.name}",
        body=application.statement, now=now,
        payload={"name": application.name, "country": application.country, "weight": weight, "basis": basis,
                 "reason": "Application to join"})
    application.status, application.proposal_number, application.decided_at = "proposed", proposal.number, now
    session.add(application)
    return proposal


def decline_application(session: Session, *, coalition: Coalition, actor: Account, application: Application,
                        reason: str, now: datetime) -> Application:
    _check_decider(session, coalition, actor, application)
    application.decision_reason = clean_text(reason, field="reason", max_length=1000)
    application.status, application.decided_at = "declined", now
    session.add(application)
    notices.stage_for_applicant(session, coalition=coalition, application=application, outcome="declined",
                                cause=f"declined{application.id}", now=now)
    return application
