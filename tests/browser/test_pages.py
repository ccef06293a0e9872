"""Every page of the app, as a seller, as another signed-in person and signed out: each renders, axe-core
finds no serious or critical violation, and nothing reaches the console (the fixture checks)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.app import App, post_leed, unique


def visit(app: App, path: str, heading: str, ready: str) -> None:
    """Open ``path`` in the app (a link click, as a person would, when one leads there), wait for ``ready``
    text, then run axe."""
    app.goto(path)
    app.heading(heading)
    expect(app.page.get_by_text(ready).first).to_be_visible()
    assert app.axe_violations() == [], path


def test_every_page_is_accessible_and_quiet(open_app):
    title = f"Magic show {unique('')}"
    seller = open_app("/post", user=unique("ava"))
    seller.assert_accessible()  # the empty form
    seller.expected_statuses.add(422)
    seller.page.get_by_role("button", name="Post the leed").click()  # the form showing the server's 422s
    expect(seller.page.get_by_role("alert")).to_be_visible()
    seller.assert_accessible()
    leed_id = post_leed(seller, trade="magician", title=title, address=f"{unique('')} Lake Dr", zip_code="98101",
                        details="Kids aged 6-8")
    seller.assert_accessible()  # the seller's full view with Withdraw and the photo form
    seller.page.get_by_role("button", name="Withdraw").click()
    seller.assert_accessible()  # the confirmation
    seller.page.get_by_role("button", name="Cancel").click()

    visit(seller, "/", "Browse leedz", "Pick a trade")
    visit(seller, "/?trade=magician", "Browse leedz", title)
    visit(seller, "/me", "Me", "My numbers")
    visit(seller, "/me/leeds", "My leeds", title)  # GET /users/me/leeds, across origins (CORS)
    visit(seller, "/me/leeds?role=buyer", "My leeds", "You have not bought a leed yet.")
    visit(seller, "/notifications", "Notifications", "Refresh")
    visit(seller, "/no/such/page", "Page not found", "There is no page here")

    other = open_app(f"/leeds/{leed_id}", user=unique("otto"))
    other.heading(title)
    expect(other.page.get_by_role("button", name="Buy for $40.00")).to_be_visible()
    other.assert_accessible()  # the public view with Buy

    visitor = open_app("/")
    visit(visitor, "/?trade=magician", "Browse leedz", title)
    visitor.expected_statuses.add(403)
    visit(visitor, "/unsubscribe?token=not-a-real-token", "Unsubscribe", "Stop the emails")
    visitor.page.get_by_role("button", name="Unsubscribe").click()
    expect(visitor.page.get_by_role("alert")).to_be_visible()  # a forged token changes nothing, and says so
    visitor.assert_accessible()
    visit(visitor, "/auth/callback?code=x&state=y", "Signing in", "Please sign in again")
