"""CPU-heavy work a request asks for (a power report, a what-if) on a few worker threads, under a time budget.

The request's thread waits at most ``seconds``: the answer, or a 503 saying the work goes on and when to ask again.
The same work asked again attaches to the computation under way and, once done, is served from the last results kept.
Only ``pending`` computations run or wait at once; past that a request is refused at once, so that a flood of
distinct what-ifs cannot queue up CPU work without end.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from governance.errors import N_, DomainError

__all__ = ["Busy", "ComputeBudget"]

T = TypeVar("T")
STILL_COMPUTING = N_("This power analysis takes more than %(seconds)s seconds; it goes on in the background: "
                     "ask again in a minute.")
TOO_BUSY = N_("The server is already computing as many power analyses as it can; ask again in a minute.")


class Busy(DomainError):
    """The work did not finish within the request's time budget, or too much is under way: retry later."""

    status_code = 503
    retry_after = 60


class ComputeBudget:
    def __init__(self, *, seconds: float, workers: int = 2, pending: int = 8, keep: int = 64) -> None:
        self.seconds, self.pending, self.keep = seconds, pending, keep
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="budget")
        self._futures: OrderedDict[Hashable, Future] = OrderedDict()
        self._lock = threading.Lock()

    def run(self, key: Hashable, work: Callable[[], T]) -> T:
        """``work()``'s result (or its exception) within the budget; ``Busy`` when it takes longer or too much runs."""
        future = self._future(key, work)
        try:
            return future.result(timeout=self.seconds)
        except FutureTimeout:
            raise Busy(STILL_COMPUTING, seconds=f"{self.seconds:g}") from None

    def _future(self, key: Hashable, work: Callable[[], T]) -> Future:
        with self._lock:
            future = self._futures.get(key)
            if future is not None:
                self._futures.move_to_end(key)
                return future
            if sum(not running.done() for running in self._futures.values()) >= self.pending:
                raise Busy(TOO_BUSY)
            future = self._executor.submit(work)
            self._futures[key] = future
            done = [old for old, kept in self._futures.items() if kept.done()]
            for old in done[:max(len(self._futures) - self.keep, 0)]:
                del self._futures[old]
            return future
