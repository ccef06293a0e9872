"""POST /leeds/{id}/attachments (auth, seller only): 201 with a pre-signed upload and the thumbnail URL."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from shared import uploads
from shared.api import caller, entrypoint, make_app
from shared.contract import NewUpload, answers

router = Router()


@router.post(
    "/leeds/<leed_id>/attachments",
    responses=answers(201, NewUpload, 403, 409, 415),
    summary="Attach an image to a leed",
    description="Seller only. Answers 201 with a pre-signed S3 POST (the browser uploads straight to S3, at "
                "most 10 MiB, JPEG, PNG or GIF) and a pre-signed GET of the thumbnail, which answers 404 until "
                "the conversion has written it. At most ten attachments a leed (409).",
)
def add_attachment(leed_id: str, new: Annotated[uploads.NewAttachment, Body()]) -> Response[NewUpload]:
    created = uploads.add_attachment(leed_id, new, caller(router).username)
    return Response(201, content_types.APPLICATION_JSON, created)


app = make_app(router)
handler = entrypoint(app)
