"""shared.api's error mapping, through a tiny app built with ``make_app``: what a caller sees, status and body."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel

from shared.api import make_app
from tests.apigw import proxy_event


class Thing(BaseModel):
    name: str
    count: int


router = Router()


@router.get("/things/<thing_id>")
def broken_thing(thing_id: str) -> Thing:
    # Our bug on purpose: ``count`` is missing, so the answer fails its declared response model.
    return {"name": thing_id}  # type: ignore[return-value]


@router.get("/good/<thing_id>")
def good_thing(thing_id: str) -> Thing:
    return Thing(name=thing_id, count=1)


@router.post("/things")
def add_thing(thing: Thing) -> Thing:
    return thing


app = make_app(router)


def _resolve(event: dict[str, Any], lambda_context: Any) -> tuple[int, str]:
    result = app.resolve(event, lambda_context)
    return int(result["statusCode"]), result["body"]


def test_response_failing_its_model_is_500_internal_and_logged(lambda_context, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.ERROR, logger="leedz"):
        status, body = _resolve(proxy_event("GET", "/things/{thing_id}", path_params={"thing_id": "a"}),
                                lambda_context)
    assert status == 500
    assert body == '{"error":"internal","message":"Something went wrong on our side."}'
    # One ERROR naming the field that broke (not its value: answers may hold private details).
    [record] = [r for r in caplog.records if r.getMessage() == "response failed its declared model"]
    assert record.levelno == logging.ERROR
    assert record.errors == [{"loc": ["response", "count"], "type": "missing"}]


def test_valid_response_passes(lambda_context):
    status, body = _resolve(proxy_event("GET", "/good/{thing_id}", path_params={"thing_id": "a"}), lambda_context)
    assert (status, body) == (200, '{"name":"a","count":1}')


def test_request_failing_its_model_is_still_422_with_details(lambda_context):
    status, body = _resolve(proxy_event("POST", "/things", body={"name": "a", "count": "many"}), lambda_context)
    assert status == 422
    assert '"error":"validation_error"' in body
    assert '"field":"count"' in body


def test_malformed_json_is_400(lambda_context):
    status, body = _resolve(proxy_event("POST", "/things", raw_body="{not json"), lambda_context)
    assert status == 400
    assert '"error":"bad_request"' in body


def test_body_that_is_not_utf8_is_400_not_500(lambda_context):
    event = proxy_event("POST", "/things", raw_body=base64.b64encode(b"n\xfa\xff{").decode())
    event["isBase64Encoded"] = True
    status, body = _resolve(event, lambda_context)
    assert status == 400
    assert '"error":"bad_request"' in body


def test_base64_utf8_json_body_still_works(lambda_context):
    event = proxy_event("POST", "/things", raw_body=base64.b64encode(b'{"name":"a","count":2}').decode())
    event["isBase64Encoded"] = True
    assert _resolve(event, lambda_context) == (200, '{"name":"a","count":2}')


def test_oversized_body_is_413_even_when_it_is_also_invalid(lambda_context):
    # powertools validates before our middleware runs; the size must still win over 422 and 400.
    big = "x" * (64 * 1024 + 1)
    for raw in (json.dumps({"name": big, "count": "many"}), "{" + big):
        status, body = _resolve(proxy_event("POST", "/things", raw_body=raw), lambda_context)
        assert status == 413, body
        assert '"error":"too_large"' in body


def test_body_at_the_limit_is_validated_as_usual(lambda_context):
    raw = json.dumps({"name": "x" * (64 * 1024 - 30), "count": 1})
    assert len(raw) <= 64 * 1024
    status, _ = _resolve(proxy_event("POST", "/things", raw_body=raw), lambda_context)
    assert status == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "Application/JSON",
                                          "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                          "multipart/form-data"])  # no boundary: powertools raises ValueError
def test_a_body_that_is_not_json_is_415(lambda_context, content_type):
    # powertools crashes on some types (a 500) and parses forms as if they were JSON objects.
    for raw in ('{"name":"a","count":1}', "name=a&count=1"):
        status, body = _resolve(proxy_event("POST", "/things", raw_body=raw, content_type=content_type),
                                lambda_context)
        assert status == 415, (content_type, raw, body)
        assert json.loads(body) == {"error": "unsupported_media_type",
                                    "message": "The request body must be JSON (Content-Type: application/json)."}


def test_json_with_a_charset_is_json(lambda_context):
    event = proxy_event("POST", "/things", body={"name": "a", "count": 1},
                        content_type="application/json; charset=utf-8")
    assert _resolve(event, lambda_context) == (200, '{"name":"a","count":1}')


def test_oversized_body_of_another_type_is_413(lambda_context):
    event = proxy_event("POST", "/things", raw_body="x" * (64 * 1024 + 1), content_type="text/plain")
    assert _resolve(event, lambda_context)[0] == 413


@pytest.mark.parametrize("raw", ["[" * 990 + "]" * 990, '{"name":' + "[" * 3000 + "]" * 3000 + ',"count":1}',
                                 '{"a":' * 2000 + "1" + "}" * 2000])
def test_json_nested_too_deep_for_the_parser_is_400(lambda_context, raw):
    status, body = _resolve(proxy_event("POST", "/things", raw_body=raw), lambda_context)
    assert status == 400, body
    assert json.loads(body)["error"] == "bad_request"


def test_nested_json_the_parser_handles_is_a_validation_error(lambda_context):
    status, body = _resolve(proxy_event("POST", "/things", raw_body="[" * 100 + "]" * 100), lambda_context)
    assert status == 422, body


def test_nesting_depth_ignores_brackets_in_strings():
    from shared.request_body import nesting_depth as _nesting_depth

    assert _nesting_depth('{"a": "[[[{{{\\"]]]", "b": [[1]]}') == 3
    assert _nesting_depth("[]") == 1
    assert _nesting_depth('"no structure"') == 0


def _with_origin(event: dict[str, Any], origin: str) -> dict[str, Any]:
    event["headers"]["Origin"] = origin
    event["multiValueHeaders"]["Origin"] = [origin]
    return event


def _cors(result: dict[str, Any]) -> dict[str, str]:
    return {k: v[0] for k, v in result["multiValueHeaders"].items() if k.startswith("Access-Control")}


def test_browsers_get_cors_headers_on_answers_and_errors(lambda_context):
    for event in (proxy_event("GET", "/good/{thing_id}", path_params={"thing_id": "a"}),
                  proxy_event("POST", "/things", raw_body="{not json")):
        headers = _cors(app.resolve(_with_origin(event, "https://app.example"), lambda_context))
        assert headers["Access-Control-Allow-Origin"] == "*"  # ALLOWED_ORIGIN's default
        assert "Location" in headers["Access-Control-Expose-Headers"]
        assert "Authorization" in headers["Access-Control-Allow-Headers"]


def test_only_the_allowed_origin_gets_cors_headers(lambda_context, monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGIN", "https://app.example")
    strict = make_app(router)
    event = proxy_event("GET", "/good/{thing_id}", path_params={"thing_id": "a"})
    allowed = strict.resolve(_with_origin(event, "https://app.example"), lambda_context)
    assert _cors(allowed)["Access-Control-Allow-Origin"] == "https://app.example"
    event = proxy_event("GET", "/good/{thing_id}", path_params={"thing_id": "a"})
    assert _cors(strict.resolve(_with_origin(event, "https://evil.example"), lambda_context)) == {}


def test_no_origin_no_cors_headers(lambda_context):
    result = app.resolve(proxy_event("GET", "/good/{thing_id}", path_params={"thing_id": "a"}), lambda_context)
    assert _cors(result) == {}
