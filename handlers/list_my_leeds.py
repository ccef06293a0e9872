"""GET /users/me/leeds?role=seller|buyer (auth): the leeds the caller posted or bought, newest first."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from shared import my_leeds
from shared.api import caller, entrypoint, make_app
from shared.contract import MyLeedPage, answers

router = Router()


@router.get(
    "/users/me/leeds",
    responses=answers(200, MyLeedPage),
    summary="List my leeds",
    description="The leeds the caller posted (role=seller, the default) or bought (role=buyer), newest first, "
                "in the full view, in pages of limit with an opaque cursor to the next.",
)
def list_my_leeds(
    role: Annotated[Literal["seller", "buyer"], Query()] = "seller",
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> MyLeedPage:
    return my_leeds.list_mine(caller(router).username, role, limit=limit, cursor=cursor)


app = make_app(router)
handler = entrypoint(app)
