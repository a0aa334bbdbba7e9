"""The application factory: ``create_app(engine)`` wires settings, database, log keys, routes and pages."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from sqlalchemy.engine import Engine

from app.api import (accounts, agenda, applications, charter, coalitions, deliberation, design, exports, keys, log,
                     members, notifications, power, proposals, proxies, votes, witnesses)
from app.budget import ComputeBudget
from app.db import make_engine
from app.errors import install_error_handlers
from app.foreground import Foreground, MarkForeground
from app.limits import BodyLimit
from app.logkeys import LogKeys
from app.outbox.worker import Worker
from app.pages import install_pages
from app.ratelimit import LoginLimiter, application_limiter, post_limiter, what_if_limiter
from app.settings import Settings, get_settings
from governance import power as governance_power
from governance.clock import utcnow

API_DESCRIPTION = """Concord's JSON API. Every read of public data works without an account; writes need a
bearer token from `POST /api/v1/auth/tokens`. Exact numbers (weights, shares, tallies) travel as strings:
a finite decimal such as `"12.5"` where the number has one, else a fraction `"p/q"`."""


def create_app(engine: Engine | None = None, *, settings: Settings | None = None,
               clock: Callable[[], datetime] = utcnow, worker: bool = False) -> FastAPI:
    """The app; with ``worker``, the outbox worker runs on a thread of the process while the app is up."""
    settings = settings or get_settings()
    app = FastAPI(title="Concord", version="0.1.0", description=API_DESCRIPTION, docs_url="/docs",
                  lifespan=_with_worker if worker else None)
    app.state.settings = settings
    app.state.engine = engine if engine is not None else make_engine(settings.database_url, **settings.pool_options())
    app.state.clock = clock
    app.state.log_keys = LogKeys(settings.key_dir, settings.log_host)
    app.state.log_signer = app.state.log_keys.signer()
    app.state.login_limiter = LoginLimiter()
    app.state.what_if_limiter = what_if_limiter(settings.what_ifs_per_address)
    app.state.post_limiter = post_limiter(settings.posts_per_minute)
    app.state.application_limiter = application_limiter()
    power_limits = {"memory_mb": settings.power_memory_mb, "max_pending": settings.power_background_max,
                    "max_reports": settings.power_cache_reports}
    app.state.power_cache = governance_power.configure_cache(**power_limits)
    app.state.compute_budget = ComputeBudget(seconds=settings.compute_seconds, processes=settings.compute_processes,
                                             power_limits=power_limits)
    install_error_handlers(app)
    # Routes match in the order they are included: the busiest one, casting a vote, first.
    for module in (votes, coalitions, members, keys, accounts, proposals, charter, applications, deliberation, agenda, power,
                   design, log, witnesses, exports, notifications, proxies):
        for name in ("router", "scoped", "auth"):
            if hasattr(module, name):
                app.include_router(getattr(module, name))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.state.foreground = Foreground()
    app.add_middleware(MarkForeground, foreground=app.state.foreground)
    logging.getLogger("concord").setLevel(logging.INFO)
    install_pages(app)
    return app


@asynccontextmanager
async def _with_worker(app: FastAPI) -> AsyncIterator[None]:
    running = Worker(app.state.engine, app.state.settings, busy=app.state.foreground.busy).start()
    try:
        yield
    finally:
        running.stop()
