"""Power analysis of a coalition's rules and ballots: the a priori model, pivotal members, history, what-ifs."""

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction

from sqlmodel import Session, select

from governance import coalitions, members, rules
from governance.errors import RuleViolation
from governance.log.recount import count_ballot
from governance.models import Ballot, Coalition, Member, Proposal, Vote
from governance.rules import majority_rule
from voting.exact import format_exact, parse_exact
from voting.majority import MajorityRule, decide
from voting.power import Criterion, ExactTooBig, ExactTooSlow, Game, PowerError, analyze, monte_carlo, quota_from_share

__all__ = ["MODEL", "BallotPivots", "ChangedOutcome", "MemberRecord", "PowerCache", "PowerHistory", "RulePower",
           "WhatIfOutcome", "configure_cache", "eligible_rows", "game_for_rule", "pivotal_members", "power_history",
           "power_report", "rule_power", "rule_powers", "switch_alternatives", "what_if"]

MODEL = ("A priori power: every eligible member votes yes or no, all coalitions equally likely. A member's "
         "Banzhaf power is its share of the swings (coalitions it turns from losing to winning); its "
         "Shapley-Shubik power is the share of voting orders in which it is pivotal.")
EXACT_LIMIT_SECONDS = 2.0
WAITING = {True: "the exact count is running in the background; ask again in a minute",
           False: "the server is already running as many exact counts as it allows; ask again later"}
MONTE_CARLO_SAMPLES = 20_000


def game_for_rule(rule: Mapping[str, object], eligible: Sequence[Mapping[str, str]]) -> Game:
    """The simple game of a yes/no rule when every eligible member votes yes or no.

    ``equal`` counting is every weight 1, ``weighted`` the members' weights, ``double`` both criteria.
    The quota is the least yes-weight that passes; consensus and unanimity make every member a veto player.
    """
    majority = majority_rule(rule)
    names = tuple(row["member"] for row in eligible)
    weights = [parse_exact(row["weight"]) for row in eligible]
    ones = [Fraction(1)] * len(names)
    if majority.consensus or majority.unanimity:
        return Game(names, (Criterion(tuple(ones), Fraction(len(names))),))
    criteria = []
    if majority.uses_members:
        threshold = majority.member_threshold
        criteria.append(Criterion(tuple(ones), quota_from_share(ones, threshold.fraction, strict=threshold.strict)))
    if majority.uses_weight:
        threshold = majority.weight_threshold
        criteria.append(Criterion(tuple(weights), quota_from_share(weights, threshold.fraction, strict=threshold.strict)))
    return Game(names, tuple(criteria), min_no_to_block=majority.blocking_minority_members)


