"""Login attempts limited per account and per address, in memory per process."""

from collections import defaultdict, deque
from datetime import datetime, timedelta

from governance.errors import DomainError


class TooManyAttempts(DomainError):
    status_code = 429


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
                raise TooManyAttempts(f"Too many sign-in attempts for this {kind}; try again in {wait} seconds.")
        for kind, key in (("account", username.strip().lower()), ("address", address)):
            self.attempts[(kind, key)].append(now)
