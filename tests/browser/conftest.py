"""Browser tests: the web app in a real Chromium (the system's: Playwright's own download needs the internet),
against one local stack per test session, with one browser shared by every test.

No Chromium: every test here is skipped, and one line says how to get one (``tests/conftest.py`` prints it:
under xdist only the root conftest runs in the process that reports). ``LEEDZ_CHROMIUM`` names the
executable (default ``/usr/bin/chromium``, Debian's ``apt-get install chromium``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from infra.local.launch import ROOT, Running, local_stack

CHROMIUM = os.environ.get("LEEDZ_CHROMIUM") or "/usr/bin/chromium"
HOW_TO_GET_ONE = (f"browser tests skipped: no Chromium at {CHROMIUM}; `apt-get install -y chromium` "
                  "(or set LEEDZ_CHROMIUM to a Chromium executable)")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("LEEDZ_SCREENSHOTS") or ROOT / ".cache" / "browser-screenshots")
HERE = Path(__file__).parent
PUBLIC_PAGES = ("/", "/unsubscribe")
TIMEOUT_MS = 15_000  # per wait; generous because the CI machine is shared (a pass takes far less)

try:
    import playwright  # noqa: F401
    MISSING = None if os.access(CHROMIUM, os.X_OK) else HOW_TO_GET_ONE
except ImportError:
    MISSING = "browser tests skipped: Playwright is not installed (`make .venv/.installed` installs the dev extras)"
collect_ignore_glob = ["test_*.py"] if MISSING and "Playwright" in MISSING else []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not MISSING:
        return
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)  # so fixtures know, at teardown, whether the test failed
    return report


# The routes every test calls first: answered once before the first test, so no test's time budget pays for a
# function's cold start (a worker importing boto3 and powertools takes seconds on a busy machine).
WARM = ("/trades", "/leeds?trade=dj", "/users/me", "/users/me/notifications")


@pytest.fixture(scope="session")
def web_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    log = tmp_path_factory.mktemp("browser-stack") / "stack.log"
    with local_stack(log=log, LEEDZ_RETRY_DELAY="0.05") as running:
        assert running.web, "the local stack serves no web app (Running.web)"
        headers = {"Authorization": f"Bearer {running.token('warmup')}"}
        with ThreadPoolExecutor(len(WARM)) as pool:
            list(pool.map(lambda path: running.get(path, timeout=60, headers=headers), WARM))
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_app(request: pytest.FixtureRequest, browser: Any, web_stack: Running) -> Iterator[Callable[..., Any]]:
    """``open_app(path, user=None)``: a new browser context (its own sessionStorage: another person) on
    ``path``, signed in as ``user`` through the sign-in page if given. Each tab must end the test without a
    console error; on failure every tab's screenshot is saved under ``SCREENSHOTS``."""
    from tests.browser.app import App

    apps: list[App] = []

    def open_one(path: str = "/", user: str | None = None, **context: Any) -> App:
        ctx = browser.new_context(viewport={"width": 1100, "height": 900}, timezone_id="America/Los_Angeles",
                                  locale="en-US", **context)
        ctx.set_default_timeout(TIMEOUT_MS)
        app = App(ctx.new_page(), web_stack.web)
        apps.append(app)
        app.goto(path)
        if user:
            if path.split("?")[0] in PUBLIC_PAGES:  # nothing sends one to sign in: use the header's button
                app.page.get_by_role("button", name="Sign in").click()
            app.sign_in(user)
        return app

    yield open_one
    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call"))
    try:
        if failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for number, app in enumerate(apps, 1):
                name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::")[-1])
                shot = SCREENSHOTS / f"{name}-{number}.png"
                app.page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot: {shot} ({app.page.url})")
        else:
            for app in apps:
                app.assert_clean()
    finally:
        for app in apps:
            app.page.context.close()
