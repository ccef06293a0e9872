"""PUT /users/me/subscriptions/{trade} (auth): get an email for each new leed of a trade; 204, idempotent."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared import subscriptions
from shared.api import caller, entrypoint, json_response, make_app
from shared.trades import require_trade

router = Router()


@router.put("/users/me/subscriptions/<trade>")
def subscribe(trade: str) -> Response[None]:
    me = caller(router)
    subscriptions.subscribe(me.username, require_trade(trade))
    return json_response(204)


app = make_app(router)
handler = entrypoint(app)
