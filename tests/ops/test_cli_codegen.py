"""``cdk-emr codegen``: the command, YAML short forms, bad input, and ``python FILE`` with CDK_OUTDIR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cdk_emr.cli import main
from cdk_emr.ops.codegen_read import read_cluster

CORPUS = Path(__file__).parent / "codegen_corpus"
SCALING = CORPUS / "cfn_managed_scaling.yaml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["codegen", *map(str, args)])


def test_writes_the_module_to_the_output_file(tmp_path: Path) -> None:
    output = tmp_path / "cluster.py"
    result = run(SCALING, "-o", output)
    assert result.exit_code == 0, result.output
    text = output.read_text()
    assert "from cdk_emr import" in text
    assert 'release_label=ReleaseLabel.of("emr-6.15.0")' in text
    assert 'iam.Role.from_role_name(self, "ServiceRole", "EMR_DefaultRole", mutable=False)' in text
    assert "auto_termination=None keeps the cluster running" in text  # the kept default, and how to drop it
    compile(text, str(output), "exec")


def test_prints_the_module_without_output() -> None:
    result = run(SCALING)
    assert result.exit_code == 0
    assert "class ClusterStack(Stack):" in result.stdout


def _bad(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BAD_INPUT = {
    "no EMR cluster": (
        "bucket.json",
        json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}),
        "holds no AWS::EMR::Cluster",
    ),
    "malformed YAML": ("broken.yaml", "Resources:\n  C: [unclosed\n", "neither JSON nor valid YAML"),
    "not a template": ("list.json", "[1, 2]", "has no Resources object"),
    "Kerberos": (
        "kerberos.yaml",
        "Resources:\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n"
        "      KerberosAttributes: {Realm: EC2.INTERNAL, CrossRealmTrustPrincipalPassword: x}\n",
        "KerberosAttributes.CrossRealmTrustPrincipalPassword: the trust's realm, domain and servers live in the "
        "security configuration",
    ),
    "plain-text KDC password": (
        "password.yaml",
        "Resources:\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n"
        "      KerberosAttributes: {Realm: EC2.INTERNAL, KdcAdminPassword: CfnIntegrationTest-1}\n",
        "KerberosAttributes.KdcAdminPassword: a plain-text password",
    ),
    "attribute of a resource in Fn::Sub": (
        "getatt.yaml",
        "Resources:\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: !Sub '${Other.Name}-emr'\n",
        "${Other.Name} is an attribute of a resource",
    ),
    "parameter without default": (
        "param.yaml",
        "Parameters:\n  Rel: {Type: String}\nResources:\n  C:\n    Type: AWS::EMR::Cluster\n"
        "    Properties:\n      ReleaseLabel: !Ref Rel\n",
        "Ref Rel has no literal value",
    ),
    "two clusters": (
        "two.json",
        json.dumps({"Resources": {"A": {"Type": "AWS::EMR::Cluster"}, "B": {"Type": "AWS::EMR::Cluster"}}}),
        "holds 2 AWS::EMR::Cluster resources (A, B); pick one with --cluster",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_one_error_line_exit_2_and_nothing_written(tmp_path: Path, case: str) -> None:
    name, text, message = BAD_INPUT[case]
    output = tmp_path / "out.py"
    result = run(_bad(tmp_path, name, text), "-o", output)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.stderr
    assert not output.exists()


def test_an_unknown_path_is_bad_input(tmp_path: Path) -> None:
    result = run(tmp_path / "missing.yaml", "-o", tmp_path / "out.py")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "no such file or directory" in result.stderr
    assert not (tmp_path / "out.py").exists()


def test_yaml_short_forms_are_read_in_long_form(tmp_path: Path) -> None:
    """``!GetAtt A.B``, ``!Sub`` and ``!Ref`` become CloudFormation's JSON forms (User Guide, intrinsic functions)."""
    template = _bad(
        tmp_path,
        "short.yaml",
        "Resources:\n  Role: {Type: AWS::IAM::Role}\n  C:\n    Type: AWS::EMR::Cluster\n    Properties:\n"
        "      ServiceRole: !GetAtt Role.Arn\n      LogUri: !Sub s3://${AWS::AccountId}-logs/\n      JobFlowRole: !Ref Role\n",
    )
    properties = read_cluster(template).properties
    assert properties == {
        "ServiceRole": {"Fn::GetAtt": ["Role", "Arn"]},
        "LogUri": {"Fn::Sub": "s3://${AWS::AccountId}-logs/"},
        "JobFlowRole": {"Ref": "Role"},
    }


def test_template_resources_keep_cdk_emr_constructs(tmp_path: Path) -> None:
    """A role or log bucket that is a resource of the source's template becomes cdk_emr's own, said in the docstring."""
    template = _bad(
        tmp_path,
        "refs.yaml",
        "Resources:\n  Role: {Type: AWS::IAM::Role}\n  Logs: {Type: AWS::S3::Bucket}\n  C:\n    Type: AWS::EMR::Cluster\n"
        "    Properties:\n      ReleaseLabel: emr-7.0.0\n      ServiceRole: !GetAtt Role.Arn\n      LogUri: !Sub s3://${Logs}/emr/\n",
    )
    result = run(template)
    assert result.exit_code == 0, result.output
    assert "service_role=" not in result.stdout and "log_bucket=" not in result.stdout
    assert "ServiceRole: the template's role is replaced by cdk_emr's" in result.stdout
    assert "LogUri: the template's log bucket is replaced by cdk_emr's" in result.stdout


def test_the_module_synthesizes_into_cdk_outdir(tmp_path: Path) -> None:
    """``CDK_OUTDIR=DIR python FILE`` (one jsii start, ~2 s) writes the stack like app.py does."""
    module = tmp_path / "cluster.py"
    assert run(SCALING, "-o", module).exit_code == 0
    outdir = tmp_path / "out"
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, str(module)], env=env, check=True, capture_output=True, timeout=300)
    template = json.loads((outdir / "cluster.template.json").read_text())
    clusters = [r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]
    assert len(clusters) == 1
    assert clusters[0]["Properties"]["Name"] == "ManagedScalingExample"


def test_the_readme_example_is_the_real_output() -> None:
    """The README's codegen excerpt is what the command writes for that corpus file, line for line."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    marker = "managed-scaling example as a template) becomes (the stack's body):\n\n```python\n"
    excerpt = readme.split(marker, 1)[1].split("```", 1)[0]
    body = run(CORPUS / "mg_managed_scaling.yaml").stdout.split("super().__init__(scope, id, **kwargs)\n", 1)[1]
    generated = textwrap.dedent(body.split("\n\n\nif __name__", 1)[0])
    assert excerpt.strip() in generated
