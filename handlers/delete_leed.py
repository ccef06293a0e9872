"""DELETE /leeds/{id} (auth): the seller withdraws an unsold leed and frees its booking slot; 204.

Withdrawing an already withdrawn leed is 204 again: DELETE is idempotent, so a client retrying after a lost
response sees success, and no second event is fired.
"""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared import leeds
from shared.api import caller, correlation_id, entrypoint, make_app
from shared.contract import answers
from shared.responses import no_content

router = Router()


@router.delete(
    "/leeds/<leed_id>",
    responses=answers(204, None, 403, 409),
    summary="Withdraw a leed",
    description="The seller withdraws an unsold leed and frees its booking slot: 204, no body. Idempotent "
                "(withdrawing again is 204); 403 for anyone but the seller, 409 once it is sold.",
)
def delete_leed(leed_id: str) -> Response[None]:
    leeds.withdraw_leed(leed_id, caller(router).username, correlation_id())
    return no_content()


app = make_app(router)
handler = entrypoint(app)
