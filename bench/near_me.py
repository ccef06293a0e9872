"""Near-me search over 20,000 leeds of one trade: items read per query against the size of the answer.

In-process on moto (no stack): the template's table, 20,000 ``dj`` leeds for sale written with
``BatchWriteItem`` as ``POST /leeds`` writes them (``leeds.new_leed_items`` with a place at a ZIP's centroid,
ZIPs drawn from New York, New Jersey, Connecticut and Pennsylvania), then ``shared.leed_places.matching`` from
10001 (Manhattan) at several radii. Items read is the sum of ``ScannedCount`` of its ``Query`` calls (what
DynamoDB reads and bills: the key condition's items), counted by a botocore hook on the real client; the answer
is every leed within the radius (not one page). A scan would read 20,000 every time.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts run from anywhere

import os

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                  TABLE_NAME="leedz-bench", POWERTOOLS_METRICS_DISABLED="true", POWERTOOLS_TRACE_DISABLED="true")

import boto3
import zipcodes
from moto import mock_aws

from infra import cfn
from shared import clients, db, leed_places, leeds, places
from shared.leed_models import NewLeed

STATES = ("NY", "NJ", "CT", "PA")
RADII = (1, 5, 10, 25, 50, 100, 200)


def _leed_items(count: int) -> list[dict]:
    rng = random.Random(16)
    zips = [z for state in STATES for z in zipcodes.filter_by(state=state, zip_code_type="STANDARD")]
    now = datetime.now(UTC)
    items = []
    for i in range(count):
        z = rng.choice(zips)
        start = (now + timedelta(days=1 + rng.randrange(300))).replace(minute=0, second=0, microsecond=0)
        new = NewLeed.model_validate({"trade": "dj", "title": f"Gig {i}", "start": start.isoformat(),
                                      "end": (start + timedelta(hours=3)).isoformat(), "price_cents": 1000,
                                      "location": {"address": f"{i} Main St", "zip": z["zip_code"]}})
        place = places.Place(key=f"bench{i}", label=f"{i} Main St, {z['zip_code']}", lat=float(z["lat"]),
                             lon=float(z["long"]))
        leed, slot = leeds.new_leed_items(f"{i:032x}", new, "bench-seller", now.isoformat(), place)
        items += [leed, slot]
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leeds", type=int, default=20_000)
    args = parser.parse_args()
    with mock_aws():
        cfn.create_tables(boto3.client("dynamodb"), {"LeedzTable": "leedz-bench"})
        started = time.perf_counter()
        items = _leed_items(args.leeds)
        ddb = clients.dynamodb()
        for i in range(0, len(items), 25):
            ddb.batch_write_item(RequestItems={"leedz-bench": [{"PutRequest": {"Item": db.to_ddb(it)}}
                                                               for it in items[i:i + 25]]})
        print(f"{args.leeds} dj leeds written in {time.perf_counter() - started:.1f} s")
        read = {"items": 0, "queries": 0}

        def count(parsed, model, **_):
            read["items"] += parsed.get("ScannedCount", 0)
            read["queries"] += 1

        ddb.meta.events.register("after-call.dynamodb.Query", count)
        z = zipcodes.matching("10001")[0]
        lat, lon = float(z["lat"]), float(z["long"])
        print("radius_km  cells  queries  items_read  answer  read/answer")
        for radius in RADII:
            read.update(items=0, queries=0)
            cells = leed_places.covering_cells(lat, lon, radius)
            answer = len(leed_places.matching("dj", lat, lon, radius))
            ratio = f"{read['items'] / answer:.2f}" if answer else "-"
            print(f"{radius:>9}  {len(cells):>5}  {read['queries']:>7}  {read['items']:>10}  {answer:>6}  {ratio:>11}")


if __name__ == "__main__":
    main()
