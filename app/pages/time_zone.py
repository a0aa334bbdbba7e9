"""The visitor's time zone: chosen on a page of its own (every zone would weigh down every page), kept in a cookie."""

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.i18n import TIME_ZONE_COOKIE
from app.pages.common import FormDep, see_other, text
from app.pages.home import safe_next
from app.templating import display_zone, render
from governance.coalitions import time_zones

router = APIRouter(include_in_schema=False)


@router.get("/time-zone", name="time_zone_page")
def time_zone_page(request: Request, next: str = "/") -> Response:
    chosen = request.cookies.get(TIME_ZONE_COOKIE, "")
    return render(request, "home/time_zone.html", {
        "zones": sorted(time_zones()), "chosen": chosen if chosen in time_zones() else "",
        "next": safe_next(next), "shown": display_zone(request)})


@router.post("/time-zone", name="set_time_zone")
def set_time_zone(request: Request, form: FormDep) -> Response:
    zone = text(form, "zone")
    response = see_other(safe_next(text(form, "next")))
    if zone in time_zones():
        response.set_cookie(TIME_ZONE_COOKIE, zone, max_age=int(timedelta(days=365).total_seconds()),
                            httponly=True, samesite="lax", secure=request.app.state.settings.secure_cookies)
    else:  # "" (or anything else): the coalition's own zone again
        response.delete_cookie(TIME_ZONE_COOKIE)
    return response
