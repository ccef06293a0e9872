"""What a hostile or careless client sends at the edges (issue 11): 204 bodies, JSON that is not an object,
non-ASCII ZIPs, control and bidirectional characters in text others read, claims Cognito never issues."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import Router

from handlers import add_leed, delete_leed, get_profile, list_leeds, subscribe, unsubscribe, update_profile
from shared import api, responses
from tests.apigw import call, proxy_event
from tests.integration.leed_factory import SELLER, post, table_without_profiles

ARABIC_INDIC_ZIP = "\u0669\u0660\u0662\u0661\u0660"  # "90210" in Arabic-Indic digits


def _raw(module, method, resource, context, **kwargs):
    """The handler's own answer, before any client library has read it."""
    return module.handler(proxy_event(method, resource, **kwargs), context)


def _assert_bodyless(result):
    assert result["statusCode"] == 204
    assert result["body"] in (None, "")
    headers = {k.lower() for k in [*(result.get("headers") or {}), *(result.get("multiValueHeaders") or {})]}
    assert "content-type" not in headers


# --- 1. a 204 carries no body --------------------------------------------------------------------------------


def test_subscribe_and_unsubscribe_answer_204_with_no_body(invocations, lambda_context):
    path = {"trade": "dj"}
    _assert_bodyless(_raw(subscribe, "PUT", "/users/me/subscriptions/{trade}", lambda_context,
                          path_params=path, user="bob"))
    _assert_bodyless(_raw(unsubscribe, "DELETE", "/users/me/subscriptions/{trade}", lambda_context,
                          path_params=path, user="bob"))


def test_withdrawing_answers_204_with_no_body(invocations, lambda_context):
    leed_id = post(lambda_context).body["id"]
    _assert_bodyless(_raw(delete_leed, "DELETE", "/leeds/{id}", lambda_context,
                          path_params={"id": leed_id}, user=SELLER))


@pytest.mark.parametrize("answer", [
    lambda: responses.json_response(204, {"stray": True}),
    lambda: Response(204, content_types.APPLICATION_JSON, "null"),
    lambda: Response(204, content_types.TEXT_PLAIN, "text"),
    lambda: Response(204, body="text", headers={"content-type": "text/plain"}),
])
def test_no_route_can_send_a_body_with_204(lambda_context, answer):
    router = Router()
    router.delete("/things/<thing>")(lambda thing: answer())
    app = api.make_app(router)
    event = proxy_event("DELETE", "/things/{thing}", path_params={"thing": "x"})
    _assert_bodyless(app.resolve(event, lambda_context))


# --- 6. JSON that is not an object is 422 -------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["null", "[]", "[1, 2]", "123", '"x"', "true"])
@pytest.mark.parametrize("module, method, resource", [
    (add_leed, "POST", "/leeds"), (update_profile, "PUT", "/users/me")])
def test_json_that_is_not_an_object_is_422(invocations, lambda_context, raw, module, method, resource):
    reply = call(module, method, resource, lambda_context, raw_body=raw, user=SELLER)
    assert reply.status == 422, reply.body
    assert reply.body["error"] == "validation_error"
    assert reply.body["details"] == [{"field": "body", "message": "must be a JSON object"}]
    assert table_without_profiles() == []


@pytest.mark.parametrize("raw", ["", "{not json", "nul"])
def test_no_body_or_malformed_json_stays_400(invocations, lambda_context, raw):
    reply = call(add_leed, "POST", "/leeds", lambda_context, raw_body=raw, user=SELLER)
    assert reply.status == 400 and reply.body["error"] == "bad_request"


# --- 3. ZIP: ASCII digits only --------------------------------------------------------------------------------


def test_a_zip_in_other_digits_is_422_in_a_body(invocations, lambda_context):
    reply = post(lambda_context, location={"address": "1 Sunset Blvd", "zip": ARABIC_INDIC_ZIP})
    assert reply.status == 422 and reply.body["details"][0]["field"] == "location.zip"
    assert table_without_profiles() == []


FULLWIDTH_ZIP = "\uff19\uff10\uff12\uff11\uff10"


