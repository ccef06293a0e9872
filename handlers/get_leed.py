"""GET /leeds/{id} (auth): the public view, or the full view for the leed's seller and buyer."""

from aws_lambda_powertools.event_handler.router import Router

from shared import leeds
from shared.api import caller, entrypoint, make_app
from shared.contract import FullLeed, PublicLeed, answers

router = Router()


@router.get(
    "/leeds/<leed_id>",
    responses=answers(200, FullLeed | PublicLeed),
    summary="Read a leed",
    description="The public view; its seller and its buyer get the full view (address, details, buyer).",
)
def get_leed(leed_id: str) -> FullLeed | PublicLeed:
    return leeds.get_leed(leed_id, caller(router).username)


app = make_app(router)
handler = entrypoint(app)
