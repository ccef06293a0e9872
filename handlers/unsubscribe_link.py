"""GET or POST /unsubscribe?token=... (public): the signed link in every fan-out email and its
``List-Unsubscribe`` header.

The token is the credential (``shared.unsubscribe``), so there is no login; a forged or altered token is 403
and changes nothing. GET only shows a confirmation page and changes nothing: mail scanners and link prefetchers
open links, and must not unsubscribe anyone. POST unsubscribes: what a mail client sends for RFC 8058's
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (the body is that, the token is in the URL), the page's
button, and the web app's ``/unsubscribe`` page. Posting twice is fine (same page).
"""

import functools
from typing import Annotated, Any
from urllib.parse import quote

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import unsubscribe
from shared.api import entrypoint, make_app
from shared.contract import HTML_PAGE, answers
from shared.formatting import trade_label
from shared.rendering import render_page

router = Router()
Token = Annotated[str, Query(min_length=1, max_length=unsubscribe.MAX_TOKEN)]
PAGE = answers(200, None, 403, media_type=HTML_PAGE)


def _html(page: str, context: dict[str, object]) -> Response[str]:
    return Response(status_code=200, content_type=content_types.TEXT_HTML, body=render_page(page, context))


@router.get(
    "/unsubscribe",
    responses=PAGE,
    summary="Unsubscribe link: confirmation page",
    description="The signed link in every fan-out email, opened in a browser: an HTML page asking to confirm, "
                "with a button that POSTs; it changes nothing (link scanners open links). A forged or altered "
                "token is 403.",
)
def unsubscribe_get(token: Token) -> Response[str]:
    trade, subscribed = unsubscribe.is_subscribed(token)
    return _html("unsubscribe_confirm", {"trade_label": trade_label(trade), "subscribed": subscribed,
                                         "action": f"/unsubscribe?token={quote(token)}"})


@router.post(
    "/unsubscribe",
    responses=PAGE,
    summary="Unsubscribe (one-click, RFC 8058)",
    description="Stops the token's subscription and answers an HTML page: what mail clients post for "
                "List-Unsubscribe-Post (body List-Unsubscribe=One-Click), the confirmation page's button and "
                "the web app's page. Idempotent; an old link never ends a newer subscription; forged is 403.",
)
def unsubscribe_post(token: Token) -> Response[str]:
    trade = unsubscribe.unsubscribe_by_token(token)
    return _html("unsubscribed_page", {"trade_label": trade_label(trade)})


app = make_app(router)
_resolve = entrypoint(app)


@functools.wraps(_resolve)  # it calls the traced, logged entrypoint, and says so (``traced``)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Neither route reads a body: RFC 8058's ``List-Unsubscribe=One-Click`` (form-encoded, as mail clients and
    the page's form send it) says only "unsubscribe", which the method already says. It is dropped before the
    app's body checks, which would refuse a form body (415) on every other route."""
    return _resolve({**event, "body": None, "isBase64Encoded": False}, context)
