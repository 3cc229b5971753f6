"""What the local AWS needs to run steps for real: a Java runtime and pyspark (Spark in local mode).

:func:`find_spark_toolchain` finds both, or says which is missing and how to get it; without
them the local EMR keeps emulating steps (:class:`cdk_emr.local.lifecycle.TimedStepRunner`).
pyspark's PyPI package is a whole Spark distribution (``bin/spark-submit``, ``bin/spark-sql``,
the Hadoop 3.3 client and Hive 2.3 jars), so nothing else is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: Spark 3.5 runs on Java 8, 11 and 17 (Spark 3.5 documentation, "Downloading").
SUPPORTED_JAVA = (8, 11, 17)
INSTALL_PYSPARK = "pip install -r requirements-dev.txt (make install) for pyspark"
INSTALL_JAVA = "a Java 17 runtime (apt-get install openjdk-17-jre-headless, or JAVA_HOME)"
_JAVA_VERSION = re.compile(r'version "(?:1\.)?(\d+)')


@dataclass(frozen=True)
class SparkToolchain:
    """A Java runtime and the Spark distribution inside pyspark."""

    java_home: Path
    java_version: int
    spark_home: Path
    spark_version: str
    python: str

    @property
    def spark_submit(self) -> str:
        return str(self.spark_home / "bin" / "spark-submit")

    @property
    def spark_sql(self) -> str:
        return str(self.spark_home / "bin" / "spark-sql")

    def describe(self) -> str:
        return f"Spark {self.spark_version} (pyspark) on Java {self.java_version}, local mode"


@dataclass(frozen=True)
class ToolchainSearch:
    """The toolchain found, or what is missing (each with how to install it)."""

    toolchain: SparkToolchain | None
    missing: tuple[str, ...] = ()


def find_java() -> tuple[Path, int] | str:
    """``(JAVA_HOME, major version)`` of a supported Java, else why none was found."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve())
    found: list[str] = []
    for java in candidates:
        if not java.is_file():
            continue
        try:
            done = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        match = _JAVA_VERSION.search(done.stderr + done.stdout)
        if done.returncode == 0 and match:
            version = int(match[1])
            if version in SUPPORTED_JAVA:
                return java.resolve().parent.parent, version
            found.append(f"Java {version} at {java}")
    if found:
        return f"Java {'/'.join(map(str, SUPPORTED_JAVA))} ({', '.join(found)} is not supported by Spark 3.5): {INSTALL_JAVA}"
    return f"Java (no java on PATH or in JAVA_HOME): {INSTALL_JAVA}"


def find_pyspark() -> tuple[Path, str] | str:
    """``(SPARK_HOME, version)`` of the installed pyspark, else why not."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        return f"pyspark (not installed): {INSTALL_PYSPARK}"
    home = Path(spec.origin).parent
    if not (home / "bin" / "spark-submit").is_file() or not (home / "jars").is_dir():
        return f"pyspark at {home} has no bin/spark-submit or jars/: reinstall it ({INSTALL_PYSPARK})"
    version_file = home / "version.py"
    match = re.search(r"['\"]([0-9][^'\"]*)['\"]", version_file.read_text()) if version_file.is_file() else None
    return home, match[1] if match else "?"


def find_spark_toolchain() -> ToolchainSearch:
    """Java and pyspark, or what is missing."""
    java, spark = find_java(), find_pyspark()
    missing = tuple(item for item in (spark, java) if isinstance(item, str))
    if missing:
        return ToolchainSearch(None, missing)
    assert not isinstance(java, str) and not isinstance(spark, str)
    return ToolchainSearch(SparkToolchain(java[0], java[1], spark[0], spark[1], sys.executable))
