"""Database triggers that refuse UPDATE and DELETE on the log tables, where the database supports them."""

from sqlalchemy import DDL, event
from sqlalchemy.schema import Table

LOG_TABLES = ("log_entry", "log_node", "checkpoint")
MESSAGE = "the log is append-only: entries, nodes and checkpoints are never updated or deleted"


def statements(dialect: str, table: str) -> list[str]:
    """The DDL that makes ``table`` append-only on ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END" for op in ("UPDATE", "DELETE")]
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION concord_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION concord_append_only()",
        ]
    return []


def drop_statements(dialect: str, table: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    return []


def install(table: Table) -> None:
    """Create the triggers whenever ``metadata.create_all`` creates ``table``."""
    for dialect in ("sqlite", "postgresql"):
        for statement in statements(dialect, table.name):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
