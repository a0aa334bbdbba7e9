"""How busy this process is answering requests, for background work that should give way to it.

The outbox worker runs inside the server processes; a burst of notifications (a ballot opening for a thousand
members) would otherwise take the processor, and Python's lock, from the votes arriving at the same moment.
"""

import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["Foreground", "MarkForeground", "never_busy"]


def never_busy() -> bool:
    """A process that answers no requests (``concord worker``)."""
    return False


class Foreground:
    """The moment this process last began answering a request; ``busy`` while that was less than ``window`` seconds
    ago. One float written per request: no lock (a torn read cannot happen on a Python float)."""

    def __init__(self, window: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self.window, self.clock = window, clock
        self.last = float("-inf")

    def mark(self) -> None:
        self.last = self.clock()

    def busy(self) -> bool:
        return self.clock() - self.last < self.window


class MarkForeground:
    """ASGI middleware: every HTTP request marks the process busy when it arrives."""

    def __init__(self, app: ASGIApp, *, foreground: Foreground) -> None:
        self.app, self.foreground = app, foreground

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.foreground.mark()
        await self.app(scope, receive, send)
