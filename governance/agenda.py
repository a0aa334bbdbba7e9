"""The members' own agenda: a round collects topics, then the members approve or rank them in a ballot counted by an
existing method (``voting.registry``), and the agreed agenda is the order that count gives."""

from datetime import datetime

from sqlmodel import Session, func, select

from governance import ballots, comments, proposals
from governance.errors import Conflict, Forbidden, NotFound, RuleViolation
from governance.log import store
from governance.models import Account, AgendaRound, AgendaTopic, Ballot, Coalition, Member, Proposal
from governance.text import clean_text

__all__ = ["AGENDA_METHODS", "agreed_agenda", "get_round", "get_topic", "list_rounds", "open_round", "start_vote",
           "submit_topic", "topic_to_proposal", "topics_of"]

AGENDA_METHODS = ("approval", "schulze", "irv", "borda", "copeland", "ranked_pairs")
MAX_TOPICS = proposals.MAX_OPTIONS


def _admin(actor: Account, coalition: Coalition) -> None:
    if actor.role != "admin" or actor.coalition_id != coalition.id:
        raise Forbidden("Only an admin of %(coalition)s can do this.", coalition=coalition.name)


def get_round(session: Session, *, coalition: Coalition, number: int) -> AgendaRound:
    found = session.exec(select(AgendaRound).where(AgendaRound.coalition_id == coalition.id,
                                                   AgendaRound.number == number)).first()
    if found is None:
        raise NotFound("%(coalition)s has no agenda round %(round)s.", coalition=coalition.name, round=number)
    return found


def list_rounds(session: Session, *, coalition: Coalition) -> list[AgendaRound]:
    return list(session.exec(select(AgendaRound).where(AgendaRound.coalition_id == coalition.id)
                             .order_by(AgendaRound.number.desc())))


def topics_of(session: Session, agenda_round: AgendaRound) -> list[AgendaTopic]:
    return list(session.exec(select(AgendaTopic).where(AgendaTopic.round_id == agenda_round.id)
                             .order_by(AgendaTopic.number)))


def get_topic(session: Session, *, agenda_round: AgendaRound, number: int) -> AgendaTopic:
    topic = session.exec(select(AgendaTopic).where(AgendaTopic.round_id == agenda_round.id,
                                                   AgendaTopic.number == number)).first()
    if topic is None:
        raise NotFound("Agenda round %(round)s has no topic %(topic)s.", round=agenda_round.number, topic=number)
    return topic


def open_round(session: Session, *, coalition: Coalition, actor: Account, title: str, method: str,
               now: datetime) -> AgendaRound:
    """Stage a new agenda round that collects topics (``agenda.opened``)."""
    _admin(actor, coalition)
    title = clean_text(title, field="title", max_length=200)
    if method not in AGENDA_METHODS:
        raise RuleViolation("method must be one of %(methods)s; got %(method)s.", methods=", ".join(AGENDA_METHODS),
                            method=repr(method))
    store.lock_head(session, coalition)
    number = session.exec(select(func.coalesce(func.max(AgendaRound.number), 0)).where(
        AgendaRound.coalition_id == coalition.id)).one() + 1
    store.append(session, coalition=coalition, type="agenda.opened", body={
        "round": number, "title": title, "method": method, "actor": actor.username})
    agenda_round = AgendaRound(coalition_id=coalition.id, number=number, title=title, method=method,
                               opened_by=actor.username, created_at=now)
    session.add(agenda_round)
    session.flush()
    return agenda_round


def _collecting(session: Session, agenda_round: AgendaRound) -> None:
    session.refresh(agenda_round)
    if agenda_round.state != "collecting":
        raise Conflict("Agenda round %(round)s is voting on its topics; it takes no more topics.",
                       round=agenda_round.number)


