"""GET /users/me/leeds?role=seller|buyer: the caller's own leeds, newest first, full view, paged."""

from handlers import buy_leed, list_my_leeds
from tests.apigw import call
from tests.integration.leed_factory import post


def mine(context, user, **query):
    return call(list_my_leeds, "GET", "/users/me/leeds", context, user=user,
                query={k: str(v) for k, v in query.items()})


def buy(context, leed_id, user):
    return call(buy_leed, "POST", "/leeds/{id}/buy", context, path_params={"id": leed_id}, user=user)


def test_a_seller_sees_what_they_posted_and_a_buyer_what_they_bought(invocations, lambda_context):
    posted = [post(lambda_context, location={"address": f"{n} Main St", "zip": "10001"}).body for n in range(3)]
    post(lambda_context, user="other", location={"address": "9 Elm St", "zip": "10001"})
    assert buy(lambda_context, posted[1]["id"], "bob").status == 200

    sold = mine(lambda_context, "sally", role="seller")
    bought = mine(lambda_context, "bob", role="buyer")

    assert sold.status == 200
    assert [i["id"] for i in sold.body["items"]] == [p["id"] for p in reversed(posted)]
    assert sold.body["items"][1]["status"] == "sold" and sold.body["items"][1]["buyer"] == "bob"
    assert sold.body["items"][0]["details"].startswith("Call Pat")  # the full view: they are its seller
    assert [i["id"] for i in bought.body["items"]] == [posted[1]["id"]]
    assert bought.body["items"][0]["location"] == {"address": "1 Main St", "zip": "10001"}
    assert mine(lambda_context, "bob", role="seller").body == {"items": [], "next": None}
    assert mine(lambda_context, "sally").body["items"][0]["id"] == posted[2]["id"]  # seller by default


def test_pages_with_a_cursor_that_only_its_owner_can_use(invocations, lambda_context):
    posted = [post(lambda_context, location={"address": f"{n} Main St", "zip": "10001"}).body for n in range(3)]

    first = mine(lambda_context, "sally", limit=2)
    second = mine(lambda_context, "sally", limit=2, cursor=first.body["next"])

    assert [i["id"] for i in first.body["items"] + second.body["items"]] == [p["id"] for p in reversed(posted)]
    assert second.body["next"] is None
    stolen = mine(lambda_context, "mallory", limit=2, cursor=first.body["next"])
    assert stolen.status == 422
    assert mine(lambda_context, "sally", role="admin").status == 422
    assert mine(lambda_context, "sally", cursor="e30").status == 422
