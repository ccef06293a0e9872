"""Email rendering, pure: ``render_email(name, context) -> (subject, html, text)``; sending is in ``mail``.

One jinja2 Environment for the process: ``templates/{name}.subject.txt``, ``{name}.html`` and ``{name}.txt``.
Autoescape is on for ``.html`` only (user text is escaped where it reaches HTML, and left as typed in the
plain-text part); StrictUndefined makes a missing variable an error instead of a silent blank.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared import warm_caches
from shared.formatting import header_safe

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


warm_caches.forgets(environment.cache_clear)


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    env = environment()
    subject = header_safe(env.get_template(f"{name}.subject.txt").render(context))
    html = env.get_template(f"{name}.html").render(context)
    text = env.get_template(f"{name}.txt").render(context)
    return subject, html, text


def render_page(name: str, context: dict[str, Any]) -> str:
    """An HTML page a link from an email lands on (same Environment, same escaping)."""
    return environment().get_template(f"{name}.html").render(context)
