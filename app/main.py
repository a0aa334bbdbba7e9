"""The application factory: ``create_app(engine)`` wires settings, database, log keys, routes and pages."""

import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from sqlalchemy.engine import Engine

from app.api import accounts, coalitions, log, members, power, proposals, votes
from app.db import make_engine
from app.errors import install_error_handlers
from app.limits import BodyLimit
from app.logkeys import LogKeys
from app.pages import install_pages
from app.ratelimit import LoginLimiter
from app.settings import Settings, get_settings
from governance import power as governance_power
from governance.clock import utcnow

API_DESCRIPTION = """Concord's JSON API. Every read of public data works without an account; writes need a
bearer token from `POST /api/v1/auth/tokens`. Exact numbers (weights, shares, tallies) travel as strings:
a finite decimal such as `"12.5"` where the number has one, else a fraction `"p/q"`."""


def create_app(engine: Engine | None = None, *, settings: Settings | None = None,
               clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="Concord", version="0.1.0", description=API_DESCRIPTION, docs_url="/docs")
    app.state.settings = settings
    app.state.engine = engine if engine is not None else make_engine(settings.database_url, **settings.pool_options())
    app.state.clock = clock
    app.state.log_keys = LogKeys(settings.key_dir, settings.log_host)
    app.state.log_signer = app.state.log_keys.signer()
    app.state.login_limiter = LoginLimiter()
    app.state.power_cache = governance_power.configure_cache(
        memory_mb=settings.power_memory_mb, max_pending=settings.power_background_max,
        max_reports=settings.power_cache_reports)
    install_error_handlers(app)
    # Routes match in the order they are included: the busiest one, casting a vote, first.
    for module in (votes, coalitions, members, accounts, proposals, power, log):
        for name in ("router", "scoped", "auth"):
            if hasattr(module, name):
                app.include_router(getattr(module, name))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    logging.getLogger("concord").setLevel(logging.INFO)
    install_pages(app)
    return app
