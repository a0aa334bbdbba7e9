"""PostgreSQL roles that let the database guard the log: an owner role runs the migrations and owns every table,
trigger and function; the application's role reads and writes the ordinary tables but may only read and append to the
log's tables.

Only a table's owner (or a member of the owning role, or a superuser) may alter or drop the table or its triggers
(https://www.postgresql.org/docs/current/sql-altertable.html, /sql-droptrigger.html), and UPDATE, DELETE and TRUNCATE
are privileges the owner grants or withholds (https://www.postgresql.org/docs/current/ddl-priv.html). So an
application that is not the owner can neither rewrite a log row nor remove the append-only triggers
(``governance.log.append_only``) that would refuse it.
"""

from sqlalchemy import make_url, text
from sqlalchemy.engine import URL, Connection

from app.db import make_engine
from app.settings import Settings
from governance.log.append_only import LOG_TABLES

__all__ = ["RoleError", "grant_after_migrations", "grant_app", "guard_problems", "role_urls", "set_up", "setup_roles",
           "table_privileges"]

ORDINARY = "SELECT, INSERT, UPDATE, DELETE"
APPEND = "SELECT, INSERT"
SPECIAL = {"log_head": "SELECT, INSERT, UPDATE", "alembic_version": "SELECT"}
"""The head row is locked (``SELECT ... FOR UPDATE`` needs UPDATE) and moved on every append, never deleted; only the
migrations write the schema's version."""
FORBIDDEN = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")


class RoleError(Exception):
    """The roles cannot be set up as asked; the message says why and what to change."""


def table_privileges(table: str) -> str:
    """What the application's role may do to ``table``: read and append to the log, read and write the rest."""
    return APPEND if table in LOG_TABLES else SPECIAL.get(table, ORDINARY)


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def _schema(connection: Connection) -> str:
    return connection.exec_driver_sql("SELECT current_schema()").scalar_one()


def setup_roles(connection: Connection, *, owner: str, app: str, owner_password: str | None = None,
                app_password: str | None = None) -> None:
    """Create (or update) both login roles, give the owner the database, its current schema and everything in it, and
    give the application its privileges. Run as a role that may create roles and change owners (a superuser)."""
    if owner == app:
        raise RoleError(f"The application and the migrations both connect as {app!r}: give them two roles.")
    for role, password in ((owner, owner_password), (app, app_password)):
        _ensure_login_role(connection, role, password)
    _refuse_powerful_app(connection, app=app, owner=owner)
    schema, q_owner, q_app = _quote(connection, _schema(connection)), _quote(connection, owner), _quote(connection, app)
    database = _quote(connection, connection.exec_driver_sql("SELECT current_database()").scalar_one())
    connection.exec_driver_sql(f"ALTER DATABASE {database} OWNER TO {q_owner}")
    connection.exec_driver_sql(f"ALTER SCHEMA {schema} OWNER TO {q_owner}")
    connection.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC")
    _hand_over(connection, owner)
    # Tables a migration creates later start read-and-append only (failing closed); grant_app, which runs after every
    # ``concord db upgrade``, then widens the ordinary ones. A default cannot tell a log table from another.
    connection.exec_driver_sql(f"ALTER DEFAULT PRIVILEGES FOR ROLE {q_owner} IN SCHEMA {schema} "
                               f"GRANT {APPEND} ON TABLES TO {q_app}")
    connection.exec_driver_sql(f"ALTER DEFAULT PRIVILEGES FOR ROLE {q_owner} IN SCHEMA {schema} "
                               f"GRANT USAGE, SELECT ON SEQUENCES TO {q_app}")
    grant_app(connection, app)


def _ensure_login_role(connection: Connection, role: str, password: str | None) -> None:
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
    verb = "ALTER" if exists else "CREATE"
    statement = f"{verb} ROLE {_quote(connection, role)} LOGIN"
    if password is not None:
        statement += connection.execute(text("SELECT format(' PASSWORD %L', CAST(:password AS text))"),
                                        {"password": password}).scalar_one()
    connection.exec_driver_sql(statement)


