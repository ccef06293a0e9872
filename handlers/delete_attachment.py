"""DELETE /leeds/{id}/attachments/{key} (auth, seller only): removes the upload and its thumbnail, frees the
slot; 204 with no body. 404 for an unknown leed or key, 403 for anyone but the seller."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared import uploads
from shared.api import caller, entrypoint, make_app
from shared.contract import answers
from shared.responses import no_content

router = Router()


@router.delete(
    "/leeds/<leed_id>/attachments/<key>",
    responses=answers(204, None, 403),
    summary="Delete an attachment",
    description="Seller only: removes the upload and its thumbnail and frees the slot; 204 with no body.",
)
def delete_attachment(leed_id: str, key: str) -> Response[None]:
    uploads.delete_attachment(leed_id, key, caller(router).username)
    return no_content()


app = make_app(router)
handler = entrypoint(app)
