"""The OpenAPI document the local stack publishes: every route described, errors in the contract's shape."""

from __future__ import annotations

import pytest

from infra.local import api_doc, openapi
from infra.local.sam import model as template
from shared.trades import CATALOGUE

CONTRACT_ERRORS = {"400", "401", "403", "404", "409", "413", "415", "422"}


@pytest.fixture(scope="module")
def doc() -> dict:
    return openapi.document(template.functions())


def _operations(doc: dict, tag: str = "leedz"):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if operation["tags"] == [tag]:
                yield method, path, operation


def test_the_local_routes_are_documented_apart_under_their_own_tag(doc):
    from infra.local.http.local_routes import LocalRoutes

    local = {(m.upper(), p) for m, p, _ in _operations(doc, "local")}
    served = {key for key in LocalRoutes(None)._routes} | {("GET", "/_local/health")}  # type: ignore[arg-type]
    assert local == served
    assert all(p.startswith("/_local/") for _, p in local)
    assert {t["name"] for t in doc["tags"]} == {"leedz", "local"}
    assert sum(1 for _ in _operations(doc)) + len(local) == sum(len(ops) for ops in doc["paths"].values())


def test_every_route_of_the_template_is_described(doc):
    template_routes = {api_doc.route_key(r.method, r.path) for fn in template.functions().values() for r in fn.routes}
    documented = {api_doc.route_key(m, p) for m, p, _ in _operations(doc)}
    # Described: one success answer the route declared (``shared.contract.answers``), not powertools' default.
    described = {api_doc.route_key(m, p) for m, p, op in _operations(doc)
                 if [s for s in op["responses"] if s < "400"] and all(
                     r["description"] != "Successful Response" for r in op["responses"].values())}
    assert "x-leedz-missing-handlers" not in doc
    assert documented == template_routes
    assert documented <= described, f"declare the answers of: {sorted(documented - described)}"


def test_errors_are_documented_in_the_contract_shape(doc):
    seen: set[str] = set()
    for _, _, operation in _operations(doc):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                seen.add(status)
                schema = response["content"]["application/json"]["schema"]
                assert schema["allOf"][0] == {"$ref": "#/components/schemas/Error"}
                assert schema["allOf"][1]["properties"]["error"]["const"] == api_doc.ERROR_CODES[int(status)]
    assert seen >= CONTRACT_ERRORS
    error = doc["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message"} and "details" in error["properties"]
    assert "HTTPValidationError" not in doc["components"]["schemas"]  # powertools' shape, never sent


def test_protected_routes_need_a_bearer_token_and_may_answer_401(doc):
    ops = {(m, p): op for m, p, op in _operations(doc)}
    assert "security" not in ops["get", "/trades"] and "401" not in ops["get", "/trades"]["responses"]
    buy = ops["post", "/leeds/{leed_id}/buy"]
    assert buy["security"] == [{"bearer": []}]
    assert {"200", "401", "403", "404", "409"} <= set(buy["responses"])
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_success_statuses_and_bodies_are_the_contract_s(doc):
    ops = {(m, p): op for m, p, op in _operations(doc)}
    post = ops["post", "/leeds"]["responses"]
    assert set(post) == {"201", "400", "401", "403", "409", "413", "415", "422", "429"}
    assert "Retry-After" in post["429"]["headers"]  # the per-user quota (issue 18)
    assert post["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/FullLeed"}
    assert "Location" in post["201"]["headers"]
    assert "content" not in ops["delete", "/leeds/{leed_id}"]["responses"]["204"]
    public = doc["components"]["schemas"]["PublicLeed"]
    assert public["additionalProperties"] is False and "details" not in public["properties"]
    trade = next(p for p in ops["get", "/leeds"]["parameters"] if p["name"] == "trade")
    assert "dj" in trade["schema"]["enum"]


# The attachment handlers are being reworked (issue 11 item 8) in another branch, which adds their summaries.
def test_every_operation_has_a_summary_and_a_description(doc):
    def described(method: str, operation: dict) -> bool:
        summary = operation.get("summary") or ""
        default = summary.startswith(method.upper() + " ")  # powertools' own: "GET /path"
        return bool(summary and not default and operation.get("description"))

    bare = {(m, p) for m, p, op in _operations(doc) if not described(m, op)}
    assert not bare


def test_dates_are_typed_and_the_trade_is_an_enum_in_the_body(doc):
    params = {p["name"]: p["schema"] for p in doc["paths"]["/leeds"]["get"]["parameters"]}
    for name in ("from", "to"):  # absent or a date, never null (``?from=``)
        assert params[name]["type"] == "string" and params[name]["format"] == "date"
        assert "anyOf" not in params[name]
    new_leed = doc["paths"]["/leeds"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schemas = doc["components"]["schemas"]
    trade = schemas[new_leed["$ref"].rsplit("/", 1)[-1]]["properties"]["trade"]
    assert trade["enum"] == list(CATALOGUE)
