"""SES template rendering in the emulator at string speed, with moto's results.

The mailbox renders every email SES sends (``ses_capture``) with moto's ``parse_template``, which walks the
template one character at a time, concatenating strings: three parts for each of 50 destinations per bulk call
was ~45 % of the emulator's time in a local fan-out. Most templates hold only ``{{name}}`` tags; for those the
result is the text between the tags and each tag's value, so we split the template once (cached) and join.
Anything else (``#each``, ``#if``, ``else``, a ``{{{``, an unclosed tag, a tag whose name moto would read as a
block, a value missing or not a string) goes to moto's own renderer, errors included.
``tests/integration/test_local_ses_render.py`` compares both on generated templates.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_TAG = re.compile(r"\{\{(.+?)\}\}", re.S)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@functools.lru_cache(maxsize=256)
def _split(template: str) -> tuple[list[str], list[str]] | None:
    """(texts, names): ``texts[0] + value(names[0]) + texts[1] + ...``; None when moto must render it."""
    if "{{{" in template:
        return None
    texts, names, at = [], [], 0
    for match in _TAG.finditer(template):
        name = match.group(1).strip()
        if not _NAME.fullmatch(name) or name.startswith("else"):  # moto reads "else..." as an else block
            return None
        texts.append(template[at:match.start()])
        names.append(name)
        at = match.end()
    if template.count("{{") != len(names):  # a tag left open
        return None
    texts.append(template[at:])
    return texts, names


def install() -> None:
    """Put the fast path in front of moto's ``parse_template`` (where ``ses_capture`` and moto look it up)."""
    from moto.ses import models, template

    original = template.parse_template
    if getattr(original, "_leedz_fast", False):
        return

    @functools.wraps(original)
    def parse_template(source: str, data: dict[str, Any], tokenizer: Any = None) -> str:
        split = _split(source) if tokenizer is None and isinstance(source, str) else None
        if split is not None:
            values = [data.get(name) for name in split[1]]
            if all(isinstance(v, str) for v in values):
                texts = split[0]
                return "".join(part for pair in zip(texts, [*values, ""], strict=True) for part in pair)
        return original(source, data, tokenizer)

    parse_template._leedz_fast = True  # type: ignore[attr-defined]
    template.parse_template = parse_template
    models.parse_template = parse_template  # type: ignore[attr-defined]
