"""Casting a vote: the one write that comes in bulk, answered through the process's group commit."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.api.schemas import ERROR_RESPONSES, VoteIn, VoteReceipt
from app.exactjson import ExactJSONRoute
from app.deps import SIGN_IN, bearer_secret
from app.vote_writer import vote_writer
from governance.casting import CastRequest
from governance.errors import Unauthorized
from governance.signed_votes import parse_signature

# No settle_due dependency: the writer closes the due ballots of a group's coalitions in the group's own
# transaction, first.
router = APIRouter(prefix="/api/v1/coalitions/{slug}", tags=["proposals"], route_class=ExactJSONRoute,
                   responses=ERROR_RESPONSES)


async def voter(request: Request) -> dict:
    """Who asks, as ``CastRequest`` takes it: a bearer token's secret, or the signed-in account; the token itself is
    checked with the vote, in the database."""
    secret = bearer_secret(request)
    if secret is not None:
        return {"token": secret}
    account_id = getattr(request.state, "session_account", None)
    if account_id is None:
        raise Unauthorized(SIGN_IN)
    return {"account_id": account_id}


@router.put("/proposals/{number}/ballot/votes/{member}", response_model=VoteReceipt)
async def cast_vote(slug: str, number: int, member: str, body: VoteIn, request: Request,
                    who: Annotated[dict, Depends(voter)]) -> Response:
    """Cast or change your organization's vote; the last one before the ballot closes counts. A signed vote also
    carries salt, key_id, seq and signature: the member key's Ed25519 signature over the concord-vote/v1 statement
    (origin, proposal, ballot, commitment, seq; see the README), checked before the vote is accepted."""
    signed = parse_signature(body.signature_fields())
    receipt = await vote_writer(request.app.state).cast(CastRequest(slug, number, member, body.payload(),
                                                                    signed=signed, **who))
    return Response(receipt.model_dump_json(), media_type="application/json")
