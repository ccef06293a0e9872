"""Driving the web app like a person: sign in through the OAuth pages, fill forms by their labels, and the
checks every page gets (no console error, CSP included; no serious or critical axe-core violation)."""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, expect

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# Chromium logs every non-2xx fetch as "Failed to load resource: ... status of N"; a test that provokes one
# (a 422, a thumbnail not there yet) says which statuses it expects, and any other is a failure.
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@dataclass
class App:
    """One browser tab of the app, and everything it logged."""

    page: Page
    base: str
    errors: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)
    expected_urls: list[str] = field(default_factory=list)  # requests expected to fail outright (CORS)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("dialog", lambda dialog: self.errors.append(f"dialog opened: {dialog.message}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        failed = FAILED_LOAD.search(message.text)
        if failed and int(failed.group(1)) in self.expected_statuses:
            return
        where = f"{message.text} {message.location.get('url', '')}"
        if any(url in where for url in self.expected_urls):
            return
        self.errors.append(f"console error: {message.text}")

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def heading(self, text: str | re.Pattern[str]) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(text)

    def sign_in(self, username: str, email: str | None = None) -> None:
        """On the local stack's sign-in page (where any page that needs a user sends one), sign in."""
        page = self.page
        expect(page.get_by_role("heading", name="Sign in to leedz")).to_be_visible()
        page.get_by_label("Username").fill(username)
        page.get_by_label("Email").fill(email or f"{username}@example.com")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{self.base}/**")
        expect(page.get_by_text("Signed in as")).to_be_visible()

    def axe_violations(self) -> list[dict[str, Any]]:
        """Serious and critical axe-core violations on the page as it is now. Injected through the DevTools
        protocol (page.evaluate), which the page's CSP does not govern, so the CSP under test stays on."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE)
        results = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
                for v in results["violations"] if v["impact"] in ("serious", "critical")]

    def assert_accessible(self) -> None:
        assert self.axe_violations() == [], self.page.url

    def snapshot(self, name: str) -> None:
        """With LEEDZ_SNAPSHOTS=1, save the whole page as ``name``.png beside the failure screenshots (to look
        at a page a change drew); otherwise nothing."""
        if os.environ.get("LEEDZ_SNAPSHOTS") == "1":
            root = Path(__file__).parents[2]
            folder = Path(os.environ.get("LEEDZ_SCREENSHOTS") or root / ".cache" / "browser-screenshots")
            folder.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert self.errors == [], f"{self.page.url}: {self.errors}"


def gig_times(days: int = 5, hour: int = 18, hours: int = 4) -> tuple[str, str]:
    """datetime-local values (the browser's own zone) for a gig ``days`` from now."""
    start = (datetime.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H:%M"), (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def fill_post_form(app: App, *, trade: str = "dj", title: str, address: str, zip_code: str = "94110",
                   price: str = "40", details: str = "", days: int = 5) -> None:
    page = app.page
    start, end = gig_times(days)
    page.get_by_label("Trade").select_option(trade)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Starts").fill(start)
    page.get_by_label("Ends").fill(end)
    page.get_by_label("Address").fill(address)
    page.get_by_label("ZIP code").fill(zip_code)
    page.get_by_label("Price (US dollars)").fill(price)
    page.get_by_label("Details").fill(details)


def post_leed(app: App, **fields: Any) -> str:
    """Post a leed through /post; its id (from the page it lands on)."""
    app.goto("/post")
    fill_post_form(app, **fields)
    app.page.get_by_role("button", name="Post the leed").click()
    app.page.wait_for_url(re.compile(r".*/leeds/[^/]+$"))
    app.heading(fields["title"])
    return app.page.url.rsplit("/", 1)[1]


def house(street: str = "Main Street") -> str:
    """An address the local geocoder places (a house number and a street), unique to this call."""
    return f"{uuid.uuid4().int % 90000 + 100} {street}"


def api_leed(stack: Any, seller: str, *, trade: str = "dj", title: str = "A gig", zip_code: str = "94110",
             address: str | None = None, days: int = 9, **fields: Any) -> str:
    """Post a leed through the API as ``seller`` (faster than the form, for a test about another page); its id."""
    start = (datetime.now(UTC) + timedelta(days=days)).replace(hour=18, minute=0, second=0, microsecond=0)
    body = {"trade": trade, "title": title, "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat(),
            "location": {"address": address or house(), "zip": zip_code}, "price_cents": 5000, "details": "", **fields}
    resp = stack.http.post(f"{stack.api}/leeds", json=body, timeout=30,
                           headers={"Authorization": f"Bearer {stack.token(seller)}"})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]
