"""Power over time: each moment the game of one proposal kind changed (a weight, its rule, who may vote), read from the
log, and each member's Banzhaf power under the rule then in force."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction

from sqlmodel import Session, select

from governance import power
from governance.models import Coalition, LogEntry
from voting.power import PowerError

__all__ = ["CAUSES", "PowerStep", "power_steps", "steps_from_events"]

MOST_STEPS = 24
CAUSES = ("admission", "weights", "rule", "suspension", "readmission", "expulsion", "departure")
EVENT_TYPES = ("coalition.created", "rules.changed", "member.admitted", "weight.changed", "member.suspended",
               "member.readmitted", "member.left", "charter.version")
STATUS_CAUSES = {"member.suspended": ("suspended", "suspension"), "member.readmitted": ("active", "readmission"),
                 "member.left": ("left", "departure")}


@dataclass(frozen=True)
class PowerStep:
    """The game after the changes logged at ``moment`` (``causes``, in CAUSES order): each active member's Banzhaf
    power under the rule then in force, and the first log entry of the moment."""

    moment: datetime
    causes: tuple[str, ...]
    log_idx: int
    power: Mapping[str, Fraction]


@dataclass
class _State:
    rule: dict | None
    weights: dict[str, str]
    status: dict[str, str]

    def game(self) -> tuple:
        active = sorted((slug, self.weights[slug]) for slug, status in self.status.items() if status == "active")
        return json.dumps(self.rule, sort_keys=True), tuple(active)


def _status_cause(before: str | None, after: str) -> str | None:
    if before is None:
        return "admission" if after == "active" else None
    if before == after:
        return None
    return {"suspended": "suspension", "expelled": "expulsion", "left": "departure"}.get(
        after, "readmission" if before == "suspended" else "admission")


def _charter_version(state: _State, rules: Mapping, kind: str) -> set[str]:
    """Apply a charter version's members and rule; the causes of the change it made to the game."""
    causes = set()
    rule = (rules.get("decision_rules") or {}).get(kind)
    if rule is not None and rule != state.rule:
        if state.rule is not None:
            causes.add("rule")
        state.rule = rule
    for slug, member in (rules.get("members") or {}).items():
        cause = _status_cause(state.status.get(slug), member["status"])
        if cause:
            causes.add(cause)
        if slug in state.weights and state.weights[slug] != member["weight"] and member["status"] == "active":
            causes.add("weights")
        state.status[slug], state.weights[slug] = member["status"], member["weight"]
    return causes


def _apply(state: _State, event: Mapping, kind: str) -> set[str]:
    """Apply one logged event to the state; the causes of any change to the game of ``kind``."""
    body, kind_of_event = event["body"], event["type"]
    if kind_of_event == "coalition.created":
        state.rule = (body.get("rules") or {}).get(kind)
        return set()
    if kind_of_event == "rules.changed":
        if body.get("kind") != kind:
            return set()
        state.rule = body["rule"]
        return {"rule"}
    if kind_of_event == "member.admitted":
        state.weights[body["member"]], state.status[body["member"]] = str(body["weight"]), "active"
        return {"admission"}
    if kind_of_event == "weight.changed":
        state.weights[body["member"]] = str(body["new"])
        return {"weights"}
    if kind_of_event in STATUS_CAUSES:
        status, cause = STATUS_CAUSES[kind_of_event]
        state.status[body["member"]] = status
        return {cause}
    return _charter_version(state, body.get("rules") or {}, kind)


def _minute(ts: int) -> datetime:
    """The minute of a log timestamp (milliseconds): changes within one minute are one step, as the page shows
    times to the minute (a secretariat admitting the founding members one by one makes one step, not twelve)."""
    return datetime.fromtimestamp(ts // 60_000 * 60, tz=UTC)


def _moments(events: Iterable[Mapping], kind: str,
             fixed: Mapping | None = None) -> list[tuple[datetime, tuple[str, ...], int, _State]]:
    """The game after each minute that changed it, the causes and the first log entry of that minute; with a
    ``fixed`` rule, only the members and weights change."""
    state, found = _State(dict(fixed) if fixed else None, {}, {}), []
    for event in events:
        before = state.game()
        causes = _apply(state, event, kind)
        if fixed is not None:
            state.rule, causes = dict(fixed), causes - {"rule"}
        if state.game() == before or state.rule is None:
            continue
        moment, first = _minute(event["ts"]), event["idx"]
        if found and found[-1][0] == moment:
            _, earlier, first, _ = found.pop()
            causes |= set(earlier)
        snapshot = _State(dict(state.rule), dict(state.weights), dict(state.status))
        found.append((moment, tuple(c for c in CAUSES if c in causes), first, snapshot))
    return found


def power_steps(session: Session, *, coalition: Coalition, kind: str, rule: Mapping | None = None) -> list[PowerStep]:
    """One step per minute the game of ``kind`` changed (the last MOST_STEPS): a weight, the kind's rule, an
    admission, suspension, readmission, expulsion or departure, read from the coalition's log; with ``rule`` (a
    ballot's own), that rule throughout."""
    entries = session.exec(select(LogEntry.data).where(LogEntry.coalition_id == coalition.id,
                                                      LogEntry.type.in_(EVENT_TYPES)).order_by(LogEntry.idx))
    return steps_from_events((json.loads(bytes(data)) for data in entries), kind, rule)


def steps_from_events(events: Iterable[Mapping], kind: str, rule: Mapping | None = None) -> list[PowerStep]:
    """``power_steps`` from logged events in log order; steps whose power has no exact count are left out."""
    steps = []
    for moment, causes, idx, state in _moments(events, kind, rule)[-MOST_STEPS:]:
        eligible = [{"member": slug, "name": slug, "weight": state.weights[slug]}
                    for slug, status in state.status.items() if status == "active"]
        if state.rule.get("type") != "majority" or not eligible:
            continue
        try:
            report = power.power_report(state.rule, eligible)
        except PowerError:
            continue
        if report.get("exact", True):
            banzhaf = report.get("banzhaf") or {}
            steps.append(PowerStep(moment, causes, idx, {slug: Fraction(value) for slug, value in banzhaf.items()}))
    return steps
