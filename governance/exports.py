"""The public record as tables to download: results, votes of closed ballots, the weights register, power per member
per rule. Every column documented; every number exact ("12.5" where the decimal is finite, else "p/q"); times UTC."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from governance import ballots as ballot_votes
from governance import coalitions, members, power, rules
from governance.clock import iso
from governance.errors import NotFound
from governance.models import Ballot, Coalition, Proposal
from voting.exact import format_exact, parse_exact
from voting.power import PowerError

__all__ = ["TABLES", "Column", "Table", "build_table"]

COUNTS = ("yes", "no", "abstain", "block", "not_voted", "eligible")


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, str]]


RESULT_COLUMNS = (
    Column("proposal", "the proposal's number in the coalition"), Column("title", "the proposal's title"),
    Column("kind", "decision, rule_change, admission, choice or election"),
    Column("rule", "the rule the ballot was counted by, in words (English)"),
    Column("outcome", "passed, rejected, no_quorum, decided, tied or no_votes"),
    *(Column(f"members_{c}", f"number of members: {c.replace('_', ' ')}") for c in COUNTS),
    *(Column(f"weight_{c}", f"weight of the members: {c.replace('_', ' ')} (exact)") for c in COUNTS),
    Column("winners", "for a multi-option ballot: the winners or elected, separated by '; '"),
    Column("closed_at", "when the ballot closed (UTC, ISO 8601)"), Column("log_entry", "its ballot.closed log entry"))
VOTE_COLUMNS = (
    Column("proposal", "the proposal's number"), Column("member", "the member's slug"),
    Column("name", "the member's name"), Column("weight", "its weight in this ballot, frozen at opening (exact)"),
    Column("vote", "the vote counted, in words: yes/no/abstain/block, an option, a ranking (A > B = C), approvals "
                   "or scores"),
    Column("vote_json", "the vote counted, as stored (JSON)"), Column("log_entry", "the vote.cast log entry counted"))
WEIGHT_COLUMNS = (
    Column("member", "the member's slug"), Column("name", "the member's name"), Column("country", "its country"),
    Column("status", "active, suspended or left"), Column("weight", "its weight (exact)"),
    Column("basis", "what the weight is based on"),
    Column("weight_share", "its share of the active members' total weight (exact; empty unless active)"),
    Column("admitted_at", "when it was admitted (UTC, ISO 8601)"))
POWER_COLUMNS = (
    Column("rule", "the kind of proposal (decision, rule_change, admission, ...) whose rule in force this is: every "
                   "yes/no kind, from the charter in force once the coalition is constituted"),
    Column("rule_words", "that rule in words (English)"), Column("member", "the member's slug"),
    Column("name", "the member's name"), Column("weight", "its weight (exact)"),
    Column("weight_share", "its share of the weight (exact)"),
    Column("banzhaf", "normalized Banzhaf power (exact, or the estimate when exact is false)"),
    Column("shapley_shubik", "Shapley-Shubik power (exact, or the estimate when exact is false)"),
    Column("exact", "true when the indices are exact, false for Monte Carlo estimates"))


def _vote_words(vote: Mapping) -> str:
    if "choice" in vote:
        return str(vote["choice"])
    if "option" in vote:
        return str(vote["option"])
    if "approve" in vote:
        return "; ".join(vote["approve"])
    if "scores" in vote:
        return "; ".join(f"{name}: {format_exact(parse_exact(score))}" for name, score in vote["scores"].items())
    return " > ".join(" = ".join(item) if isinstance(item, list) else str(item) for item in vote["ranking"])


def _closed(session: Session, coalition: Coalition) -> list[tuple[Ballot, Proposal]]:
    return list(session.exec(select(Ballot, Proposal).join(Proposal).where(
        Ballot.coalition_id == coalition.id, Ballot.status == "closed").order_by(Proposal.number)))


def _results(session: Session, coalition: Coalition) -> list[dict[str, str]]:
    rows = []
    for ballot, proposal in _closed(session, coalition):
        result = ballot.result or {}
        counts = {f"{part}_{c}": str(result.get(part, {}).get(c, "")) for part in ("members", "weight") for c in COUNTS}
        rows.append({"proposal": str(proposal.number), "title": proposal.title, "kind": proposal.kind,
                     "rule": rules.describe_rule(ballot.rule), "outcome": str(result.get("outcome", "")), **counts,
                     "winners": "; ".join(result.get("winners", [])), "closed_at": iso(ballot.closed_at) or "",
                     "log_entry": str(ballot.closed_idx)})
    return rows


def _votes(session: Session, coalition: Coalition) -> list[dict[str, str]]:
    rows = []
    for ballot, proposal in _closed(session, coalition):
        weights = {row["member"]: row["weight"] for row in ballot.eligible}
        for vote, member in ballot_votes.votes_of(session, ballot):
            rows.append({"proposal": str(proposal.number), "member": member.slug, "name": member.name,
                         "weight": weights.get(member.slug, ""), "vote": _vote_words(vote.choice),
                         "vote_json": json.dumps(vote.choice, ensure_ascii=False, sort_keys=True),
                         "log_entry": str(vote.log_idx)})
    return rows


def _weights(session: Session, coalition: Coalition) -> list[dict[str, str]]:
    everyone = members.list_members(session, coalition=coalition, limit=100_000)
    total = sum((m.weight_value for m in everyone if m.status == "active"), start=parse_exact("0"))
    return [{"member": m.slug, "name": m.name, "country": m.country, "status": m.status, "weight": m.weight,
             "basis": m.weight_basis, "weight_share": format_exact(m.weight_value / total)
             if total and m.status == "active" else "", "admitted_at": iso(m.admitted_at) or ""} for m in everyone]


def _index(value: object) -> str:
    if isinstance(value, Mapping):
        return str(value.get("estimate", ""))
    return "" if value is None else str(value)


def _power(session: Session, coalition: Coalition) -> list[dict[str, str]]:
    eligible = [{"member": m.slug, "name": m.name, "weight": m.weight}
                for m in members.list_members(session, coalition=coalition, status="active", limit=100_000)]
    current, rows = coalitions.get_rules(session, coalition), []
    for kind in rules.YES_NO_KINDS if eligible else ():
        try:
            report = power.power_report(current[kind], eligible)
        except PowerError:
            continue
        for row in eligible:
            slug = row["member"]
            rows.append({"rule": kind, "rule_words": rules.describe_rule(current[kind]), "member": slug, "name": row["name"], "weight": row["weight"],
                         "weight_share": _index(report["weight_share"].get(slug)),
                         "banzhaf": _index((report.get("banzhaf") or {}).get(slug)),
                         "shapley_shubik": _index((report.get("shapley_shubik") or {}).get(slug)),
                         "exact": "true" if report.get("exact", True) else "false"})
    return rows


TABLES: dict[str, tuple[str, tuple[Column, ...], Callable[[Session, Coalition], list[dict[str, str]]]]] = {
    "results": ("Results of closed ballots, one row per ballot", RESULT_COLUMNS, _results),
    "votes": ("Each member's counted vote in each closed ballot", VOTE_COLUMNS, _votes),
    "weights": ("The weights register: each member's weight, basis and share", WEIGHT_COLUMNS, _weights),
    "power": ("A priori power of each member under each yes/no rule", POWER_COLUMNS, _power),
}


def build_table(session: Session, *, coalition: Coalition, name: str) -> Table:
    """The table ``name`` (one of TABLES) of the coalition, as of now."""
    if name not in TABLES:
        raise NotFound("There is no export %(name)s; the exports are %(names)s.", name=repr(name),
                       names=", ".join(TABLES))
    title, columns, rows = TABLES[name]
    return Table(name, title, columns, rows(session, coalition))
