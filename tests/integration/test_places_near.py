"""Places (Location Service Geocode, answered offline as the local stack does) and leeds near a ZIP."""

from handlers import buy_leed, delete_leed, list_leeds
from infra.local.aws import places as geocoder
from tests.apigw import call
from tests.integration.leed_factory import future, leed_item, post


def near(context, **query):
    return call(list_leeds, "GET", "/leeds", context,
                query={"trade": "dj", **{k: str(v) for k, v in query.items()}})


def test_two_spellings_of_one_address_are_one_booking(invocations, lambda_context):
    first = post(lambda_context, location={"address": "12 Main Street", "zip": "90210"})
    assert first.status == 201
    item = leed_item(first.body["id"])
    assert item["place_label"] == "12 Main St, Beverly Hills, CA 90210, United States"
    assert (item["lat"], item["lon"]) == (34.0901, -118.4065)  # the ZIP's centroid

    again = post(lambda_context, user="other", location={"address": "12 main st.", "zip": "90210-1234"})

    assert again.status == 409
    assert again.body["error"] == "conflict"
    other_house = post(lambda_context, user="other", location={"address": "14 Main Street", "zip": "90210"})
    assert other_house.status == 201


def test_a_geocoder_failure_still_posts_on_the_text_rule_and_counts_it(invocations, lambda_context,
                                                                       metrics_emitted):
    geocoder.set_down(True)
    try:
        reply = post(lambda_context, location={"address": "12 Main Street", "zip": "90210"})
        same_text = post(lambda_context, user="other", location={"address": "12 MAIN  street", "zip": "90210"})
    finally:
        geocoder.set_down(False)

    assert reply.status == 201
    assert same_text.status == 409  # the normalised text still stands for the place
    item = leed_item(reply.body["id"])
    assert "place_label" not in item and "gsi2pk" not in item
    assert metrics_emitted().get("GeocodeFallback") == 2


def test_an_address_the_geocoder_cannot_place_falls_back_too(invocations, lambda_context, metrics_emitted):
    reply = post(lambda_context, location={"address": "behind the old mill", "zip": "10001"})

    assert reply.status == 201
    assert "gsi2pk" not in leed_item(reply.body["id"])
    assert metrics_emitted().get("GeocodeFallback") == 1


# Distances from 10001's centroid (Manhattan) to each ZIP's, from the zipcodes data: 0.9, 3.1, 6.1, 10.4,
# 51.4 and 133.5 km.
PLACED = {"10011": 0.9, "07030": 3.1, "11201": 6.1, "10451": 10.4, "06902": 51.4, "19103": 133.5}


def test_near_finds_the_leeds_within_the_radius_by_start(invocations, lambda_context):
    ids = {}
    for n, zip_code in enumerate(PLACED):
        reply = post(lambda_context, start_at=future(days=20 - n), location={"address": f"{n + 1} Main St",
                                                                              "zip": zip_code})
        assert reply.status == 201, reply.body
        ids[zip_code] = reply.body["id"]

    for radius, expected in ((1, ["10011"]), (5, ["07030", "10011"]), (11, ["10451", "11201", "07030", "10011"]),
                             (60, ["06902", "10451", "11201", "07030", "10011"]), (200, list(reversed(PLACED)))):
        reply = near(lambda_context, near="10001", radius_km=radius)
        assert reply.status == 200, reply.body
        assert [i["id"] for i in reply.body["items"]] == [ids[z] for z in expected], radius


def test_near_leaves_out_sold_and_withdrawn_leeds_and_pages(invocations, lambda_context):
    posted = [post(lambda_context, start_at=future(days=5 + n), location={"address": f"{n + 1} Main St",
                                                                          "zip": "10001"}).body for n in range(5)]
    call(buy_leed, "POST", "/leeds/{id}/buy", lambda_context, path_params={"id": posted[0]["id"]}, user="bob")
    call(delete_leed, "DELETE", "/leeds/{id}", lambda_context, path_params={"id": posted[1]["id"]}, user="sally")

    first = near(lambda_context, near="10001", radius_km=5, limit=2)
    second = near(lambda_context, near="10001", radius_km=5, limit=2, cursor=first.body["next"])

    assert [i["id"] for i in first.body["items"]] == [posted[2]["id"], posted[3]["id"]]
    assert [i["id"] for i in second.body["items"]] == [posted[4]["id"]]
    assert second.body["next"] is None


def test_near_refusals_are_422(invocations, lambda_context):
    assert near(lambda_context, near="00000", radius_km=5).status == 422  # not a ZIP
    assert near(lambda_context, near="10001", radius_km=500).status == 422
    assert near(lambda_context, radius_km=5).status == 422  # a radius needs a place
    assert near(lambda_context, near="10001", cursor="bm90IGEgY3Vyc29y").status == 422
