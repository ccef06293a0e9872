"""DELETE /users/me/subscriptions/{trade} (auth): stop the emails for a trade; 204, idempotent."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared import subscriptions
from shared.api import caller, entrypoint, make_app
from shared.contract import answers
from shared.responses import no_content
from shared.trades import require_trade

router = Router()


@router.delete(
    "/users/me/subscriptions/<trade>",
    responses=answers(204, None, 409),
    summary="Unsubscribe from a trade",
    description="Stops the emails for the trade: 204, no body; idempotent. An unknown trade is 404.",
)
def unsubscribe(trade: str) -> Response[None]:
    me = caller(router)
    subscriptions.unsubscribe(me.username, require_trade(trade))
    return no_content()


app = make_app(router)
handler = entrypoint(app)
