"""``cdk-emr diff-safety --deployed STACK NEW``: NEW against the template the stack is deployed
with (CloudFormation GetTemplate), on the local AWS (moto in-process with the EMR emulation).

Expected behaviours: AWS::EMR::Cluster ``ReleaseLabel`` is "Update requires: Replacement" and
``StepConcurrencyLevel`` "No interruption" (CloudFormation User Guide, AWS::EMR::Cluster).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import test_operations as shared  # its fixtures (pytest puts tests/ops on sys.path)
from click.testing import CliRunner, Result

from cdk_emr.cli import main
from cdk_emr.ops import operations as ops
from cdk_emr.ops.deployed import deployed_template

offline_aws = shared.offline_aws
emr = shared.emr

DEPLOYED: dict[str, Any] = {
    "Resources": {
        "Cluster": {
            "Type": "AWS::EMR::Cluster",
            "Properties": {
                "Name": "deployed",
                "ReleaseLabel": "emr-7.14.0",
                "JobFlowRole": "p",
                "ServiceRole": "s",
                "StepConcurrencyLevel": 1,
                "Instances": {
                    "MasterInstanceFleet": {"TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]},
                    "CoreInstanceFleet": {"TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]},
                },
            },
        }
    }
}


def deploy(stack: str = "Platform") -> None:
    ops.aws_client("cloudformation").create_stack(StackName=stack, TemplateBody=json.dumps(DEPLOYED))


def synthesized(tmp_path: Path, stack: str = "Platform", **changes: Any) -> Path:
    template = copy.deepcopy(DEPLOYED)
    template["Resources"]["Cluster"]["Properties"].update(changes)
    path = tmp_path / f"{stack}.template.json"
    path.write_text(json.dumps(template))
    return path


def diff(*args: str) -> Result:
    return CliRunner().invoke(main, ["diff-safety", *args])


def test_the_deployed_template_is_read_back_as_submitted(emr: Any) -> None:
    deploy()
    assert deployed_template("Platform") == DEPLOYED


def test_an_unchanged_template_is_safe(emr: Any, tmp_path: Path) -> None:
    deploy()
    result = diff("--deployed", "Platform", str(synthesized(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "no EMR cluster is replaced" in result.stderr


def test_a_new_release_against_the_deployed_stack_is_blocked(emr: Any, tmp_path: Path) -> None:
    deploy()
    result = diff("--deployed", "Platform", str(synthesized(tmp_path, ReleaseLabel="emr-7.9.0")), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    change = next(c for c in report["changes"] if c["path"] == "ReleaseLabel")
    assert (change["old"], change["new"], change["behaviour"]) == ("emr-7.14.0", "emr-7.9.0", "replacement")


def test_an_in_place_change_against_the_deployed_stack_passes(emr: Any, tmp_path: Path) -> None:
    deploy()
    result = diff("--deployed", "Platform", str(synthesized(tmp_path, StepConcurrencyLevel=4)), "--json")
    assert result.exit_code == 0, result.output
    (change,) = json.loads(result.stdout)["changes"]
    assert (change["path"], change["behaviour"]) == ("StepConcurrencyLevel", "no-interruption")


def test_an_unknown_stack_is_a_clean_error(emr: Any, tmp_path: Path) -> None:
    result = diff("--deployed", "Nowhere", str(synthesized(tmp_path)))
    assert result.exit_code == 2
    assert "stack Nowhere does not exist in us-east-1" in result.stderr and "Traceback" not in result.output


def test_deployed_takes_exactly_one_path(emr: Any, tmp_path: Path) -> None:
    path = str(synthesized(tmp_path))
    assert diff("--deployed", "Platform", path, path).exit_code == 2
    assert diff(path).exit_code == 2


def test_deployed_on_a_local_server_with_endpoint_url(tmp_path: Path) -> None:
    from cdk_emr.local import LocalAws

    with LocalAws() as aws:
        shared.create_roles(aws.client("iam"))
        aws.client("cloudformation").create_stack(StackName="Served", TemplateBody=json.dumps(DEPLOYED))
        new = str(synthesized(tmp_path, "Served", ReleaseLabel="emr-7.9.0"))
        result = diff("--deployed", "Served", new, "--endpoint-url", aws.endpoint_url, "--region", "us-east-1")
        assert result.exit_code == 1, result.output
        assert "ReleaseLabel" in result.stdout and "blocked" in result.stderr
        assert "Served (deployed) →" in result.stdout
