"""The package's shape: every public name resolves, ``import cdk_emr`` stays light, and no
module of the package imports its way back to itself."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import types
from pathlib import Path

import pytest

import cdk_emr

PACKAGE_DIR = Path(cdk_emr.__file__).resolve().parent


def test_every_export_resolves_to_the_object_its_module_defines() -> None:
    assert cdk_emr.__all__, "the package exports nothing"
    assert len(set(cdk_emr.__all__)) == len(cdk_emr.__all__)
    for name in cdk_emr.__all__:
        value = getattr(cdk_emr, name)
        if isinstance(value, types.UnionType):  # a type alias (CustomAmi = ec2.IMachineImage | str)
            assert getattr(importlib.import_module(cdk_emr._EXPORTS[name]), name) is value, name
            continue
        module_name = value.__module__
        # the object is the one defined in the package, under the name it is exported as
        assert module_name.startswith("cdk_emr."), (name, module_name)
        assert getattr(value, "__name__", name) == name, (name, value)
        assert getattr(importlib.import_module(module_name), name) is value, name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'cdk_emr' has no attribute 'NoSuchConstruct'"):
        cdk_emr.NoSuchConstruct  # noqa: B018
    assert not hasattr(cdk_emr, "_private_name")


def test_listing_the_package_starts_no_jsii() -> None:
    code = "import sys, cdk_emr; names = dir(cdk_emr), cdk_emr.__all__; print('aws_cdk' in sys.modules, 'jsii' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    assert "EmrCluster" in dir(cdk_emr)


def module_name(path: Path, package_dir: Path) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, package_dir: Path, known: set[str]) -> set[str]:
    """The package's modules that ``path`` imports anywhere in its body (lazy imports too)."""
    name = module_name(path, package_dir)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `from pkg import name` names a module or an attribute
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_cycles(package_dir: Path) -> list[list[str]]:
    """Every cycle of explicit imports between the package's modules (a depth-first search)."""
    modules = {module_name(p, package_dir): p for p in package_dir.rglob("*.py")}
    graph = {name: imported_modules(path, package_dir, set(modules)) for name, path in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return cycles


def test_no_import_cycle_in_the_package() -> None:
    """Python runs a package's ``__init__`` before its submodules, so only explicit imports count."""
    cycles = import_cycles(PACKAGE_DIR)
    assert not cycles, f"import cycles: {cycles}"


def test_the_cycle_check_sees_a_lazy_import_cycle(tmp_path: Path) -> None:
    """Imports inside functions count too: the circle this guards against (the local AWS's
    emulation and its TLS model, until it was removed) was one."""
    package = tmp_path / "cdk_emr"
    (package / "local").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "local" / "__init__.py").write_text("")
    (package / "local" / "a.py").write_text("def f():\n    from .b import g\n")
    (package / "local" / "b.py").write_text("def g():\n    from cdk_emr.local.a import f\n")
    (package / "local" / "c.py").write_text("from cdk_emr.local import a\nfrom . import b\n")
    assert import_cycles(package) == [["cdk_emr.local.a", "cdk_emr.local.b", "cdk_emr.local.a"]]
