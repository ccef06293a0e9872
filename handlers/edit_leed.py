"""PATCH /leeds/{id} (auth): the seller corrects a leed while it is for sale; 200 with the full view."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from shared import leed_edit
from shared.api import caller, entrypoint, make_app
from shared.contract import FullLeed, answers
from shared.leed_models import LeedChange

router = Router()


@router.patch(
    "/leeds/<leed_id>",
    responses=answers(200, FullLeed, 403, 409),
    summary="Change a leed",
    description="The seller changes any of title, details, price_cents, start, end and location while the leed "
                "is for sale: 200 with the full view. The booking rule is checked again (409 when the new "
                "date or place is booked, and nothing changes); 409 once sold or withdrawn; 403 for anyone else.",
)
def edit_leed(leed_id: str, change: Annotated[LeedChange, Body()]) -> FullLeed:
    return leed_edit.edit_leed(leed_id, caller(router).username, change)


app = make_app(router)
handler = entrypoint(app)
