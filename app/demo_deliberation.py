"""The demo's deliberation: a proposal discussed and amended (one amendment accepted, one passed by its own ballot,
a comment hidden by the moderators), and the members' agenda (one round agreed, one collecting topics)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from governance import agenda, amendment_ballots, amendments, ballots, comments, proposals
from governance.models import Account, Coalition, Member

MAX_LENGTH = 5000
TRAINING_BODY = ("Organize a **digital safety training** for the staff of every member organization: secure "
                 "messaging, phone searches at checkpoints, and safe storage of testimonies.\n\n"
                 "- four online sessions of two hours\n- one trainer per region")
TOPICS = [  # member index, title, why, approvals by member index
    (2, "Documenting violations safely", "Our staff collect testimonies under surveillance.", (0, 2, 3, 4, 6, 10)),
    (5, "Mediation skills for local ceasefires", "Members asked for it at the last assembly.", (1, 5, 6, 7, 9)),
    (9, "Fundraising from regional donors", "Most of us depend on one donor.", (0, 9, 11)),
    (11, "Psychosocial support for mediators", "Burn-out among our mediators is rising.", (2, 3, 4, 5, 6, 8, 10)),
]


Moment = Callable[[datetime], datetime]


def populate(session: Session, *, coalition: Coalition, admin: Account, orgs: list[tuple[Member, Account]],
             start: datetime, at: Moment = lambda moment: moment) -> None:
    """Stage the demo's discussion, amendments and agenda rounds, after the proposals of ``app.demo``; ``at(moment)``
    moves the demo's story clock to each moment, so the log's times are the times of what it records."""
    _agenda(session, coalition, admin, orgs, start + timedelta(days=40), at)
    _discussed_and_amended(session, coalition, admin, orgs, start + timedelta(days=51), at)


def _say(session: Session, coalition: Coalition, rep: Account, proposal, text: str, now: datetime,  # noqa: ANN001
         parent=None):  # noqa: ANN001, ANN202
    return comments.post_comment(session, coalition=coalition, actor=rep, proposal=proposal, text=text, parent=parent,
                                 max_length=MAX_LENGTH, now=now)


def _discussed_and_amended(session: Session, coalition: Coalition, admin: Account, orgs: list, when: datetime,
                           at: Moment) -> None:
    reps = [rep for _, rep in orgs]
    training = proposals.create_proposal(
        session, coalition=coalition, author=reps[2], kind="decision", now=at(when),
        title="Train member organizations in digital safety", body=TRAINING_BODY)
    first = _say(session, coalition, reps[0], training, "We support this. Could the sessions be offered in "
                 "**Arabic and English**, so that every member can follow?", at(when + timedelta(hours=2)))
    _say(session, coalition, reps[2], training, "Yes, both. We will add it to the text.", at(when + timedelta(hours=5)),
         parent=first)
    _say(session, coalition, reps[6], training, "Taiz members need this most: phones are searched at every "
         "checkpoint. Please include a session on that.", at(when + timedelta(hours=9)))
    edited = _say(session, coalition, reps[9], training, "Four sessions seem too few.",
                  at(when + timedelta(hours=11)))
    comments.edit_comment(session, coalition=coalition, actor=reps[9], comment=edited, max_length=MAX_LENGTH,
                          text="Four sessions seem too few; six would let each region practise.",
                          now=at(when + timedelta(hours=12)))
    leaked = _say(session, coalition, reps[7], training, "Call our trainer directly on +967 1 234 567.",
                  at(when + timedelta(hours=13)))
    comments.hide_comment(session, coalition=coalition, actor=admin, comment=leaked, moderators=set(),
                          reason="It shares a person's private phone number.", now=at(when + timedelta(hours=14)))
    accepted = amendments.propose_amendment(
        session, coalition=coalition, actor=reps[0], proposal=training, title=training.title, options=[],
        body=TRAINING_BODY.replace("for the staff", "in Arabic and English for the staff"),
        now=at(when + timedelta(days=1)))
    amendments.accept_amendment(session, coalition=coalition, actor=reps[2], proposal=training, amendment=accepted,
                                now=at(when + timedelta(days=1, hours=3)))
    sessions = amendments.propose_amendment(
        session, coalition=coalition, actor=reps[9], proposal=training, title=training.title, options=[],
        body=training.body.replace("four online sessions", "six online sessions, one per region,"),
        now=at(when + timedelta(days=1, hours=6)))
    amendments.decline_amendment(session, coalition=coalition, actor=reps[2], proposal=training, amendment=sessions,
                                 now=at(when + timedelta(days=2)))
    opened = when + timedelta(days=2, hours=1)
    decision = amendment_ballots.put_to_ballot(session, coalition=coalition, actor=admin, proposal=training,
                                               amendment=sessions, closes_at=opened + timedelta(days=3), now=at(opened))
    for (member, rep), choice in zip(orgs, "yyyyynyyyyany", strict=True):
        ballots.cast_vote(session, coalition=coalition, actor=rep, proposal=decision, member=member,
                          vote={"choice": {"y": "yes", "n": "no", "a": "abstain"}[choice]}, now=at(opened))
    ballots.close_due(session, coalition=coalition, now=at(opened + timedelta(days=3)))
    _say(session, coalition, reps[4], training, "Six sessions it is. Ready for the ballot when the secretariat is.",
         at(when + timedelta(days=6, hours=2)))


def _agenda(session: Session, coalition: Coalition, admin: Account, orgs: list, when: datetime, at: Moment) -> None:
    spring = agenda.open_round(session, coalition=coalition, actor=admin, title="Capacity-building meeting, spring "
                               "2027", method="approval", now=at(when))
    titles = []
    for offset, (index, title, why, _) in enumerate(TOPICS):
        agenda.submit_topic(session, coalition=coalition, actor=orgs[index][1], agenda_round=spring, title=title,
                            body=why, now=at(when + timedelta(hours=offset + 1)))
        titles.append(title)
    vote_at = when + timedelta(days=3)
    choice = agenda.start_vote(session, coalition=coalition, actor=admin, agenda_round=spring,
                               closes_at=vote_at + timedelta(days=4), now=at(vote_at))
    for position, (member, rep) in enumerate(orgs):
        approved = [title for (_, title, _, voters) in TOPICS if position in voters]
        if approved:
            ballots.cast_vote(session, coalition=coalition, actor=rep, proposal=choice, member=member,
                              vote={"approve": approved}, now=at(vote_at + timedelta(days=1)))
    ballots.close_due(session, coalition=coalition, now=at(vote_at + timedelta(days=4)))
    first = agenda.topics_of(session, spring)[3]
    agenda.topic_to_proposal(session, coalition=coalition, actor=orgs[11][1], agenda_round=spring, topic=first,
                             now=at(vote_at + timedelta(days=6)))
    autumn = agenda.open_round(session, coalition=coalition, actor=admin, title="Members' meeting, autumn 2027",
                               method="schulze", now=at(vote_at + timedelta(days=6, hours=2)))
    agenda.submit_topic(session, coalition=coalition, actor=orgs[3][1], agenda_round=autumn, title="Protection of "
                        "women human rights defenders online", body="", now=at(vote_at + timedelta(days=6, hours=2)))
    agenda.submit_topic(session, coalition=coalition, actor=orgs[8][1], agenda_round=autumn,
                        title="Joint reporting to the UN Security Council", body="",
                        now=at(vote_at + timedelta(days=6, hours=2)))
