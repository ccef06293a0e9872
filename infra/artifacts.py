"""Check what ``sam build`` made before it is deployed: ``python -m infra.artifacts .aws-sam/build``.

For every function of the built template: its handler module and every module that module reaches are inside
its artifact (libraries in its layers), with the data files they read at run time; every compiled file in the
artifact and its layers is an aarch64 ELF, and every extension module is built for cpython-312; the function's
unzipped size with its layers is under Lambda's limit. Prints each function's size and the total; exits 1 with
the problems found. Run by ``make build`` (so by ``make check`` and ``make deploy``).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra import cfn
from infra.imports import closure

ROOT = Path(__file__).resolve().parents[1]
LIMIT_BYTES = 262_144_000  # 250 MB unzipped, function and all its layers (Lambda quotas)
MAX_LAYERS = 5
RUNTIME_TAG = "cpython-312"
ELF_MACHINE_AARCH64 = 183  # e_machine of an ELF file for ARM 64-bit
# Modules Lambda's managed Python runtime itself provides, in no artifact or layer: SnapStart's runtime hooks
# (shared/snapstart.py imports them, and registers nothing where they are absent).
RUNTIME_PROVIDED = {"snapshot_restore_py"}
# Data files read at run time, by the module that reads them (a module in a function's closure needs them).
RUNTIME_DATA = {"shared.rendering": "templates"}


@dataclass
class Report:
    sizes: dict[str, int] = field(default_factory=dict)  # function -> unzipped bytes, layers included
    dirs: dict[Path, int] = field(default_factory=dict)  # every artifact directory once -> bytes
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.dirs.values())


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def elf_problem(path: Path) -> str | None:
    """None for a 64-bit little-endian aarch64 ELF file; else what it is; not an ELF file: None."""
    with path.open("rb") as fh:
        head = fh.read(20)
    if head[:4] != b"\x7fELF":
        return None
    if head[4] != 2 or head[5] != 1:
        return f"{path}: not a 64-bit little-endian ELF file"
    machine = int.from_bytes(head[18:20], "little")
    if machine != ELF_MACHINE_AARCH64:
        return f"{path}: ELF machine {machine}, not aarch64 ({ELF_MACHINE_AARCH64})"
    return None


def binary_problems(root: Path) -> list[str]:
    """Compiled files under ``root`` not loadable by python3.12 on arm64 Lambda."""
    problems = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        name = path.name
        if name.endswith((".pyd", ".dylib", ".dll")):
            problems.append(f"{path}: not a Linux shared object")
            continue
        tag = re.search(r"\.(cpython-\d+)(-[\w-]+)?\.so$", name)
        if tag and (tag.group(1) != RUNTIME_TAG or "aarch64" not in (tag.group(2) or "")):
            problems.append(f"{path}: extension for {tag.group(1)}{tag.group(2) or ''}, not {RUNTIME_TAG} aarch64")
        problem = elf_problem(path)
        if problem:
            problems.append(problem)
    return problems


def _layer_dirs(build: Path, template: dict[str, Any], props: dict[str, Any]) -> list[Path]:
    glob = (template.get("Globals") or {}).get("Function") or {}
    refs = [*(glob.get("Layers") or []), *(props.get("Layers") or [])]
    layers = []
    for ref in refs:
        logical = ref.get("Ref") if isinstance(ref, dict) else None
        res = template["Resources"].get(logical or "")
        if not res:
            continue  # a layer from outside the stack (an ARN): nothing here to check
        layers.append(build / res["Properties"]["ContentUri"])
    return layers


def _python_dirs(layer: Path) -> list[Path]:
    """Where Lambda puts a layer's modules on sys.path (/opt/python and its lib/python3.12/site-packages)."""
    return [p for p in (layer / "python", layer / "python" / "lib" / "python3.12" / "site-packages") if p.is_dir()]


def check_function(build: Path, template: dict[str, Any], name: str, props: dict[str, Any], report: Report) -> None:
    code = build / props["CodeUri"]
    layers = _layer_dirs(build, template, props)
    if len(layers) > MAX_LAYERS:
        report.problems.append(f"{name}: {len(layers)} layers, Lambda allows {MAX_LAYERS}")
    module, _, attr = props["Handler"].rpartition(".")
    entry = module.replace("/", ".")
    found = closure(code, entry, [d for layer in layers for d in _python_dirs(layer)])
    if entry not in found.modules:
        report.problems.append(f"{name}: handler module {module}.py is not in {code}")
    elif not re.search(rf"^(def {attr}\b|{attr}\s*=)", found.modules[entry].read_text(), re.MULTILINE):
        report.problems.append(f"{name}: {module}.py defines no {attr}")
    report.problems.extend(f"{name}: imports {missing}, found in neither its code nor its layers"
                           for missing in sorted(found.missing)
                           if missing.split(".")[0] not in RUNTIME_PROVIDED)
    for reader, data in RUNTIME_DATA.items():
        if reader in found.modules:
            report.problems.extend(f"{name}: {reader} reads {data}/{missing}, which is not in {code}"
                                   for missing in missing_data(ROOT / data, code / data))
    for root in (code, *layers):
        if root not in report.dirs:
            report.dirs[root] = tree_size(root)
            report.problems.extend(binary_problems(root))
    report.sizes[name] = report.dirs[code] + sum(report.dirs[layer] for layer in layers)
    if report.sizes[name] > LIMIT_BYTES:
        report.problems.append(f"{name}: {report.sizes[name]:,} bytes unzipped with its layers, over {LIMIT_BYTES:,}")


def missing_data(source: Path, built: Path) -> list[str]:
    """Files under ``source`` absent from ``built`` or different there."""
    files = [p.relative_to(source) for p in sorted(source.rglob("*")) if p.is_file()]
    return [str(f) for f in files
            if not (built / f).is_file() or (built / f).read_bytes() != (source / f).read_bytes()]


def check(build: Path) -> Report:
    template = cfn.load(build / "template.yaml")
    report = Report()
    functions = cfn.resources("AWS::Serverless::Function", template)
    if not functions:
        report.problems.append(f"{build}: no functions in the built template")
    for name, props in sorted(functions.items()):
        check_function(build, template, name, props, report)
    return report


def main(argv: list[str]) -> int:
    build = Path(argv[0] if argv else ".aws-sam/build")
    report = check(build)
    width = max((len(n) for n in report.sizes), default=10)
    print(f"{'function':<{width}}  unzipped MiB (code + layers; limit {LIMIT_BYTES / 2**20:.0f})")
    for name, size in sorted(report.sizes.items()):
        print(f"{name:<{width}}  {size / 2**20:8.2f}")
    print(f"{'total (each artifact once)':<{width}}  {report.total / 2**20:8.2f}")
    for problem in report.problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
