"""API Gateway's route matching for the template's ``Api`` events: literal paths win over parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra.local.sam.model import Function, Route


@dataclass(frozen=True)
class Match:
    fn: Function
    route: Route
    params: dict[str, str]


def _pattern(path: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(path))
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
    return re.compile(f"^{regex}$")


class Router:
    def __init__(self, functions: dict[str, Function]) -> None:
        routes = [(fn, route, _pattern(route.path)) for fn in functions.values() for route in fn.routes]
        # Literal paths win over parameters, as in API Gateway.
        self._routes = sorted(routes, key=lambda r: r[1].path.count("{"))

    def match(self, method: str, path: str) -> Match | None:
        for fn, route, pattern in self._routes:
            found = pattern.match(path)
            if found and route.method in (method, "ANY"):
                return Match(fn, route, found.groupdict())
        return None

    def has_path(self, path: str) -> bool:
        return any(pattern.match(path) for _, _, pattern in self._routes)

    def __len__(self) -> int:
        return len(self._routes)
