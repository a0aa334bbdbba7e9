"""CPU-heavy work a request asks for (power reports, what-ifs) in a few worker processes, under a time budget.

Worker processes, not threads: the exact power tables spend seconds in single calls of C code (gmpy2, big
integers) that hold the interpreter's lock, and would stop the server's event loop, every other request with it,
for as long. ``processes=0`` runs the work on threads in the process instead (the tests' in-process apps).
The request's thread waits at most ``seconds``: the answer, or a 503 saying the work goes on and when to ask again.
The same work asked again attaches to the computation under way and, once done, is served from the last results kept.
Only ``pending`` computations run or wait at once; past that a request is refused at once, so that a flood of
distinct what-ifs cannot queue up CPU work without end.
"""

import json
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from fastapi import Request

from governance import power, rules
from governance.errors import N_, DomainError, RuleViolation
from voting.power import PowerError

__all__ = ["Busy", "ComputeBudget", "budgeted_power", "budgeted_rule_powers", "game_key", "power_reports"]

T = TypeVar("T")
STILL_COMPUTING = N_("This power analysis takes more than %(seconds)s seconds; it goes on in the background: "
                     "ask again in a minute.")
TOO_BUSY = N_("The server is already computing as many power analyses as it can; ask again in a minute.")


class Busy(DomainError):
    """The work did not finish within the request's time budget, or too much is under way: retry later."""

    status_code = 503
    retry_after = 60


def power_reports(games: Sequence[tuple[Mapping, Sequence[Mapping[str, str]]]]) -> list[tuple[dict | None, str | None]]:
    """Each (rule, members) game's power report, or why it has none: the work a worker process does."""
    found = []
    for rule, eligible in games:
        try:
            found.append((power.power_report(rule, eligible), None))
        except PowerError as error:
            found.append((None, str(error)))
    return found


def _limit_power(limits: Mapping[str, int]) -> None:
    """A worker process counts power within the same memory budget and cache bounds as the server."""
    if limits:
        power.configure_cache(**limits)


class ComputeBudget:
    def __init__(self, *, seconds: float, processes: int = 2, pending: int = 8, keep: int = 64,
                 power_limits: Mapping[str, int] | None = None) -> None:
        self.seconds, self.processes, self.pending, self.keep = seconds, processes, pending, keep
        self.power_limits = dict(power_limits or {})  # governance.power.configure_cache's bounds, in each process
        self._executor: Executor | None = None
        self._futures: OrderedDict[Hashable, Future] = OrderedDict()
        self._lock = threading.Lock()

    def run(self, key: Hashable, work: Callable[..., T], *args: object) -> T:
        """``work(*args)``'s result (or its exception) within the budget; ``Busy`` when it takes longer or too much
        runs. In processes, ``work`` and ``args`` must pickle: a module's function and plain data."""
        future = self._future(key, work, args)
        try:
            return future.result(timeout=self.seconds)
        except FutureTimeout:
            raise Busy(STILL_COMPUTING, seconds=f"{self.seconds:g}") from None
        except BrokenProcessPool:  # a worker died (out of memory, killed): start afresh for the next request
            with self._lock:
                self._futures.pop(key, None)
                self._executor = None
            raise Busy(TOO_BUSY) from None

    def running(self) -> int:
        """Computations queued or under way (a request that gave up waiting leaves its computation running)."""
        with self._lock:
            return sum(not future.done() for future in self._futures.values())

    def _start(self) -> Executor:
        if self.processes:
            return ProcessPoolExecutor(max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_limit_power, initargs=(self.power_limits,))
        return ThreadPoolExecutor(max_workers=2, thread_name_prefix="budget")

    def _future(self, key: Hashable, work: Callable[..., T], args: tuple) -> Future:
        with self._lock:
            future = self._futures.get(key)
            if future is not None:
                self._futures.move_to_end(key)
                return future
            if sum(not future.done() for future in self._futures.values()) >= self.pending:
                raise Busy(TOO_BUSY)
            if self._executor is None:
                self._executor = self._start()
            future = self._executor.submit(work, *args)
            self._futures[key] = future
            done = [old for old, kept in self._futures.items() if kept.done()]
            for old in done[:max(len(self._futures) - self.keep, 0)]:
                del self._futures[old]
            return future


def game_key(kind: str, rule: Mapping, eligible: Sequence[Mapping[str, str]]) -> tuple:
    """What identifies a power computation: the same key is the same work (and the same cached result)."""
    return kind, json.dumps(rule, sort_keys=True, default=str), tuple(
        (row["member"], row.get("name", ""), str(row["weight"])) for row in eligible)


def budgeted_rule_powers(request: Request) -> Callable[[Sequence[tuple[str, Mapping, list]]], list[power.RulePower]]:
    """``governance.power.rule_powers`` computed by the app's budgeted workers, for the API and the pages alike."""
    def rule_powers(games: Sequence[tuple[str, Mapping, list]]) -> list[power.RulePower]:
        key = tuple(game_key(*game) for game in games)
        found = request.app.state.compute_budget.run(key, power_reports,
                                                     [(rule, eligible) for _, rule, eligible in games])
        results = []
        for (kind, rule, _), (report, error) in zip(games, found):
            if error is not None:
                raise RuleViolation("power analysis: %(error)s", error=error)
            results.append(power.RulePower(kind=kind, rule_description=rules.describe_rule(rule), report=report))
        return results
    return rule_powers


def budgeted_power(request: Request) -> Callable[[Mapping, list], dict]:
    """``power.power_report`` computed by the app's budgeted workers: what opening a ballot freezes with it."""
    def report(rule: Mapping, eligible: list) -> dict:
        [(found, error)] = request.app.state.compute_budget.run(
            ("ballot", game_key("", dict(rule), eligible)), power_reports, [(rule, eligible)])
        if error is not None:
            raise RuleViolation("power analysis: %(error)s", error=error)
        return found
    return report
