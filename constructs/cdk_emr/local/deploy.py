"""Deploy a synthesized CDK app (a ``cdk.out`` directory) with boto3 CloudFormation.

What ``cdk deploy`` does, reduced to what a local AWS needs: create the bootstrap bucket and
version parameter, publish the file assets of the stack's asset manifest, then create (or
update) the stack from its template and wait for it. The cloud assembly is read by
:mod:`cdk_emr.ops.templates` (the manifest, the stack's template and asset manifest). Works against moto in-process
(``mock_aws``) or any endpoint boto3 is pointed at. Nothing here imports ``aws_cdk``.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from cdk_emr.ops.templates import StackTemplate, file_assets, find_stack

BOOTSTRAP_QUALIFIER = "hnb659fds"
BOOTSTRAP_VERSION_PARAMETER = f"/cdk-bootstrap/{BOOTSTRAP_QUALIFIER}/version"
BOOTSTRAP_VERSION = "30"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
DONE = ("CREATE_COMPLETE", "UPDATE_COMPLETE")


class DeployError(RuntimeError):
    """The stack did not reach CREATE_COMPLETE/UPDATE_COMPLETE."""


@dataclass(frozen=True)
class DeployedStack:
    """A deployed stack: its name, final status and outputs."""

    name: str
    status: str
    outputs: dict[str, str] = field(default_factory=dict)


def deploy_stack(
    outdir: Path, stack_name: str, *, session: boto3.Session | None = None, timeout_seconds: float = 120
) -> DeployedStack:
    """Publish ``stack_name``'s assets from ``outdir`` and create or update the stack."""
    session = session or boto3.Session()
    stack = find_stack(outdir, stack_name)
    environment = _environment(session)
    _bootstrap(session, environment)
    publish_assets(stack, session=session, environment=environment)
    cloudformation = session.client("cloudformation")
    _create_or_update(cloudformation, stack_name, stack.template)
    return _wait(cloudformation, stack_name, timeout_seconds)


def publish_assets(stack: StackTemplate, *, session: boto3.Session, environment: tuple[str, str]) -> list[str]:
    """Upload every file asset of ``stack`` (read from its cloud assembly) to its destination;
    return the ``s3://`` URIs."""
    s3 = session.client("s3")
    uploaded = []
    for asset in file_assets(stack):
        body = _asset_body(asset.source, asset.packaging)
        for bucket_name, object_key in asset.destinations:
            bucket = _substitute(bucket_name, environment)
            key = _substitute(object_key, environment)
            _ensure_bucket(s3, bucket, environment[1])
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            uploaded.append(f"s3://{bucket}/{key}")
    return uploaded


def _environment(session: boto3.Session) -> tuple[str, str]:
    account = session.client("sts").get_caller_identity()["Account"]
    return account, session.region_name or "us-east-1"


def _substitute(value: str, environment: tuple[str, str]) -> str:
    account, region = environment
    return value.replace("${AWS::AccountId}", account).replace("${AWS::Region}", region).replace("${AWS::Partition}", "aws")


def _asset_body(path: Path, packaging: str) -> bytes:
    if packaging == "file":
        return path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            archive.write(file, file.relative_to(path).as_posix())
    return buffer.getvalue()


def _ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})


def _bootstrap(session: boto3.Session, environment: tuple[str, str]) -> None:
    """The minimum of ``cdk bootstrap`` that templates check: the version parameter."""
    ssm = session.client("ssm")
    try:
        ssm.get_parameter(Name=BOOTSTRAP_VERSION_PARAMETER)
    except ClientError:
        ssm.put_parameter(Name=BOOTSTRAP_VERSION_PARAMETER, Value=BOOTSTRAP_VERSION, Type="String")


def _create_or_update(cloudformation: Any, stack_name: str, template: dict[str, Any]) -> None:
    body = json.dumps(template)
    try:
        cloudformation.describe_stacks(StackName=stack_name)
    except ClientError:
        cloudformation.create_stack(StackName=stack_name, TemplateBody=body, Capabilities=CAPABILITIES)
        return
    try:
        cloudformation.update_stack(StackName=stack_name, TemplateBody=body, Capabilities=CAPABILITIES)
    except ClientError as error:
        if "No updates are to be performed" not in str(error):
            raise


def _wait(cloudformation: Any, stack_name: str, timeout_seconds: float) -> DeployedStack:
    deadline = time.monotonic() + timeout_seconds
    while True:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        status = stack["StackStatus"]
        if status in DONE:
            outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
            return DeployedStack(stack_name, status, outputs)
        if not status.endswith("IN_PROGRESS") or time.monotonic() > deadline:
            reason = stack.get("StackStatusReason", "")
            raise DeployError(f"stack {stack_name} ended in {status}: {reason}".rstrip(": "))
        time.sleep(0.5)
