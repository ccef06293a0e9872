"""``make dev`` start-up time with a large saved state: a fresh start, N subscribers written, a stop (Ctrl-C),
then a start on the same state, which loads every saved item and object back into the emulator.

Run: ``.venv/bin/python bench/startup.py [--subscribers 20000]``.

How it is measured: ``infra.local.launch.local_stack`` starts ``python -m infra.local dev`` as ``make dev`` does
(its own state directory, free ports) and times from the process start to the first healthy
``GET /_local/health`` (``Running.startup_s``); the subscribers are written with ``bench/seeding.py`` (each one
is a profile and a subscription item); the second start prints what it restored (its ready log line).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts run from anywhere

from seeding import quiet_trades, seed_subscribers

from infra.local.launch import local_stack


def _ready_line(log: Path) -> dict:
    for line in log.read_text().splitlines():
        if line.startswith("local | ") and '"ready"' in line:
            return json.loads(line.split(" | ", 1)[1])
    return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    args = parser.parse_args()
    env = {"LEEDZ_STATE_DIR": tempfile.mkdtemp(prefix="leedz-bench-state-")}
    with local_stack(**env) as fresh:
        print(f"fresh start (demo data written): {fresh.startup_s:.2f} s to healthy")
        _, seconds = seed_subscribers(fresh, quiet_trades(fresh)[0], args.subscribers)
        print(f"wrote {args.subscribers} subscribers ({2 * args.subscribers} items) in {seconds:.1f} s")
        assert fresh.wait_idle(timeout=120)
    size = (Path(env["LEEDZ_STATE_DIR"]) / "state.sqlite3").stat().st_size
    started = time.monotonic()
    with local_stack(**env) as again:
        restored = _ready_line(again.log).get("restored") if again.log else None
        trades = {t["name"]: t["subscribers"] for t in again.get_json("/trades")["items"]}
        print(f"start with the saved state ({size / 1e6:.1f} MB on disk): {again.startup_s:.2f} s to healthy; "
              f"restored {restored}; the busiest trade has {max(trades.values())} subscribers")
    print(f"(second run, start to stop: {time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
