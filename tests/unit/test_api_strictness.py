"""The OpenAPI document is as strict as the code (issue 19): what it calls valid, the models accept, and its
links lead from a created leed to every route that takes its id."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infra.local import api_links, openapi
from infra.local.sam import model as template
from shared.contract import request_examples
from shared.leed_models import NewLeed
from shared.text import MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN, refused_character
from shared.uploads import NewAttachment
from shared.users import ProfileUpdate


@pytest.fixture(scope="module")
def doc() -> dict:
    return openapi.document(template.functions())


def _matches(pattern: str, text: str) -> bool:
    """JSON Schema's reading of a pattern: ECMA-262 ``$`` is the very end (Python's also takes a final \\n)."""
    return re.search(pattern.removesuffix("$") + r"\Z", text) is not None


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(["a", " ", "\t", "\n", "\x00", "\x7f", "\x85", "\u202e", "\u2066", "\u061c", "é",
                                "\u00a0", "\U0001f600"]), max_size=6))
def test_text_patterns_accept_exactly_what_the_validators_accept(text):
    assert _matches(MULTI_LINE_PATTERN, text) == (refused_character(text, multiline=True) is None)
    assert _matches(SINGLE_LINE_PATTERN, text) == (refused_character(text) is None and text.strip() != "")


def test_the_document_carries_the_models_patterns(doc):
    schemas = doc["components"]["schemas"]
    assert schemas["NewLeed"]["properties"]["title"]["pattern"] == SINGLE_LINE_PATTERN
    assert schemas["NewLeed"]["properties"]["details"]["pattern"] == MULTI_LINE_PATTERN
    assert schemas["ProfileUpdate"]["properties"]["name"]["pattern"] == SINGLE_LINE_PATTERN
    kinds = [alt["properties"]["content_type"]["pattern"] for alt in schemas["NewAttachment"]["oneOf"]]
    assert [bool(re.search(k, t)) for k, t in zip(kinds, ("IMAGE/jpeg", "image/PNG", "image/gif"), strict=True)] == [
        True, True, True]
    assert not any(re.search(k, "text/plain") for k in kinds)


@pytest.mark.parametrize(("filename", "content_type"), [
    ("photo.jpg", "image/jpeg"), ("a/b.JPEG", "IMAGE/JPEG"), ("x.png", "image/png"), (".jpg", "image/jpeg"),
    ("..jpg", "image/jpeg"), ("dir/.png", "image/png"), ("photo", "image/jpeg"), ("photo.png", "image/jpeg"),
    ("b c.gif", "image/gif"), ("photo.jpgx", "image/jpeg"),
])
def test_attachment_schema_and_model_agree(doc, filename, content_type):
    alternatives = doc["components"]["schemas"]["NewAttachment"]["oneOf"]
    by_schema = sum(1 for alt in alternatives
                    if re.search(alt["properties"]["content_type"]["pattern"], content_type)
                    and re.search(alt["properties"]["filename"]["pattern"], filename)) == 1
    try:
        NewAttachment.model_validate({"filename": filename, "content_type": content_type})
        by_model = True
    except ValueError:
        by_model = False
    assert by_schema == by_model


def test_query_parameters_are_absent_or_a_value_never_null(doc):
    for operations in doc["paths"].values():
        for operation in operations.values():
            for param in operation.get("parameters") or []:
                assert {"type": "null"} not in param["schema"].get("anyOf", []), param
    cursor = next(p for p in doc["paths"]["/leeds"]["get"]["parameters"] if p["name"] == "cursor")
    assert cursor["schema"]["pattern"] == "^[A-Za-z0-9_-]+$"


def test_request_examples_are_valid_bodies_and_in_the_document(doc):
    examples = request_examples()
    NewLeed.model_validate(examples["NewLeed"])
    NewAttachment.model_validate(examples["NewAttachment"])
    ProfileUpdate.model_validate(examples["ProfileUpdate"])
    for name, example in examples.items():
        assert doc["components"]["schemas"][name]["examples"] == [example]


def test_a_posted_leed_links_to_every_route_that_takes_its_id(doc):
    links = doc["paths"]["/leeds"]["post"]["responses"]["201"]["links"]
    takers = {(method, path) for path, ops in doc["paths"].items() for method, op in ops.items()
              if re.fullmatch(r"/leeds/\{leed_id\}(/[a-z]+)?", path) and op["tags"] == ["leedz"]}
    assert {(m, p) for m, p in takers} >= {("get", "/leeds/{leed_id}"), ("delete", "/leeds/{leed_id}"),
                                          ("post", "/leeds/{leed_id}/buy"), ("get", "/leeds/{leed_id}/attachments")}
    assert {link["operationId"] for link in links.values()} == {
        doc["paths"][p][m]["operationId"] for m, p in takers}
    assert all(link["parameters"] == {"path.leed_id": "$response.body#/id"} for link in links.values())
    attachment = doc["paths"]["/leeds/{leed_id}/attachments"]["post"]["responses"]["201"]["links"]
    assert list(attachment.values()) == [{
        "operationId": doc["paths"]["/leeds/{leed_id}/attachments/{key}"]["delete"]["operationId"],
        "parameters": {"path.leed_id": "$request.path.leed_id", "path.key": "$response.body#/key"}}]


def test_a_new_route_under_a_leed_gets_its_link_with_no_change_to_the_producers():
    doc = {"paths": {
        "/leeds": {"post": {"tags": ["leedz"], "operationId": "add", "responses": {"201": {}}}},
        "/leeds/{leed_id}": {"patch": {"tags": ["leedz"], "operationId": "change", "responses": {}}},
        "/leeds/{leed_id}/report": {"post": {"tags": ["leedz"], "operationId": "report", "responses": {}}},
        "/_local/{leed_id}": {"get": {"tags": ["local"], "operationId": "local", "responses": {}}},
    }}
    links = api_links.add(doc)["paths"]["/leeds"]["post"]["responses"]["201"]["links"]
    assert {name: link["operationId"] for name, link in links.items()} == {
        "PatchLeedsLeedId": "change", "PostLeedsLeedIdReport": "report"}
