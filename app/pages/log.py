"""The public log: events page by page, the latest signed checkpoint, the public key, how to verify."""

from datetime import UTC, datetime

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import select

from app.deps import SessionDep
from app.pages.common import CoalitionDep, coalition_pages
from app.templating import render
from governance.log import store
from governance.log.canonical import parse_event
from governance.models import Checkpoint, LogEntry

router = coalition_pages()
PAGE_SIZE = 50


def export_url(request: Request, slug: str) -> str:
    """The address of the log's export archive (tar.gz)."""
    return str(request.app.url_path_for("export_log", slug=slug))


def _summary(event: dict) -> dict:
    body = event["body"]
    when = datetime.fromtimestamp(event["ts"] / 1000, tz=UTC)
    facts = {key: body[key] for key in ("number", "member", "account", "kind", "actor") if body.get(key) is not None}
    return {"index": event["idx"], "type": event["type"], "when": when, "facts": facts}


@router.get("/log", name="log_page")
def log_page(request: Request, coalition: CoalitionDep, session: SessionDep, page: int = 1) -> Response:
    size = store.log_size(session, coalition)
    pages = max(1, -(-size // PAGE_SIZE))
    page = min(max(page, 1), pages)
    top = size - (page - 1) * PAGE_SIZE
    rows = session.exec(select(LogEntry).where(LogEntry.coalition_id == coalition.id, LogEntry.idx < top,
                                               LogEntry.idx >= top - PAGE_SIZE).order_by(LogEntry.idx.desc()))
    checkpoint = session.exec(select(Checkpoint).where(Checkpoint.coalition_id == coalition.id)
                              .order_by(Checkpoint.size.desc()).limit(1)).first()
    htmx = request.headers.get("hx-request") == "true"
    return render(request, "log/index.html", {
        "coalition": coalition, "entries": [_summary(parse_event(row.data)) for row in rows], "size": size,
        "page": page, "pages": pages, "checkpoint": checkpoint, "export_url": export_url(request, coalition.slug),
        "public_key": request.app.state.log_keys.verifier_key(coalition.slug),
        "site_url": str(request.base_url).rstrip("/"),
    }, block="entries" if htmx else None)
