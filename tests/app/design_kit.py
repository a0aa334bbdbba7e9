"""Helpers for the rule designer's tests: the searches the database holds."""

from sqlmodel import Session, select

from governance.models import DesignRun


def design_runs(app) -> list[DesignRun]:  # noqa: ANN001
    """Every search recorded, oldest first."""
    with Session(app.state.engine) as session:
        return list(session.exec(select(DesignRun).order_by(DesignRun.created_at)))