@pytest.mark.parametrize("zip_code", [ARABIC_INDIC_ZIP, "90210-\u0661\u0662\u0663\u0664", FULLWIDTH_ZIP])
def test_a_zip_in_other_digits_is_422_in_the_query(invocations, lambda_context, zip_code):
    reply = call(list_leeds, "GET", "/leeds", lambda_context, query={"trade": "dj", "zip": zip_code})
    assert reply.status == 422 and reply.body["error"] == "validation_error"


def test_a_date_in_other_digits_is_422_in_the_query(invocations, lambda_context):
    year = "\u0662\u0660\u0663\u0660"  # 2030 in Arabic-Indic digits
    reply = call(list_leeds, "GET", "/leeds", lambda_context, query={"trade": "dj", "from": f"{year}-01-01"})
    assert reply.status == 422 and reply.body["error"] == "validation_error"


# --- 4. control and bidirectional characters in text other people read ------------------------------------

REFUSED_ANYWHERE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u202a", "\u2066", "\u2069", "\u200f"]
REFUSED_ON_ONE_LINE = ["\n", "\r", "\t"]


@pytest.mark.parametrize("char", REFUSED_ANYWHERE + REFUSED_ON_ONE_LINE)
def test_a_display_name_with_controls_is_422(invocations, lambda_context, char):
    reply = call(update_profile, "PUT", "/users/me", lambda_context, body={"name": f"Bob{char}Baker"}, user="bob")
    assert reply.status == 422, reply.body
    assert reply.body["details"][0]["field"] == "name"
    assert call(get_profile, "GET", "/users/me", lambda_context, user="bob").body["name"] == "bob"


@pytest.mark.parametrize("char", REFUSED_ANYWHERE + REFUSED_ON_ONE_LINE)
@pytest.mark.parametrize("field", ["title", "location.address"])
def test_single_line_leed_text_with_controls_is_422(invocations, lambda_context, char, field):
    overrides = ({"title": f"DJ{char}night"} if field == "title"
                 else {"location": {"address": f"12 Main{char} St.", "zip": "10001"}})
    reply = post(lambda_context, **overrides)
    assert reply.status == 422, reply.body
    assert reply.body["details"][0]["field"] == field
    assert table_without_profiles() == []


@pytest.mark.parametrize("char", REFUSED_ANYWHERE)
def test_details_with_controls_is_422(invocations, lambda_context, char):
    reply = post(lambda_context, details=f"Call Pat{char} on 555-0100")
    assert reply.status == 422 and reply.body["details"][0]["field"] == "details"
    assert table_without_profiles() == []


def test_details_may_span_lines_and_names_may_be_any_script(invocations, lambda_context):
    reply = post(lambda_context, title="Hochzeit \u2013 DJ für 120 Gäste 🎧",
                 details="Line one\r\nLine two\n\tindented")
    assert reply.status == 201, reply.body
    assert reply.body["details"] == "Line one\r\nLine two\n\tindented"
    renamed = call(update_profile, "PUT", "/users/me", lambda_context, body={"name": "زينب Ōtsuka"}, user="bob")
    assert renamed.status == 200 and renamed.body["name"] == "زينب Ōtsuka"


# --- 5. a username Cognito could not issue never reaches a key ------------------------------------------------


@pytest.mark.parametrize("username", ["u" * 5000, "u" * 129, "bob smith", "bob\u202e", "\x00"])
def test_claims_cognito_never_issues_are_401_not_500(invocations, lambda_context, username):
    reply = call(get_profile, "GET", "/users/me", lambda_context, user=username)
    assert reply.status == 401 and reply.body["error"] == "unauthorized"
    assert table_without_profiles() == []


def test_the_longest_username_cognito_issues_works(invocations, lambda_context):
    username = "\U0001f600" * 128  # 128 characters of 4 UTF-8 bytes each: the largest key a username makes
    me = call(get_profile, "GET", "/users/me", lambda_context, user=username, email="e@example.com")
    assert me.status == 200 and me.body["username"] == username
    reply = call(subscribe, "PUT", "/users/me/subscriptions/{trade}", lambda_context,
                 path_params={"trade": "dj"}, user=username, email="e@example.com")
    assert reply.status == 204
    assert post(lambda_context, user=username).status == 201
