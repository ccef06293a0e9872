"""The lockfiles (``make lock``) must pin, with hashes, a release of everything pyproject.toml asks for: the
Lambda layer installs requirements.lock and the dev venv requirements-dev.lock, both with --require-hashes."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = PYPROJECT["dependencies"]
DEV = RUNTIME + PYPROJECT["optional-dependencies"]["dev"]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?: ;.*)? \\$")


def pins(lockfile: str) -> dict[str, list[str]]:
    """name -> pinned versions (two when markers split them), each checked to carry at least one hash."""
    found: dict[str, list[str]] = {}
    lines = (ROOT / lockfile).read_text().splitlines()
    for i, line in enumerate(lines):
        if m := PIN.match(line):
            assert lines[i + 1].strip().startswith("--hash=sha256:"), f"{lockfile}: {line} has no hash"
            found.setdefault(canonicalize_name(m["name"]), []).append(m["version"])
    return found


@pytest.mark.parametrize(("lockfile", "wanted"), [("requirements.lock", RUNTIME), ("requirements-dev.lock", DEV)])
def test_each_lockfile_pins_a_release_of_every_requirement(lockfile, wanted):
    locked = pins(lockfile)
    stale = []
    for spec in wanted:
        req = Requirement(spec)
        versions = locked.get(canonicalize_name(req.name), [])
        if not versions or not all(req.specifier.contains(v, prereleases=True) for v in versions):
            stale.append(f"{spec} (locked: {versions or 'nothing'})")
    assert not stale, f"{lockfile} is stale: run `make lock`: {stale}"


def test_the_runtime_lock_holds_no_dev_tool_and_agrees_with_the_dev_lock():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert "pytest" not in runtime and "moto" not in runtime  # the layer ships only what functions import
    assert {name: dev.get(name) for name in runtime} == runtime  # tests run the versions Lambda runs
