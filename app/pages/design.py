"""The rule designer's pages: choose a target, search in the background, see the candidates as charts and tables."""

import csv
import io
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_percent
from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup

from app.deps import SessionDep
from app.design_jobs import MAX_WEIGHT, DesignJob, DesignOptions, jobs_of, problem_for
from app.pages.charts import BANZHAF, WEIGHT, Bar, bar_chart
from app.pages.common import CoalitionDep, FormDep, PageAccountDep, coalition_pages, error_text, see_other, text
from app.pages.design_proposals import RULE_KINDS
from governance.power import eligible_rows
from app.templating import render
from governance.errors import DomainError
from voting.design import INDICES, MEASURES, TARGETS, Candidate

__all__ = ["candidate_chart", "fine_share", "router"]

router = coalition_pages()
Gettext = Callable[..., str]
NUMBER = re.compile(r"\s*(\d{1,12}(\.\d{1,9})?|\d{1,12}\s*/\s*\d{1,12})\s*")
WHOLE = re.compile(r"\s*\d{1,5}\s*")
CHECKBOXES = ("double_majority", "no_veto", "no_dummy")
SHOWN = 3
RELOAD_SECONDS = 2
MAX_UPLOAD = 100_000


def fine_share(value: Fraction, locale: str) -> str:
    """A small share as a percentage to three decimals (0.039%), for gaps a one-decimal percentage would hide."""
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.00001"))
    return format_percent(shown, format="#,##0.###%", locale=locale, numbering_system="default")


def _defaults(eligible: list[dict]) -> dict[str, str]:
    values = {"target": "sqrt", "index": "banzhaf", "max_weight": "100", "measure": "max", "min_quota": "1/2"}
    values.update({f"v-{row['member']}": str(row["weight"]) for row in eligible})
    return values


def _read(_: Gettext, values: Mapping[str, str], eligible: list[dict], errors: dict[str, str]) -> DesignOptions:
    for name, allowed in (("target", TARGETS), ("index", INDICES), ("measure", MEASURES)):
        if values.get(name, "max" if name == "measure" else None) not in allowed:
            errors[name] = _("Choose one of the options offered.")
    largest = values.get("max_weight", "")
    if not WHOLE.fullmatch(largest) or not 1 <= int(largest) <= MAX_WEIGHT:
        errors["max_weight"] = _("Give a whole number from 1 to %(limit)s.", limit=MAX_WEIGHT)
    sizes = {}
    for row in eligible:
        name = f"v-{row['member']}"
        if not NUMBER.fullmatch(values.get(name, "")):
            errors[name] = _("Give a number of at least 0, such as 12, 12.5 or 1/3.")
        else:
            sizes[row["member"]] = values[name].replace(" ", "")
    sizes.update(_pasted(_, values.get("sizes_csv", ""), eligible, errors))
    cap, blocking = _optional_limits(_, values, len(eligible), errors)
    least = _least_quota(_, values.get("min_quota", "").strip(), errors)
    if errors:
        return DesignOptions()
    return DesignOptions(target=values["target"], index=values["index"], max_weight=int(largest), values=sizes,
                         max_share=cap, min_blocking=blocking, min_quota=least,
                         measure=values.get("measure") or "max",
                         **{name: values.get(name) == "on" for name in CHECKBOXES})


def _uploaded(_: Gettext, upload: object, values: dict[str, str], errors: dict[str, str]) -> None:
    """An uploaded CSV file of sizes stands for the pasted column (UTF-8, at most ``MAX_UPLOAD`` bytes)."""
    if isinstance(upload, str) or not getattr(upload, "filename", ""):
        return
    raw = upload.file.read(MAX_UPLOAD + 1)  # type: ignore[attr-defined]
    try:
        if len(raw) > MAX_UPLOAD:
            raise ValueError
        values["sizes_csv"] = raw.decode("utf-8-sig")
    except ValueError:
        errors["sizes_file"] = _("Upload a CSV file in UTF-8 of at most %(limit)s bytes.", limit=MAX_UPLOAD)


def _least_quota(_: Gettext, written: str, errors: dict[str, str]) -> Fraction:
    """The quota's least share of the total weight (it is always more than this share); half if left empty."""
    if not written:
        return Fraction(1, 2)
    if NUMBER.fullmatch(written) and Fraction(1, 2) <= Fraction(written.replace(" ", "")) < 1:
        return Fraction(written.replace(" ", ""))
    errors["min_quota"] = _("Write a share of at least 1/2 and below 1, such as 1/2, 0.6 or 2/3.")
    return Fraction(1, 2)


