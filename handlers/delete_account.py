"""DELETE /users/me (auth): erase the caller's account; 202, the erasure runs asynchronously
(``shared.erasure``). From this answer on, the caller's token is refused (401)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from shared import erasure
from shared.api import caller, correlation_id, entrypoint, make_app
from shared.contract import answers
from shared.responses import no_content

router = Router()


@router.delete(
    "/users/me",
    responses=answers(202, None),
    summary="Delete my account",
    description="Erases the caller's account asynchronously: 202, no body. Profile, subscriptions, "
                "notifications and attachments go, leeds for sale are withdrawn, sold leeds keep the sale but "
                "name a deleted user; a last email confirms it. The token is refused from then on (401).",
)
def delete_account() -> Response[None]:
    me = caller(router)
    erasure.request_erasure(me.username, me.email, correlation_id())
    return no_content(202)


app = make_app(router)
handler = entrypoint(app)
