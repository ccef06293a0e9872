"""POST /leeds/{id}/buy (auth): buy a leed; exactly one of many concurrent buyers wins, the others get 409."""

from aws_lambda_powertools.event_handler.router import Router

from shared import leeds
from shared.api import correlation_id, entrypoint, mailed_caller, make_app
from shared.contract import FullLeed, answers

router = Router()


@router.post(
    "/leeds/<leed_id>/buy",
    responses=answers(200, FullLeed, 403, 409, 429),
    summary="Buy a leed",
    description="Buys a leed for sale: 200 with the full view, status sold. Exactly one of many concurrent "
                "buyers wins; the others get 409. The winner's retry answers 200 with the same view and "
                "changes nothing; the seller gets 403, and so does a caller whose email is unverified (the "
                "receipt goes there); 429 with Retry-After when the caller's buying quota is spent.",
)
def buy_leed(leed_id: str) -> FullLeed:
    me = mailed_caller(router)
    return leeds.buy_leed(leed_id, me.username, correlation_id())


app = make_app(router)
handler = entrypoint(app)
