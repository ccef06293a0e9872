"""The demo data a fresh local stack starts with (``README.md`` lists it): users and their subscriptions, leeds
for sale, one sold and one withdrawn, and the counters and ledger that go with them.

Items are built by ``shared/`` itself (``leeds.new_leed_items``, ``subscriptions.subscription_item``, the keys of
``shared/db.py``), so the demo data is what the system writes. The bookkeeping is written as already done
(counters, ledger, the ``effects.once`` markers), so a console event of ``events/`` re-run against it changes
no counter twice. The sold and withdrawn leeds have fixed ids: ``events/`` names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

DEMO_DOMAIN = "example.com"
# username -> (display name, trades subscribed to): alice sells; bob and carol subscribe, so a post by alice
# reaches them by email.
DEMO_USERS = {
    "alice": ("Alice Seller", ["caricatures"]),
    "bob": ("Bob Buyer", ["dj", "photography"]),
    "carol": ("Carol Crowd", ["dj", "caricatures"]),
}
SOLD_LEED = "3f2b9c1d4e5a46f7a8b9c0d1e2f3a4b5"  # alice's, bought by bob
PHOTO_LEED, PHOTO_KEY = "de300000000000000000000000000001", "de3a0000000000000000000000000001.png"
WITHDRAWN_LEED = "3f2b9c1d4e5a46f7a8b9c0d1e2f3a4b6"  # alice's, withdrawn
REPORTED_LEED = "de300000000000000000000000000002"  # alice's dj leed, reported once by bob
# Accounts whose erasure was asked for (``shared.erasure``): hugo's not yet run, ivan's done and not yet
# confirmed by email; the console events ``eraseAccount`` and ``confirmErasure`` name them.
ERASING, ERASED = "hugo", "ivan"


@dataclass(frozen=True)
class DemoLeed:
    id: str
    trade: str
    title: str
    days_ahead: int
    hour: int
    address: str
    zip: str
    price_cents: int
    details: str
    status: str = "for_sale"  # or sold (to bob), withdrawn


DEMO_LEEDS = (
    DemoLeed("de300000000000000000000000000001", "caricatures", "Caricature artist for a 40th birthday", 9, 18,
             "9500 Wilshire Blvd", "90210", 25000, "Two hours, about 30 guests. Ask for Dana at the door."),
    DemoLeed("de300000000000000000000000000002", "dj", "DJ for a rooftop party", 12, 21, "350 W 31st St",
             "10001", 40000, "House and disco; the venue has a sound system."),
    DemoLeed("de300000000000000000000000000003", "photography", "Photographer for a garden wedding", 20, 14,
             "2430 N Cannon Dr", "60614", 90000, "Ceremony and portraits, 3 hours."),
    DemoLeed("de300000000000000000000000000004", "face-painting", "Face painter at a school fair", 27, 10,
             "3450 20th St", "94110", 15000, "About 60 children; bring your own kit."),
    DemoLeed(SOLD_LEED, "caricatures", "Caricatures at a company picnic", 33, 12, "1 Infinite Loop", "95014",
             30000, "Three hours, outdoors, shade provided.", status="sold"),
    DemoLeed(WITHDRAWN_LEED, "dj", "DJ for a garden party", 40, 16, "600 Montgomery St", "94111", 35000,
             "Cancelled by the host.", status="withdrawn"),
)


def addresses() -> list[str]:
    return [f"{user}@{DEMO_DOMAIN}" for user in DEMO_USERS]


def _users(now: str) -> list[dict[str, Any]]:
    from shared import db
    from shared.subscriptions import subscription_item

    items: list[dict[str, Any]] = []
    for username, (name, trades) in DEMO_USERS.items():
        email = f"{username}@{DEMO_DOMAIN}"
        items.append({**db.profile_key(username), "username": username, "email": email, "name": name,
                      "created_at": now})
        items += [subscription_item(username, trade, email, name, now) for trade in trades]
    return items


def _leed_items(demo: DemoLeed, seller: str, now: datetime) -> list[dict[str, Any]]:
    """The leed (in its status), its booking slot while it holds one, its sale, and its bookkeeping markers."""
    from infra.local.aws import places
    from shared import db, leeds
    from shared import places as shared_places
    from shared.leed_models import NewLeed

    start = (now + timedelta(days=demo.days_ahead)).replace(hour=demo.hour, minute=0, second=0, microsecond=0)
    new = NewLeed.model_validate({
        "trade": demo.trade, "title": demo.title, "start": start.isoformat(),
        "end": (start + timedelta(hours=3)).isoformat(), "price_cents": demo.price_cents,
        "location": {"address": demo.address, "zip": demo.zip}, "details": demo.details})
    found = places.geocode({"QueryText": shared_places.query_text(demo.address, demo.zip)})["ResultItems"]
    place = shared_places.from_result(found[0] if found else None)  # as POST /leeds would place it
    leed, slot = leeds.new_leed_items(demo.id, new, seller, now.isoformat(), place)
    done = {"done_at": now.isoformat()}
    items = [{**db.effect_key("recordPost", demo.id), **done}]
    if demo.status != "for_sale":  # off the for-sale index, as a sale or a withdrawal leaves it
        for key in leeds.OFF_SALE.split(", "):
            leed.pop(key, None)
    if demo.status == "sold":
        leed.update(status=demo.status, buyer="bob", sold_at=now.isoformat(), gsi4pk="BUYER#bob",
                    gsi4sk=f"{now.isoformat()}#{demo.id}")
        items += [slot, {**db.effect_key("recordSale", demo.id), **done},
                  {**db.sale_key(demo.id), "leed_id": demo.id, "trade": demo.trade, "seller": seller,
                   "buyer": "bob", "price_cents": demo.price_cents, "sold_at": now.isoformat()}]
    elif demo.status == "withdrawn":
        leed.update(status=demo.status, withdrawn_at=now.isoformat())
        items.append({**db.effect_key("recordWithdrawal", demo.id), **done})
    else:
        items.append(slot)
    return [leed, *items]


def _reports_and_erasures(now: str) -> list[dict[str, Any]]:
    """bob's report of the dj leed (its count moved by it), and the two erasure requests."""
    from shared import db, erasure, reports

    report = {**reports.report_key(REPORTED_LEED, "bob"), "leed_id": REPORTED_LEED, "reporter": "bob",
              "reason": "The phone number in the details does not answer.", "created_at": now}
    items: list[dict[str, Any]] = [report]
    for username, done in ((ERASING, None), (ERASED, now)):
        items.append({**erasure.erasure_key(username), "username": username, "email": f"{username}@{DEMO_DOMAIN}",
                      "requested_at": now, "done_at": done})
        items.append({**db.profile_key(username), "erased_at": now})
    return items


