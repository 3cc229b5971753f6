"""``cdk-emr diff-safety OLD NEW``: exit codes, output, ``--json`` and ``--allow-replacement``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cdk_emr.cli.diff_safety import diff_safety

Template = dict[str, Any]


def template(release: str = "emr-7.9.0", max_units: int = 20) -> Template:
    return {
        "Resources": {
            "Cluster": {
                "Type": "AWS::EMR::Cluster",
                "Properties": {
                    "Name": "analytics",
                    "ReleaseLabel": release,
                    "JobFlowRole": "profile",
                    "ServiceRole": "service",
                    "ManagedScalingPolicy": {
                        "ComputeLimits": {
                            "UnitType": "InstanceFleetUnits",
                            "MinimumCapacityUnits": 2,
                            "MaximumCapacityUnits": max_units,
                        }
                    },
                    "Instances": {"TerminationProtected": True, "Ec2SubnetIds": ["subnet-aaaa"]},
                },
            }
        }
    }


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(diff_safety, [str(arg) for arg in args], env={"COLUMNS": "250"})


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return write(tmp_path / "old" / "Platform.template.json", template())


def new_file(tmp_path: Path, body: Template) -> Path:
    return write(tmp_path / "new" / "Platform.template.json", body)


def test_no_change_exits_0(tmp_path: Path, old: Path) -> None:
    result = run(old, new_file(tmp_path, template()))

    assert result.exit_code == 0
    assert "No EMR changes" in result.stdout


def test_in_place_change_exits_0_and_shows_the_table(tmp_path: Path, old: Path) -> None:
    result = run(old, new_file(tmp_path, template(max_units=40)))

    assert result.exit_code == 0
    assert "ManagedScalingPolicy.ComputeLimits.MaximumCapacityUnits" in result.stdout
    assert "no-interruption" in result.stdout
    assert "20 → 40" in result.stdout


def test_replacement_exits_1(tmp_path: Path, old: Path) -> None:
    result = run(old, new_file(tmp_path, template(release="emr-7.10.0")))

    assert result.exit_code == 1
    assert "ReleaseLabel" in result.stdout
    assert "replacement" in result.stdout
    assert "--allow-replacement" in result.stderr


def test_allow_replacement_exits_0_with_a_warning(tmp_path: Path, old: Path) -> None:
    new = new_file(tmp_path, template(release="emr-7.10.0"))

    result = run(old, new, "--allow-replacement")

    assert result.exit_code == 0
    assert "REPLACEMENT ALLOWED" in result.stderr
    assert "Platform/Cluster" in result.stderr


def test_values_that_look_like_markup_are_printed_verbatim(tmp_path: Path, old: Path) -> None:
    new = template()
    new["Resources"]["Cluster"]["Properties"]["Instances"]["Ec2SubnetIds"] = ["[bold]subnet"]

    result = run(old, new_file(tmp_path, new))

    assert result.exit_code == 1
    assert "[bold]subnet" in result.stdout


def test_cluster_removed_exits_1(tmp_path: Path, old: Path) -> None:
    result = run(old, new_file(tmp_path, {"Resources": {}}))

    assert result.exit_code == 1
    assert "deletion" in result.stdout


def test_json_output_shape(tmp_path: Path, old: Path) -> None:
    new = template(release="emr-7.10.0", max_units=40)

    result = run(old, new_file(tmp_path, new), "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {"old", "new", "allow_replacement", "exit_code", "summary", "changes"}
    assert report["exit_code"] == 1
    assert report["summary"]["blocking"] == 1
    assert report["summary"]["replaced_clusters"] == ["Platform/Cluster"]
    assert report["summary"]["by_behaviour"]["no-interruption"] == 1
    release = next(c for c in report["changes"] if c["path"] == "ReleaseLabel")
    assert release == {
        "stack": "Platform",
        "logical_id": "Cluster",
        "resource_type": "AWS::EMR::Cluster",
        "path": "ReleaseLabel",
        "old": "emr-7.9.0",
        "new": "emr-7.10.0",
        "behaviour": "replacement",
        "blocking": True,
        "reason": release["reason"],
    }


def test_json_with_allow_replacement_reports_exit_0(tmp_path: Path, old: Path) -> None:
    new = new_file(tmp_path, template(release="emr-7.10.0"))

    result = run(old, new, "--json", "--allow-replacement")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["exit_code"] == 0


def test_cdk_out_directories(tmp_path: Path) -> None:
    def cdk_out(directory: Path, stacks: dict[str, Template]) -> Path:
        artifacts = {
            name: {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": f"{name}.template.json"},
            }
            for name in stacks
        }
        for name, body in stacks.items():
            write(directory / f"{name}.template.json", body)
        write(directory / "manifest.json", {"version": "55.0.0", "artifacts": artifacts})
        return directory

    old_dir = cdk_out(tmp_path / "old", {"Platform": template(), "Kdc": {"Resources": {}}})
    new_stacks = {"Platform": template(release="emr-7.10.0"), "Kdc": {"Resources": {}}}
    new_dir = cdk_out(tmp_path / "new", new_stacks)

    result = run(old_dir, new_dir, "--json")

    assert result.exit_code == 1
    changes = json.loads(result.stdout)["changes"]
    rows = [(c["stack"], c["path"], c["behaviour"]) for c in changes]
    assert rows == [("Platform", "ReleaseLabel", "replacement")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Resources:\n  Cluster: {}\n", "is not JSON"),
        ('{"Description": "no resources"}', "has no Resources object"),
    ],
    ids=["yaml", "not-a-template"],
)
def test_bad_input_exits_2_without_traceback(tmp_path: Path, old: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")

    result = run(old, bad)

    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_missing_path_exits_2(tmp_path: Path, old: Path) -> None:
    result = run(old, tmp_path / "nowhere.json")

    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_empty_directory_exits_2(tmp_path: Path, old: Path) -> None:
    (tmp_path / "empty").mkdir()

    result = run(old, tmp_path / "empty")

    assert result.exit_code == 2
    assert "holds no stack templates" in result.stderr


def test_command_is_registered_on_the_cdk_emr_group() -> None:
    from cdk_emr.cli import main

    assert main.commands["diff-safety"] is diff_safety
