"""DynamoDB answers serialised in O(bytes), not O(attributes x model look-ups), in the emulator.

moto serialises every response by walking botocore's model: each attribute of each item goes through the
``AttributeValue`` structure shape, an attribute picker that tries several spellings of each member, and a
per-type method. Profiling a local fan-out showed this took ~85 % of the emulator's DynamoDB time (a page of
50 subscribers: ~60 ms of serialising for ~3 ms of query). An ``AttributeValue`` moto holds is already the
wire's JSON (``{"S": "..."}``, ``{"N": "12"}``, ``{"M": {...}}``, ``{"L": [...]}``, sets, ``BOOL``, ``NULL``):
walking the model only copies it. So an ``AttributeValue`` without binary parts (``B``/``BS``, which the model
base64-encodes) is put into the response as it is; one with binary parts takes moto's walk as before.
``tests/integration/test_local_ddb_serialize.py`` compares answers with and without this.
"""

from __future__ import annotations

import functools
from typing import Any

_BINARY = ("B", "BS")


def _plain(value: Any) -> bool:
    """True when the attribute value holds no binary part anywhere (its JSON is then the wire's JSON)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (kind, inner), = value.items()
    if kind in _BINARY:
        return False
    if kind == "M":
        return isinstance(inner, dict) and all(_plain(v) for v in inner.values())
    if kind == "L":
        return isinstance(inner, list) and all(_plain(v) for v in inner)
    if kind in ("S", "N"):
        return isinstance(inner, str)
    if kind in ("SS", "NS"):
        return isinstance(inner, list) and all(isinstance(v, str) for v in inner)
    return kind in ("BOOL", "NULL") and isinstance(inner, bool)


def install() -> None:
    """Patch moto's JSON serializer for DynamoDB's ``AttributeValue`` shape in this process (idempotent)."""
    from moto.core.serialize import BaseJSONSerializer

    original = BaseJSONSerializer._serialize_type_structure
    if getattr(original, "_leedz_fast", False):
        return

    @functools.wraps(original)
    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == "AttributeValue" and self.service_model.service_name == "dynamodb" \
                and _plain(value):
            self._default_serialize(serialized, value, shape, key)
            return
        original(self, serialized, value, shape, key)

    serialize_structure._leedz_fast = True  # type: ignore[attr-defined]
    BaseJSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]
