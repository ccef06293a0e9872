"""Cold-import time of every function module in ``infra/template.yaml`` against ``import boto3`` alone.

Run: ``.venv/bin/python bench/cold_import.py [--runs N] [--why MODULE ...]``. No stack is needed: importing a
module talks to no AWS service.

How it is measured: each sample is a fresh interpreter (``python -c``) started in the repository root, as Lambda
puts the code on ``sys.path``, with the function's own environment from the template (plus what a Lambda
container sets); it times ``import MODULE`` with ``time.perf_counter`` around the import, so interpreter
start-up (the same for every module) is left out. Rounds are interleaved (every module once per round, boto3
first) so a busy machine slows all modules alike, and the figure is the median of the rounds. The ratio is
module median / ``import boto3`` median; the goal is at most 1.5. The "handler floor" row imports only the
libraries every HTTP handler needs whatever its own code (``FLOOR``): no handler can be faster than that.
``--root`` measures another checkout of the repository (e.g. a ``git worktree`` of an older commit).

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

from infra.local.template import functions  # noqa: E402
from infra.local.workers import worker_env  # noqa: E402

GOAL = 1.5
BASELINE = "boto3"
# What every handler needs whatever its code: boto3, powertools' REST resolver and its pydantic validation.
FLOOR = ("boto3", "aws_lambda_powertools.event_handler.api_gateway",
         "aws_lambda_powertools.event_handler.middlewares.openapi_validation", "pydantic")
_CHILD = ("import sys, time; t = time.perf_counter(); [__import__(m) for m in sys.argv[1].split()]; "
          "print(time.perf_counter() - t)")


def targets() -> dict[str, dict[str, str]]:
    """Module -> environment of the function that runs it (first function wins if two share a module)."""
    found: dict[str, dict[str, str]] = {}
    for fn in functions().values():
        # Endpoint and port are never contacted at import; they only make the environment Lambda-shaped.
        found.setdefault(fn.module, worker_env(fn, "http://127.0.0.1:9", 9))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds (median of these); at least 5")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose modules to import")
    parser.add_argument("--why", nargs="*", default=None, metavar="MODULE",
                        help="also break these modules' import time down by package (no names: the slowest)")
    args = parser.parse_args()
    runs = max(5, args.runs)
    root = args.root.resolve()
    mods = targets()
    floor = " ".join(FLOOR)
    envs = {BASELINE: next(iter(mods.values())), floor: next(iter(mods.values())), **mods}
    samples: dict[str, list[float]] = {name: [] for name in envs}
    failed: set[str] = set()
    for _ in range(runs):
        for name, env in envs.items():
            if name in failed:
                continue
            took = import_seconds(name, env, root)
            if took is None:
                failed.add(name)
            else:
                samples[name].append(took)
    base = statistics.median(samples[BASELINE])
    print(f"cold import of {root}: fresh interpreter per sample, perf_counter around the import, median of "
          f"{runs} interleaved rounds ({sys.executable}, Python {sys.version.split()[0]})")
    print(f"{'module':40} {'median ms':>9} {'min ms':>7} {'ratio':>6}  goal <= {GOAL}x")
    print(f"{'import ' + BASELINE:40} {base * 1000:9.1f} {min(samples[BASELINE]) * 1000:7.1f} {1:6.2f}")
    fmed = statistics.median(samples[floor])
    print(f"{'(handler floor: ' + ' + '.join(m.split('.')[-1] for m in FLOOR) + ')':40} {fmed * 1000:9.1f} "
          f"{min(samples[floor]) * 1000:7.1f} {fmed / base:6.2f}")
    worst = []
    for name in mods:
        if name in failed:
            print(f"{name:40} {'import failed':>9}")
            continue
        med = statistics.median(samples[name])
        ratio = med / base
        worst.append((ratio, name))
        print(f"{name:40} {med * 1000:9.1f} {min(samples[name]) * 1000:7.1f} {ratio:6.2f}  "
              f"{'ok' if ratio <= GOAL else 'over'}")
    met = sum(r <= GOAL for r, _ in worst)
    print(f"{met} of {len(worst)} modules within {GOAL}x of import boto3")
    if args.why is not None:
        for name in args.why or [max(worst)[1]]:
            why(name, envs.get(name) or envs[BASELINE], runs, root)


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
