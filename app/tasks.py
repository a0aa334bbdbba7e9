"""Command-line tasks that run outside a request: closing due ballots, creating a coalition's admin."""

from app.db import make_engine, read_session, write_session
from app.logkeys import LogKeys
from app.settings import Settings
from governance import ballots, coalitions
from governance.clock import utcnow


def signed_write_session(engine, keys: LogKeys):  # noqa: ANN001, ANN201
    session = write_session(engine)
    session.info["log_signer"] = keys.signer()
    return session


def close_due_everywhere(settings: Settings) -> dict[str, list[int]]:
    """Close every overdue ballot of every coalition, each coalition in its own transaction."""
    engine = make_engine(settings.database_url)
    keys = LogKeys(settings.key_dir, settings.log_host)
    with read_session(engine) as session:
        slugs = [c.slug for c in coalitions.list_coalitions(session, limit=1_000_000)]
    closed = {}
    for slug in slugs:
        with signed_write_session(engine, keys) as session:
            numbers = ballots.close_due(session, coalition=coalitions.get_coalition(session, slug), now=utcnow())
            session.commit()
        if numbers:
            closed[slug] = numbers
    return closed


def create_admin(settings: Settings, *, slug: str, name: str, username: str, password: str) -> str:
    engine = make_engine(settings.database_url)
    keys = LogKeys(settings.key_dir, settings.log_host)
    with signed_write_session(engine, keys) as session:
        coalition, admin = coalitions.create_coalition(
            session, slug=slug, name=name, description="", admin_username=username, admin_password=password,
            now=utcnow(), log_key=keys.verifier_key(slug))
        session.commit()
    return f"created coalition {coalition.slug} with admin {admin.username}"
