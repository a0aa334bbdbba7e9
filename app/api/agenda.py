"""The members' agenda: rounds, topics, the ballot that orders them, a topic made a draft."""

from fastapi import status

from app.api.common import coalition_router
from app.api.proposals import public as proposal_public
from app.api.schemas import ProposalPublic
from app.deliberation_schemas import AgendaRoundCreate, AgendaRoundList, AgendaRoundPublic, BallotTiming, TopicCreate
from app.deliberation_views import round_public
from app.deps import CurrentAccountDep, NowDep, SessionDep
from governance import agenda, coalitions

router = coalition_router("agenda")


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
