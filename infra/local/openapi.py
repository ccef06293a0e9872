"""``GET /_local/openapi.json``: one powertools resolver with every handler module's ``router``."""

from __future__ import annotations

import importlib
import json
from typing import Any

from infra.local import api_doc, api_links
from infra.local.http import local_routes
from infra.local.sam.model import Function

TAGS = [{"name": "leedz", "description": "The API, as deployed behind API Gateway."},
        {"name": "local", "description": "The local stack's own routes (`make dev` only; never deployed)."}]


def document(functions: dict[str, Function]) -> dict[str, Any]:
    """The API's document from the handlers' own routers, plus the local routes under their own tag. Slow
    (it imports every handler): the stack builds it on first request and keeps it."""
    from shared.api import make_app

    routers, missing = [], []
    for fn in functions.values():
        if not fn.routes:
            continue
        try:
            routers.append(importlib.import_module(fn.module).router)
        except (ImportError, AttributeError):
            missing.append(fn.module)
    app = make_app(*routers)
    doc = json.loads(app.get_openapi_json_schema(title="leedz", version="0.1.0"))
    protected = {api_doc.route_key(r.method, r.path) for fn in functions.values() for r in fn.routes if not r.public}
    api_doc.complete(doc, protected)
    for operations in doc.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("tags", ["leedz"])
    api_links.add(doc)
    local_routes.document(doc.setdefault("paths", {}))
    doc["tags"] = TAGS
    if missing:
        doc["x-leedz-missing-handlers"] = sorted(missing)
    return doc
