"""GET /leeds?trade=T (public): for-sale leeds of a trade by start, filtered and paginated; with ``near=ZIP``
and ``radius_km``, those whose place lies within that distance of the ZIP (``shared.leed_places``).

An unknown ``trade`` here is 422: it is a query parameter, not a path segment naming a resource.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from shared import base64url, leed_places, leed_search
from shared.api import entrypoint, make_app
from shared.contract import LeedPage, answers
from shared.errors import ValidationFailed
from shared.leed_models import ZIP_PATTERN, CalendarDate, TradeName

router = Router()
DEFAULT_RADIUS_KM = 25


@router.get(
    "/leeds",
    responses=answers(200, LeedPage),
    summary="List leeds for sale",
    description="The for-sale leeds of a trade by start, filtered by the calendar date of start (from, to) "
                "and ZIP, in pages of limit with an opaque cursor to the next; with near (a ZIP) and "
                "radius_km (1-200, default 25), only those whose place lies within that distance.",
)
def list_leeds(
    trade: Annotated[TradeName, Query()],
    from_: Annotated[CalendarDate | None, Query(alias="from")] = None,
    to: Annotated[CalendarDate | None, Query()] = None,
    zip: Annotated[str | None, Query(pattern=ZIP_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2048, pattern=base64url.PATTERN)] = None,
    near: Annotated[str | None, Query(pattern=ZIP_PATTERN)] = None,
    radius_km: Annotated[float | None, Query(ge=1, le=200)] = None,
) -> LeedPage:
    if near:
        if from_ and to and from_ > to:
            raise ValidationFailed("The request is not valid.", [{"field": "to", "message": "must not be before from"}])
        return leed_places.near(trade, near, radius_km or DEFAULT_RADIUS_KM, from_=from_, to=to, zip_code=zip,
                                limit=limit, cursor=cursor)
    if radius_km is not None:
        raise ValidationFailed("The request is not valid.", [{"field": "radius_km", "message": "needs near"}])
    return leed_search.list_for_sale(trade, from_=from_, to=to, zip_code=zip, limit=limit, cursor=cursor)


app = make_app(router)
handler = entrypoint(app)
