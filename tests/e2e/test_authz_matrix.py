"""Authorization matrix over HTTP: every contract route by every kind of caller, one test id per cell.

Callers: no token, a malformed token, a tampered token (another user's signature on the owner's claims), a
forged token (the owner's claims signed with a key that is not the stack's), another user, the owner. Protected
routes answer 401 to the first four with the contract's error shape and change nothing; public routes ignore
the header. For "another user" vs "the owner" each route answers what CONTRACT.md documents (403 where only
the seller may act, a public view instead of the full one, each user's own profile). Every cell works on its own
fresh leed, so the cells are independent (and run in any order, on any xdist worker).

Expired tokens are not a cell: the local stack's signing key never leaves its process, so a test cannot mint
one; ``infra.local.auth.Tokens.verify`` checks ``exp`` (unit-tested with the token code).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from infra.local.auth import Tokens

TRADE = "face-painting"  # no other test on this stack posts in or subscribes to it
RUN = uuid.uuid4().hex[:6]
OWNER, OTHER = f"authz-owner-{RUN}", f"authz-other-{RUN}"
BAD_CALLERS = ("no_token", "malformed", "tampered", "forged")
CALLERS = (*BAD_CALLERS, "other", "owner")
ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
               422: "validation_error"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {id} is a fresh leed of OWNER's, {trade} is TRADE
    public: bool = False
    body: dict[str, Any] | None = None
    other: int = 200  # status for another (authenticated) user
    owner: int = 200  # status for the owner: the seller of {id}, or the user themselves for /users/me

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ROUTES = (
    Route("GET", "/trades", public=True),
    Route("GET", f"/leeds?trade={TRADE}", public=True),
    Route("GET", "/users/me"),
    Route("PUT", "/users/me", body={"name": "Renamed"}),
    Route("PUT", "/users/me/subscriptions/{trade}", other=204, owner=204),
    Route("DELETE", "/users/me/subscriptions/{trade}", other=204, owner=204),
    Route("GET", "/users/me/notifications"),
    Route("POST", "/leeds", body={}, other=201, owner=201),  # body: a fresh leed_body()
    Route("GET", "/leeds/{id}"),
    Route("POST", "/leeds/{id}/buy", other=200, owner=403),
    Route("DELETE", "/leeds/{id}", other=403, owner=204),
    Route("POST", "/leeds/{id}/attachments", body={"filename": "stage.jpg", "content_type": "image/jpeg"},
          other=403, owner=201),
    Route("GET", "/leeds/{id}/attachments"),
    Route("DELETE", "/leeds/{id}/attachments/{key}", other=403, owner=204),  # {key}: an attachment of {id}
)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def leed_body(days: int = 30) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=days)).replace(hour=15, minute=0, second=0, microsecond=0)
    return {
        "trade": TRADE, "title": "Face painting at a school fair",
        "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat(),
        "location": {"address": f"{uuid.uuid4().hex[:10]} Elm Street", "zip": "10001"},  # no booking conflicts
        "price_cents": 1500, "details": "Ask for the head teacher.",
    }


@pytest.fixture(scope="module")
def headers(stack) -> dict[str, dict[str, str]]:
    """Authorization headers per caller kind."""
    owner, other = stack.token(OWNER), stack.token(OTHER)
    owner_claims = {"cognito:username": OWNER, "email": f"{OWNER}@example.com",
                    "exp": int(datetime.now(UTC).timestamp()) + 3600}
    other_signature = other.partition(".")[2]
    return {
        "no_token": {},
        "malformed": {"Authorization": "Bearer not-a-token"},
        "tampered": {"Authorization": f"Bearer {_b64(owner_claims)}.{other_signature}"},
        "forged": {"Authorization": f"Bearer {Tokens().issue(OWNER, f'{OWNER}@example.com')}"},
        "other": {"Authorization": f"Bearer {other}"},
        "owner": {"Authorization": f"Bearer {owner}"},
    }


def assert_error(resp: requests.Response, status: int) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) >= {"error", "message"}, body
    assert body["error"] == ERROR_CODES[status] and isinstance(body["message"], str) and body["message"], body


def check_success(route: Route, caller: str, body: Any) -> None:
    """What the caller sees on a 2xx: their own data, and the seller's private fields only for the seller."""
    me = OWNER if caller == "owner" else OTHER
    match (route.method, route.path):
        case ("GET", "/users/me") | ("PUT", "/users/me"):
            assert body["username"] == me
        case ("POST", "/leeds"):
            assert body["seller"] == me and body["details"]
        case ("GET", "/leeds/{id}"):
            assert body["seller"] == OWNER
            assert ("details" in body) == (caller == "owner"), body  # the full view for the seller only
        case ("POST", "/leeds/{id}/buy"):
            assert body["status"] == "sold" and body["buyer"] == me
        case ("POST", "/leeds/{id}/attachments"):
            assert body["key"] and body["upload"]["url"]


