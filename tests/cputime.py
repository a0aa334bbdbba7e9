"""CPU time an answer cost the server, without what else the test worker's process does meanwhile.

Three things besides the answer spend this process's CPU while a test times it:
- threads earlier tests left running: a test's app may leave a power count or a design search finishing on a thread
  after the test ends (by design). ``OwnCpu`` remembers the threads alive when it is made and subtracts their CPU.
- work the test's own earlier answers left running the same way (a what-if's exact count goes on after its estimate
  is answered): ``settle`` waits for the app's background work before the next answer is timed.
- the cyclic garbage collector. An xdist worker that has run a few hundred tests holds about a million objects; a
  full collection of them took 0.8 CPU seconds here after tests/app, and falls on whichever allocation triggers it
  (CI charged 1.7 to 2.6 s to single 4xx answers). ``frozen_heap`` puts everything alive when a timing test starts
  out of the collector's reach (``gc.freeze``, as ``app/asgi.py`` does in a server), so a collection during an
  answer scans only what the test made since.
"""

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI


class OwnCpu:
    """CPU seconds of the threads started since it was made (plus the caller's), read with ``seconds()``."""

    def __init__(self) -> None:
        current = threading.current_thread()
        self.foreign = {thread: 0.0 for thread in threading.enumerate() if thread is not current and thread.ident}

    def seconds(self) -> float:
        """The process's CPU seconds less the foreign threads' (a foreign thread that ended keeps its last reading:
        the process's clock keeps the CPU of ended threads)."""
        for thread in self.foreign:
            if thread.is_alive():
                try:
                    self.foreign[thread] = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
                except OSError:  # it ended between the two calls
                    pass
        return time.process_time() - sum(self.foreign.values())


def settle(app: FastAPI, timeout: float = 60) -> None:
    """Wait (at most ``timeout`` seconds) until ``app`` has no exact power count, budgeted computation or design
    search queued or under way."""
    state, deadline = app.state, time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = getattr(state, "design_jobs", None)
        if not (state.power_cache.pending() or state.compute_budget.running() or (jobs is not None and jobs.waiting)):
            return
        time.sleep(0.02)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Within the block the cyclic collector skips every object that existed when it began (``gc.freeze``)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