class PowerCache:
    """Power reports by game, the least recently used forgotten past ``max_reports`` reports or ``max_rows`` member
    rows in all. Exact counting runs within ``memory_bytes``; a game whose exact count would not fit gets a Monte
    Carlo estimate that says what the count would need; one too slow to count while a page waits gets an estimate
    now and its exact count in the background, at most ``max_pending`` at a time (queued or running): past that
    the estimate says the server is busy, and a later request tries again."""

    def __init__(self, *, memory_bytes: int = 512 << 20, workers: int = 1, max_pending: int = 2,
                 max_reports: int = 128, max_rows: int = 50_000) -> None:
        self.memory_bytes, self.max_pending = memory_bytes, max_pending
        self.max_reports, self.max_rows = max_reports, max_rows
        self._reports: OrderedDict[Game, dict] = OrderedDict()
        self._pending: set[Game] = set()
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="power")

    def report(self, game: Game) -> dict:
        """The exact report of ``game``, or an estimate whose ``note`` says why it is not exact (yet)."""
        known = self._get(game)
        if known is not None and (known["exact"] or known["note"]["reason"] != "waiting"):
            return known
        if known is None:
            try:
                return self._put(game, analyze(game, exact_limit_seconds=EXACT_LIMIT_SECONDS,
                                               memory_bytes=self.memory_bytes).to_dict())
            except ExactTooBig as too_big:
                return self._put(game, _estimate(game, reason="memory", needed_bytes=_bytes(too_big.needed),
                                                 limit_bytes=too_big.limit, message=str(too_big)))
            except ExactTooSlow:
                known = _estimate(game, reason="waiting")
            except PowerError as error:  # no exact method for this game's shape: the estimate is all there is
                return self._put(game, _estimate(game, reason="no_exact_method", message=str(error)))
        queued = self._compute_later(game)
        note = {"reason": "waiting", "computing": queued, "message": WAITING[queued]}
        return self._put(game, {**known, "note": note}, keep_exact=True)

    def _get(self, game: Game) -> dict | None:
        with self._lock:
            report = self._reports.get(game)
            if report is not None:
                self._reports.move_to_end(game)
            return report

    def _put(self, game: Game, report: dict, *, keep_exact: bool = False) -> dict:
        """Store ``report`` (unless ``keep_exact`` and an exact one arrived meanwhile) and forget the oldest past the
        bounds; the newest report always stays."""
        with self._lock:
            current = self._reports.get(game)
            if keep_exact and current is not None and current["exact"]:
                return current
            self._reports[game] = report
            self._reports.move_to_end(game)
            while len(self._reports) > 1 and (len(self._reports) > self.max_reports
                                              or sum(g.size for g in self._reports) > self.max_rows):
                self._reports.popitem(last=False)
        return report

    def __len__(self) -> int:
        return len(self._reports)

    def pending(self) -> int:
        """Exact counts queued or running."""
        return len(self._pending)

    def _compute_later(self, game: Game) -> bool:
        """Queue the exact count of ``game`` unless ``max_pending`` are already queued or running."""
        with self._lock:
            if game in self._pending:
                return True
            if len(self._pending) >= self.max_pending:
                return False
            self._pending.add(game)

        def work() -> None:
            try:
                self._put(game, analyze(game, memory_bytes=self.memory_bytes).to_dict())
            except PowerError:
                pass
            finally:
                with self._lock:
                    self._pending.discard(game)

        self._executor.submit(work)
        return True

    def shutdown(self) -> None:
        """Stop taking work; counts already running finish in their thread."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def _bytes(count: float) -> int | None:
    return None if count == float("inf") else math.ceil(count)


def _estimate(game: Game, **note: object) -> dict:
    return {**monte_carlo(game, samples=MONTE_CARLO_SAMPLES, seed=0).to_dict(), "note": note}


def configure_cache(*, memory_mb: int, max_pending: int, max_reports: int) -> PowerCache:
    """Replace the shared cache with one of these bounds (the application's settings, passed down at start)."""
    global _default_cache
    old, _default_cache = _default_cache, PowerCache(memory_bytes=memory_mb << 20, max_pending=max_pending,
                                                     max_reports=max_reports)
    old.shutdown()
    return _default_cache


def power_report(rule: Mapping[str, object], eligible: Sequence[Mapping[str, str]], *,
                 cache: PowerCache | None = None) -> dict:
    """The published power report of a yes/no rule over these members, with weight shares beside the indices."""
    game = game_for_rule(rule, eligible)
    report = (cache or _default_cache).report(game)
    total = sum((parse_exact(row["weight"]) for row in eligible), Fraction(0))
    shares = {row["member"]: format_exact(parse_exact(row["weight"]) / total) if total else None for row in eligible}
    return {"model": MODEL, "rule": dict(rule), "weight_share": shares,
            "member_names": {row["member"]: row.get("name", row["member"]) for row in eligible}, **report}


_default_cache = PowerCache()


def switch_alternatives(choice: str | None, consensus: bool) -> list[str]:
    """The votes a member could have cast instead of ``choice`` (None: it did not vote)."""
    options = ["yes", "no"] + (["block"] if consensus else [])
    return [option for option in options if option != choice]


def pivotal_members(rule: Mapping[str, object], eligible: Sequence[Mapping[str, str]],
                    votes: Mapping[str, str]) -> dict[str, list[str]]:
    """Members whose switch alone would have changed the outcome, each with the switches that would have."""
    majority: MajorityRule = majority_rule(rule)
    weights = {row["member"]: parse_exact(row["weight"]) for row in eligible}
    outcome = decide(majority, eligible=weights, votes=votes).outcome
    pivotal = {}
    for member in weights:
        changes = []
        for alternative in switch_alternatives(votes.get(member), majority.consensus):
            trial = {**votes, member: alternative}
            if decide(majority, eligible=weights, votes=trial).outcome != outcome:
                changes.append(alternative)
        if changes:
            pivotal[member] = changes
    return pivotal


def eligible_rows(session: Session, *, coalition: Coalition) -> list[dict[str, str]]:
    """The active members as a ballot freezes them: slug, name and weight."""
    active = members.list_members(session, coalition=coalition, status="active", limit=100_000)
    return [{"member": m.slug, "name": m.name, "weight": m.weight} for m in active]


@dataclass(frozen=True)
class RulePower:
    """One yes/no rule's power report, with the rule in words."""

    kind: str
    rule_description: str
    report: dict


def rule_power(kind: str, rule: Mapping[str, object], eligible: Sequence[Mapping[str, str]]) -> RulePower:
    """The power report of ``rule`` over ``eligible``; a game no method can analyse is a RuleViolation."""
    try:
        report = power_report(rule, eligible)
    except PowerError as error:
        raise RuleViolation("power analysis: %(error)s", error=str(error)) from None
    return RulePower(kind=kind, rule_description=rules.describe_rule(rule), report=report)


def rule_powers(games: Sequence[tuple[str, Mapping[str, object], Sequence[Mapping[str, str]]]]) -> list[RulePower]:
    """Each (kind, rule, members) game's ``rule_power``, computed here and now (the app passes a budgeted one)."""
    return [rule_power(kind, rule, eligible) for kind, rule, eligible in games]


def _closed_majority_ballots(session: Session, coalition: Coalition) -> list[tuple[Ballot, Proposal, dict[str, str]]]:
    rows = session.exec(select(Ballot, Proposal).join(Proposal).where(
        Ballot.coalition_id == coalition.id, Ballot.status == "closed").order_by(Proposal.number)).all()
    found = []
    for ballot, proposal in rows:
        if ballot.rule.get("type") != "majority":
            continue
        votes = session.exec(select(Vote, Member).join(Member).where(Vote.ballot_id == ballot.id)).all()
        found.append((ballot, proposal, {m.slug: v.choice["choice"] for v, m in votes}))
    return found


@dataclass(frozen=True)
class BallotPivots:
    """A closed yes/no ballot and, per pivotal member, the switches that would have changed its outcome."""

    number: int
    title: str
    outcome: str
    pivotal: dict[str, list[str]]


@dataclass(frozen=True)
class MemberRecord:
    """How often a member's vote matched the outcome (``success_rate`` exact, None before any ballot)."""

    member: str
    name: str
    ballots: int
    successes: int
    success_rate: str | None
    pivotal: int


@dataclass(frozen=True)
class PowerHistory:
    ballots: list[BallotPivots]
    members: list[MemberRecord]


def power_history(session: Session, *, coalition: Coalition) -> PowerHistory:
    """For each closed yes/no ballot, who was pivotal; for each member, how often the outcome matched its vote."""
    records: dict[str, dict[str, int]] = {}
    pivots = []
    for ballot, proposal, votes in _closed_majority_ballots(session, coalition):
        pivotal = pivotal_members(ballot.rule, ballot.eligible, votes)
        pivots.append(BallotPivots(number=proposal.number, title=proposal.title, outcome=proposal.outcome or "",
                                   pivotal=pivotal))
        for member, choice in votes.items():
            record = records.setdefault(member, {"ballots": 0, "successes": 0, "pivotal": 0})
            record["ballots"] += 1
            passed = proposal.outcome == "passed"
            record["successes"] += (choice == "yes" and passed) or (choice in ("no", "block") and not passed)
            record["pivotal"] += member in pivotal
    names = {m.slug: m.name for m in members.list_members(session, coalition=coalition, limit=100_000)}
    return PowerHistory(ballots=pivots, members=[
        MemberRecord(member=slug, name=names.get(slug, slug), ballots=r["ballots"], successes=r["successes"],
                     success_rate=_ratio(r["successes"], r["ballots"]), pivotal=r["pivotal"])
        for slug, r in sorted(records.items())])


def _ratio(part: int, whole: int) -> str | None:
    return format_exact(Fraction(part, whole)) if whole else None


@dataclass(frozen=True)
class ChangedOutcome:
    number: int
    title: str
    recorded: str
    would_be: str


@dataclass(frozen=True)
class WhatIfOutcome:
    """The current and the proposed power report, and the past outcomes the proposal would have changed."""

    kind: str
    current: RulePower
    proposed: RulePower
    changed_outcomes: list[ChangedOutcome]
    ballots_recounted: int


def what_if(session: Session, *, coalition: Coalition, kind: str, rule: Mapping[str, object] | None,
            weights: Mapping[str, object],
            rule_powers: Callable[[Sequence[tuple[str, Mapping, list]]], list[RulePower]] = rule_powers,
            ) -> WhatIfOutcome:
    """The power report under other weights or another rule (None: the current one), beside the current one, and
    which past outcomes of ``kind`` would have differed; nothing is stored. An unknown member is NotFound.
    ``rule_powers`` computes the two reports (the app passes one that runs under its time budget)."""
    current_rule = coalitions.get_rules(session, coalition)[kind]
    proposed_rule = rules.normalize_rule(kind, rule) if rule else current_rule
    eligible = eligible_rows(session, coalition=coalition)
    new_weights = {}
    for member, weight in weights.items():
        members.get_member(session, coalition=coalition, slug=member)
        new_weights[member] = format_exact(members.parse_weight(weight))
    proposed = [{**row, "weight": new_weights.get(row["member"], row["weight"])} for row in eligible]
    changed, recounted = [], 0
    for ballot, proposal, votes in _closed_majority_ballots(session, coalition):
        if proposal.kind != kind:
            continue
        recounted += 1
        frozen = [{**row, "weight": new_weights.get(row["member"], row["weight"])} for row in ballot.eligible]
        would_be = count_ballot(rule=proposed_rule, eligible=frozen, votes={m: {"choice": c} for m, c in votes.items()})
        if would_be["outcome"] != proposal.outcome:
            changed.append(ChangedOutcome(number=proposal.number, title=proposal.title, recorded=proposal.outcome or "",
                                          would_be=would_be["outcome"]))
    current, proposed_power = rule_powers([(kind, current_rule, eligible), (kind, proposed_rule, proposed)])
    return WhatIfOutcome(kind=kind, current=current, proposed=proposed_power, changed_outcomes=changed,
                         ballots_recounted=recounted)
