"""A small asyncio HTTP/1.1 keep-alive client for load drivers: one connection per client, loopback only.

httpx spends about a millisecond of CPU per request in pure Python; on a two-core machine a driver built on it
takes CPU from the server it measures. This client writes the request bytes itself and reads the answer by its
Content-Length (or chunks), so the driver costs a few tens of microseconds per request (RFC 9112).
"""

import asyncio
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["RawConnection", "RawResponse", "TransportError"]


class TransportError(Exception):
    """The connection failed, closed mid-answer, or timed out; the request's fate is unknown."""


@dataclass(frozen=True)
class RawResponse:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> object:
        return json.loads(self.content)


class RawConnection:
    """One persistent HTTP/1.1 connection; reconnects after a failure; one request at a time."""

    def __init__(self, url: str, timeout: float = 30) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.timeout = parts.hostname or "127.0.0.1", parts.port or 80, timeout
        self.authority = f"{self.host}:{self.port}".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, *, json_body: object = None,
                      headers: dict[str, str] | None = None) -> RawResponse:
        """Send one request and read its whole answer; ``TransportError`` on any connection failure."""
        try:
            return await asyncio.wait_for(self._exchange(method, path, json_body, headers or {}), self.timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as error:
            self.close()
            raise TransportError(type(error).__name__) from error

    async def _exchange(self, method: str, path: str, json_body: object, headers: dict[str, str]) -> RawResponse:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        body = b"" if json_body is None else json.dumps(json_body).encode()
        head = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.authority,
                b"Content-Length: " + str(len(body)).encode()]
        if json_body is not None:
            head.append(b"Content-Type: application/json")
        head += [f"{name}: {value}".encode() for name, value in headers.items()]
        self._writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        return await self._read_response()

    async def _read_response(self) -> RawResponse:
        assert self._reader is not None
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            content = await self._read_chunks()
        else:
            content = await self._reader.readexactly(int(fields.get(b"content-length", b"0")))
        if fields.get(b"connection", b"").lower() == b"close":
            self.close()
        return RawResponse(status, content)

    async def _read_chunks(self) -> bytes:
        assert self._reader is not None
        parts = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None
