"""Package a PySpark project for a ``spark-submit`` step: the entry script, and the project's
own modules and packages zipped for ``--py-files`` (standard library only).

After awslabs' emr-cli (``emr package``: a single file as it is; a project's other Python files
zipped into ``pyfiles.zip`` and passed to Spark with ``spark.submit.pyFiles``). Spark's
``--py-files`` takes ``.zip``, ``.egg`` or ``.py`` files to place on the PYTHONPATH (Spark docs,
"Submitting Applications").

What a project is: PATH is an entry script (packaged alone) or a directory holding the entry
script (``main.py``, ``entrypoint.py`` — emr-cli's template name —, the only top-level ``.py``,
or ``entry``) beside its own code: top-level modules and packages (folders with ``__init__.py``,
at the top or under ``src/``), zipped at the archive's root so ``import mypkg`` works. Tests
(``tests/``, ``test/``, ``test_*.py``, ``*_test.py``, ``conftest.py``), caches, hidden files and
``setup.py`` are left out.

Third-party requirements are refused, not packaged: a virtual environment for the cluster must
be built for its operating system (Amazon Linux), CPU architecture (Graviton or x86) and Python,
which cannot be done correctly offline here (emr-cli builds it in an Amazon Linux container).
pyspark and py4j are not counted: EMR's Spark provides them.
"""

from __future__ import annotations

import configparser
import hashlib
import io
import re
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cdk_emr.ops.operations import InvalidInput

