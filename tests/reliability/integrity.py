"""Check a coalition's stored state against its log after a run: nothing lost, nothing half-written, every count right."""

from collections import Counter
from collections.abc import Iterable

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from governance.log import merkle
from governance.log.canonical import parse_event
from governance.log.recount import count_ballot, vote_commitment
from governance.models import Ballot, Checkpoint, Coalition, LogEntry, LogHead, Member, Proposal, Vote
from tests.reliability.scenario import Ack

__all__ = ["Report", "check_coalition"]


class Report:
    """Violations found, with the figures checked."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.figures: Counter[str] = Counter()

    def fail(self, message: str) -> None:
        if len(self.violations) < 50:
            self.violations.append(message)

    def __bool__(self) -> bool:
        return not self.violations

    def __str__(self) -> str:
        return "\n".join(self.violations) or f"ok: {dict(self.figures)}"


def check_coalition(engine: Engine, slug: str, acks: Iterable[Ack] = ()) -> Report:
    """Every invariant a crash, a race or a lost write could break, for one coalition."""
    report = Report()
    with Session(engine) as session:
        coalition = session.exec(select(Coalition).where(Coalition.slug == slug)).one()
        entries = list(session.exec(select(LogEntry).where(LogEntry.coalition_id == coalition.id)
                                    .order_by(LogEntry.idx)))
        events = [parse_event(entry.data) for entry in entries]
        _check_log(session, coalition, entries, events, report)
        slugs = {m.id: m.slug for m in session.exec(select(Member).where(Member.coalition_id == coalition.id))}
        _check_ballots(session, coalition, events, [entry.leaf_hash for entry in entries], slugs, report)
        _check_acks(session, coalition, events, list(acks), report)
    return report


def _check_log(session: Session, coalition: Coalition, entries: list[LogEntry], events: list[dict],
               report: Report) -> None:
    head = session.get(LogHead, coalition.id)
    report.figures["entries"] = len(entries)
    if [entry.idx for entry in entries] != list(range(len(entries))):
        report.fail("the log has a gap or a duplicate index")
    if head is None or head.size != len(entries):
        report.fail(f"the head says {head.size if head else None} entries; the log holds {len(entries)}")
    for entry, event in zip(entries, events):
        if entry.leaf_hash != merkle.leaf_hash(entry.data):
            report.fail(f"entry {entry.idx}: stored leaf hash does not match its bytes")
        if event["idx"] != entry.idx or event["log"] != coalition.slug or event["type"] != entry.type:
            report.fail(f"entry {entry.idx}: its bytes name another place ({event['log']}#{event['idx']})")
    root = merkle.root_hash([entry.leaf_hash for entry in entries])
    if head is not None and head.root != root:
        report.fail("the Merkle root recomputed from the entries differs from the stored head root")
    latest = session.exec(select(Checkpoint).where(Checkpoint.coalition_id == coalition.id)
                          .order_by(Checkpoint.size.desc()).limit(1)).first()
    if latest is not None and (latest.size != len(entries) or latest.root != root):
        report.fail(f"the latest signed checkpoint (size {latest.size}) is not the head")


def _replay(events: list[dict]) -> tuple[dict[int, dict[str, tuple[int, dict]]], dict[int, list[int]]]:
    """Per ballot number: each member's last cast (index, commitment) before the closing; the indexes of each closing."""
    casts: dict[int, dict[str, tuple[int, dict]]] = {}
    closings: dict[int, list[int]] = {}
    for event in events:
        body = event["body"]
        if event["type"] == "vote.cast":
            if closings.get(body["number"]):
                casts.setdefault(-body["number"], {})[body["member"]] = (event["idx"], body["commitment"])
            else:
                casts.setdefault(body["number"], {})[body["member"]] = (event["idx"], body["commitment"])
        elif event["type"] == "ballot.closed":
            closings.setdefault(body["number"], []).append(event["idx"])
    return casts, closings


