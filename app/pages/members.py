"""The members and the public weights register, with its history, and the keys members registered."""

from fractions import Fraction

from fastapi import Request
from fastapi.responses import Response

from app.deps import SessionDep
from app.pages.common import CoalitionDep, coalition_pages
from app.templating import render
from governance import keys, members

router = coalition_pages()


@router.get("/members", name="members_page")
def members_page(request: Request, coalition: CoalitionDep, session: SessionDep) -> Response:
    rows = members.list_members(session, coalition=coalition, limit=1000)
    total = sum((m.weight_value for m in rows if m.status == "active"), Fraction(0))
    shares = {m.id: m.weight_value / total if total and m.status == "active" else None for m in rows}
    history = members.weight_history(session, coalition=coalition, limit=1000)
    names = {m.id: m.name for m in rows}
    registered = [(key, names.get(key.member_id, "")) for key in keys.list_keys(session, coalition=coalition)]
    return render(request, "members/index.html", {"coalition": coalition, "members": rows, "shares": shares,
                                                  "total": total, "history": list(reversed(history)),
                                                  "keys": registered})
