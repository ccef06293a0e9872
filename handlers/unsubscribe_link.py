"""GET or POST /unsubscribe?token=... (public): the signed one-click link in every fan-out email.

The token is the credential (``shared.unsubscribe``), so there is no login; a forged or altered token is
403 and changes nothing. Clicking twice is fine (204-like idempotence, same page). POST serves mail clients'
one-click unsubscribe (RFC 8058), GET a person clicking the link; both answer a small HTML page.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from shared import unsubscribe
from shared.api import entrypoint, make_app
from shared.contract import HTML_PAGE, answers
from shared.formatting import trade_label
from shared.rendering import render_page

router = Router()
Token = Annotated[str, Query(min_length=1, max_length=1000)]
PAGE = answers(200, None, 403, media_type=HTML_PAGE)


def _page(token: str) -> Response[str]:
    trade = unsubscribe.unsubscribe_by_token(token)
    return Response(status_code=200, content_type=content_types.TEXT_HTML,
                    body=render_page("unsubscribed_page", {"trade_label": trade_label(trade)}))


@router.get(
    "/unsubscribe",
    responses=PAGE,
    summary="Unsubscribe by emailed link",
    description="The signed link in every fan-out email, opened in a browser: stops that trade's emails and "
                "answers an HTML page. The token is the credential; a forged or altered one is 403.",
)
def unsubscribe_get(token: Token) -> Response[str]:
    return _page(token)


@router.post(
    "/unsubscribe",
    responses=PAGE,
    summary="One-click unsubscribe (RFC 8058)",
    description="What a mail client posts for List-Unsubscribe-Post: the same as the GET, for machines.",
)
def unsubscribe_post(token: Token) -> Response[str]:
    return _page(token)


app = make_app(router)
handler = entrypoint(app)
