"""``POST /leeds`` latency with 0 vs 20,000 subscribers to the leed's trade, in one run, and the synchronous AWS
calls one ``add_leed`` request makes.

Run: ``.venv/bin/python bench/post_latency.py [--samples N] [--subscribers N] [--aws-latency-ms 20]
[--url http://127.0.0.1:3000]``. With ``--aws-latency-ms`` every AWS call a function makes takes that much longer
(``LEEDZ_AWS_LATENCY_MS``), as on AWS: the p50 then shows how many calls the request makes in sequence.
Without ``--url`` it starts its own stack on free ports (``infra.local.launch``).

How it is measured:
- one stack, two trades nobody subscribes to; one of them then gets 20,000 subscribers written straight to
  DynamoDB (``bench/seeding.py``: the items ``PUT /users/me/subscriptions/{trade}`` would leave, compared
  with those of one subscription made through the API on a third trade);
- the samples come in pairs, one on each trade, in a random order within each pair (seeded), so whatever else
  the machine does, the fan-outs' starts included, slows both alike; each is the client-side wall time of one
  ``POST /leeds`` over HTTP (keep-alive session, ``time.perf_counter``), by one seller, after warm-up posts on
  both trades, with ``--gap`` seconds before each so the previous post's async events have run;
- the fan-outs the 20,000-subscriber posts start run on this same machine (in AWS they run elsewhere), so the
  stack's SES rate is set to ``--send-rate`` (default 1 email/s, moto's own quota): each fan-out sends its first
  50 emails and then mostly waits, instead of competing with the measured requests for the CPU and the
  emulator. ``--url`` keeps that stack's own rate;
- p50/p90 from ``statistics.quantiles``; the ratio is 20,000's over 0's (goal p50 ratio <= 1.1);
- the AWS calls: ``GET /_local/stats`` ``aws_calls_by_function.AddLeedFunction`` after minus before one request
  (counted in the function's worker by a botocore hook, one per API call, retries excluded), warm container.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts run from anywhere

from seeding import leed_body, quiet_trades, seed_subscribers, shape_check

from infra.local.launch import GENEROUS_QUOTAS, Running, local_stack

FUNCTION = "AddLeedFunction"
WARMUP = 5
SEED = 1


class Poster:
    """One seller posting leeds, each with its own booking slot."""

    def __init__(self, stack: Running) -> None:
        self.stack, self.n = stack, 0
        self.headers = {"Authorization": f"Bearer {stack.token('bench-poster', 'bench-poster@example.com')}"}

    def post(self, trade: str) -> float:
        self.n += 1
        body = leed_body(trade, self.n, "Latency bench")
        started = time.perf_counter()
        resp = self.stack.http.post(f"{self.stack.api}/leeds", json=body, headers=self.headers, timeout=60)
        took = time.perf_counter() - started
        if resp.status_code != 201:
            raise RuntimeError(f"POST /leeds answered {resp.status_code}: {resp.text}")
        return took


def _calls(stats: dict[str, Any]) -> dict[str, int]:
    by_service = stats.get("aws_calls_by_function", {}).get(FUNCTION) or {}
    return {f"{s}:{op}": n for s, ops in by_service.items() for op, n in ops.items()}


def calls_of_one(stack: Running, poster: Poster, trade: str) -> dict[str, int]:
    before = _calls(stack.get_json("/_local/stats"))
    poster.post(trade)  # the gateway records the invocation's calls before it answers
    after = _calls(stack.get_json("/_local/stats"))
    return {k: n - before.get(k, 0) for k, n in sorted(after.items()) if n - before.get(k, 0)}


def _quantiles(samples: list[float]) -> tuple[float, float]:
    deciles = statistics.quantiles(samples, n=10, method="inclusive")
    return statistics.median(samples), deciles[8]


def run(stack: Running, samples: int, subscribers: int, gap: float) -> None:
    quiet = quiet_trades(stack)
    if len(quiet) < 3:
        raise RuntimeError("need three trades without subscribers; start a fresh stack")
    none, many = quiet[0], quiet[1]
    print(f"SES MaxSendRate reported by the stack: {stack.client('ses').get_send_quota()['MaxSendRate']:g} emails/s")
    poster = Poster(stack)
    _, seconds = seed_subscribers(stack, many, subscribers)
    counts = {t["name"]: t["subscribers"] for t in stack.get_json("/trades")["items"]}
    print(f"seeded {subscribers} subscribers of {many!r} in {seconds:.1f} s; GET /trades says {none!r} has "
          f"{counts[none]}, {many!r} has {counts[many]}; seeded items vs one subscription made through the API "
          f"({quiet[-1]!r}): {shape_check(stack, quiet[-1])}")
    for _ in range(WARMUP):
        for trade in (none, many):
            poster.post(trade)
            time.sleep(gap)
    times: dict[str, list[float]] = {none: [], many: []}
    order = random.Random(SEED)
    for _ in range(samples):
        pair = [none, many]
        order.shuffle(pair)  # so each kind follows each kind: a 20,000 post's fan-out start lands on both alike
        for trade in pair:
            time.sleep(gap)
            times[trade].append(poster.post(trade))
    p50_0, p90_0 = _quantiles(times[none])
    p50_n, p90_n = _quantiles(times[many])
    print(f"POST /leeds over HTTP, {samples} samples each, in pairs of one each (random order), {gap:g} s apart, "
          f"after {WARMUP} warm-up posts each (client wall time, ms):")
    print(f"  {0:>6} subscribers ({none}): p50 {p50_0 * 1000:6.1f}  p90 {p90_0 * 1000:6.1f}  "
          f"min {min(times[none]) * 1000:6.1f}  max {max(times[none]) * 1000:6.1f}")
    print(f"  {subscribers:>6} subscribers ({many}): p50 {p50_n * 1000:6.1f}  p90 {p90_n * 1000:6.1f}  "
          f"min {min(times[many]) * 1000:6.1f}  max {max(times[many]) * 1000:6.1f}")
    print(f"  ratio {subscribers} / 0: p50 {p50_n / p50_0:.2f} (goal <= 1.1), p90 {p90_n / p90_0:.2f}")
    print(f"pending async invocations at the end (fan-outs still pacing): {stack.pending()}")
    for trade, label in ((none, "0"), (many, str(subscribers))):
        time.sleep(gap)
        calls = calls_of_one(stack, poster, trade)
        print(f"synchronous AWS calls of one add_leed ({label} subscribers, warm; /_local/stats "
              f"aws_calls_by_function diff): {sum(calls.values())} = {calls}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=40, help="timed posts per trade")
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--gap", type=float, default=1.5, help="seconds before each post")
    parser.add_argument("--send-rate", default="1", help="LEEDZ_SES_MAX_SEND_RATE of the stack started")
    parser.add_argument("--aws-latency-ms", default="0",
                        help="LEEDZ_AWS_LATENCY_MS of the stack started: latency added to each AWS call")
    parser.add_argument("--url", help="a running stack's API (else one is started on free ports)")
    args = parser.parse_args()
    with local_stack(args.url, LEEDZ_SES_MAX_SEND_RATE=args.send_rate, LEEDZ_PARAMETERS=GENEROUS_QUOTAS,
                     LEEDZ_AWS_LATENCY_MS=args.aws_latency_ms) as stack:
        print(f"LEEDZ_SES_MAX_SEND_RATE={args.send_rate if not args.url else '(the attached stack own)'}, "
              f"LEEDZ_AWS_LATENCY_MS={args.aws_latency_ms if not args.url else '(the attached stack own)'}")
        run(stack, args.samples, args.subscribers, args.gap)
        if stack.log:
            print(f"stack log: {stack.log}")


if __name__ == "__main__":
    main()
