"""Bootstrap scripts: syntax, shellcheck when available, and the install script's behaviour."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((REPO / "bootstrap_actions").glob("*.sh"))
INSTALL = REPO / "bootstrap_actions" / "install-python-packages.sh"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_parses_and_is_strict(script: Path) -> None:
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck_is_clean(script: Path) -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (make test installs it where apt-get works)")
    subprocess.run(["shellcheck", str(script)], check=True)


@pytest.fixture
def fake_node(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A PATH with fake ``sudo`` and ``python3`` whose pip records installs in a state file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    state = tmp_path / "installed.txt"
    state.touch()
    (bin_dir / "sudo").write_text('#!/usr/bin/env bash\nexec "$@"\n')
    (bin_dir / "python3").write_text(
        "#!/usr/bin/env bash\n"
        f'STATE="{state}"\n'
        'if [ "$3" = "show" ]; then line=$(grep "^$4==" "$STATE" || true); [ -n "$line" ] || exit 1; echo "Version: ${line#*==}"; exit 0; fi\n'
        'if [ "$3" = "install" ]; then req="${@: -1}"; grep -v "^${req%%==*}==" "$STATE" > "$STATE.tmp" || true; mv "$STATE.tmp" "$STATE"; echo "$req" >> "$STATE"; echo "installed $req" >&2; exit 0; fi\n'
        "exit 2\n"
    )
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    return env, state


def run_install(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(INSTALL), *args], env=env, capture_output=True, text=True)


def test_installs_pinned_packages_then_is_idempotent(fake_node: tuple[dict[str, str], Path]) -> None:
    env, state = fake_node
    first = run_install(env, "pyarrow==17.0.0", "pandas==2.2.3")
    assert first.returncode == 0, first.stderr
    assert state.read_text().split() == ["pyarrow==17.0.0", "pandas==2.2.3"]
    second = run_install(env, "pyarrow==17.0.0", "pandas==2.2.3")
    assert second.returncode == 0
    assert "already installed" in second.stdout and "installed " not in second.stderr
    assert state.read_text().split() == ["pyarrow==17.0.0", "pandas==2.2.3"]


def test_upgrades_a_package_at_another_version(fake_node: tuple[dict[str, str], Path]) -> None:
    env, state = fake_node
    run_install(env, "pyarrow==16.0.0")
    assert run_install(env, "pyarrow==17.0.0").returncode == 0
    assert state.read_text().split() == ["pyarrow==17.0.0"]


def test_refuses_unpinned_requirements(fake_node: tuple[dict[str, str], Path]) -> None:
    env, state = fake_node
    result = run_install(env, "pyarrow")
    assert result.returncode == 2 and "unpinned" in result.stdout
    assert state.read_text() == ""


def test_no_arguments_is_a_no_op(fake_node: tuple[dict[str, str], Path]) -> None:
    env, _ = fake_node
    result = run_install(env)
    assert result.returncode == 0 and "nothing to do" in result.stdout