def _check_ballots(session: Session, coalition: Coalition, events: list[dict], leaves: list[bytes],
                   slugs: dict[int, str], report: Report) -> None:
    casts, closings = _replay(events)
    for number in sorted(n for n in casts if n < 0):
        report.fail(f"ballot #{-number} took a vote after its closing was logged")
    rows = session.exec(select(Ballot, Proposal).join(Proposal).where(Ballot.coalition_id == coalition.id)).all()
    for ballot, proposal in rows:
        report.figures["ballots"] += 1
        logged = casts.get(proposal.number, {})
        current = {slugs[v.member_id]: v for v in session.exec(select(Vote).where(Vote.ballot_id == ballot.id))}
        report.figures["current votes"] += len(current)
        if set(current) != set(logged):
            report.fail(f"ballot #{proposal.number}: voters {sorted(set(current) ^ set(logged))} differ from the log")
        for member, vote in current.items():
            idx, commitment = logged.get(member, (None, None))
            sealed = vote_commitment(number=proposal.number, member=member, vote=vote.choice, salt=vote.salt)
            if vote.log_idx != idx or sealed != commitment:
                report.fail(f"ballot #{proposal.number}: {member}'s vote row (log {vote.log_idx}) is not its last "
                            f"logged cast (log {idx})")
        seed = leaves[ballot.opened_idx].hex()[:16]
        _check_closing(ballot, proposal, closings.get(proposal.number, []), logged, events, seed, report)


def _check_closing(ballot: Ballot, proposal: Proposal, closings: list[int], logged: dict, events: list[dict],
                   seed: str, report: Report) -> None:
    if ballot.status == "open":
        if closings:
            report.fail(f"ballot #{proposal.number} is open but its closing is logged")
        return
    report.figures["closed ballots"] += 1
    if len(closings) != 1 or ballot.closed_idx != closings[0]:
        report.fail(f"ballot #{proposal.number} was closed {len(closings)} times in the log")
        return
    closing = events[closings[0]]["body"]
    if closing["result"] != ballot.result:
        report.fail(f"ballot #{proposal.number}: stored result differs from the logged one")
    reveals = closing.get("votes", {})
    if set(reveals) != set(logged) or any(
            vote_commitment(number=proposal.number, member=m, vote=r["vote"], salt=r["salt"]) != logged[m][1]
            for m, r in reveals.items()):
        report.fail(f"ballot #{proposal.number}: the closing does not reveal exactly the last logged casts")
        return
    recount = count_ballot(rule=ballot.rule, eligible=ballot.eligible, options=proposal.options, seats=proposal.seats,
                           votes={member: reveal["vote"] for member, reveal in reveals.items()}, seed=seed)
    if recount != ballot.result:
        report.fail(f"ballot #{proposal.number}: the recount from the log differs from the stored result")


def _check_acks(session: Session, coalition: Coalition, events: list[dict], acks: list[Ack], report: Report) -> None:
    report.figures["acknowledged votes"] += len(acks)
    latest: dict[tuple[int, str], int] = {}
    choices: dict[tuple[int, str], dict] = {}
    for ack in acks:
        event = events[ack.log_index] if ack.log_index < len(events) else None
        if event is None or event["type"] != "vote.cast" or event["body"]["member"] != ack.member \
                or event["body"]["number"] != ack.number:
            report.fail(f"acknowledged vote of {ack.member} on #{ack.number} is not at log entry {ack.log_index}")
        key = (ack.number, ack.member)
        if ack.log_index > latest.get(key, -1):
            latest[key], choices[key] = ack.log_index, ack.choice
    proposals = {p.number: p.id for p in session.exec(select(Proposal).where(Proposal.coalition_id == coalition.id))}
    for (number, member), index in latest.items():
        ballot = session.exec(select(Ballot).where(Ballot.proposal_id == proposals[number])).one()
        member_id = session.exec(select(Member.id).where(Member.coalition_id == coalition.id,
                                                         Member.slug == member)).one()
        vote = session.exec(select(Vote).where(Vote.ballot_id == ballot.id, Vote.member_id == member_id)).first()
        if vote is None or vote.log_idx < index:
            report.fail(f"{member}'s acknowledged vote on #{number} (log {index}) was lost")
        elif vote.log_idx == index and vote.choice != choices[(number, member)]:
            report.fail(f"{member}'s counted vote on #{number} is not the acknowledged one (log {index})")
