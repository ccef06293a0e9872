"""GET /users/me (auth): the caller's profile, subscriptions and stats (created from the claims on first use)."""

from aws_lambda_powertools.event_handler.router import Router

from shared import users
from shared.api import caller, entrypoint, make_app
from shared.contract import Profile, answers

router = Router()


@router.get(
    "/users/me",
    responses=answers(200, Profile),
    summary="Read my profile",
    description="The caller's profile, subscriptions and stats; the profile is created from the identity "
                "claims on a user's first authenticated request.",
)
def get_profile() -> Profile:
    return users.get_me(caller(router).username)


app = make_app(router)
handler = entrypoint(app)
