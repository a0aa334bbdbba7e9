"""Rule-designer searches in the background: one at a time per process, each within a time budget, rate-limited.

A search is CPU work for seconds: it runs on one worker thread beside the requests (which keep being served,
the interpreter switching threads every few milliseconds), stops at ``SECONDS`` whatever its evaluation budget,
and at most ``QUEUE`` wait or run at once. Jobs live in this process's memory for ``KEEP_SECONDS``: a
deployment with several worker processes needs sticky sessions for the job page (or one process for searches).
"""

import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction

from governance.errors import N_, DomainError, NotFound, RuleViolation
from voting.design import Constraints, Design, DesignError, Problem, design, target_shares
from voting.power import PowerError

__all__ = ["DesignJob", "DesignJobs", "DesignOptions", "SearchLimiter", "TooManySearches", "jobs_of", "problem_for"]

SECONDS = 20.0
EVALUATIONS = 4000
QUEUE = 4
KEEP_SECONDS = 3600
MAX_MEMBERS = 200
MAX_WEIGHT = 1000
MAX_WORK = 5_000_000


class TooManySearches(DomainError):
    status_code = 429


class SearchesBusy(DomainError):
    status_code = 503


@dataclass(frozen=True)
class DesignOptions:
    """What a visitor asks for; ``values``: member slug -> size (or share, for the ``shares`` target); a
    member without one counts with its weight as its size."""

    target: str = "sqrt"
    index: str = "banzhaf"
    max_weight: int = 100
    double_majority: bool = False
    no_veto: bool = False
    no_dummy: bool = False
    max_share: Fraction | None = None
    min_blocking: int | None = None
    min_quota: Fraction = Fraction(1, 2)
    values: Mapping[str, str] = field(default_factory=dict)


def _work(members: int, options: DesignOptions) -> int:
    """A bound on one evaluation's steps: (distinct weights) x (total weight), times the members when the table
    is kept by coalition size (Shapley-Shubik, double majority); a search makes thousands."""
    by_size = options.index == "shapley_shubik" or options.double_majority
    return min(members, options.max_weight) * members * options.max_weight * (members if by_size else 1)


def problem_for(eligible: Sequence[Mapping[str, str]], options: DesignOptions) -> Problem:
    """The design problem over the active members (by slug), from their weights or the values given."""
    if len(eligible) > MAX_MEMBERS:
        raise DomainError("The designer handles up to %(count)s members here; use the command line for more.",
                          count=MAX_MEMBERS)
    if not 1 <= options.max_weight <= MAX_WEIGHT:
        raise DomainError("The largest weight must be a whole number from 1 to %(limit)s.", limit=MAX_WEIGHT)
    if _work(len(eligible), options) > MAX_WORK:
        raise DomainError("This search is too large for the web page (%(members)s members, weights up to %(weight)s); "
                          "lower the largest weight, or use concord design on the command line.",
                          members=len(eligible), weight=options.max_weight)
    slugs = [row["member"] for row in eligible]
    unknown = sorted(set(options.values) - set(slugs))
    if unknown:
        raise NotFound("No active member %(member)s here.", member=unknown[0])
    if options.target == "shares" and set(options.values) != set(slugs):
        raise DomainError("Give every member a target share.")
    values = [options.values.get(row["member"], str(row["weight"])) for row in eligible]
    try:
        constraints = Constraints(no_veto=options.no_veto, no_dummy=options.no_dummy, max_share=options.max_share,
                                  min_blocking=options.min_blocking, min_quota=options.min_quota)
        return Problem.of(slugs, target_shares(values, options.target), index=options.index,
                          max_weight=options.max_weight, double_majority=options.double_majority,
                          constraints=constraints)
    except DesignError as error:
        raise RuleViolation("The design cannot be set up: %(error)s", error=str(error)) from None


def jobs_of(app: object) -> tuple["DesignJobs", "SearchLimiter"]:
    """The app's searches and limiter, made at first use."""
    state = app.state  # type: ignore[attr-defined]
    with _STATE_LOCK:
        if not hasattr(state, "design_jobs"):
            state.design_jobs, state.design_limiter = DesignJobs(), SearchLimiter()
    return state.design_jobs, state.design_limiter