ENTRY_SCRIPT_NAMES: Final = ("main.py", "entrypoint.py")
PY_FILES_ARCHIVE: Final = "pyfiles.zip"
PROVIDED_BY_EMR: Final = frozenset({"pyspark", "py4j"})
"""Distributions EMR's Spark installs itself (its Python API and the JVM bridge)."""
_TEST_DIRS = frozenset({"tests", "test"})
_SKIPPED_DIRS = frozenset({"__pycache__", "build", "dist", "venv", "node_modules"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: a reproducible archive
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class PySparkProject:
    """A project found on disk: its folder, entry script and the files of its own code."""

    name: str  # the directory's name, or a single script's stem
    root: Path
    entry: Path
    code: tuple[Path, ...]
    archive_names: tuple[str, ...]  # each code file's name in pyfiles.zip


@dataclass(frozen=True)
class ProjectPackage:
    """What gets uploaded: the entry script and, for a project with its own code, ``pyfiles.zip``."""

    name: str
    entry_name: str
    entry: bytes
    py_files: bytes | None
    py_files_members: tuple[str, ...]

    @property
    def digest(self) -> str:
        """SHA-256 of the entry and the archive: the same code gets the same digest."""
        sha = hashlib.sha256(self.entry_name.encode() + b"\0" + self.entry)
        sha.update(b"\0" + (self.py_files or b""))
        return sha.hexdigest()


def find_project(path: Path, entry: str | None = None) -> PySparkProject:
    """The project at ``path`` (an entry script, or a directory with one); refuses third-party requirements."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"{path}: no such file or directory")
    if path.is_file():
        if entry is not None:
            raise InvalidInput("--entry names the entry script of a project directory; PATH is already a script")
        _check_script(path)
        return PySparkProject(path.stem, path.parent, path, (), ())
    root = path
    script = _entry_script(root, entry)
    refused = third_party_requirements(root)
    if refused:
        raise InvalidInput(
            f"{root} needs third-party packages, which `cdk-emr run` does not package: {', '.join(refused)}. "
            "Install them on the cluster with a bootstrap action (bootstrap_actions/install-python-packages.sh "
            "NAME==VERSION...), or build a virtual environment on Amazon Linux for the cluster's architecture and "
            "Python (venv-pack) and pass it with --conf spark.archives (`cdk-emr steps add ... --conf`)"
        )
    files = sorted(_code_files(root, script), key=lambda pair: pair[1])
    return PySparkProject(root.resolve().name, root, script, tuple(f for f, _ in files), tuple(n for _, n in files))


def _check_script(path: Path) -> None:
    if path.suffix != ".py":
        raise InvalidInput(f"{path} is not a Python script (.py): `cdk-emr run` submits PySpark projects")


def _entry_script(root: Path, entry: str | None) -> Path:
    if entry is not None:
        script = root / entry
        if not script.is_file():
            raise InvalidInput(f"--entry {entry}: no such file in {root}")
        _check_script(script)
        return script
    for name in ENTRY_SCRIPT_NAMES:
        if (root / name).is_file():
            return root / name
    scripts = sorted(p.name for p in root.glob("*.py") if _is_code_module(p.name))
    if len(scripts) == 1:
        return root / scripts[0]
    found = ", ".join(scripts) or "none"
    raise InvalidInput(
        f"{root} has no {' or '.join(ENTRY_SCRIPT_NAMES)} and {len(scripts)} other top-level scripts ({found}): "
        "name the entry script with --entry FILE"
    )


def _is_code_module(name: str) -> bool:
    return not (name.startswith(("test_", ".")) or name.endswith("_test.py") or name in {"conftest.py", "setup.py"})


def _code_files(root: Path, entry: Path) -> Iterator[tuple[Path, str]]:
    """``(file, name in the archive)`` for the project's own modules and packages."""
    for module in root.glob("*.py"):
        if module != entry and _is_code_module(module.name):
            yield module, module.name
    for base in (root, root / "src"):
        if not base.is_dir():
            continue
        for package in base.iterdir():
            if package.is_dir() and (package / "__init__.py").is_file() and _is_package_dir(package.name):
                for file in _package_files(package):
                    yield file, file.relative_to(base).as_posix()


def _is_package_dir(name: str) -> bool:
    return not name.startswith(".") and name not in _TEST_DIRS and name not in _SKIPPED_DIRS


def _package_files(package: Path) -> Iterator[Path]:
    for item in sorted(package.iterdir()):
        if item.name.startswith("."):
            continue
        if item.is_dir():
            if item.name not in _SKIPPED_DIRS:
                yield from _package_files(item)
        elif not item.name.endswith(_SKIPPED_SUFFIXES):
            yield item


def package_project(project: PySparkProject) -> ProjectPackage:
    """Read the entry script and zip the project's own code (reproducibly: sorted, fixed times)."""
    entry = project.entry.read_bytes()
    if not project.code:
        return ProjectPackage(project.name, project.entry.name, entry, None, ())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file, name in zip(project.code, project.archive_names, strict=True):
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())
    return ProjectPackage(project.name, project.entry.name, entry, buffer.getvalue(), project.archive_names)


# --- third-party requirements ------------------------------------------------------------------


def third_party_requirements(root: Path) -> list[str]:
    """The requirements ``root`` declares (requirements.txt, pyproject.toml's ``[project]`` or
    Poetry dependencies, setup.cfg's ``install_requires``), less what EMR provides; sorted."""
    found: list[str] = []
    requirements = root / "requirements.txt"
    if requirements.is_file():
        found += _requirement_lines(requirements.read_text(encoding="utf-8", errors="replace").splitlines())
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        found += _pyproject_requirements(pyproject)
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser()
        parser.read(setup_cfg, encoding="utf-8")
        found += _requirement_lines(parser.get("options", "install_requires", fallback="").splitlines())
    setup_py = root / "setup.py"
    if setup_py.is_file() and "install_requires" in setup_py.read_text(encoding="utf-8", errors="replace"):
        found.append("setup.py's install_requires (not read: list them in requirements.txt)")
    kept = [r for r in dict.fromkeys(found) if _name(r) not in PROVIDED_BY_EMR]
    return sorted(kept, key=str.lower)


def _requirement_lines(lines: Iterable[str]) -> list[str]:
    kept = []
    for raw in lines:
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line in {".", "-e .", "-e ./"}:
            continue  # the project itself
        kept.append(line)
    return kept


def _pyproject_requirements(pyproject: Path) -> list[str]:
    try:
        data: dict[str, Any] = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{pyproject} is not valid TOML: {error}") from None
    found = [str(r) for r in data.get("project", {}).get("dependencies", []) or []]
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {}) or {}
    found += [f"{name} {spec}" if isinstance(spec, str) else name for name, spec in poetry.items() if name != "python"]
    return found


def _name(requirement: str) -> str:
    match = _NAME.match(requirement)
    return match.group(1).lower().replace("_", "-") if match else requirement
