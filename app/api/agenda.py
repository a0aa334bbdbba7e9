"""The members' agenda: rounds, topics, the ballot that orders them, a topic made a draft."""

from fastapi import status
from sqlmodel import select

from app.api.common import coalition_router
from app.api.deliberation_schemas import (AgendaRoundCreate, AgendaRoundList, AgendaRoundPublic, BallotTiming,
                                          TopicCreate, TopicPublic)
from app.api.proposals import public as proposal_public
from app.api.schemas import ProposalPublic
from app.deps import CurrentAccountDep, NowDep, SessionDep
from governance import agenda, coalitions
from governance.models import AgendaRound, Member, Proposal

router = coalition_router("agenda")


def round_public(session, agenda_round: AgendaRound) -> AgendaRoundPublic:  # noqa: ANN001
    proposal, ballot, agreed = agenda.agreed_agenda(session, agenda_round)
    topics = agenda.topics_of(session, agenda_round)
    ids = {topic.member_id for topic in topics if topic.member_id}
    members = {m.id: m for m in session.exec(select(Member).where(Member.id.in_(ids)))} if ids else {}
    drafts = {topic.proposal_id: session.get(Proposal, topic.proposal_id).number for topic in topics
              if topic.proposal_id}
    state = "closed" if ballot is not None and ballot.status == "closed" else agenda_round.state
    result = ballot.result if ballot is not None and ballot.result else {}
    return AgendaRoundPublic(
        number=agenda_round.number, title=agenda_round.title, method=agenda_round.method, state=state,
        topics=[TopicPublic(number=t.number, title=t.title, body=t.body,
                            member=members[t.member_id].slug if t.member_id else None,
                            member_name=members[t.member_id].name if t.member_id else None,
                            author=t.author, proposal=drafts.get(t.proposal_id), created_at=t.created_at)
                for t in topics],
        ballot=proposal.number if proposal else None, agreed=agreed,
        explanation=result.get("explanation"), tally=(result.get("rounds") or [{}])[-1].get("tally", {}),
        created_at=agenda_round.created_at)


@router.get("/agenda", response_model=AgendaRoundList)
def list_rounds(slug: str, session: SessionDep) -> AgendaRoundList:
    coalition = coalitions.get_coalition(session, slug)
    rounds = agenda.list_rounds(session, coalition=coalition)
    return AgendaRoundList(items=[round_public(session, row) for row in rounds])


@router.post("/agenda", status_code=status.HTTP_201_CREATED, response_model=AgendaRoundPublic)
def open_round(slug: str, body: AgendaRoundCreate, session: SessionDep, account: CurrentAccountDep,
               now: NowDep) -> AgendaRoundPublic:
    """Open an agenda round that collects topics (admins); ``method``: approval or a ranked method."""
    coalition = coalitions.get_coalition(session, slug)
    row = agenda.open_round(session, coalition=coalition, actor=account, title=body.title, method=body.method, now=now)
    return round_public(session, row)


@router.get("/agenda/{number}", response_model=AgendaRoundPublic)
def read_round(slug: str, number: int, session: SessionDep) -> AgendaRoundPublic:
    coalition = coalitions.get_coalition(session, slug)
    return round_public(session, agenda.get_round(session, coalition=coalition, number=number))


@router.post("/agenda/{number}/topics", status_code=status.HTTP_201_CREATED, response_model=AgendaRoundPublic)
def submit_topic(slug: str, number: int, body: TopicCreate, session: SessionDep, account: CurrentAccountDep,
                 now: NowDep) -> AgendaRoundPublic:
    """Submit a topic while the round collects them (members' representatives and admins)."""
    coalition = coalitions.get_coalition(session, slug)
    row = agenda.get_round(session, coalition=coalition, number=number)
    agenda.submit_topic(session, coalition=coalition, actor=account, agenda_round=row, title=body.title,
                        body=body.body, now=now)
    return round_public(session, row)


@router.post("/agenda/{number}/ballot", status_code=status.HTTP_201_CREATED, response_model=AgendaRoundPublic)
def start_vote(slug: str, number: int, body: BallotTiming, session: SessionDep, account: CurrentAccountDep,
               now: NowDep) -> AgendaRoundPublic:
    """Close the list and open the members' ballot on the topics (admins)."""
    coalition = coalitions.get_coalition(session, slug)
    row = agenda.get_round(session, coalition=coalition, number=number)
    agenda.start_vote(session, coalition=coalition, actor=account, agenda_round=row, closes_at=body.closes_at, now=now)
    return round_public(session, row)


@router.post("/agenda/{number}/topics/{topic}/proposal", status_code=status.HTTP_201_CREATED,
             response_model=ProposalPublic)
def topic_to_proposal(slug: str, number: int, topic: int, session: SessionDep, account: CurrentAccountDep,
                      now: NowDep) -> ProposalPublic:
    """Make a topic a draft proposal in one step."""
    coalition = coalitions.get_coalition(session, slug)
    row = agenda.get_round(session, coalition=coalition, number=number)
    found = agenda.get_topic(session, agenda_round=row, number=topic)
    return proposal_public(session, agenda.topic_to_proposal(session, coalition=coalition, actor=account,
                                                             agenda_round=row, topic=found, now=now))
