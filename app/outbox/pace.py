"""A processor share for deliveries while the process answers requests.

A token bucket counted in CPU seconds: while the foreground is busy, the deliveries together may spend ``share`` of
one core (their own threads' CPU, ``time.thread_time``, measured after each), and a delivery that would overspend
waits until the bucket has refilled. While nobody is asking anything, deliveries run at full speed and nothing is
owed. No notification is ever starved: the share is a floor under load as much as a ceiling.
"""

import threading
import time
from collections.abc import Callable

__all__ = ["CpuShare"]


class CpuShare:
    """``spend`` what a delivery cost; ``wait`` before the next one. ``share`` 1 or more never waits."""

    def __init__(self, share: float, busy: Callable[[], bool], *, burst: float = 0.05,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.share, self.busy, self.burst, self.clock = share, busy, burst, clock
        self.owed = 0.0  # CPU seconds spent under load and not yet earned back
        self.since = clock()
        self.lock = threading.Lock()

    def _earn(self) -> float:
        now = self.clock()
        self.owed = max(-self.burst, self.owed - (now - self.since) * self.share)
        self.since = now
        return self.owed

    def spend(self, cpu_seconds: float) -> None:
        """Charge a finished delivery's CPU, when it ran under load (idle time is free)."""
        if self.share >= 1 or not self.busy():
            return
        with self.lock:
            self._earn()
            self.owed += cpu_seconds

    def delay(self) -> float:
        """Seconds to wait before the next delivery now: 0 when idle or nothing is owed."""
        if self.share >= 1:
            return 0.0
        with self.lock:
            owed = self._earn()
        if owed <= 0 or not self.busy():
            return 0.0
        return owed / self.share

    def wait(self, stopping: threading.Event) -> None:
        """Wait until the next delivery may start (or ``stopping`` is set); the load is looked at again after each
        pause, so deliveries resume at full speed the moment the requests stop."""
        while not stopping.is_set():
            pause = self.delay()
            if pause <= 0:
                return
            stopping.wait(min(pause, 0.25))
