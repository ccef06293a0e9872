"""Issue 16 through the local stack over HTTP: places (the offline Location Service), near-me, edit, report,
my leeds, and erasing an account. Names, addresses and dates are unique per run: the stack is shared."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta

import requests

ERASED = "a deleted user"


def auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.token(user, f'{user}@example.com')}"}


def unique_user(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def body(address: str, zip_code: str, trade: str = "dj", days: int | None = None) -> dict:
    days = days if days is not None else random.randint(100, 1500)  # a date no other test books
    start = (datetime.now(UTC) + timedelta(days=days)).replace(hour=18, minute=0, second=0, microsecond=0)
    return {"trade": trade, "title": "Garden party", "start": start.isoformat(),
            "end": (start + timedelta(hours=3)).isoformat(), "location": {"address": address, "zip": zip_code},
            "price_cents": 3000, "details": "Gate code 4321"}


def post(stack, user: str, payload: dict) -> requests.Response:
    return requests.post(f"{stack.api}/leeds", json=payload, headers=auth(stack, user), timeout=30)


def street() -> int:
    return random.randint(1000, 99999)


def test_two_spellings_of_one_address_conflict(stack):
    n, days = street(), random.randint(100, 1500)
    first = post(stack, unique_user("ann"), body(f"{n} Main Street", "90210", days=days))
    again = post(stack, unique_user("ben"), body(f"{n} main st.", "90210-1234", days=days))

    assert first.status_code == 201, first.text
    assert again.status_code == 409 and again.json()["error"] == "conflict"


def test_a_geocoder_failure_still_posts_on_the_address_text(geocoder_down_stack):
    n, days = street(), random.randint(100, 1500)
    first = post(geocoder_down_stack, "ann", body(f"{n} Main Street", "90210", days=days))
    same_text = post(geocoder_down_stack, "ben", body(f"{n} MAIN  street", "90210", days=days))
    other_spelling = post(geocoder_down_stack, "cat", body(f"{n} Main St", "90210", days=days))

    assert first.status_code == 201, first.text
    assert same_text.status_code == 409  # the normalised text still stands for the place
    assert other_spelling.status_code == 201  # without the geocoder, "St" and "Street" are two places


def test_near_me_finds_leeds_by_distance(stack):
    days = random.randint(100, 1500)
    # from 10001's centre: 10011 0.9 km, 07030 3.1 km, 11201 6.1 km, 06902 51.4 km
    ids = {z: post(stack, unique_user("ned"), body(f"{street()} Main St", z, trade="balloon-art",
                                                   days=days + i)).json()["id"]
           for i, z in enumerate(("10011", "07030", "11201", "06902"))}

    def near(radius):
        resp = requests.get(f"{stack.api}/leeds", params={"trade": "balloon-art", "near": "10001",
                                                          "radius_km": radius, "limit": 100}, timeout=30)
        assert resp.status_code == 200, resp.text
        return [i["id"] for i in resp.json()["items"] if i["id"] in ids.values()]

    assert near(2) == [ids["10011"]]
    assert near(5) == [ids["10011"], ids["07030"]]
    assert near(10) == [ids["10011"], ids["07030"], ids["11201"]]
    assert near(60) == list(ids.values())


def test_an_edit_that_takes_a_booked_slot_is_409_and_changes_nothing(stack):
    seller, days = unique_user("eve"), random.randint(100, 1500)
    taken = street()
    assert post(stack, unique_user("fay"), body(f"{taken} Oak Avenue", "10001", days=days)).status_code == 201
    leed = post(stack, seller, body(f"{street()} Oak Avenue", "10001", days=days)).json()

    clash = requests.patch(f"{stack.api}/leeds/{leed['id']}", headers=auth(stack, seller), timeout=30,
                           json={"location": {"address": f"{taken} oak ave", "zip": "10001"}})
    after = requests.get(f"{stack.api}/leeds/{leed['id']}", headers=auth(stack, seller), timeout=30).json()
    fixed = requests.patch(f"{stack.api}/leeds/{leed['id']}", headers=auth(stack, seller), timeout=30,
                           json={"title": "Garden party, 40 guests"})

    assert clash.status_code == 409, clash.text
    assert after == leed
    assert fixed.status_code == 200 and fixed.json()["title"] == "Garden party, 40 guests"


def test_a_repeated_report_is_409(stack):
    leed = post(stack, unique_user("gus"), body(f"{street()} Pine Rd", "10001")).json()
    reporter = unique_user("hal")
    url = f"{stack.api}/leeds/{leed['id']}/report"

    first = requests.post(url, json={"reason": "Fake"}, headers=auth(stack, reporter), timeout=30)
    second = requests.post(url, json={"reason": "Fake again"}, headers=auth(stack, reporter), timeout=30)

    assert first.status_code == 202 and first.content == b""
    assert second.status_code == 409


def my_leeds(stack, user: str, role: str) -> requests.Response:
    return requests.get(f"{stack.api}/users/me/leeds", params={"role": role}, headers=auth(stack, user), timeout=30)


def test_an_erasure_keeps_the_other_partys_sale_and_twice_is_the_same(stack):
    seller, buyer = unique_user("ivy"), unique_user("jon")
    seller_token = {"Authorization": f"Bearer {stack.token(seller, f'{seller}@example.com')}"}
    sold = post(stack, seller, body(f"{street()} Elm St", "10001")).json()
    for_sale = post(stack, seller, body(f"{street()} Elm St", "10001")).json()
    assert requests.post(f"{stack.api}/leeds/{sold['id']}/buy", headers=auth(stack, buyer), timeout=30).ok
    assert [i["id"] for i in my_leeds(stack, seller, "seller").json()["items"]] == [for_sale["id"], sold["id"]]

    erased = requests.delete(f"{stack.api}/users/me", headers=seller_token, timeout=30)
    assert erased.status_code == 202
    assert requests.get(f"{stack.api}/users/me", headers=seller_token, timeout=30).status_code == 401
    assert stack.wait_idle(timeout=60)

    bought = my_leeds(stack, buyer, "buyer").json()["items"]
    assert [(i["id"], i["seller"], i["status"]) for i in bought] == [(sold["id"], ERASED, "sold")]
    public = requests.get(f"{stack.api}/leeds/{for_sale['id']}", headers=auth(stack, buyer), timeout=30).json()
    assert public["status"] == "withdrawn" and public["seller"] == ERASED
    confirmations = [e for e in stack.get("/_local/emails", params={"to": f"{seller}@example.com"}).json()["items"]
                     if e["subject"] == "Your leedz account is deleted"]
    assert len(confirmations) == 1

    before = (my_leeds(stack, buyer, "buyer").json(),
              requests.get(f"{stack.api}/leeds/{for_sale['id']}", headers=auth(stack, buyer), timeout=30).json())
    event = {"function": "eraseAccount", "correlation_id": str(uuid.uuid4()), "username": seller}
    again = stack.client("lambda").invoke(FunctionName="AccountController", Payload=json.dumps(event).encode())
    assert json.loads(again["Payload"].read()) == {"function": "eraseAccount", "erased": False}
    assert stack.wait_idle(timeout=60)
    after = (my_leeds(stack, buyer, "buyer").json(),
             requests.get(f"{stack.api}/leeds/{for_sale['id']}", headers=auth(stack, buyer), timeout=30).json())
    assert after == before
    # the controller deleted the user (Cognito AdminDeleteUser): the gateway itself now refuses the old token,
    # before any handler runs, as it answers a token it cannot verify
    refused = requests.get(f"{stack.api}/users/me", headers=seller_token, timeout=30)
    unsigned = requests.get(f"{stack.api}/users/me", headers={"Authorization": "Bearer x.y.z"}, timeout=30)
    assert refused.status_code == 401 and refused.json() == unsigned.json()
