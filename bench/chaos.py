"""The chaos workload of ``tests/e2e/test_chaos.py``, bigger, on a stack with injected faults: its figures.

Run: ``.venv/bin/python bench/chaos.py [--posts 60] [--buys 20] [--withdrawals 10] [--seed 4]``. It starts its
own stack on free ports (``infra.local.launch``) with ``LEEDZ_FAULT_RATE`` (default 0.3: an async attempt
fails, half before the handler runs, half after it returned) and ``LEEDZ_DUPLICATE_RATE`` (default 0.1: an
accepted event is delivered twice), seeded so a run can be repeated.

How it is measured (``tests/e2e/chaos_workload.py``): subscribers subscribe to two trades through the API;
sellers post; the script waits until nothing is pending and redrives what reached the failure destination
(``POST /_local/redrive``) until nothing does; buyers buy, sellers withdraw; the same again. Then every effect
is counted against what it should be: each subscriber's announcement of each leed and the receipts (from
``GET /_local/emails``), the trade and user counters (``GET /trades``, each user's ``GET /users/me``), the
ledger (the table) and the in-app notifications (``GET /users/me/notifications``). The stack's own counts
(accepted, retried, duplicated, failed) come from ``GET /_local/stats``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts run from anywhere

from infra.local.launch import GENEROUS_QUOTAS, local_stack
from tests.e2e.chaos_workload import check, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--buys", type=int, default=20)
    parser.add_argument("--withdrawals", type=int, default=10)
    parser.add_argument("--subscribers", type=int, default=8)
    parser.add_argument("--fault-rate", default="0.3")
    parser.add_argument("--duplicate-rate", default="0.1")
    parser.add_argument("--seed", default="4")
    args = parser.parse_args()
    if args.buys + args.withdrawals > args.posts:
        parser.error("buys + withdrawals must not exceed posts")
    with local_stack(LEEDZ_FAULT_RATE=args.fault_rate, LEEDZ_DUPLICATE_RATE=args.duplicate_rate,
                     LEEDZ_SEED=args.seed, LEEDZ_PREWARM="0", LEEDZ_PARAMETERS=GENEROUS_QUOTAS) as stack:
        started = time.perf_counter()
        outcome = run(stack.api, subscribers=args.subscribers, posts=args.posts, buys=args.buys,
                      withdrawals=args.withdrawals)
        wall = time.perf_counter() - started
        dynamodb = stack.client("dynamodb")
        figures = check(stack.api, dynamodb, dynamodb.list_tables()["TableNames"][0], outcome)
        async_stats = stack.get_json("/_local/stats")["async"]
    print(f"chaos: fault rate {args.fault_rate}, duplicate rate {args.duplicate_rate}, seed {args.seed}")
    print(f"workload: {args.posts} posts, {args.buys} buys, {args.withdrawals} withdrawals, "
          f"{args.subscribers} subscribers of each of 2 trades; {wall:.1f} s including settling")
    print(f"stack's async counts: {async_stats}")
    print("effects:")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    wrong = {k: v for k, v in figures.items() if k.endswith(("missing", "duplicated", "unowed", "wrong")) and v}
    print("every effect exactly once" if not wrong else f"NOT exactly once: {wrong}")


if __name__ == "__main__":
    main()
