"""Every ``LEEDZ_*`` setting is read in one place and documented in the README, with its default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.local.settings import SETTINGS, Settings

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"LEEDZ_[A-Z0-9_]+")
CODE = [p for folder in ("infra", "shared", "handlers", "controllers", "bench", "tests", "web", ".ci")
        for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".js", ".sh", "") and p.is_file()
        and ".venv" not in p.parts] + [ROOT / "Makefile"]


def _readme_rows() -> dict[str, tuple[str, str]]:
    """``| `LEEDZ_X` | default | meaning |`` rows of the README: name -> (default, meaning)."""
    rows = {}
    for line in (ROOT / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and NAME.fullmatch(cells[0].strip("`")):
            rows[cells[0].strip("`")] = (cells[1].strip("`"), cells[2])
    return rows


def test_readme_documents_each_setting_with_its_default():
    rows = _readme_rows()
    for setting in SETTINGS:
        assert setting.env in rows, f"README's settings table lacks {setting.env}"
        assert rows[setting.env][0] == (setting.default or "(unset)"), setting.env


def test_no_code_reads_a_leedz_variable_the_readme_does_not_name():
    documented = set(NAME.findall((ROOT / "README.md").read_text()))
    used = {name: path for path in CODE if path.name != Path(__file__).name
            for name in NAME.findall(path.read_text(errors="ignore"))}
    undocumented = {name: str(path.relative_to(ROOT)) for name, path in used.items() if name not in documented}
    assert not undocumented, f"LEEDZ_* read but not named in the README: {undocumented}"


def test_only_settings_py_reads_the_stacks_settings():
    stack_settings = {s.env for s in SETTINGS}
    readers = {str(p.relative_to(ROOT)) for p in (ROOT / "infra" / "local").rglob("*.py")
               if p.name != "settings.py" and re.search(r"environ(\.get)?\s*[\[(]\s*['\"]LEEDZ_", p.read_text())}
    assert not readers, f"read LEEDZ_* themselves instead of through Settings: {readers}"
    assert stack_settings


def test_settings_from_env_and_bad_values():
    settings = Settings.from_env({"LEEDZ_PORT": "4000", "LEEDZ_PARAMETERS": "A=1, B = x=y", "LEEDZ_RELOAD": "0"})
    assert settings.api_port == 4000 and settings.parameters == (("A", "1"), ("B", "x=y")) and not settings.reload
    assert Settings.from_env({}) == Settings()
    with pytest.raises(SystemExit, match="LEEDZ_RETRY_DELAY"):
        Settings.from_env({"LEEDZ_RETRY_DELAY": "soon"})
