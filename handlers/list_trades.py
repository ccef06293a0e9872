"""GET /trades (public): the catalogue with its counters."""

from aws_lambda_powertools.event_handler.router import Router

from shared import trades
from shared.api import entrypoint, make_app
from shared.contract import TradeList, answers

router = Router()


@router.get(
    "/trades",
    responses=answers(200, TradeList),
    summary="List the trades",
    description="The fixed trade catalogue, each with how many leeds were posted and sold and how many "
                "users subscribe to it.",
)
def list_trades() -> TradeList:
    return {"items": trades.list_trades()}


app = make_app(router)
handler = entrypoint(app)
