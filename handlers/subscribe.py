"""PUT /users/me/subscriptions/{trade} (auth): get an email for each new leed of a trade; 204, idempotent."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared import subscriptions
from shared.api import entrypoint, mailed_caller, make_app
from shared.contract import answers
from shared.responses import no_content
from shared.trades import require_trade

router = Router()


@router.put(
    "/users/me/subscriptions/<trade>",
    responses=answers(204, None, 403, 409),
    summary="Subscribe to a trade",
    description="The caller gets an email for each new leed of the trade (but their own): 204, no body; "
                "idempotent. An unknown trade is 404; 403 while the caller's email is unverified.",
)
def subscribe(trade: str) -> Response[None]:
    me = mailed_caller(router)
    subscriptions.subscribe(me.username, require_trade(trade))
    return no_content()


app = make_app(router)
handler = entrypoint(app)
