"""GET /leeds?trade=T (public): for-sale leeds of a trade by start, filtered and paginated.

An unknown ``trade`` here is 422: it is a query parameter, not a path segment naming a resource.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from shared import base64url, leed_search
from shared.api import entrypoint, make_app
from shared.contract import LeedPage, answers
from shared.leed_models import ZIP_PATTERN, CalendarDate, TradeName

router = Router()


@router.get(
    "/leeds",
    responses=answers(200, LeedPage),
    summary="List leeds for sale",
    description="The for-sale leeds of a trade by start, filtered by the calendar date of start (from, to) "
                "and ZIP, in pages of limit with an opaque cursor to the next.",
)
def list_leeds(
    trade: Annotated[TradeName, Query()],
    from_: Annotated[CalendarDate | None, Query(alias="from")] = None,
    to: Annotated[CalendarDate | None, Query()] = None,
    zip: Annotated[str | None, Query(pattern=ZIP_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2048, pattern=base64url.PATTERN)] = None,
) -> LeedPage:
    return leed_search.list_for_sale(trade, from_=from_, to=to, zip_code=zip, limit=limit, cursor=cursor)


app = make_app(router)
handler = entrypoint(app)