def submit_topic(session: Session, *, coalition: Coalition, actor: Account, agenda_round: AgendaRound, title: str,
                 body: str, now: datetime) -> AgendaTopic:
    """A member (or the secretariat) submits a topic while the round collects them (``agenda.topic``)."""
    member: Member | None = None
    if actor.role == "admin":
        _admin(actor, coalition)
    else:
        member = comments.speaker(session, coalition, actor)
    title = clean_text(title, field="title", max_length=200)
    body = clean_text(body, field="body", max_length=2000, required=False)
    store.lock_head(session, coalition)
    _collecting(session, agenda_round)
    topics = topics_of(session, agenda_round)
    if any(topic.title == title for topic in topics):
        raise Conflict("The topic %(title)s is on the list already.", title=repr(title))
    if len(topics) >= MAX_TOPICS:
        raise Conflict("Agenda round %(round)s has %(most)s topics, the most a ballot can hold.",
                       round=agenda_round.number, most=MAX_TOPICS)
    store.append(session, coalition=coalition, type="agenda.topic", body={
        "round": agenda_round.number, "topic": len(topics) + 1, "member": member.slug if member else None,
        "title": title, "actor": actor.username})
    topic = AgendaTopic(round_id=agenda_round.id, number=len(topics) + 1, member_id=member.id if member else None,
                        author=actor.username, title=title, body=body, created_at=now)
    session.add(topic)
    session.flush()
    return topic


def start_vote(session: Session, *, coalition: Coalition, actor: Account, agenda_round: AgendaRound,
               closes_at: datetime, now: datetime) -> Proposal:
    """Close the list of topics and open the members' ballot on them (a choice among the topics)."""
    _admin(actor, coalition)
    store.lock_head(session, coalition)
    _collecting(session, agenda_round)
    titles = [topic.title for topic in topics_of(session, agenda_round)]
    if len(titles) < 2:
        raise Conflict("Agenda round %(round)s needs at least two topics before the members vote on them.",
                       round=agenda_round.number)
    choice = proposals.create_proposal(
        session, coalition=coalition, author=actor, kind="choice", title=f"Agenda: {agenda_round.title}"[:200],
        body="The members set the order of the agenda: the topics below, as submitted.", options=titles, now=now)
    store.append(session, coalition=coalition, type="agenda.voting", body={
        "round": agenda_round.number, "proposal": choice.number, "actor": actor.username})
    agenda_round.state, agenda_round.ballot_proposal_id = "voting", choice.id
    session.add(agenda_round)
    session.flush()
    ballots.open_ballot(session, coalition=coalition, actor=actor, proposal=choice, closes_at=closes_at, now=now,
                        procedure_rule={"type": "method", "method": agenda_round.method, "counting": "equal",
                                        "early_close": True}, discussed=False)
    return choice


def agreed_agenda(session: Session,
                  agenda_round: AgendaRound) -> tuple[Proposal | None, Ballot | None, list[list[str]]]:
    """The round's ballot proposal, its ballot, and, once it is counted, the agreed order (tied topics together)."""
    if agenda_round.ballot_proposal_id is None:
        return None, None, []
    proposal = session.get(Proposal, agenda_round.ballot_proposal_id)
    ballot = ballots.find_ballot(session, proposal)
    result = ballot.result if ballot is not None and ballot.result else {}
    return proposal, ballot, [list(group) for group in result.get("ranking", [])]


def topic_to_proposal(session: Session, *, coalition: Coalition, actor: Account, agenda_round: AgendaRound,
                      topic: AgendaTopic, now: datetime) -> Proposal:
    """Make a topic a draft proposal in one step (its title and text); the topic links to it."""
    if actor.coalition_id != coalition.id:
        raise Forbidden("Your account belongs to another coalition, not %(coalition)s.", coalition=coalition.name)
    if topic.proposal_id is not None:
        existing = session.get(Proposal, topic.proposal_id)
        raise Conflict("Topic %(topic)s is proposal #%(number)s already.", topic=topic.number, number=existing.number)
    proposal = proposals.create_proposal(session, coalition=coalition, author=actor, kind="decision",
                                         title=topic.title, body=topic.body, now=now)
    topic.proposal_id = proposal.id
    session.add(topic)
    return proposal
