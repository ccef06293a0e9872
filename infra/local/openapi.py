"""``GET /_local/openapi.json``: one powertools resolver with every handler module's ``router``."""

from __future__ import annotations

import importlib
import json
import threading
from typing import Any

from infra.local import api_doc
from infra.local.sam.model import Function

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def document(functions: dict[str, Function]) -> dict[str, Any]:
    """Built once, on first request (importing every handler is too slow for start-up)."""
    with _lock:
        if not _cache:
            _cache.update(_build(functions))
        return _cache


def _build(functions: dict[str, Function]) -> dict[str, Any]:
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
    if missing:
        doc["x-leedz-missing-handlers"] = sorted(missing)
    return doc
