"""The README's "existing estate" example runs as written (with the three cdk-nag packs as
validation plugins) and the requirements report says what the README says it does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from cdk_emr.ops.requirements import Requirement, read_requirements

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
ACCOUNT = "111122223333"


def estate_example() -> str:
    blocks = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "from_vpc_attributes" in b]
    assert len(blocks) == 1, "exactly one existing-estate example"
    return blocks[0]


@pytest.fixture(scope="module")
def synthesized() -> tuple[Template, list[Requirement]]:
    namespace: dict[str, Any] = {}
    exec(compile(estate_example(), "README.md", "exec"), namespace)
    app: cdk.App = namespace["app"]
    assembly = app.synth()  # raises ValidationFailed on any unacknowledged nag finding
    stack = next(s for s in assembly.stacks if s.stack_name == "Analytics")
    return Template.from_json(stack.template), read_requirements(assembly.directory)


@pytest.mark.parametrize(
    "resource_type",
    [
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::KMS::Key",
        "AWS::S3::Bucket",
        "AWS::EC2::SecurityGroup",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
    ],
)
def test_the_example_creates_nothing_the_estate_owns(synthesized: Any, resource_type: str) -> None:
    template, _ = synthesized
    template.resource_count_is(resource_type, 0)


def test_the_example_launches_with_the_brought_profile(synthesized: Any) -> None:
    template, _ = synthesized
    template.has_resource_properties("AWS::EMR::Cluster", {"JobFlowRole": "EMR_EC2_Hardened"})


def test_the_requirements_are_those_the_readme_lists(synthesized: Any) -> None:
    _, requirements = synthesized
    roles = {r.resource: r for r in requirements if r.kind == "iam-policy"}
    service = roles[f"arn:aws:iam::{ACCOUNT}:role/EMR_DefaultRole_V2"]
    instance = roles[f"arn:aws:iam::{ACCOUNT}:role/EMR_EC2_Hardened"]
    assert any(s["Action"] == "iam:PassRole" and s["Resource"] == instance.resource for s in service.statements)
    service_actions = {a for s in service.statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant", "kms:GenerateDataKeyWithoutPlaintext"} <= service_actions
    assert any(
        "s3:PutObject" in s["Action"] and s["Resource"] == "arn:aws:s3:::corp-emr-logs/emr/analytics/*"
        for s in instance.statements
    )
    kinds = sorted({(r.kind, r.resource_type) for r in requirements})
    assert kinds == [
        ("iam-policy", "AWS::IAM::Role"),
        ("key-policy", "AWS::KMS::Key"),
        ("tags", "AWS::EC2::SecurityGroup"),
        ("tags", "AWS::EC2::Subnet"),
        ("topic-policy", "AWS::SNS::Topic"),
    ]
    topic = next(r for r in requirements if r.kind == "topic-policy")
    assert {s["Principal"]["Service"] for s in topic.statements} == {"events.amazonaws.com", "cloudwatch.amazonaws.com"}
    assert len([r for r in requirements if r.kind == "tags"]) == 5  # two subnets, three groups


def test_the_example_keeps_the_estates_log_path_and_hardened_ami(synthesized: Any) -> None:
    template, _ = synthesized
    template.has_resource_properties(
        "AWS::EMR::Cluster", {"CustomAmiId": "ami-0123456789abcdef0", "LogUri": "s3://corp-emr-logs/emr/analytics/"}
    )
