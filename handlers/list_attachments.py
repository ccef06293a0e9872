"""GET /leeds/{id}/attachments (auth): each attachment's key and a pre-signed GET for its thumbnail."""

from aws_lambda_powertools.event_handler.router import Router

from shared import uploads
from shared.api import caller, entrypoint, make_app

router = Router()


@router.get("/leeds/<leed_id>/attachments")
def list_attachments(leed_id: str) -> dict:
    caller(router)
    return {"items": uploads.list_attachments(leed_id)}


app = make_app(router)
handler = entrypoint(app)
