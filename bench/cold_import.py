"""Cold-import time of every function module in ``infra/template.yaml`` against ``import boto3`` alone.

Run: ``.venv/bin/python bench/cold_import.py [--runs N] [--compare ROOT] [--why [MODULE ...]]``. No stack is
needed: importing a module talks to no AWS service.

How it is measured: each sample is a fresh interpreter (``python -c``) started in the repository root, as Lambda
puts the code on ``sys.path``, with the function's own environment from the template (plus what a Lambda
container sets); it times ``import MODULE`` with ``time.perf_counter`` around the import, so interpreter
start-up (the same for every module) is left out. Rounds are interleaved (every module once per round, boto3
first) so a busy machine slows all modules alike, and the figure is the median of the rounds. The ratio is
module median / ``import boto3`` median (the goal is at most 1.5); the same ratio of the minimums is printed
too, as it is the least disturbed by other load on the machine. The "handler floor" row imports only the
libraries every HTTP handler needs whatever its own code (``FLOOR``): no handler can be faster than that.
The functions' environment is the local stack's, tracing off; ``--traced`` turns the X-Ray tracing on, as the
template does on AWS (``Tracing: Active``: powertools' Tracer imports and patches the X-Ray SDK at import).
``--root`` measures another checkout of the repository; ``--compare ROOT`` measures a second one in the same
interleaved rounds (before/after a change: ``git worktree add /tmp/before COMMIT``).

``--why`` runs ``python -X importtime`` for the named modules (median per package over the rounds) and charges
each imported module's own time to the nearest third-party or project package above it in the import tree
(so ``asyncio`` pulled in by powertools counts as powertools): that tells what a module pays for.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench script run from anywhere; not a test, so no package install

from infra.local.runtime.workers import worker_env  # noqa: E402
from infra.local.sam.model import functions  # noqa: E402

GOAL = 1.5
BASELINE = "boto3"
# What every handler needs whatever its code: boto3, powertools' REST resolver and its pydantic validation.
FLOOR = ("boto3", "aws_lambda_powertools.event_handler.api_gateway",
         "aws_lambda_powertools.event_handler.middlewares.openapi_validation", "pydantic")
_CHILD = ("import sys, time; t = time.perf_counter(); [__import__(m) for m in sys.argv[1].split()]; "
          "print(time.perf_counter() - t)")


def targets(traced: bool = False) -> dict[str, dict[str, str]]:
    """Module -> environment of the function that runs it (first function wins if two share a module).
    ``traced``: with X-Ray tracing on, as on AWS (``Tracing: Active``); the local stack turns it off."""
    found: dict[str, dict[str, str]] = {}
    for fn in functions().values():
        # Endpoint and port are never contacted at import; they only make the environment Lambda-shaped.
        env = worker_env(fn, "http://127.0.0.1:9", 9)
        found.setdefault(fn.module, {**env, "POWERTOOLS_TRACE_DISABLED": "false"} if traced else env)
    return found


def _env(extra: dict[str, str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    return {**base, **extra}


def import_seconds(module: str, env: dict[str, str], root: Path = ROOT) -> float | None:
    """One cold import in a fresh interpreter; None when the module cannot be imported."""
    proc = subprocess.run([sys.executable, "-c", _CHILD, module], cwd=root, env=_env(env),
                          capture_output=True, text=True, check=False)
    return float(proc.stdout.strip()) if proc.returncode == 0 else None


def import_tree_costs(module: str, env: dict[str, str], root: Path = ROOT) -> dict[str, float]:
    """Package -> microseconds from one ``-X importtime`` run, charged as the module docstring says."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=root,
                          env=_env(env), capture_output=True, text=True, check=False)
    rows = []  # (depth, name, self_us) in the post-order Python prints
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, raw = line.removeprefix("import time:").split("|")
        raw = raw[1:]  # one space after the bar, then two per level of nesting
        rows.append(((len(raw) - len(raw.lstrip(" "))) // 2, raw.strip(), int(self_us)))
    # Reversed, post-order becomes a pre-order: a row's parent is the latest row seen one level up.
    owner_at: dict[int, str | None] = {}
    costs: dict[str, float] = defaultdict(float)
    for depth, name, self_us in reversed(rows):
        top = name.split(".")[0]
        own = None if top in sys.stdlib_module_names or top.startswith("_") else top
        owner = own or owner_at.get(depth - 1)
        owner_at = {d: o for d, o in owner_at.items() if d < depth}
        owner_at[depth] = owner
        costs[owner or f"(stdlib) {top}"] += self_us
    return costs


def measure(names: dict[str, dict[str, str]], roots: list[Path], runs: int) -> dict[tuple[Path, str], list[float]]:
    """Interleaved rounds: every module from every checkout once per round. One that fails to import is dropped
    (an empty list)."""
    samples: dict[tuple[Path, str], list[float]] = {(r, n): [] for r in roots for n in names}
    failed: set[tuple[Path, str]] = set()
    for _ in range(runs):
        for name, env in names.items():
            for root in roots:
                if (root, name) in failed:
                    continue
                took = import_seconds(name, env, root)
                if took is None:
                    failed.add((root, name))
                    samples[(root, name)].clear()
                else:
                    samples[(root, name)].append(took)
    return samples


def _row(label: str, got: list[float], base: tuple[float, float]) -> tuple[str, float | None]:
    if not got:
        return f"{label:40} {'import failed':>9}", None
    med, low = statistics.median(got), min(got)
    return (f"{label:40} {med * 1000:9.1f} {low * 1000:7.1f} {med / base[0]:6.2f} {low / base[1]:6.2f}",
            med / base[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds (median of these); at least 5")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose modules to import")
    parser.add_argument("--compare", type=Path, metavar="ROOT",
                        help="also measure this checkout (e.g. a git worktree of an older commit), same rounds")
    parser.add_argument("--traced", action="store_true",
                        help="X-Ray tracing on (powertools Tracer and its patching), as the functions run on AWS")
    parser.add_argument("--why", nargs="*", default=None, metavar="MODULE",
                        help="also break these modules' import time down by package (no names: the slowest)")
    args = parser.parse_args()
    runs = max(5, args.runs)
    roots = [args.root.resolve()] + ([args.compare.resolve()] if args.compare else [])
    mods = targets(args.traced)
    floor = " ".join(FLOOR)
    names = {BASELINE: next(iter(mods.values())), floor: next(iter(mods.values())), **mods}
    samples = measure(names, roots, runs)
    print(f"cold import: fresh interpreter per sample, perf_counter around the import, {runs} interleaved rounds "
          f"(every module{' from both checkouts' if len(roots) > 1 else ''} once a round; {sys.executable}, "
          f"Python {sys.version.split()[0]}); ratio = module / import boto3, of the medians and of the minimums; "
          f"X-Ray tracing {'on, as on AWS' if args.traced else 'off, as in the local stack'}")
    for root in roots:
        base = (statistics.median(samples[(root, BASELINE)]), min(samples[(root, BASELINE)]))
        print(f"\n{root}")
        print(f"{'module':40} {'median ms':>9} {'min ms':>7} {'ratio':>6} {'(min)':>6}  goal <= {GOAL}x")
        print(_row(f"import {BASELINE}", samples[(root, BASELINE)], base)[0])
        print(_row("(handler floor: libraries only)", samples[(root, floor)], base)[0])
        ratios = []
        for name in mods:
            line, ratio = _row(name, samples[(root, name)], base)
            print(line + ("" if ratio is None else f"  {'ok' if ratio <= GOAL else 'over'}"))
            if ratio is not None:
                ratios.append((ratio, name))
        print(f"{sum(r <= GOAL for r, _ in ratios)} of {len(mods)} modules within {GOAL}x of import boto3 (medians)")
    if args.why is not None:
        for name in args.why or [max(ratios)[1]]:
            why(name, names.get(name) or names[BASELINE], runs, roots[0])


def why(module: str, env: dict[str, str], runs: int, root: Path) -> None:
    per_run = [import_tree_costs(module, env, root) for _ in range(runs)]
    packages = {p for run in per_run for p in run}
    medians = {p: statistics.median(run.get(p, 0.0) for run in per_run) for p in packages}
    total = sum(medians.values())
    print(f"\n{module}: -X importtime self time by package (median of {runs}; total {total / 1000:.1f} ms, "
          f"importtime's own overhead included)")
    for package, us in sorted(medians.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {package:38} {us / 1000:7.1f} ms")


if __name__ == "__main__":
    main()
