"""Power analysis of a coalition's rules and ballots: the a priori model, pivotal members, what-ifs."""

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

from governance.rules import majority_rule
from voting.exact import format_exact, parse_exact
from voting.majority import MajorityRule, decide
from voting.power import Criterion, ExactTooSlow, Game, PowerError, analyze, monte_carlo, quota_from_share

__all__ = ["MODEL", "PowerCache", "game_for_rule", "pivotal_members", "power_report", "switch_alternatives"]

MODEL = ("A priori power: every eligible member votes yes or no, all coalitions equally likely. A member's "
         "Banzhaf power is its share of the swings (coalitions it turns from losing to winning); its "
         "Shapley-Shubik power is the share of voting orders in which it is pivotal.")
EXACT_LIMIT_SECONDS = 2.0
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
    """Exact reports by game; a game too large to count while a page waits gets an estimate now and its
    exact figure computed in the background, served from the cache once ready."""

    def __init__(self, workers: int = 1) -> None:
        self._reports: dict[Game, dict] = {}
        self._pending: set[Game] = set()
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="power")

    def report(self, game: Game) -> dict:
        with self._lock:
            if game in self._reports:
                return self._reports[game]
        try:
            report = analyze(game, exact_limit_seconds=EXACT_LIMIT_SECONDS).to_dict()
        except ExactTooSlow:
            self._compute_later(game)
            return monte_carlo(game, samples=MONTE_CARLO_SAMPLES, seed=0).to_dict()
        except PowerError:  # no exact method for this game's shape: the estimate is all there is
            return monte_carlo(game, samples=MONTE_CARLO_SAMPLES, seed=0).to_dict()
        with self._lock:
            self._reports[game] = report
        return report

    def _compute_later(self, game: Game) -> None:
        with self._lock:
            if game in self._pending:
                return
            self._pending.add(game)

        def work() -> None:
            try:
                report = analyze(game).to_dict()
            except PowerError:
                report = None
            with self._lock:
                if report is not None:
                    self._reports[game] = report
                self._pending.discard(game)

        self._executor.submit(work)


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
