"""Request bodies within a size and a time: read whole before the app sees them, a 413 past the size and a 408 past
the time, whether the client declared a Content-Length or sends chunks (RFC 9110 sections 15.5.9 and 15.5.14)."""

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimit"]


class BodyLimit:
    """A declared Content-Length over the limit is refused at once. Any other body is read up to the limit and
    refused as soon as it passes it; the whole body must arrive within ``timeout`` seconds of the request's head,
    so a client that sends it a byte at a time, or a chunked body that never ends, is answered 408 and let go.
    The app then reads the body from memory."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float = 30.0) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send, 413, f"The request body is larger than {self.max_bytes} bytes.")
            return
        messages, received = [], 0
        deadline = asyncio.get_running_loop().time() + self.timeout
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                await self._refuse(send, 408, f"The request body did not arrive within {self.timeout:g} seconds.")
                return
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                await self._refuse(send, 413, f"The request body is larger than {self.max_bytes} bytes.")
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, status: int, message: str) -> None:
        body = json.dumps({"detail": message}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