def _refuse_powerful_app(connection: Connection, *, app: str, owner: str) -> None:
    row = connection.execute(text("SELECT rolsuper, pg_has_role(:app, :owner, 'MEMBER') FROM pg_roles "
                                  "WHERE rolname = :app"), {"app": app, "owner": owner}).one()
    if row[0]:
        raise RoleError(f"The application's role {app!r} is a superuser, which may do anything: use another role.")
    if row[1]:
        raise RoleError(f"The application's role {app!r} is a member of the owner {owner!r} and may act as it: "
                        f"REVOKE {owner} FROM {app}.")


def _hand_over(connection: Connection, owner: str) -> None:
    """Make ``owner`` the owner of every table, view, sequence and function already in the schema (tables first:
    a sequence that belongs to a table's column follows its table)."""
    q_owner = _quote(connection, owner)
    queries = [
        ("TABLE", "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
                  "WHERE schemaname = current_schema() AND tableowner <> :owner"),
        ("VIEW", "SELECT format('%I.%I', schemaname, viewname) FROM pg_views "
                 "WHERE schemaname = current_schema() AND viewowner <> :owner"),
        ("SEQUENCE", "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences "
                     "WHERE schemaname = current_schema() AND sequenceowner <> :owner"),
        ("FUNCTION", "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
                     "WHERE p.pronamespace = current_schema()::regnamespace AND r.rolname <> :owner"),
    ]
    for kind, query in queries:
        for name in connection.execute(text(query), {"owner": owner}).scalars().all():
            connection.exec_driver_sql(f"ALTER {kind} {name} OWNER TO {q_owner}")


def grant_app(connection: Connection, app: str) -> None:
    """Give ``app`` exactly its privileges on every table and sequence of the schema, and take away the rest (from it
    and from PUBLIC). Run as the owner (after every migration) or a superuser."""
    schema, q_app = _quote(connection, _schema(connection)), _quote(connection, app)
    statements = [f"GRANT USAGE ON SCHEMA {schema} TO {q_app}"]
    tables = connection.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                        "ORDER BY tablename").scalars().all()
    for table in tables:
        name = f"{schema}.{_quote(connection, table)}"
        statements += [f"REVOKE ALL ON TABLE {name} FROM PUBLIC, {q_app}",
                       f"GRANT {table_privileges(table)} ON TABLE {name} TO {q_app}"]
    sequences = connection.exec_driver_sql("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                                           "ORDER BY sequencename").scalars().all()
    for sequence in sequences:
        name = f"{schema}.{_quote(connection, sequence)}"
        statements += [f"REVOKE ALL ON SEQUENCE {name} FROM PUBLIC, {q_app}",
                       f"GRANT USAGE, SELECT ON SEQUENCE {name} TO {q_app}"]
    connection.exec_driver_sql(";\n".join(statements))


def guard_problems(connection: Connection, role: str | None = None) -> list[str]:
    """What lets ``role`` (by default the connected one) rewrite the log or disarm its guard; empty when nothing does.

    It must not own (or be able to act as the owner of) a log table or the trigger function, and must hold none of
    UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES on a log table, itself or through PUBLIC or another role.
    """
    role = role or connection.exec_driver_sql("SELECT current_user").scalar_one()
    if connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}).scalar_one():
        return [f"{role} is a superuser"]
    problems = []
    rows = connection.execute(text(
        "SELECT t.tablename, t.tableowner, pg_has_role(:role, t.tableowner, 'MEMBER'), "
        "ARRAY(SELECT p FROM unnest(CAST(:privileges AS text[])) WITH ORDINALITY AS u(p, n) "
        "      WHERE has_table_privilege(:role, format('%I.%I', t.schemaname, t.tablename), p) ORDER BY n) "
        "FROM pg_tables t WHERE t.schemaname = current_schema() AND t.tablename = ANY(:tables) ORDER BY t.tablename"),
        {"role": role, "tables": list(LOG_TABLES), "privileges": list(FORBIDDEN)}).all()
    for table, owner, acts_as_owner, held in rows:
        if acts_as_owner:
            who = "owns" if owner == role else f"can act as {owner}, the owner of"
            problems.append(f"{role} {who} {table} and may drop its triggers")
        if held:
            problems.append(f"{role} may {', '.join(held)} {table}")
    functions = connection.execute(text(
        "SELECT p.proname, r.rolname FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
        "WHERE p.proname = 'concord_append_only' AND pg_has_role(:role, p.proowner, 'MEMBER')"), {"role": role}).all()
    problems += [f"{role} {'owns' if owner == role else f'can act as {owner}, the owner of'} the function {name} "
                 "and may replace it" for name, owner in functions]
    return problems


