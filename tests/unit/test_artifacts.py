"""The built-artifact check (infra/artifacts.py) on a tiny fake `sam build` output: it passes a good one and
names each kind of broken one. `make build` runs it on the real artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import artifacts
from shared import rendering

TEMPLATE = """\
Globals:
  Function:
    Layers: [!Ref Libs]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: Fn, Handler: handlers/h.handler}
  Libs:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: Libs}
"""
HANDLER = """\
from typing import TYPE_CHECKING
from shared import rendering
import fastlib
if TYPE_CHECKING:
    import typing_only_stubs
def handler(event, context):
    import fastlib.inner
    return rendering.NAME
"""


def elf(machine: int) -> bytes:
    return b"\x7fELF" + bytes([2, 1, 1]) + bytes(11) + machine.to_bytes(2, "little") + bytes(40)


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    source = tmp_path / "src"
    (source / "templates").mkdir(parents=True)
    (source / "templates" / "a.txt").write_text("hello {{ name }}")
    monkeypatch.setattr(artifacts, "ROOT", source)
    out = tmp_path / "build"
    files = {
        "template.yaml": TEMPLATE,
        "Fn/handlers/__init__.py": "",
        "Fn/handlers/h.py": HANDLER,
        "Fn/shared/__init__.py": "",
        "Fn/shared/rendering.py": "NAME = 'a'\n",
        "Fn/templates/a.txt": "hello {{ name }}",
        "Libs/python/fastlib/__init__.py": "",
        "Libs/python/fastlib/inner.py": "",
    }
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    (out / "Libs/python/fastlib/_speed.cpython-312-aarch64-linux-gnu.so").write_bytes(elf(183))
    return out


def test_a_good_artifact_passes_with_its_sizes(build: Path):
    report = artifacts.check(build)
    assert report.problems == []
    code = artifacts.tree_size(build / "Fn")
    layer = artifacts.tree_size(build / "Libs")
    assert report.sizes == {"Fn": code + layer} and report.total == code + layer
    assert artifacts.main([str(build)]) == 0


def test_a_missing_or_stale_template_file_is_named(build: Path):
    (build / "Fn/templates/a.txt").unlink()
    expected = f"Fn: shared.rendering reads templates/a.txt, which is not in {build / 'Fn'}"
    assert artifacts.check(build).problems == [expected]
    (build / "Fn/templates/a.txt").write_text("an older text")
    assert len(artifacts.check(build).problems) == 1


def test_a_library_missing_from_the_layer_is_named(build: Path):
    (build / "Libs/python/fastlib/inner.py").unlink()
    assert artifacts.check(build).problems == ["Fn: imports fastlib.inner, found in neither its code nor its layers"]


def test_the_runtimes_own_snapstart_hooks_need_no_layer(build: Path):
    """snapshot_restore_py ships inside Lambda's Python runtime; any other unknown module is still named."""
    handler = build / "Fn/handlers/h.py"
    handler.write_text("from snapshot_restore_py import register_after_restore\nimport nowhere_lib\n" + HANDLER)
    assert artifacts.check(build).problems == ["Fn: imports nowhere_lib, found in neither its code nor its layers"]


def test_a_missing_handler_module_or_function_is_named(build: Path):
    (build / "Fn/handlers/h.py").write_text("def other(event, context): ...\n")
    assert artifacts.check(build).problems == ["Fn: handlers/h.py defines no handler"]
    (build / "Fn/handlers/h.py").unlink()
    assert artifacts.check(build).problems[0].startswith("Fn: handler module handlers/h.py is not in")


def test_extensions_for_another_machine_or_python_are_named(build: Path):
    libs = build / "Libs/python/fastlib"
    (libs / "_speed.cpython-312-aarch64-linux-gnu.so").write_bytes(elf(62))  # x86-64
    (libs / "_old.cpython-311-aarch64-linux-gnu.so").write_bytes(elf(183))
    (libs / "libz.so.1").write_bytes(elf(62))  # a bundled shared library: checked by its ELF header alone
    problems = artifacts.check(build).problems
    assert len(problems) == 3, problems
    assert any("_old.cpython-311" in p and "not cpython-312" in p for p in problems)
    assert sum("ELF machine 62, not aarch64" in p for p in problems) == 2


def test_a_function_over_the_size_limit_is_named(build: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(artifacts, "LIMIT_BYTES", 100)
    assert [p.split(":")[0] for p in artifacts.check(build).problems] == ["Fn"]
    assert artifacts.main([str(build)]) == 1


def test_the_data_map_names_where_the_email_templates_are_read_from():
    assert artifacts.RUNTIME_DATA["shared.rendering"] == rendering.TEMPLATES.relative_to(artifacts.ROOT).as_posix()
