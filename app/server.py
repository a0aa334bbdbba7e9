"""The HTTP server's own limits, which the app cannot set: how long a request's head may take, and uvicorn's options.

uvicorn bounds an idle keep-alive connection (``timeout_keep_alive``) and the number of connections and requests
(``limit_concurrency``, past which it answers 503), but not the time a client takes to send a request's head: a
client that sends its headers a byte a minute would hold its connection, and a share of ``limit_concurrency``,
forever. ``GuardedHttpToolsProtocol`` closes a connection whose request head is not complete within
``CONCORD_HEADER_TIMEOUT`` seconds of the connection or of the request's first byte (RFC 9112 section 9.5 lets a
server close an idle or slow connection), and answers 431 to a head larger than ``MAX_HEAD_BYTES`` (RFC 6585
section 5), which httptools does not bound: a fast client could otherwise fill memory with headers for as long as
the deadline lasts. The body's own deadline and size are ``app.limits.BodyLimit``'s.
"""

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.settings import Settings, get_settings

__all__ = ["MAX_HEAD_BYTES", "GuardedHttpToolsProtocol", "uvicorn_options"]

MAX_HEAD_BYTES = 64 * 1024
"""Bytes of a request line and headers: browsers send a few kilobytes; nginx and Node refuse past 8 to 16 KiB."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on each request's head."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.header_timeout = get_settings().header_timeout
        self._head_deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._head_deadline is not None and not self.transport.is_closing():  # the head is still incomplete
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(b"431 Request Header Fields Too Large", b"The request head is too large.\n")

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_deadline is None:
            self._head_bytes = 0
            self._head_deadline = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:  # a pipelined head behind a running request
            self._arm()
            return
        self._refuse(b"408 Request Timeout", b"The request head did not arrive in time.\n")

    def _refuse(self, status: bytes, body: bytes) -> None:
        self._disarm()
        if self.cycle is not None and not self.cycle.response_complete:  # mid-answer: only closing is left
            self.transport.close()
        elif not self.transport.is_closing():
            self.transport.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                 b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
                                 + body)
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """The keyword arguments of ``uvicorn.run`` that carry Concord's limits."""
    return {"http": GuardedHttpToolsProtocol, "timeout_keep_alive": settings.keep_alive,
            "limit_concurrency": settings.max_concurrency, "proxy_headers": True, "timeout_graceful_shutdown": 10}