def leed_status(stack, leed_id: str, owner_headers: dict[str, str]) -> str:
    return requests.get(f"{stack.api}/leeds/{leed_id}", headers=owner_headers, timeout=30).json()["status"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_authz_cell(stack, headers, route: Route, caller: str) -> None:
    leed_id = None
    if "{id}" in route.path:
        created = requests.post(f"{stack.api}/leeds", json=leed_body(), headers=headers["owner"], timeout=30)
        assert created.status_code == 201, created.text
        leed_id = created.json()["id"]
    key = ""
    if "{key}" in route.path:
        attached = requests.post(f"{stack.api}/leeds/{leed_id}/attachments", headers=headers["owner"], timeout=30,
                                 json={"filename": "stage.jpg", "content_type": "image/jpeg"})
        assert attached.status_code == 201, attached.text
        key = attached.json()["key"]
    path = route.path.replace("{id}", leed_id or "").replace("{trade}", TRADE).replace("{key}", key)
    body = leed_body(days=31) if route.body == {} else route.body
    resp = requests.request(route.method, stack.api + path, json=body, headers=headers[caller], timeout=30)

    if caller in BAD_CALLERS and not route.public:
        assert_error(resp, 401)
        if leed_id:  # the handler never ran: the leed is untouched
            assert leed_status(stack, leed_id, headers["owner"]) == "for_sale"
        return
    expected = 200 if route.public else getattr(route, caller)
    if expected >= 400:
        assert_error(resp, expected)
        if leed_id:
            assert leed_status(stack, leed_id, headers["owner"]) == "for_sale"
        return
    assert resp.status_code == expected, resp.text
    if expected != 204:
        check_success(route, caller, resp.json())


def test_a_sold_leed_shows_its_full_view_to_seller_and_buyer_only(stack, headers) -> None:
    leed = requests.post(f"{stack.api}/leeds", json=leed_body(days=32), headers=headers["owner"], timeout=30).json()
    bought = requests.post(f"{stack.api}/leeds/{leed['id']}/buy", headers=headers["other"], timeout=30)
    assert bought.status_code == 200, bought.text
    stranger = {"Authorization": f"Bearer {stack.token(f'authz-stranger-{RUN}')}"}
    views = {who: requests.get(f"{stack.api}/leeds/{leed['id']}", headers=h, timeout=30).json()
             for who, h in (("seller", headers["owner"]), ("buyer", headers["other"]), ("stranger", stranger))}
    assert {who: "details" in view for who, view in views.items()} == {"seller": True, "buyer": True,
                                                                        "stranger": False}
    assert views["stranger"]["status"] == "sold" and "buyer" not in views["stranger"]
    again = requests.post(f"{stack.api}/leeds/{leed['id']}/buy", headers=stranger, timeout=30)
    assert_error(again, 409)  # not for sale any more; nobody else can buy it
    withdraw = requests.delete(f"{stack.api}/leeds/{leed['id']}", headers=headers["other"], timeout=30)
    assert_error(withdraw, 403)  # the buyer is not the seller


@pytest.mark.parametrize("caller", CALLERS)
def test_the_unsubscribe_link_is_its_own_credential(stack, headers, caller: str) -> None:
    """Public route: the bearer header is irrelevant; a missing token is 422, an altered one 403."""
    missing = requests.get(f"{stack.api}/unsubscribe", headers=headers[caller], timeout=30)
    assert missing.status_code == 422, missing.text
    assert missing.json()["error"] == "validation_error"
    forged = requests.post(f"{stack.api}/unsubscribe", params={"token": f"{_b64({'u': OWNER})}.bad"},
                           headers=headers[caller], timeout=30)
    assert_error(forged, 403)
