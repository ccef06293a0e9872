"""The Lambda build (requirements.txt) and the dev install (pyproject.toml) must ask for the same runtime."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_requirements_match_pyproject_dependencies():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert sorted(line for line in lines if line and not line.startswith("#")) == sorted(declared)
