"""Rule-designer searches in the background: one at a time per process, each within a time budget, rate-limited.

A search is CPU work for seconds: it runs on one worker thread beside the requests (which keep being served,
the interpreter switching threads every few milliseconds), stops at ``SECONDS`` whatever its evaluation budget,
and at most ``QUEUE`` wait or run at once in each server process. Each search is a row of ``design_run``: the
process that runs it writes its progress and then its candidates there, so any process can show it, and a search
whose process stopped (a restart) shows as failed rather than running for ever.
"""

import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, delete, select

from app.db import read_session, write_session
from governance.clock import utcnow
from governance.errors import N_, DomainError, NotFound, RuleViolation
from governance.models import Coalition, DesignRun
from voting.design import Candidate, Constraints, DesignError, Problem, design, target_shares
from voting.power import PowerError

__all__ = ["DesignJob", "DesignJobs", "DesignOptions", "SearchLimiter", "StoredDesign", "TooManySearches", "jobs_of",
           "latest_finished", "problem_for", "record_design"]

SECONDS = 20.0
EVALUATIONS = 4000
QUEUE = 4
SILENT_SECONDS = 120  # a search's last step, every quota for its best few rules, reports no progress
KEEP = timedelta(days=30)
CLAIM_SECONDS = 10.0
PROGRESS_SECONDS = 0.5
FINISH_ATTEMPTS = 5
ACTIVE = ("queued", "running")
INTERRUPTED = "the server stopped during the search; start it again"
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
    measure: str = "max"
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
                          constraints=constraints, measure=options.measure)
    except DesignError as error:
        raise RuleViolation("The design cannot be set up: %(error)s", error=str(error)) from None


def jobs_of(app: object) -> tuple["DesignJobs", "SearchLimiter"]:
    """The app's searches and limiter, made at first use."""
    state = app.state  # type: ignore[attr-defined]
    with _STATE_LOCK:
        if not hasattr(state, "design_jobs"):
            state.design_jobs, state.design_limiter = DesignJobs(state.engine), SearchLimiter()
    return state.design_jobs, state.design_limiter


_STATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class StoredDesign:
    """A finished search as stored: the JSON the API returns and its candidates for the pages."""

    data: dict
    candidates: tuple[Candidate, ...]

    @property
    def evaluations(self) -> int:
        return int(self.data["search"]["evaluations"])

    @property
    def stopped_by_clock(self) -> bool:
        return bool(self.data["search"]["stopped_by_clock"])


@dataclass(frozen=True)
class DesignJob:
    """One search as its row says: queued, running, done (``result``) or failed (``error``); ``done`` of ``total``."""

    id: str
    status: str
    done: int
    total: int
    names: dict[str, str]
    result: StoredDesign | None
    error: str | None
    interrupted: bool = False

    @classmethod
    def of(cls, run: DesignRun, now: datetime) -> "DesignJob":
        """The job as a visitor should see it: a search whose process stopped (a restart) shows as failed."""
        status, error = run.status, run.error
        interrupted = status in ACTIVE and _abandoned(run, now)
        if interrupted:
            status, error = "failed", INTERRUPTED
        result = None
        if run.result is not None:
            result = StoredDesign(run.result, tuple(Candidate.from_dict(c) for c in run.result["candidates"]))
        return cls(run.id, status, run.evaluated, run.budget, dict(run.names), result, error, interrupted)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the status, progress and, once done, the candidates (weights by member slug)."""
        return {"id": self.id, "status": self.status, "evaluated": self.done, "budget": self.total,
                "names": self.names, "error": self.error, "result": None if self.result is None else self.result.data}


def _abandoned(run: DesignRun, now: datetime) -> bool:
    """A search no process is running any more: silent for ``SILENT_SECONDS`` while running, or queued past the
    longest wait a process's queue allows."""
    if run.status == "running":
        return (now - run.updated_at).total_seconds() > SILENT_SECONDS
    return (now - run.created_at).total_seconds() > SILENT_SECONDS + QUEUE * SECONDS * 2


def record_design(session: Session, *, coalition: Coalition, problem: Problem, names: dict[str, str], job_id: str,
                  evaluations: int, now: datetime) -> DesignRun:
    """Run a search here and now (seed 0) and keep it as a finished one: the demo's worked example."""
    found = design(problem, evaluations=evaluations)
    run = DesignRun(id=job_id, coalition_id=coalition.id, status="done", evaluated=found.evaluations,
                    budget=evaluations, names=names, result=found.to_dict(), created_at=now, updated_at=now)
    session.add(run)
    return run


