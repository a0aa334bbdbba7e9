"""The HTML pages: ``install_pages(app)`` adds their routes, middleware, static files and error pages."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.markdown import render_markdown
from app.pages import (admin, admin_rules, agenda, amendments, applications, auth, charter, charts, dashboard, design,
                       design_proposals, discussion, errors, feeds, home, impact, log, members, notifications, power,
                       propose, proposals, proxies, time_zone, whatif, words)
from app.pages.count_chart import count_chart
from app.pages.explain import explain_result
from app.pages.middleware import PageMiddleware
from app.pages.sessions import SessionCodec, session_secret
from app.templating import STATIC_DIR, environment

__all__ = ["install_pages"]

environment.globals.update(OUTCOMES=words.OUTCOMES, CHOICES=words.CHOICES, KIND_NAMES=words.KIND_NAMES,
                           STATES=words.STATES, STATUSES=words.STATUSES, PROXY_STATUSES=words.PROXY_STATUSES, METHOD_NAMES=words.METHOD_NAMES,
                           describe_vote=words.describe_vote, criterion_name=words.criterion_name)
environment.globals.update(ballot_power=power.ballot_power, power_chart=power.power_chart, count_chart=count_chart,
                           explain_result=explain_result, rounds_chart=charts.rounds_chart,
                           candidate_chart=design.candidate_chart, fine_share=design.fine_share,
                           render_markdown=render_markdown, impact_chart=impact.impact_chart,
                           impact_rows=impact.impact_rows, describe_rule=words.describe_rule)


def install_pages(app: FastAPI) -> None:
    """Serve the pages beside the JSON API; errors under /api stay JSON."""
    settings = app.state.settings
    app.state.session_codec = SessionCodec(session_secret(settings), secure=settings.secure_cookies)
    for router in (home.router, auth.router, home.scoped, members.router, propose.router, proposals.router,
                   discussion.router, amendments.router, agenda.router, log.router, dashboard.router, admin.router,
                   admin_rules.router, power.router, whatif.router, design.router, design_proposals.router,
                   time_zone.router, notifications.router, notifications.public, feeds.router, charter.router,
                   applications.router, proxies.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install_page_errors(app)
    app.add_middleware(PageMiddleware)
