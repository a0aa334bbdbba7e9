"""Login attempts limited per account and per address, in memory per process."""

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


TOO_MANY_APPLICATIONS = N_("Too many applications from this address; try again in %(wait)s seconds.")


class ApplicationLimiter:
    """At most ``per_address`` applications to join per client address in ``window`` (the public form needs no
    account, so the address is all there is to limit)."""

    def __init__(self, *, per_address: int = 5, window: timedelta = timedelta(hours=1)) -> None:
        self.per_address, self.window = per_address, window
        self.attempts: dict[str, deque[datetime]] = defaultdict(deque)

    def check(self, *, address: str, now: datetime) -> None:
        seen = self.attempts[address]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.per_address:
            raise TooManyAttempts(TOO_MANY_APPLICATIONS, wait=int((seen[0] + self.window - now).total_seconds()) + 1)
        seen.append(now)
