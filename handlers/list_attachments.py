"""GET /leeds/{id}/attachments (auth): each attachment's key and a pre-signed GET for its thumbnail."""

from aws_lambda_powertools.event_handler.router import Router

from shared import uploads
from shared.api import caller, entrypoint, make_app
from shared.contract import AttachmentList, answers

router = Router()


@router.get(
    "/leeds/<leed_id>/attachments",
    responses=answers(200, AttachmentList),
    summary="List a leed's attachments",
    description="Each attachment with its status: pending (upload URL issued, nothing converted yet), ready "
                "(thumbnail written) or rejected (not a valid image of its type, with a reason), and a fresh "
                "pre-signed GET of its thumbnail. A pending slot whose upload URL expired unused is gone.",
)
def list_attachments(leed_id: str) -> dict:  # documented by responses=; a ready one has no "reason" at all
    caller(router)
    return {"items": uploads.list_attachments(leed_id)}


app = make_app(router)
handler = entrypoint(app)
