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


TOO_MANY_WHAT_IFS = N_("Too many what-if analyses from this address without an account; sign in, or try again in "
                       "%(wait)s seconds.")


class AddressLimiter:
    """At most ``per_address`` requests of one kind per client address in ``window``: what-ifs asked without an
    account, each of which may compute two power reports. Addresses with nothing in the window are forgotten."""

    def __init__(self, *, per_address: int = 30, window: timedelta = timedelta(minutes=5),
                 message: str = TOO_MANY_WHAT_IFS) -> None:
        self.per_address, self.window, self.message = per_address, window, message
        self.seen: dict[str, deque[datetime]] = {}

    def check(self, *, address: str, now: datetime) -> None:
        seen = self.seen.setdefault(address, deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.per_address:
            raise TooManyAttempts(self.message, wait=int((seen[0] + self.window - now).total_seconds()) + 1)
        seen.append(now)
        if len(self.seen) > 10_000:
            for stale in [key for key, times in self.seen.items() if not times or now - times[-1] > self.window]:
                del self.seen[stale]