def role_urls(settings: Settings) -> tuple[URL, URL] | None:
    """The owner's and the application's URLs when they connect as two different PostgreSQL users, else None."""
    owner, app = make_url(settings.migration_url()), make_url(settings.database_url)
    if app.get_backend_name() != "postgresql" or not owner.username or owner.username == app.username:
        return None
    return owner, app


def grant_after_migrations(settings: Settings) -> None:
    """After the owner migrated, give the application its privileges on what the migration made (a no-op unless the
    two connect as different PostgreSQL users)."""
    urls = role_urls(settings)
    if urls is None or not urls[1].username:
        return
    engine = make_engine(urls[0].render_as_string(hide_password=False))
    try:
        with engine.begin() as connection:
            grant_app(connection, urls[1].username)
    finally:
        engine.dispose()


def set_up(settings: Settings, admin_url: str) -> str:
    """``concord db roles``: the two roles of ``CONCORD_MIGRATION_DATABASE_URL`` (owner) and ``CONCORD_DATABASE_URL``
    (application), with their passwords, set up on that database from ``admin_url`` (a superuser)."""
    app = make_url(settings.database_url)
    if app.get_backend_name() != "postgresql":
        raise RoleError("CONCORD_DATABASE_URL is not a PostgreSQL database: roles exist only there. On SQLite the "
                        "signed checkpoints and `concord verify` guard the log.")
    if not settings.migration_database_url:
        raise RoleError("Set CONCORD_MIGRATION_DATABASE_URL to the owner's URL, e.g. "
                        "postgresql+psycopg://concord_owner:PASSWORD@HOST/DB, and CONCORD_DATABASE_URL to the "
                        "application's, e.g. postgresql+psycopg://concord_app:PASSWORD@HOST/DB.")
    owner, admin = make_url(settings.migration_database_url), make_url(admin_url)
    admin = admin if admin.database else admin.set(database=app.database)
    if not owner.username or not app.username:
        raise RoleError("Both URLs must name their user (postgresql+psycopg://USER:PASSWORD@HOST/DB).")
    if owner.username == app.username:
        raise RoleError(f"The application and the migrations both connect as {app.username!r}: give them two roles.")
    if len({owner.database, app.database, admin.database}) != 1:
        raise RoleError(f"The owner's, the application's and the --admin-url's databases differ: "
                        f"{owner.database}, {app.database}, {admin.database}.")
    engine = make_engine(admin.render_as_string(hide_password=False))
    try:
        with engine.begin() as connection:
            setup_roles(connection, owner=owner.username, app=app.username, owner_password=owner.password,
                        app_password=app.password)
            problems = guard_problems(connection, app.username)
            if problems:
                raise RoleError("The application's role could still rewrite the log: " + "; ".join(problems) + ".")
    finally:
        engine.dispose()
    return (f"{owner.username} owns the schema of {app.database} and everything in it; {app.username} may read and "
            f"write its tables but only read and append to {', '.join(LOG_TABLES)}. Next: concord db upgrade "
            f"(runs as {owner.username}).")


def application_problems(settings: Settings) -> list[str]:
    """``guard_problems`` of the role the application connects as (nothing to say on SQLite)."""
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        return []
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            return guard_problems(connection)
    finally:
        engine.dispose()


def warn(problems: list[str]) -> str:
    """One line for an operator whose application's role could rewrite the log."""
    more = f"; and {len(problems) - 1} more" if len(problems) > 1 else ""
    return (f"warning: the database does not guard the log ({problems[0]}{more}): set up an owner role and an "
            "application role with `concord db roles` (README, The public log).")
