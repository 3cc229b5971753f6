"""Upload a packaged PySpark project and submit it as a ``spark-submit`` step (boto3 only).

Where the code goes: ``--s3-prefix``, else (CLUSTER named by its stack) under the stack's
``DataBucketName`` output — the platform stack's data bucket, which the cluster's instance role
may read (``grant_read_write_data``) —, in ``artifacts/cdk-emr-run/``. The deployed stacks
publish no other code location. Each upload lands in ``<prefix>/<project>/<digest>/``
(SHA-256 of the code), so a re-run of changed code never overwrites what a running step reads.

The step is :func:`cdk_emr.ops.operations.spark_step` (``command-runner.jar`` with
``spark-submit --deploy-mode cluster --py-files s3://.../pyfiles.zip s3://.../main.py ARGS``),
submitted by :func:`~cdk_emr.ops.operations.add_step` (with ``ExecutionRoleArn`` for a runtime role).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import ClientError

from cdk_emr.ops.operations import (
    CLUSTER_ID,
    InvalidInput,
    OperationError,
    StepSpec,
    add_step,
    aws_errors,
    describe_cluster,
    require_running,
    spark_step,
)
from cdk_emr.ops.project_package import PY_FILES_ARCHIVE, ProjectPackage
from cdk_emr.ops.step_logs import split_s3_uri

DATA_BUCKET_OUTPUT: Final = "DataBucketName"
"""The platform stack's output naming the bucket the cluster may read and write (stacks/platform_stack.py)."""
ARTIFACTS_KEY_PREFIX: Final = "artifacts/cdk-emr-run/"
DIGEST_LENGTH: Final = 16


@dataclass(frozen=True)
class UploadedProject:
    """Where a package was uploaded."""

    entry_uri: str
    py_files_uri: str | None

    @property
    def uris(self) -> tuple[str, ...]:
        """Every uploaded object."""
        return (self.entry_uri, *([self.py_files_uri] if self.py_files_uri else []))


@dataclass(frozen=True)
class SubmittedRun:
    """A submitted project: its step and where its code is."""

    cluster_id: str
    step_id: str
    step: StepSpec
    uploaded: UploadedProject
    s3_prefix: str


def artifacts_prefix(cluster_ref: str, explicit: str | None, cloudformation: Any = None) -> tuple[str, str]:
    """``(s3 prefix, where it came from)``: ``explicit``, else the ``DataBucketName`` output of
    the stack ``cluster_ref`` names. :class:`InvalidInput` when there is neither."""
    if explicit:
        split_s3_prefix(explicit)
        return explicit, "--s3-prefix"
    ref = cluster_ref.strip()
    hint = "give --s3-prefix s3://BUCKET/PREFIX/ (a bucket the cluster's instance role, or the runtime role, may read)"
    if CLUSTER_ID.match(ref) or cloudformation is None:
        raise InvalidInput(f"no S3 location for the project's code: {hint}")
    stack = ref.partition("/")[0]
    with aws_errors(region=getattr(cloudformation.meta, "region_name", None)):
        try:
            outputs = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
        except ClientError as error:
            if "does not exist" not in error.response.get("Error", {}).get("Message", ""):
                raise
            outputs = []
    bucket = next((o.get("OutputValue") for o in outputs if o.get("OutputKey") == DATA_BUCKET_OUTPUT), None)
    if not bucket:
        raise InvalidInput(f"stack {stack} has no {DATA_BUCKET_OUTPUT} output to hold the project's code: {hint}")
    return f"s3://{bucket}/{ARTIFACTS_KEY_PREFIX}", f"output {DATA_BUCKET_OUTPUT} of stack {stack}"


def split_s3_prefix(prefix: str) -> tuple[str, str]:
    """``(bucket, key prefix ending in / or empty)`` of an ``s3://`` prefix; :class:`InvalidInput` otherwise."""
    if not prefix.startswith("s3://"):
        raise InvalidInput(f"--s3-prefix {prefix!r} is not an s3:// URI")
    try:
        bucket, key = split_s3_uri(prefix)
    except OperationError:
        raise InvalidInput(f"--s3-prefix {prefix!r} names no bucket") from None
    key = key.strip("/")
    return bucket, f"{key}/" if key else ""


def upload_project(s3: Any, package: ProjectPackage, prefix: str) -> UploadedProject:
    """Put the entry script (and ``pyfiles.zip``) under ``<prefix>/<project>/<digest>/``."""
    bucket, key_prefix = split_s3_prefix(prefix)
    base = f"{key_prefix}{package.name}/{package.digest[:DIGEST_LENGTH]}/"
    objects = {package.entry_name: package.entry}
    if package.py_files is not None:
        objects[PY_FILES_ARCHIVE] = package.py_files
    with aws_errors():
        for name, body in objects.items():
            s3.put_object(Bucket=bucket, Key=base + name, Body=body)
    entry_uri = f"s3://{bucket}/{base}{package.entry_name}"
    py_files_uri = f"s3://{bucket}/{base}{PY_FILES_ARCHIVE}" if package.py_files is not None else None
    return UploadedProject(entry_uri, py_files_uri)


def project_step(
    uploaded: UploadedProject,
    args: Sequence[str] = (),
    *,
    name: str | None = None,
    conf: Mapping[str, str] | None = None,
    action_on_failure: str = "CONTINUE",
) -> StepSpec:
    """The spark-submit step of an uploaded project (``--py-files`` when it has its own code)."""
    submit_args = ["--py-files", uploaded.py_files_uri] if uploaded.py_files_uri else []
    return spark_step(
        uploaded.entry_uri, args, conf=conf, submit_args=submit_args, name=name, action_on_failure=action_on_failure
    )


def submit_project(
    emr: Any,
    s3: Any,
    cluster_id: str,
    package: ProjectPackage,
    s3_prefix: str,
    args: Sequence[str] = (),
    *,
    name: str | None = None,
    conf: Mapping[str, str] | None = None,
    action_on_failure: str = "CONTINUE",
    runtime_role_arn: str | None = None,
) -> SubmittedRun:
    """Check the cluster runs, upload the package, add its step; nothing is uploaded for an ended cluster."""
    require_running(describe_cluster(emr, cluster_id), "run steps")
    uploaded = upload_project(s3, package, s3_prefix)
    spec = project_step(uploaded, args, name=name or f"Run: {package.name}", conf=conf, action_on_failure=action_on_failure)
    step_id = add_step(emr, cluster_id, spec, runtime_role_arn=runtime_role_arn)
    return SubmittedRun(cluster_id, step_id, spec, uploaded, s3_prefix)
