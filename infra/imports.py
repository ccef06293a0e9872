"""Which modules a handler needs, read from the source (ast), never imported: the built libraries are for
cpython-312 on aarch64 and would not load on the machine that checks them.

Used by ``infra.artifacts`` to prove that every module a function's handler reaches is inside what Lambda gets.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Closure:
    """What a handler module reaches: its own code's modules (files in the artifact), the top-level names it
    imports from elsewhere, and what could not be found anywhere."""

    modules: dict[str, Path] = field(default_factory=dict)
    external: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)


def module_file(root: Path, dotted: str) -> Path | None:
    """``a.b`` as ``root/a/b.py`` or ``root/a/b/__init__.py``, if either exists."""
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def provides(root: Path, top: str) -> bool:
    """Whether ``root`` holds a top-level module or package ``top`` (source, package dir or extension)."""
    return (root / top).is_dir() or (root / f"{top}.py").is_file() or any(root.glob(f"{top}.*.so"))


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, but not the bodies of ``if TYPE_CHECKING:`` (typing-only imports never run)."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and _type_checking_only(child):
            for orelse in child.orelse:
                yield orelse
                yield from _nodes(orelse)
            continue
        yield child
        yield from _nodes(child)


def imported_names(source: str, module: str, is_package: bool) -> Iterator[str]:
    """Dotted names a module imports, function-level imports included; ``from a import b`` gives ``a`` and
    ``a.b`` (b may be a submodule); relative imports resolved against ``module``."""
    package = module if is_package else module.rpartition(".")[0]
    for node in _nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def closure(code: Path, entry: str, elsewhere: list[Path]) -> Closure:
    """Follow imports from module ``entry`` through the modules found in ``code``. Every dotted name imported
    must be a module (or a name its parent module defines) in ``code``, in one of ``elsewhere`` (layers; their
    own imports are not followed) or in the standard library; else it is missing."""
    found = Closure()
    todo = [entry]
    while todo:
        dotted = todo.pop()
        if dotted in found.modules:
            continue
        top = dotted.split(".")[0]
        if top in sys.stdlib_module_names:
            found.external.add(top)
            continue
        path = module_file(code, dotted)
        if path is not None:
            found.modules[dotted] = path
            todo.extend(_parents(dotted))
            todo.extend(imported_names(path.read_text(), dotted, path.name == "__init__.py"))
        elif provides(code, top):
            if not _defined_in_parent(code, dotted):
                found.missing.add(dotted)
        elif any(_exists(root, dotted) for root in elsewhere):
            found.external.add(top)
        else:
            found.missing.add(dotted)
    return found


def _exists(root: Path, dotted: str) -> bool:
    """A module ``dotted`` under ``root`` (source, package or extension), or a name its parent defines."""
    if module_file(root, dotted) is not None:
        return True
    base = root.joinpath(*dotted.split("."))
    if base.parent.is_dir() and any(base.parent.glob(f"{base.name}.*.so")):
        return True
    return "." in dotted and _defined_in_parent(root, dotted)


def _parents(dotted: str) -> list[str]:
    """``a.b.c`` imports run ``a/__init__`` and ``a/b/__init__`` first."""
    parts = dotted.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _defined_in_parent(code: Path, dotted: str) -> bool:
    """``from pkg import name`` where name is no submodule: pkg's ``__init__.py`` must name it."""
    parent, _, name = dotted.rpartition(".")
    init = module_file(code, parent) if parent else None
    return init is not None and name in init.read_text()
