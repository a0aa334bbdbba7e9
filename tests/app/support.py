"""Test support: a coalition built in one transaction, snapshots of every table, the log as parsed events."""

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from fastapi import FastAPI

from app.db import read_session, write_session
from governance import accounts, coalitions
from governance import members as members_
from governance.log.canonical import parse_event
from governance.log.sources import read_archive_bytes
from governance.log.verify import VerifyReport, verify_log
from governance.models import Coalition, LogEntry, metadata
from tests.factories import PASSWORD, CoalitionFixture


def quick_coalition(app: FastAPI, *, slug: str = "wpn", members: dict[str, str | int] | None = None,
                    name: str = "Women Peacebuilders Network") -> CoalitionFixture:
    """What ``tests.factories.make_coalition`` builds, through the governance commands in one transaction."""
    now = app.state.clock()
    with write_session(app.state.engine) as session:
        session.info["log_signer"] = app.state.log_signer
        coalition, admin = coalitions.create_coalition(
            session, slug=slug, name=name, description="A test coalition.", admin_username=f"{slug}-admin",
            admin_password=PASSWORD, now=now, log_key=app.state.log_keys.verifier_key(slug))
        fixture = CoalitionFixture(slug=slug, admin=_bearer(session, admin, now))
        for member, weight in (members or {}).items():
            row = members_.admit_member(session, coalition=coalition, actor=admin.username, slug=member,
                                        name=member.replace("-", " ").title(), weight=str(weight), basis="members",
                                        now=now)
            rep = accounts.create_account(session, coalition=coalition, actor=admin.username, member=row,
                                          username=f"rep-{slug}-{member}", password=PASSWORD,
                                          role="representative", now=now)
            fixture.reps[member] = _bearer(session, rep, now)
        session.commit()
    return fixture


def _bearer(session, account, now) -> dict[str, str]:  # noqa: ANN001
    _, secret = accounts.issue_token(session, account=account, name="test", now=now)
    return {"Authorization": f"Bearer {secret}"}


def snapshot(engine: Engine) -> dict[str, int]:
    """The number of rows in every table: a rejected request must leave it unchanged."""
    with read_session(engine) as session:
        return {table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in metadata.sorted_tables}


def log_events(engine: Engine, slug: str) -> list[dict]:
    """The coalition's log, each entry's stored bytes parsed, in index order."""
    with read_session(engine) as session:
        coalition = session.execute(select(Coalition).where(Coalition.slug == slug)).scalar_one()
        rows = session.execute(select(LogEntry).where(LogEntry.coalition_id == coalition.id)
                               .order_by(LogEntry.idx)).scalars()
        return [parse_event(row.data) for row in rows]


def verified_export(client, fixture: CoalitionFixture) -> VerifyReport:  # noqa: ANN001
    """The coalition's export archive, verified offline with its published key (texts included)."""
    archive = client.get(fixture.url("/log/export"))
    assert archive.status_code == 200, archive.text
    key = client.get(fixture.url("/log/key")).text.strip()
    source = read_archive_bytes(archive.content)
    return verify_log(source.entries, source.checkpoint, key, texts=source.texts)
