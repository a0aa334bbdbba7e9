"""Sign-in attempts, anonymous what-ifs, posts and applications limited per account or address, in memory per
process."""

from collections import defaultdict, deque
from datetime import datetime, timedelta

from governance.errors import N_, DomainError


FORGET_PAST = 10_000
"""Keys a limiter keeps before it forgets those with nothing left in the window."""


def forget_stale(times: dict, since: datetime, at: int) -> int:
    """Once ``times`` holds ``at`` keys, drop those with nothing since ``since`` (a flood of made-up usernames or
    addresses must not grow memory without end); the next size to do it again, twice what is left, so that the
    work stays proportional to the requests."""
    if len(times) < at:
        return at
    for stale in [key for key, seen in times.items() if not seen or seen[-1] < since]:
        del times[stale]
    return max(FORGET_PAST, 2 * len(times))


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
        self._forget_at = FORGET_PAST

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
        self._forget_at = forget_stale(self.attempts, now - self.window, self._forget_at)


TOO_MANY_WHAT_IFS = N_("Too many what-if analyses from this address without an account; sign in, or try again in "
                       "%(wait)s seconds.")
TOO_MANY_POSTS = N_("You are posting too fast; try again in %(wait)s seconds.")
TOO_MANY_APPLICATIONS = N_("Too many applications from this address; try again in %(wait)s seconds.")


class WindowLimiter:
    """At most ``limit`` requests of one kind per key (a client address, an account) in a sliding ``window``; the
    refusal is ``message`` with the seconds to wait. Keys with nothing left in the window are forgotten, so a flood
    of made-up keys cannot grow memory without end."""

    def __init__(self, *, limit: int, window: timedelta, message: str) -> None:
        self.limit, self.window, self.message = limit, window, message
        self.seen: dict[str, deque[datetime]] = {}
        self._forget_at = FORGET_PAST

    def check(self, *, key: str, now: datetime) -> None:
        seen = self.seen.setdefault(key, deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            raise TooManyAttempts(self.message, wait=int((seen[0] + self.window - now).total_seconds()) + 1)
        seen.append(now)
        self._forget_at = forget_stale(self.seen, now - self.window, self._forget_at)


def what_if_limiter(per_address: int) -> WindowLimiter:
    """What-ifs asked without an account, per client address (each may compute two power reports)."""
    return WindowLimiter(limit=per_address, window=timedelta(minutes=5), message=TOO_MANY_WHAT_IFS)


def post_limiter(per_minute: int) -> WindowLimiter:
    """Comments, edits and amendments per account."""
    return WindowLimiter(limit=per_minute, window=timedelta(minutes=1), message=TOO_MANY_POSTS)


def application_limiter(per_hour: int = 5) -> WindowLimiter:
    """Applications to join per client address (the public form needs no account: the address is all there is)."""
    return WindowLimiter(limit=per_hour, window=timedelta(hours=1), message=TOO_MANY_APPLICATIONS)
