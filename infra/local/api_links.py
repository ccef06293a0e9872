"""OpenAPI links: which answer's value feeds which operation's parameter, so a client (and schemathesis'
stateful phase) can walk the real flows: post a leed, then read, buy, change, report, delete it, attach to it.

Data, not code per route: ``PRODUCERS`` names the operations that create something and where the new thing's
id is in their answer. Every documented operation whose path parameters that id (and the producer's own path
parameters) fill gets a link, so a route added under ``/leeds/{leed_id}`` (PATCH, report) is linked with no
change here; a new kind of resource is one more line in ``PRODUCERS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Producer:
    method: str
    path: str
    status: str
    param: str  # the path parameter its answer's value fills
    value: str  # an OpenAPI runtime expression for that value


PRODUCERS = (
    Producer("post", "/leeds", "201", "leed_id", "$response.body#/id"),
    Producer("post", "/leeds/{leed_id}/attachments", "201", "key", "$response.body#/key"),
)


def _params(path: str) -> set[str]:
    return set(_PARAM.findall(path))


def link_name(method: str, path: str) -> str:
    """``GetLeedsLeedIdAttachments`` for ``get /leeds/{leed_id}/attachments``: stable, readable, unique."""
    words = re.findall(r"[A-Za-z0-9]+", f"{method} {path}")
    return "".join(word[:1].upper() + word[1:] for word in words)


def add(doc: dict[str, Any], tag: str = "leedz") -> dict[str, Any]:
    """Add every producer's links to ``doc``'s operations tagged ``tag``."""
    paths = doc.get("paths", {})
    for producer in PRODUCERS:
        source = paths.get(producer.path, {}).get(producer.method)
        if source is None or producer.status not in source.get("responses", {}):
            continue
        known = _params(producer.path) | {producer.param}
        links = {}
        for path, operations in paths.items():
            params = _params(path)
            if producer.param not in params or not params <= known:
                continue
            parameters = {f"path.{name}": f"$request.path.{name}" for name in sorted(params - {producer.param})}
            parameters[f"path.{producer.param}"] = producer.value
            for method, operation in operations.items():
                if tag in (operation.get("tags") or [tag]) and "operationId" in operation:
                    links[link_name(method, path)] = {"operationId": operation["operationId"],
                                                      "parameters": parameters}
        if links:
            source["responses"][producer.status]["links"] = links
    return doc
