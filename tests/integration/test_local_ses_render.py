"""The emulator's SES template fast path (``infra/local/aws/ses_render.py``) renders what moto renders: generated
templates of plain tags, blocks, stray and tripled braces, odd spacing, missing and non-string values; the same
text, or the same error."""

from __future__ import annotations

import random

from moto.ses import template as moto_template

from infra.local.aws import ses_render

PIECES = ["Hi ", "<p>", "}}", "}", "{", " ", "\n", "&amp;", "{{name}}", "{{ name }}", "{{  url}}", "{{x_1 }}",
          "{{missing}}", "{{number}}", "{{{name}}}", "{{#if flag}}yes{{else}}no{{/if}}",
          "{{#each items}}[{{v}}]{{/each}}",
          "{{elsewhere}}", "{{\tname}}", "{{ na me }}", "{{", "{{}}", "{{name}"]
DATA = {"name": "Bo <b>", "url": "https://x/?a=1&b=2", "x_1": "", "number": 7, "flag": True,
        "items": [{"v": "a"}, {"v": "b"}], "elsewhere": "far"}


def _render(render, source: str) -> tuple[str, str]:
    try:
        return "ok", render(source, dict(DATA))
    except Exception as exc:  # the error is part of what must match
        return "error", type(exc).__name__


def test_fast_path_renders_what_moto_renders():
    original = getattr(moto_template.parse_template, "__wrapped__", moto_template.parse_template)
    ses_render.install()
    fast = moto_template.parse_template
    assert getattr(fast, "_leedz_fast", False)
    rng = random.Random(11)
    took_fast = 0
    for _ in range(3000):
        source = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 8)))
        assert _render(fast, source) == _render(original, source), source
        took_fast += ses_render._split(source) is not None
    assert took_fast > 300  # the comparison covered the fast path, not only the fall-back


def test_plain_templates_take_the_fast_path():
    assert ses_render._split("Hi {{name}}, <a href='{{ url }}'>stop</a>") == (["Hi ", ", <a href='", "'>stop</a>"],
                                                                             ["name", "url"])
    assert ses_render._split("{{#if x}}y{{/if}}") is None
    assert ses_render._split("{{{name}}}") is None
