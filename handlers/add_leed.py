"""POST /leeds (auth): post a leed for sale; 201 with the full view, 409 when its booking slot is taken."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from shared import leeds
from shared.api import correlation_id, entrypoint, mailed_caller, make_app
from shared.contract import FullLeed, answers
from shared.leed_models import NewLeed

router = Router()
LOCATION = {"Location": {"description": "/leeds/{id} of the new leed.",
                         "schema": {"type": "string", "pattern": "^/leeds/[^/]+$"}}}


@router.post(
    "/leeds",
    responses=answers(201, FullLeed, 403, 409, 429, headers=LOCATION),
    summary="Post a leed for sale",
    description="Posts a gig lead of a trade for sale. 201 with the full view and its Location; 409 when the "
                "trade is already booked at that place on that date (a leed for sale or sold holds its slot); "
                "403 while the caller's email is unverified (the sale notice goes there); 429 with Retry-After "
                "when the caller's posting quota is spent.",
)
def add_leed(new: Annotated[NewLeed, Body()]) -> Response[FullLeed]:
    me = mailed_caller(router)
    view = leeds.add_leed(new, me.username, correlation_id())
    # A dict body (not pre-serialised text) so the declared ``Response[FullLeed]`` validates it.
    return Response(201, content_types.APPLICATION_JSON, view, headers={"Location": f"/leeds/{view['id']}"})


app = make_app(router)
handler = entrypoint(app)
