"""PUT /users/me (auth): change the display name (1-100 characters); 200 with the profile.

Unknown fields are refused (422): the email comes from the identity provider, never from the body.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from shared import users
from shared.api import caller, entrypoint, make_app
from shared.contract import Profile, answers

router = Router()


@router.put(
    "/users/me",
    responses=answers(200, Profile),
    summary="Change my display name",
    description="Sets the display name others see (1-100 characters, no control or bidirectional "
                "characters); the email comes from the identity provider, so any other field is 422.",
)
def update_profile(update: Annotated[users.ProfileUpdate, Body()]) -> Profile:
    return users.rename(caller(router).username, update.name)


app = make_app(router)
handler = entrypoint(app)
