"""Login attempts limited per account and per address, and posts per account, in memory per process."""

from collections import defaultdict, deque
from datetime import datetime, timedelta

from governance.errors import N_, DomainError


class TooManyAttempts(DomainError):
    status_code = 429


# One whole sentence per kind, so that a translation words "this account" and "this address" itself.
TOO_MANY_ATTEMPTS = {"account": N_("Too many sign-in attempts for this account; try again in %(wait)s seconds."),
                     "address": N_("Too many sign-in attempts for this address; try again in %(wait)s seconds.")}


class LoginLimiter:
    """At most ``per_account`` attempts per username and ``per_address`` per client address in ``window``."""

    def __init__(self, *, per_account: int = 10, per_address: int = 30, window: timedelta = timedelta(minutes=5)):
        self.limits = {"account": per_account, "address": per_address}
        self.window = window
        self.attempts: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)

    def check(self, *, username: str, address: str, now: datetime) -> None:
        for kind, key in (("account", username.strip().lower()), ("address", address)):
            seen = self.attempts[(kind, key)]
            while seen and now - seen[0] > self.window:
                seen.popleft()
            if len(seen) >= self.limits[kind]:
                wait = int((seen[0] + self.window - now).total_seconds()) + 1
                raise TooManyAttempts(TOO_MANY_ATTEMPTS[kind], wait=wait)
        for kind, key in (("account", username.strip().lower()), ("address", address)):
            self.attempts[(kind, key)].append(now)


TOO_MANY_POSTS = N_("You are posting too fast; try again in %(wait)s seconds.")


class PostLimiter:
    """At most ``per_window`` comments, edits and amendments per account in ``window``."""

    def __init__(self, *, per_window: int = 10, window: timedelta = timedelta(minutes=1)) -> None:
        self.per_window, self.window = per_window, window
        self.posts: dict[str, deque[datetime]] = defaultdict(deque)

    def check(self, *, account: str, now: datetime) -> None:
        seen = self.posts[account]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.per_window:
            raise TooManyAttempts(TOO_MANY_POSTS, wait=int((seen[0] + self.window - now).total_seconds()) + 1)
        seen.append(now)