def latest_finished(session: Session, coalition: Coalition) -> DesignRun | None:
    """The coalition's most recent finished search, for the power page to point to."""
    query = (select(DesignRun).where(DesignRun.coalition_id == coalition.id, DesignRun.status == "done")
             .order_by(DesignRun.updated_at.desc()).limit(1))  # type: ignore[attr-defined]
    return session.exec(query).first()


class DesignJobs:
    """Searches kept in the database (table ``design_run``), run one at a time on this process's worker thread."""

    def __init__(self, engine: Engine, *, seconds: float = SECONDS, evaluations: int = EVALUATIONS,
                 queue: int = QUEUE) -> None:
        self.engine, self.seconds, self.evaluations, self.queue = engine, seconds, evaluations, queue
        self.waiting = 0
        self.lock = threading.Lock()
        self.executor: ThreadPoolExecutor | None = None

    def start(self, session: Session, coalition: Coalition, problem: Problem, names: dict[str, str]) -> DesignJob:
        """Record a search in the request's transaction (dropping searches older than ``KEEP``) and queue it here;
        SearchesBusy when ``queue`` searches already wait or run in this process. The worker starts once the row is
        committed (and drops it if the request rolls back)."""
        now = utcnow()
        with self.lock:
            if self.waiting >= self.queue:
                raise SearchesBusy("The designer is busy with other searches; try again in a minute.")
            self.waiting += 1
        run = DesignRun(id=secrets.token_urlsafe(12), coalition_id=coalition.id, budget=self.evaluations,
                        names=names, created_at=now, updated_at=now)
        try:
            session.exec(delete(DesignRun).where(DesignRun.created_at < now - KEEP))  # type: ignore[arg-type]
            session.add(run)
            session.flush()
        except Exception:
            with self.lock:
                self.waiting -= 1
            raise
        with self.lock:
            if self.executor is None:
                self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="design")
            self.executor.submit(self._run, run.id, problem)
        return DesignJob.of(run, now)

    def _run(self, job_id: str, problem: Problem) -> None:
        try:
            if self._claim(job_id):
                self._search(job_id, problem)
        finally:
            with self.lock:
                self.waiting -= 1

    def _claim(self, job_id: str) -> bool:
        """Wait for the request that queued the search to commit, then mark it running."""
        deadline = time.monotonic() + CLAIM_SECONDS
        while time.monotonic() < deadline:
            if self._update(job_id, status="running"):
                return True
            time.sleep(0.05)
        return False

    def _search(self, job_id: str, problem: Problem) -> None:
        last = [time.monotonic()]

        def progress(done: int, _total: int) -> None:
            if time.monotonic() - last[0] >= PROGRESS_SECONDS:
                last[0] = time.monotonic()
                with suppress(SQLAlchemyError):  # progress is a courtesy: a busy database skips one report
                    self._update(job_id, evaluated=done)

        try:
            found = design(problem, evaluations=self.evaluations, seconds=self.seconds, progress=progress)
        except (DesignError, PowerError) as error:
            self._finish(job_id, status="failed", error=str(error))
        else:
            self._finish(job_id, status="done", evaluated=found.evaluations, result=found.to_dict())

    def _finish(self, job_id: str, **values: object) -> None:
        """Write the outcome, trying again while the database is busy (else the search reads as interrupted)."""
        for attempt in range(FINISH_ATTEMPTS):
            try:
                self._update(job_id, **values)
                return
            except SQLAlchemyError:
                if attempt == FINISH_ATTEMPTS - 1:
                    raise
                time.sleep(0.5 * (attempt + 1))

    def _update(self, job_id: str, **values: object) -> bool:
        """Write the search's progress in a transaction of its own; False when its row is not (yet) there."""
        with write_session(self.engine) as session:
            run = session.get(DesignRun, job_id)
            if run is None:
                return False
            for name, value in values.items():
                setattr(run, name, value)
            run.updated_at = utcnow()
            session.commit()
        return True

    def get(self, session: Session, coalition: Coalition, job_id: str) -> DesignJob:
        """The search, if it belongs to this coalition."""
        run = session.get(DesignRun, job_id)
        if run is None or run.coalition_id != coalition.id:
            raise NotFound("No design search %(job)s here.", job=job_id)
        return DesignJob.of(run, utcnow())

    def wait(self, job_id: str, timeout: float = 30.0) -> DesignJob:
        """Block until the search has finished (for tests and the demo)."""
        deadline = time.monotonic() + timeout
        while True:
            with read_session(self.engine) as session:
                run = session.get(DesignRun, job_id)
                job = None if run is None else DesignJob.of(run, utcnow())
            if time.monotonic() > deadline or (job is not None and job.status not in ACTIVE):
                return job  # type: ignore[return-value]
            time.sleep(0.02)


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
