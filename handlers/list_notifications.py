"""GET /users/me/notifications (auth): the caller's in-app notifications, newest first, paginated."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from shared import base64url, notifications
from shared.api import caller, entrypoint, make_app
from shared.contract import NotificationPage, answers

router = Router()


@router.get(
    "/users/me/notifications",
    responses=answers(200, NotificationPage),
    summary="List my notifications",
    description="The caller's in-app notifications (a leed of theirs sold, a leed they bought), newest first, "
                "in pages of limit with an opaque cursor to the next.",
)
def list_notifications(
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2048, pattern=base64url.PATTERN)] = None,
) -> NotificationPage:
    return notifications.list_for(caller(router).username, limit=limit, cursor=cursor)


app = make_app(router)
handler = entrypoint(app)
