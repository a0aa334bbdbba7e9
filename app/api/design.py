"""The rule designer: start a search for weights and a quota matching a target power, then read its candidates."""

from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from fastapi import Request, status
from pydantic import BaseModel, Field

from app.api.common import coalition_router
from app.api.schemas import Strict
from app.deps import OptionalAccountDep, SessionDep
from app.design_jobs import DesignOptions, jobs_of, problem_for
from governance import coalitions, members
from governance.errors import RuleViolation
from voting.exact import ExactNumberError, parse_exact

router = coalition_router("design")


class DesignCreate(Strict):
    target: Literal["sqrt", "proportional", "equal", "shares"] = "sqrt"
    index: Literal["banzhaf", "shapley_shubik"] = "banzhaf"
    max_weight: int = Field(default=100, ge=1, le=1000)
    double_majority: bool = False
    no_veto: bool = False
    no_dummy: bool = False
    max_share: str | None = Field(default=None, description="Nobody's power above this share, e.g. \"1/3\".")
    min_blocking: int | None = Field(default=None, ge=1)
    min_quota: str = Field(default="1/2", description="The quota is more than this share of the total weight.")
    measure: Literal["max", "squares"] = Field(
        default="max", description="Closest by the largest absolute deviation, or by the sum of squares.")
    values: dict[str, int | Decimal | str] = Field(
        default_factory=dict, description="Member slug -> size (or target share for target shares); "
                                          "a member left out counts with its weight as its size.")


class DesignJobPublic(BaseModel):
    id: str
    status: str
    evaluated: int
    budget: int
    names: dict[str, str]
    error: str | None
    result: dict[str, Any] | None


def _share(text: str | None, name: str) -> Fraction | None:
    if text is None:
        return None
    try:
        return parse_exact(text)
    except ExactNumberError:
        raise RuleViolation("%(field)s must be a share such as 1/2 or 0.55.", field=name) from None


def _eligible(session, coalition) -> list[dict[str, str]]:  # noqa: ANN001
    rows = members.list_members(session, coalition=coalition, status="active", limit=100_000)
    return [{"member": m.slug, "name": m.name, "weight": m.weight} for m in rows]


@router.post("/design", status_code=status.HTTP_202_ACCEPTED, response_model=DesignJobPublic)
def start_design(slug: str, body: DesignCreate, request: Request, session: SessionDep,
                 account: OptionalAccountDep) -> DesignJobPublic:
    """Start a search over the active members; poll the job for its candidates. Anonymous searches are
    rate-limited by address, signed-in ones by account; each search stops within its time budget."""
    coalition = coalitions.get_coalition(session, slug)
    eligible = _eligible(session, coalition)
    options = DesignOptions(
        target=body.target, index=body.index, max_weight=body.max_weight, double_majority=body.double_majority,
        no_veto=body.no_veto, no_dummy=body.no_dummy, max_share=_share(body.max_share, "max_share"),
        min_blocking=body.min_blocking, min_quota=_share(body.min_quota, "min_quota"), measure=body.measure,
        values={member: str(value) for member, value in body.values.items()})
    problem = problem_for(eligible, options)
    jobs, limiter = jobs_of(request.app)
    limiter.check(account=None if account is None else account.id,
                  address=request.client.host if request.client else "unknown")
    job = jobs.start(session, coalition, problem, {row["member"]: row["name"] for row in eligible})
    return DesignJobPublic(**job.to_dict())


@router.get("/design/{job_id}", response_model=DesignJobPublic)
def read_design(slug: str, job_id: str, request: Request, session: SessionDep) -> DesignJobPublic:
    """A search's status, and once done its candidates, best first: integer weights by member slug, the
    quota (and members quota), exact indices and distances as strings."""
    jobs, _ = jobs_of(request.app)
    return DesignJobPublic(**jobs.get(session, coalitions.get_coalition(session, slug), job_id).to_dict())
