"""The browser session: a signed cookie holding a random session id, the account id and when it was issued."""

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from app.settings import Settings

COOKIE = "concord_session"
MAX_AGE = 14 * 24 * 3600


@dataclass(frozen=True)
class PageSession:
    sid: str
    account_id: int | None = None
    issued_at: int = 0
    fresh: bool = False


def session_secret(settings: Settings) -> str:
    """``settings.secret_key``, else a random secret created once in ``key_dir/session.secret`` (mode 0600)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.key_dir) / "session.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass
    return path.read_text().strip()


class SessionCodec:
    """Signs and reads session cookies with the app's secret."""

    def __init__(self, secret: str, *, secure: bool) -> None:
        self.secret = secret
        self.secure = secure
        self._serializer = URLSafeTimedSerializer(secret, salt="concord.session")

    def read(self, cookie: str | None) -> PageSession:
        if cookie:
            try:
                data = self._serializer.loads(cookie, max_age=MAX_AGE)
                return PageSession(sid=str(data["s"]), account_id=data.get("a"), issued_at=int(data["t"]))
            except (BadSignature, KeyError, TypeError, ValueError):
                pass
        return self.new()

    def new(self, account_id: int | None = None) -> PageSession:
        """A session with a new random id: issued at sign-in and sign-out, so an id never outlives either."""
        return PageSession(sid=secrets.token_urlsafe(24), account_id=account_id, issued_at=int(time.time()), fresh=True)

    def store(self, response: Response, session: PageSession) -> None:
        value = self._serializer.dumps({"s": session.sid, "a": session.account_id, "t": session.issued_at})
        response.set_cookie(COOKIE, value, max_age=MAX_AGE, httponly=True, samesite="lax", secure=self.secure, path="/")
