"""The web app's weight and speed, measured in Chromium against a local stack.

Run: ``.venv/bin/python bench/web_app.py [--runs 7] [--leeds 25]`` (starts its own stack on free ports), or
``--api http://127.0.0.1:3000 --web http://127.0.0.1:3002`` to use a running ``make dev``. Needs a Chromium
(``LEEDZ_CHROMIUM``, default ``/usr/bin/chromium``).

- App shell: every response from the app's own origin while ``/`` loads in a fresh browser context (empty
  cache): ``index.html``, the ES modules, the vendored Preact + htm, the stylesheet, the icon, ``/config.json``.
  Printed per file and in total: bytes on the wire (gzip, as the server sends them; body only) and decoded.
- Time to first list: a fresh context (empty cache, so the shell is fetched again) opens ``/?trade=dj`` and
  the time from navigation start (``performance.timeOrigin``) until the first leed of the list is in the DOM
  (a MutationObserver installed before the page's own scripts). Also warm: the same context loading the page
  again (shell from the HTTP cache, revalidated with ETags). Median and min of ``--runs`` runs each.
The stack gets ``--leeds`` leedz for sale in the ``dj`` trade first, so the list is a full first page.
"""

from __future__ import annotations

import argparse
import os
import statistics
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from infra.local.launch import local_stack

CHROMIUM = os.environ.get("LEEDZ_CHROMIUM") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIRST_LEED = """(() => { const seen = () => { if (document.querySelector('.leed-card') && !window.__firstLeed) {
  window.__firstLeed = performance.now(); } };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true}); })();"""


def seed(stack, count: int) -> None:
    token = stack.token("benchseller")
    day = datetime.now(UTC).replace(hour=18, minute=0, second=0, microsecond=0)
    for n in range(count):
        start = day + timedelta(days=2 + n)
        body = {"trade": "dj", "title": f"Bench gig {n}", "start": start.isoformat(),
                "end": (start + timedelta(hours=3)).isoformat(), "price_cents": 5000 + n,
                "location": {"address": f"{n} Bench St", "zip": "94110"}, "details": ""}
        headers = {"Authorization": f"Bearer {token}"}
        stack.http.post(f"{stack.api}/leeds", json=body, timeout=30, headers=headers).raise_for_status()


def shell(browser, web: str) -> list[tuple[str, int, int]]:
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r) if urlsplit(r.url).netloc == urlsplit(web).netloc else None)
    page.goto(web + "/", wait_until="networkidle")
    rows = [(urlsplit(r.url).path, r.request.sizes()["responseBodySize"], len(r.body())) for r in responses]
    context.close()
    return rows


def first_list_ms(browser, web: str, runs: int) -> tuple[list[float], list[float]]:
    cold, warm = [], []
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(FIRST_LEED)  # through the DevTools protocol: not subject to the page's CSP
        page = context.new_page()
        for series in (cold, warm):
            page.goto(web + "/?trade=dj")
            page.wait_for_function("() => window.__firstLeed", timeout=30_000)
            series.append(page.evaluate("() => window.__firstLeed"))
        context.close()
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--leeds", type=int, default=25)
    parser.add_argument("--api", help="a running stack's API (with --web)")
    parser.add_argument("--web", help="a running stack's web app (with --api)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with local_stack(args.api) as stack, sync_playwright() as pw:
        web = args.web or stack.web
        seed(stack, args.leeds)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        first_list_ms(browser, web, 1)  # warm the stack's functions, not measured
        rows = shell(browser, web)
        for path, wire, decoded in sorted(rows, key=lambda r: -r[1]):
            print(f"  {path:<32} {wire:>7} B on the wire  {decoded:>7} B decoded")
        wire, decoded = sum(r[1] for r in rows), sum(r[2] for r in rows)
        print(f"app shell: {len(rows)} files, {wire} B transferred (gzip, bodies), {decoded} B decoded")
        cold, warm = first_list_ms(browser, web, args.runs)
        for name, series in (("cold (empty cache)", cold), ("warm (HTTP cache)", warm)):
            print(f"first list of leedz rendered, {name}: median {statistics.median(series):.0f} ms, "
                  f"min {min(series):.0f} ms over {len(series)} runs (navigation start to the first leed in the DOM)")
        browser.close()


if __name__ == "__main__":
    main()