def _counters(now: str) -> list[dict[str, Any]]:
    """Trade counters and user stats as bookkeeping would have left them after the demo leeds' events."""
    from shared import db
    from shared.trades import CATALOGUE

    trades = {t: {"trade": t, "leeds_posted": 0, "leeds_sold": 0, "leeds_withdrawn": 0, "subscribers": 0}
              for t in CATALOGUE}
    for _, subscribed in DEMO_USERS.values():
        for trade in subscribed:
            trades[trade]["subscribers"] += 1
    stats = {user: {"posted": 0, "sold": 0, "bought": 0, "earned_cents": 0, "spent_cents": 0, "withdrawn": 0}
             for user in DEMO_USERS}
    for demo in DEMO_LEEDS:
        withdrawn = demo.status == "withdrawn"
        trades[demo.trade]["leeds_posted" if not withdrawn else "leeds_withdrawn"] += 1
        stats["alice"]["posted" if not withdrawn else "withdrawn"] += 1
        if demo.status == "sold":
            trades[demo.trade]["leeds_sold"] += 1
            stats["alice"]["sold"] += 1
            stats["alice"]["earned_cents"] += demo.price_cents
            stats["bob"]["bought"] += 1
            stats["bob"]["spent_cents"] += demo.price_cents
    return [*({**db.trade_stats_key(t), **counts} for t, counts in trades.items()),
            *({"user": user, **counts} for user, counts in stats.items())]


def _photo() -> bytes:
    """A demo picture (made here: no binary file in the repository), 640x400 PNG."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (250, 240, 220))
    draw = ImageDraw.Draw(image)
    draw.ellipse((220, 60, 420, 300), fill=(255, 205, 160), outline=(90, 60, 40), width=6)
    for x in (275, 365):
        draw.ellipse((x - 14, 140, x + 14, 168), fill=(60, 40, 30))
    draw.arc((270, 180, 370, 260), 20, 160, fill=(150, 40, 40), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _attachment(now: datetime) -> dict[str, Any]:
    """Slot 0 of alice's first leed, as ``shared.uploads.add_attachment`` claims it; the upload then makes it
    ready through the thumbnail function, like any upload."""
    from shared import attachment_records, db

    expires = int(now.timestamp()) + 10 * 365 * 86400
    return {**db.attachment_key(PHOTO_LEED, 0), "slot": 0, "leed_id": PHOTO_LEED, "key": PHOTO_KEY,
            "filename": "caricature.png", "content_type": "image/png", "uploader": "alice",
            "created_at": now.isoformat(), "upload_expires": expires, "status": attachment_records.PENDING,
            "expires_at": expires + attachment_records.TIDY_AFTER}


def demo_data(dynamodb: Any, table: str, s3: Any, upload_bucket: str | None) -> None:
    """Write the demo data into ``table``, and the demo photo into ``upload_bucket``."""
    from shared import db, uploads

    now = datetime.now(UTC)
    items = _users(now.isoformat())
    for demo in DEMO_LEEDS:
        items += _leed_items(demo, "alice", now)
    profiles = {item["username"]: item for item in items if item.get("sk") == "PROFILE"}
    for counts in _counters(now.isoformat()):
        user = counts.pop("user", None)
        if user is None:
            items.append(counts)
        else:
            profiles[user].update(counts)
    if upload_bucket:
        items.append(_attachment(now))
    items += _reports_and_erasures(now.isoformat())
    for item in items:
        if item.get("id") == REPORTED_LEED and item.get("sk") == "LEED":
            item["report_count"] = 1
        dynamodb.put_item(TableName=table, Item=db.to_ddb(item))
    if upload_bucket:
        s3.put_object(Bucket=upload_bucket, Key=uploads.s3_key(PHOTO_LEED, PHOTO_KEY), Body=_photo(),
                      ContentType="image/png")
