"""GET /users/me (auth): the caller's profile, subscriptions and stats (created from the claims on first use)."""

from aws_lambda_powertools.event_handler.router import Router

from shared import users
from shared.api import caller, entrypoint, make_app

router = Router()


@router.get("/users/me")
def get_profile() -> dict:
    return users.get_me(caller(router).username)


app = make_app(router)
handler = entrypoint(app)