def _pasted(_: Gettext, pasted: str, eligible: list[dict], errors: dict[str, str]) -> dict[str, str]:
    """Sizes from a pasted CSV column, ``name,size`` a line (a header line is skipped), members by name or slug."""
    by_key = {key.casefold(): row["member"] for row in eligible for key in (row["member"], row["name"])}
    sizes = {}
    for line in csv.reader(io.StringIO(pasted.strip())):
        if not line or [cell.strip().casefold() for cell in line[:1]] == ["name"]:
            continue
        member = by_key.get(line[0].strip().casefold())
        size = line[1].strip() if len(line) == 2 else ""
        if member is None or not NUMBER.fullmatch(size):
            errors["sizes_csv"] = _("Line %(line)s: write a member's name, a comma and a number of at least 0, such "
                                    "as Dock Union,12.5.", line=",".join(line))
            return {}
        sizes[member] = size.replace(" ", "")
    return sizes


def _optional_limits(_: Gettext, values: Mapping[str, str], members: int,
                     errors: dict[str, str]) -> tuple[Fraction | None, int | None]:
    """The power cap (a share) and the least blocking coalition (a number of members), each optional."""
    cap_text, blocking_text = values.get("max_share", "").strip(), values.get("min_blocking", "").strip()
    cap = blocking = None
    if cap_text:
        if NUMBER.fullmatch(cap_text) and 0 < Fraction(cap_text.replace(" ", "")) <= 1:
            cap = Fraction(cap_text.replace(" ", ""))
        else:
            errors["max_share"] = _("Write a share above 0 and at most 1, such as 1/3 or 0.4, or leave it empty.")
    if blocking_text:
        if WHOLE.fullmatch(blocking_text) and 1 <= int(blocking_text) <= members:
            blocking = int(blocking_text)
        else:
            errors["min_blocking"] = _("Give a whole number from 1 to %(limit)s, or leave it empty.", limit=members)
    return cap, blocking


def _form(request: Request, coalition, values: dict, errors: dict, eligible: list[dict],  # noqa: ANN001
          status: int = 200) -> Response:
    return render(request, "power/design.html", {"coalition": coalition, "values": values, "errors": errors,
                                                 "eligible": eligible}, status_code=status)


@router.get("/power/design", name="design_page")
def design_page(request: Request, coalition: CoalitionDep, session: SessionDep) -> Response:
    eligible = eligible_rows(session, coalition=coalition)
    return _form(request, coalition, _defaults(eligible), {}, eligible)


@router.post("/power/design", name="start_design")
def start_design(request: Request, form: FormDep, coalition: CoalitionDep, session: SessionDep,
                 account: PageAccountDep) -> Response:
    _ = request.state.translate
    eligible = eligible_rows(session, coalition=coalition)
    values = {key: text(form, key) for key in form if key != "csrf_token"}
    errors: dict[str, str] = {}
    _uploaded(_, form.get("sizes_file"), values, errors)
    options = _read(_, values, eligible, errors)
    status = 422
    if not errors and not eligible:
        errors["form"] = _("The coalition has no active members yet.")
    if not errors:
        try:
            problem = problem_for(eligible, options)
            jobs, limiter = jobs_of(request.app)
            limiter.check(account=None if account is None else account.id,
                          address=request.client.host if request.client else "unknown")
            job = jobs.start(session, coalition, problem, {row["member"]: row["name"] for row in eligible})
        except DomainError as error:
            errors["form"], status = error_text(request, error), error.status_code
        else:
            return see_other(f"/c/{coalition.slug}/power/design/{job.id}")
    return _form(request, coalition, values, errors, eligible, status=status)


def candidate_chart(_: Gettext, candidate: Candidate, names: Mapping[str, str], *, chart_id: str, locale: str,
                    share: Callable[[object], str], title: str) -> Markup:
    """Each member's target power beside the power the candidate rule gives it."""
    groups = [(names.get(slug, slug), [Bar(target, _("Target: %(share)s", share=share(target)), WEIGHT),
                                       Bar(achieved, _("Under this rule: %(share)s", share=share(achieved)), BANZHAF)])
              for slug, target, achieved in zip(candidate.names, candidate.targets, candidate.achieved)]
    legend = [(_("Target power"), WEIGHT), (_("Power under this rule"), BANZHAF)]
    description = _("For each member, two bars: the power the coalition intends it to have and the power this "
                    "rule gives it. The table after the chart gives the same figures.")
    return bar_chart(groups, chart_id=chart_id, title=title, description=description, legend=legend,
                     rtl=locale == "ar")


def _job_context(job: DesignJob) -> dict:
    candidates = list(job.result.candidates) if job.result else []
    return {"job": job, "candidates": candidates, "shown": candidates[:SHOWN],
            "rule_kinds": RULE_KINDS,
            "done_percent": Fraction(job.done, job.total or 1)}


@router.get("/power/design/{job_id}", name="design_job_page")
def design_job_page(request: Request, job_id: str, coalition: CoalitionDep, session: SessionDep) -> Response:
    """The search's progress while it runs (the page reloads itself by the Refresh header, with or without
    JavaScript), then its candidates."""
    jobs, _limiter = jobs_of(request.app)
    job = jobs.get(session, coalition, job_id)
    response = render(request, "power/design_job.html",
                      {"coalition": coalition, **_job_context(job)})
    if job.status in ("queued", "running"):
        response.headers["Refresh"] = str(RELOAD_SECONDS)
    return response
