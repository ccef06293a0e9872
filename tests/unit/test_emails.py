"""Rendering, formatting and pacing: pure functions, no AWS."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from shared.formatting import dollars, header_safe, when
from shared.mail import Pacer
from shared.rendering import render_email

LEED = {"id": "abc", "title": "<i>DJ</i> & co", "trade_label": "DJ", "when": "Fri 5 Dec 2025, 18:00-22:00 (UTC)",
        "zip": "90210", "price": "$25.00", "seller": "sally", "url": "https://x/leeds/abc"}


def test_html_is_escaped_and_text_is_as_typed():
    subject, html, text = render_email("new_leed", {"leed": LEED, "recipient_name": "Ann <3",
                                                    "unsubscribe_url": "https://x/unsubscribe?token=t"})
    assert subject == "New DJ leed in 90210: <i>DJ</i> & co"
    assert "&lt;i&gt;DJ&lt;/i&gt; &amp; co" in html and "<i>DJ</i>" not in html
    assert "Hi Ann &lt;3," in html
    assert "<i>DJ</i> & co" in text and "Hi Ann <3," in text
    assert 'href="https://x/unsubscribe?token=t"' in html


def test_a_missing_value_is_an_error_not_a_blank():
    with pytest.raises(UndefinedError):
        render_email("new_leed", {"leed": LEED, "recipient_name": "Ann"})


@pytest.mark.parametrize("raw", ["a\r\nBcc: evil@example.com", "a\nb", "a\u2028b", "a\rb"])
def test_header_safe_never_keeps_a_line_break(raw):
    assert "\r" not in header_safe(raw) and "\n" not in header_safe(raw) and "\u2028" not in header_safe(raw)


def test_formatting():
    assert dollars(123456) == "$1,234.56" and dollars(0) == "$0.00"
    assert when("2025-12-05T18:00:00-08:00", "2025-12-05T21:30:00-08:00") == "Fri 5 Dec 2025, 18:00-21:30 (UTC-08:00)"
    assert when("2025-12-05T22:00:00+00:00", "2025-12-06T02:00:00+00:00") == \
        "Fri 5 Dec 2025, 22:00 to Sat 6 Dec 02:00 (UTC)"


def test_pacer_never_exceeds_the_rate():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(rate=14.0, clock=lambda: now[0], sleep=sleep)
    sent = 0
    for _ in range(40):  # 40 calls of 50: 2,000 emails
        pacer.wait(50)
        sent += 50
    # Every email after the first call went out no sooner than the rate allows.
    assert (sent - 50) / now[0] <= 14.0 + 1e-9
    assert now[0] == pytest.approx(39 * 50 / 14.0)