_STATE_LOCK = threading.Lock()


@dataclass
class DesignJob:
    """One search: queued, running, done (``result``) or failed (``error``); ``done`` of ``total`` evaluations."""

    id: str
    coalition: str
    problem: Problem
    names: dict[str, str]
    status: str = "queued"
    done: int = 0
    total: int = 0
    result: Design | None = None
    error: str | None = None
    created: float = field(default_factory=time.monotonic)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the status, progress and, once done, the candidates (weights by member slug)."""
        return {"id": self.id, "status": self.status, "evaluated": self.done, "budget": self.total,
                "names": self.names, "error": self.error,
                "result": None if self.result is None else self.result.to_dict()}


class DesignJobs:
    """This process's searches, run one at a time on a worker thread (created at the first search)."""

    def __init__(self, *, seconds: float = SECONDS, evaluations: int = EVALUATIONS, queue: int = QUEUE) -> None:
        self.seconds, self.evaluations, self.queue = seconds, evaluations, queue
        self.jobs: dict[str, DesignJob] = {}
        self.lock = threading.Lock()
        self.executor: ThreadPoolExecutor | None = None

    def start(self, coalition: str, problem: Problem, names: dict[str, str]) -> DesignJob:
        """Queue a search; SearchesBusy when ``queue`` searches already wait or run."""
        with self.lock:
            now = time.monotonic()
            for key in [k for k, job in self.jobs.items() if now - job.created > KEEP_SECONDS]:
                del self.jobs[key]
            if sum(job.status in ("queued", "running") for job in self.jobs.values()) >= self.queue:
                raise SearchesBusy("The designer is busy with other searches; try again in a minute.")
            job = DesignJob(secrets.token_urlsafe(9), coalition, problem, names, total=self.evaluations)
            self.jobs[job.id] = job
            if self.executor is None:
                self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="design")
            self.executor.submit(self._run, job)
        return job

    def _run(self, job: DesignJob) -> None:
        job.status = "running"

        def progress(done: int, _total: int) -> None:
            job.done = done

        try:
            job.result = design(job.problem, evaluations=self.evaluations, seconds=self.seconds, progress=progress)
            job.status = "done"
        except (DesignError, PowerError) as error:
            job.error, job.status = str(error), "failed"

    def get(self, coalition: str, job_id: str) -> DesignJob:
        """The job, if it belongs to this coalition and is still kept."""
        job = self.jobs.get(job_id)
        if job is None or job.coalition != coalition:
            raise NotFound("No design search %(job)s here (searches are kept for an hour).", job=job_id)
        return job

    def wait(self, job_id: str, timeout: float = 30.0) -> DesignJob:
        """Block until the job has finished (for tests and the command line)."""
        deadline = time.monotonic() + timeout
        while self.jobs[job_id].status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.jobs[job_id]


# One whole sentence per kind, as the sign-in limiter words them.
TOO_MANY_SEARCHES = {
    "address": N_("Too many design searches from this address; sign in, or try again in %(wait)s seconds."),
    "account": N_("Too many design searches from this account; try again in %(wait)s seconds."),
}


class SearchLimiter:
    """At most ``anonymous`` searches per address, or ``signed_in`` per account, in ``window`` seconds."""

    def __init__(self, *, anonymous: int = 5, signed_in: int = 30, window: float = 600.0) -> None:
        self.limits = {"address": anonymous, "account": signed_in}
        self.window = window
        self.seen: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def check(self, *, account: int | None, address: str, now: float | None = None) -> None:
        """Count one search, or raise TooManySearches (nothing counted) past the limit."""
        now = time.monotonic() if now is None else now
        kind, key = ("address", address) if account is None else ("account", str(account))
        seen = self.seen[(kind, key)]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limits[kind]:
            raise TooManySearches(TOO_MANY_SEARCHES[kind], wait=int(seen[0] + self.window - now) + 1)
        seen.append(now)
