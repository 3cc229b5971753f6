"""Day-to-day operations on running EMR clusters, in boto3 (never ``aws_cdk``).

Each operation takes an EMR client from :func:`emr_client`, whose botocore retry configuration
(``standard`` mode, :data:`RETRY_ATTEMPTS` retries) retries throttling and transient errors with
exponential back-off, and returns plain dataclasses. Every failure is one
:class:`OperationError` whose message says what went wrong and what to do: no credentials, an
unknown cluster or step, throttling that outlasted the retries, a cluster that has ended.
:class:`InvalidInput` (a subclass) marks requests refused before any change is made.

A cluster is named by its id (``j-...``) or by its CloudFormation stack: ``STACK`` (the
stack's ``ClusterId`` output, else the output ``EmrCluster`` publishes, else the stack's only
``AWS::EMR::Cluster`` resource) or ``STACK/Name`` (an output key or the logical id of an
``AWS::EMR::Cluster``) (:func:`locate_cluster`).
The step builders produce the ``HadoopJarStep`` shapes of :mod:`cdk_emr.workload.steps`.
boto3 is imported on first use, so importing this module stays cheap for the command line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from cdk_emr.facts import steps
from cdk_emr.facts.steps import ACTIONS_ON_FAILURE, COMMAND_RUNNER
from cdk_emr.outputs import CLUSTER_ID_OUTPUT_DESCRIPTION
from cdk_emr.validation import EmrValidationError, Validator

RETRY_MODE = "standard"
RETRY_ATTEMPTS = 8
"""botocore's ``max_attempts``: retries after the first call (9 calls at most), with exponential back-off."""

ACTIVE_CLUSTER_STATES = ("STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING")
ENDED_CLUSTER_STATES = frozenset({"TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"})
FINAL_STEP_STATES = frozenset({"COMPLETED", "CANCELLED", "FAILED", "INTERRUPTED"})
SCALING_UNITS = ("InstanceFleetUnits", "Instances", "VCPU")
DEFAULT_OUTPUT_KEY = "ClusterId"
"""How the description of a cluster-id output starts (the one ``EmrCluster`` publishes by default)."""
EMR_CLUSTER_TYPE = "AWS::EMR::Cluster"
CLUSTER_ID = re.compile(r"^j-[0-9A-Z]+$")

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
    }
)
CREDENTIAL_CODES = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException", "InvalidSignatureException"}
)
_NOT_FOUND_CODES = frozenset({"InvalidRequestException", "ValidationException", "ResourceNotFoundException"})
_UNKNOWN_CLUSTER = re.compile(r"(cluster|job ?flow)( id)? .*(not valid|does not exist|not found)", re.IGNORECASE)
_UNKNOWN_STEP = re.compile(r"step( id)? .*(not valid|does not exist|not found)", re.IGNORECASE)


class OperationError(RuntimeError):
    """An operation that could not be done; the message says why and what to do."""


class InvalidInput(OperationError):
    """A request refused before anything changed: bad limits, unknown fleet, wrong options."""


class WaitTimeout(OperationError):
    """A step still not finished when the wait timed out; ``step`` is its last known state."""

    def __init__(self, message: str, step: StepInfo) -> None:
        super().__init__(message)
        self.step = step


# --- clients and errors -------------------------------------------------------------------------


def aws_client(service: str, region: str | None = None, endpoint_url: str | None = None) -> Any:
    """A boto3 client with the retry configuration; ``AWS_ENDPOINT_URL`` applies when no endpoint is given."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": RETRY_MODE, "max_attempts": RETRY_ATTEMPTS})
    with aws_errors():
        return boto3.session.Session().client(
            service, region_name=region or None, endpoint_url=endpoint_url or None, config=config
        )


def emr_client(region: str | None = None, endpoint_url: str | None = None) -> Any:
    """An EMR client (see :func:`aws_client`)."""
    return aws_client("emr", region, endpoint_url)


@contextmanager
def aws_errors(cluster_id: str | None = None, step_id: str | None = None, region: str | None = None) -> Iterator[None]:
    """Turn botocore errors raised in the block into one :class:`OperationError`."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise OperationError(describe_error(error, cluster_id=cluster_id, step_id=step_id, region=region)) from error


def describe_error(
    error: ClientError | BotoCoreError,
    *,
    cluster_id: str | None = None,
    step_id: str | None = None,
    region: str | None = None,
) -> str:
    """A user-facing message for a botocore error."""
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return (
            f"no AWS credentials found: {error}. Set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            "or run `aws configure` / `aws sso login`"
        )
    if isinstance(error, NoRegionError):
        return "no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION)"
    if isinstance(error, EndpointConnectionError):
        return f"cannot reach AWS: {error}"
    if not isinstance(error, ClientError):
        return f"AWS call failed: {error}"
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "")
    where = f" in {region}" if region else ""
    if code in THROTTLING_CODES:
        attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
        return f"AWS throttled {error.operation_name} ({code}) on all {attempts} attempts with back-off: try again later"
    if step_id and code in _NOT_FOUND_CODES and _UNKNOWN_STEP.search(message):
        return f"step {step_id} not found on cluster {cluster_id}"
    if cluster_id and code in _NOT_FOUND_CODES and _UNKNOWN_CLUSTER.search(message):
        return f"cluster {cluster_id} not found{where} ({message})"
    if code in CREDENTIAL_CODES:
        return f"AWS rejected the credentials ({code}: {message}): refresh them (`aws sso login`) or check AWS_PROFILE"
    return f"{error.operation_name} failed ({code}): {message}"


def _region(client: Any) -> str | None:
    return getattr(getattr(client, "meta", None), "region_name", None)


@contextmanager
def _on_cluster(emr: Any, cluster_id: str, step_id: str | None = None) -> Iterator[None]:
    with aws_errors(cluster_id=cluster_id, step_id=step_id, region=_region(emr)):
        yield


# --- resolving a cluster ------------------------------------------------------------------------


@dataclass(frozen=True)
class LocatedCluster:
    """A cluster id and where it was found (``source`` is empty for an id given as such)."""

    cluster_id: str
    source: str = ""


def resolve_cluster(
    ref: str,
    *,
    cloudformation: Any = None,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> str:
    """The cluster id ``ref`` names (see :func:`locate_cluster`)."""
    return locate_cluster(ref, cloudformation=cloudformation, region=region, endpoint_url=endpoint_url).cluster_id


def locate_cluster(
    ref: str,
    *,
    cloudformation: Any = None,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> LocatedCluster:
    """The cluster ``ref`` names, and where its id was found.

    ``j-...`` is the id itself. ``STACK`` is the stack's ``ClusterId`` output, else its one
    output described as a cluster id (:data:`CLUSTER_ID_OUTPUT_DESCRIPTION`), else its only
    ``AWS::EMR::Cluster`` (DescribeStackResources). ``STACK/Name`` is the output ``Name``, else
    the ``AWS::EMR::Cluster`` of logical id ``Name``.
    """
    ref = ref.strip()
    if CLUSTER_ID.match(ref):
        return LocatedCluster(ref)
    stack, _, key = ref.partition("/")
    if not stack:
        raise InvalidInput(f"{ref!r} is neither a cluster id (j-...) nor STACK or STACK/OutputKey")
    cloudformation = cloudformation or aws_client("cloudformation", region, endpoint_url)
    with aws_errors(region=_region(cloudformation)):
        try:
            stacks = cloudformation.describe_stacks(StackName=stack)["Stacks"]
        except ClientError as error:
            if "does not exist" not in error.response.get("Error", {}).get("Message", ""):
                raise
            raise OperationError(
                f"{ref!r} is neither a cluster id (j-...) nor a CloudFormation stack in {_region(cloudformation)}: "
                f"stack {stack} does not exist"
            ) from None
    described = stacks[0].get("Outputs", [])
    outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in described}
    if key and key not in outputs:
        clusters = _cluster_resources(cloudformation, stack)
        if key in clusters:
            return LocatedCluster(clusters[key], f"resource {key} ({EMR_CLUSTER_TYPE}) of stack {stack}")
        raise OperationError(
            f"stack {stack} has no output {key} (outputs: {', '.join(sorted(outputs)) or 'none'}) "
            f"and no {EMR_CLUSTER_TYPE} {key} (clusters: {', '.join(sorted(clusters)) or 'none'})"
        )
    if not key:
        key = _default_output(stack, described)
    if key is None:
        return _only_cluster_resource(cloudformation, stack)
    if not CLUSTER_ID.match(outputs[key]):
        raise OperationError(f"output {key} of stack {stack} is {outputs[key]!r}, not a cluster id (j-...)")
    return LocatedCluster(outputs[key], f"output {key} of stack {stack}")


def _default_output(stack: str, outputs: Sequence[Mapping[str, Any]]) -> str | None:
    """``ClusterId``, else the one output described as a cluster id; ``None`` when there is none."""
    keys = [o["OutputKey"] for o in outputs]
    if DEFAULT_OUTPUT_KEY in keys:
        return DEFAULT_OUTPUT_KEY
    marked = {
        o["OutputKey"]: o.get("OutputValue", "")
        for o in outputs
        if str(o.get("Description", "")).startswith(CLUSTER_ID_OUTPUT_DESCRIPTION)
    }
    if len(set(marked.values())) > 1:
        choices = ", ".join(f"{stack}/{k}" for k in sorted(marked))
        raise InvalidInput(f"stack {stack} has {len(marked)} EMR clusters: name one of {choices}")
    return next(iter(sorted(marked)), None)


def _cluster_resources(cloudformation: Any, stack: str) -> dict[str, str]:
    """``{logical id: cluster id}`` of the stack's ``AWS::EMR::Cluster`` resources (DescribeStackResources)."""
    with aws_errors(region=_region(cloudformation)):
        resources = cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    return {
        r["LogicalResourceId"]: r.get("PhysicalResourceId", "") for r in resources if r.get("ResourceType") == EMR_CLUSTER_TYPE
    }


def _only_cluster_resource(cloudformation: Any, stack: str) -> LocatedCluster:
    clusters = _cluster_resources(cloudformation, stack)
    if not clusters:
        raise OperationError(f"stack {stack} has no cluster-id output and no {EMR_CLUSTER_TYPE} resource")
    if len(clusters) > 1:
        choices = ", ".join(f"{stack}/{k}" for k in sorted(clusters))
        raise InvalidInput(f"stack {stack} has {len(clusters)} EMR clusters: name one of {choices}")
    ((logical_id, cluster_id),) = clusters.items()
    if not CLUSTER_ID.match(cluster_id):
        raise OperationError(f"{EMR_CLUSTER_TYPE} {logical_id} of stack {stack} has no cluster id yet ({cluster_id!r})")
    return LocatedCluster(cluster_id, f"resource {logical_id} ({EMR_CLUSTER_TYPE}) of stack {stack}, no cluster-id output")


# --- clusters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterSummary:
    """One row of :func:`list_clusters`."""

    id: str
    name: str
    state: str
    created: datetime | None
    age_seconds: float | None
    normalized_instance_hours: int


def list_clusters(
    emr: Any,
    *,
    states: Sequence[str] | None = ACTIVE_CLUSTER_STATES,
    limit: int | None = None,
    now: datetime | None = None,
) -> list[ClusterSummary]:
    """Clusters in ``states`` (default: not yet terminated; ``None``: all), newest first."""
    now = now or datetime.now(UTC)
    request = {"ClusterStates": list(states)} if states else {}
    found: list[ClusterSummary] = []
    with aws_errors(region=_region(emr)):
        for page in emr.get_paginator("list_clusters").paginate(**request):
            for item in page["Clusters"]:
                created = item["Status"].get("Timeline", {}).get("CreationDateTime")
                age = (now - created).total_seconds() if created else None
                summary = ClusterSummary(
                    item["Id"],
                    item.get("Name", ""),
                    item["Status"]["State"],
                    created,
                    age,
                    item.get("NormalizedInstanceHours", 0),
                )
                found.append(summary)
                if limit is not None and len(found) >= limit:
                    return found
    return found


@dataclass(frozen=True)
class NodeCapacity:
    """An instance fleet or group: its role (MASTER, CORE, TASK), types and capacities.

    Fleets count weighted units, groups count instances (in the group's market).
    """

    id: str
    name: str
    role: str
    kind: str  # fleet | group
    state: str
    instance_types: tuple[str, ...]
    target_on_demand: int
    target_spot: int
    provisioned_on_demand: int
    provisioned_spot: int


@dataclass(frozen=True)
class ClusterStatus:
    """What :func:`cluster_status` reports about one cluster."""

    id: str
    name: str
    state: str
    state_reason: str
    release_label: str
    applications: tuple[str, ...]
    collection_type: str  # INSTANCE_FLEET | INSTANCE_GROUP
    nodes: tuple[NodeCapacity, ...]
    managed_scaling: dict[str, Any] | None  # ComputeLimits
    idle_timeout_seconds: int | None
    termination_protected: bool
    keep_alive: bool
    step_concurrency_level: int
    created: datetime | None
    ready: datetime | None
    ended: datetime | None
    log_uri: str | None
    primary_dns: str | None
    security_configuration: str | None

    @property
    def ended_already(self) -> bool:
        """Whether the cluster is terminating or terminated."""
        return self.state in ENDED_CLUSTER_STATES


def describe_cluster(emr: Any, cluster_id: str) -> dict[str, Any]:
    """``DescribeCluster``'s ``Cluster``."""
    with _on_cluster(emr, cluster_id):
        return emr.describe_cluster(ClusterId=cluster_id)["Cluster"]


def require_running(cluster: Mapping[str, Any], action: str) -> None:
    """Raise :class:`OperationError` when the cluster is terminating or terminated."""
    status = cluster["Status"]
    if status["State"] in ENDED_CLUSTER_STATES:
        reason = status.get("StateChangeReason", {}).get("Message") or "no reason given"
        raise OperationError(f"cluster {cluster['Id']} is {status['State']}: {reason}; it cannot {action}")


def cluster_status(emr: Any, cluster_id: str) -> ClusterStatus:
    """A cluster's state, fleets or groups, scaling and termination settings, applications."""
    cluster = describe_cluster(emr, cluster_id)
    with _on_cluster(emr, cluster_id):
        scaling = emr.get_managed_scaling_policy(ClusterId=cluster_id).get("ManagedScalingPolicy")
        idle = emr.get_auto_termination_policy(ClusterId=cluster_id).get("AutoTerminationPolicy")
    timeline = cluster["Status"].get("Timeline", {})
    return ClusterStatus(
        id=cluster["Id"],
        name=cluster.get("Name", ""),
        state=cluster["Status"]["State"],
        state_reason=cluster["Status"].get("StateChangeReason", {}).get("Message", ""),
        release_label=cluster.get("ReleaseLabel", ""),
        applications=tuple(_application(a) for a in cluster.get("Applications", [])),
        collection_type=cluster.get("InstanceCollectionType", "INSTANCE_GROUP"),
        nodes=tuple(list_nodes(emr, cluster)),
        managed_scaling=(scaling or {}).get("ComputeLimits"),
        idle_timeout_seconds=(idle or {}).get("IdleTimeout"),
        termination_protected=bool(cluster.get("TerminationProtected")),
        keep_alive=not cluster.get("AutoTerminate", False),
        step_concurrency_level=cluster.get("StepConcurrencyLevel", 1),
        created=timeline.get("CreationDateTime"),
        ready=timeline.get("ReadyDateTime"),
        ended=timeline.get("EndDateTime"),
        log_uri=cluster.get("LogUri"),
        primary_dns=cluster.get("MasterPublicDnsName"),
        security_configuration=cluster.get("SecurityConfiguration"),
    )


def _application(app: Mapping[str, Any]) -> str:
    return f"{app['Name']} {app['Version']}" if app.get("Version") else app["Name"]


def list_nodes(emr: Any, cluster: Mapping[str, Any]) -> list[NodeCapacity]:
    """The cluster's instance fleets or instance groups, primary first."""
    cluster_id = cluster["Id"]
    with _on_cluster(emr, cluster_id):
        if cluster.get("InstanceCollectionType") == "INSTANCE_FLEET":
            nodes = [_fleet(f) for f in emr.list_instance_fleets(ClusterId=cluster_id)["InstanceFleets"]]
        else:
            nodes = [_group(g) for g in emr.list_instance_groups(ClusterId=cluster_id)["InstanceGroups"]]
    order = {"MASTER": 0, "CORE": 1, "TASK": 2}
    return sorted(nodes, key=lambda n: order.get(n.role, 3))


def _fleet(fleet: Mapping[str, Any]) -> NodeCapacity:
    return _node(
        fleet,
        fleet["InstanceFleetType"],
        "fleet",
        tuple(s["InstanceType"] for s in fleet.get("InstanceTypeSpecifications", [])),
        (fleet.get("TargetOnDemandCapacity", 0), fleet.get("TargetSpotCapacity", 0)),
        (fleet.get("ProvisionedOnDemandCapacity", 0), fleet.get("ProvisionedSpotCapacity", 0)),
    )


def _group(group: Mapping[str, Any]) -> NodeCapacity:
    def by_market(count: int) -> tuple[int, int]:
        return (0, count) if group.get("Market") == "SPOT" else (count, 0)

    return _node(
        group,
        group["InstanceGroupType"],
        "group",
        (group.get("InstanceType", ""),),
        by_market(group.get("RequestedInstanceCount", 0)),
        by_market(group.get("RunningInstanceCount", 0)),
    )


def _node(
    item: Mapping[str, Any], role: str, kind: str, types: tuple[str, ...], target: tuple[int, int], provisioned: tuple[int, int]
) -> NodeCapacity:
    state = item.get("Status", {}).get("State", "")
    return NodeCapacity(item["Id"], item.get("Name", ""), role, kind, state, types, *target, *provisioned)


# --- steps --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """A step to submit: what ``AddJobFlowSteps`` receives."""

    name: str
    jar: str
    args: tuple[str, ...]
    action_on_failure: str = "CONTINUE"
    main_class: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The ``StepConfig`` of the EMR API."""
        jar_step: dict[str, Any] = {"Jar": self.jar, "Args": list(self.args)}
        if self.main_class:
            jar_step["MainClass"] = self.main_class
        return {"Name": self.name, "ActionOnFailure": self.action_on_failure, "HadoopJarStep": jar_step}


def spark_step(
    script: str,
    args: Sequence[str] = (),
    *,
    conf: Mapping[str, str] | None = None,
    submit_args: Sequence[str] = (),
    name: str | None = None,
    action_on_failure: str = "CONTINUE",
) -> StepSpec:
    """``spark-submit --deploy-mode cluster [--conf K=V]... [submit_args] s3://script [args]``."""
    confs = [item for key, value in (conf or {}).items() for item in ("--conf", f"{key}={value}")]
    command = steps.spark_submit(_s3_uri(script), args, submit_args=[*confs, *submit_args])
    return _command_spec(command, name or _default_name("Spark", script), action_on_failure)


def hive_step(
    script: str,
    variables: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
    action_on_failure: str = "CONTINUE",
) -> StepSpec:
    """``hive-script --run-hive-script --args -f s3://script [-d K=V]...``."""
    command = steps.hive_script(_s3_uri(script), variables)
    return _command_spec(command, name or _default_name("Hive", script), action_on_failure)


def script_step(
    script: str,
    args: Sequence[str] = (),
    *,
    region: str,
    name: str | None = None,
    action_on_failure: str = "CONTINUE",
) -> StepSpec:
    """A shell script from S3 run on the primary node by EMR's script-runner of ``region``."""
    _check_action(action_on_failure)
    jar = steps.script_runner(region)
    return StepSpec(name or _default_name("Script", script), jar, (_s3_uri(script), *args), action_on_failure)


def command_step(command: Sequence[str], *, name: str | None = None, action_on_failure: str = "CONTINUE") -> StepSpec:
    """Any command through ``command-runner.jar`` (e.g. ``spark-example SparkPi 10``)."""
    if not command:
        raise InvalidInput("a command step needs the program to run, e.g. spark-example SparkPi 10")
    return _command_spec(list(command), name or _default_name("Command", command[0]), action_on_failure)


def _command_spec(command: list[str], name: str, action_on_failure: str) -> StepSpec:
    _check_action(action_on_failure)
    return StepSpec(name, COMMAND_RUNNER, tuple(command), action_on_failure)


def _check_action(action_on_failure: str) -> None:
    if action_on_failure not in ACTIONS_ON_FAILURE:
        raise InvalidInput(f"action on failure {action_on_failure!r}: one of {', '.join(ACTIONS_ON_FAILURE)}")


def _s3_uri(script: str) -> str:
    if not script.startswith("s3://") or len(script) <= len("s3://"):
        raise InvalidInput(f"{script!r} is not an s3:// URI: EMR reads scripts from S3 (upload it first)")
    return script


def _default_name(kind: str, target: str) -> str:
    return f"{kind}: {PurePosixPath(target).name or target}"[:256]


@dataclass(frozen=True)
class StepInfo:
    """A step as EMR reports it."""

    id: str
    name: str
    state: str
    action_on_failure: str
    jar: str
    args: tuple[str, ...]
    created: datetime | None
    started: datetime | None
    ended: datetime | None
    failure: str | None  # reason and message of a failed step, with its log file

    @property
    def finished(self) -> bool:
        """Whether the step reached a final state (COMPLETED, FAILED, CANCELLED, INTERRUPTED)."""
        return self.state in FINAL_STEP_STATES


def _step_info(step: Mapping[str, Any]) -> StepInfo:
    status, config = step["Status"], step.get("Config", {})
    timeline = status.get("Timeline", {})
    details = status.get("FailureDetails") or {}
    failure = "; ".join(str(details[k]) for k in ("Reason", "Message", "LogFile") if details.get(k)) or None
    return StepInfo(
        id=step["Id"],
        name=step.get("Name", ""),
        state=status["State"],
        action_on_failure=step.get("ActionOnFailure", ""),
        jar=config.get("Jar", ""),
        args=tuple(config.get("Args", [])),
        created=timeline.get("CreationDateTime"),
        started=timeline.get("StartDateTime"),
        ended=timeline.get("EndDateTime"),
        failure=failure,
    )


# AddJobFlowSteps ExecutionRoleArn (botocore EMR model: ArnType, 20 to 2048 characters): "the
# runtime role for a step on the cluster ... arn:partition:service:region:account:resource",
# e.g. arn:aws:iam::123456789012:role/ReadOnly (the EMR API reference writes IAM in capitals).
_RUNTIME_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$", re.IGNORECASE)


def add_step(emr: Any, cluster_id: str, step: StepSpec, *, runtime_role_arn: str | None = None) -> str:
    """Submit ``step`` to a running cluster, as ``runtime_role_arn`` when given; return its id.

    A runtime role needs a cluster whose security configuration enables runtime roles (emr-6.7.0+).
    """
    request: dict[str, Any] = {"JobFlowId": cluster_id, "Steps": [step.to_api()]}
    if runtime_role_arn is not None:
        if _RUNTIME_ROLE_ARN.match(runtime_role_arn) is None or len(runtime_role_arn) > 2048:
            raise InvalidInput(f"runtime role {runtime_role_arn!r} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
        request["ExecutionRoleArn"] = runtime_role_arn
    require_running(describe_cluster(emr, cluster_id), "run steps")
    with _on_cluster(emr, cluster_id):
        return emr.add_job_flow_steps(**request)["StepIds"][0]


def list_steps(emr: Any, cluster_id: str, *, states: Sequence[str] | None = None, limit: int | None = None) -> list[StepInfo]:
    """The cluster's steps, newest first, optionally only in ``states``."""
    request: dict[str, Any] = {"ClusterId": cluster_id}
    if states:
        request["StepStates"] = list(states)
    found: list[StepInfo] = []
    with _on_cluster(emr, cluster_id):
        for page in emr.get_paginator("list_steps").paginate(**request):
            found += [_step_info(step) for step in page["Steps"]]
            if limit is not None and len(found) >= limit:
                return found[:limit]
    return found


def describe_step(emr: Any, cluster_id: str, step_id: str) -> StepInfo:
    """One step of a cluster."""
    with _on_cluster(emr, cluster_id, step_id):
        return _step_info(emr.describe_step(ClusterId=cluster_id, StepId=step_id)["Step"])


def latest_step(emr: Any, cluster_id: str) -> StepInfo:
    """The most recently added step of a cluster."""
    for step in list_steps(emr, cluster_id, limit=1):
        return step
    raise OperationError(f"cluster {cluster_id} has no steps")


def wait_step(
    emr: Any,
    cluster_id: str,
    step_id: str,
    *,
    interval: float = 10.0,
    timeout: float | None = None,
    on_poll: Callable[[StepInfo], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> StepInfo:
    """Poll a step every ``interval`` seconds until it finishes; ``on_poll`` sees every poll.

    Raises :class:`WaitTimeout` when ``timeout`` seconds pass first.
    """
    deadline = None if timeout is None else clock() + timeout
    while True:
        step = describe_step(emr, cluster_id, step_id)
        if on_poll is not None:
            on_poll(step)
        if step.finished:
            return step
        if deadline is not None and clock() >= deadline:
            raise WaitTimeout(f"step {step_id} is still {step.state} after {timeout:g} s", step)
        sleep(interval if deadline is None else max(0.0, min(interval, deadline - clock())))


# --- capacity -----------------------------------------------------------------------------------

_ROLE_ALIASES = {"primary": "MASTER", "master": "MASTER", "core": "CORE", "task": "TASK"}


@dataclass(frozen=True)
class Resized:
    """A fleet or group before and after a resize, and the cluster's managed-scaling limits."""

    cluster_id: str
    before: NodeCapacity
    after: NodeCapacity
    managed_scaling: dict[str, Any] | None


def find_node(nodes: Sequence[NodeCapacity], ref: str) -> NodeCapacity:
    """The fleet or group named by id, name or role (primary, core, task)."""
    by_id = [n for n in nodes if n.id == ref]
    by_name = [n for n in nodes if n.name and n.name.lower() == ref.lower()]
    role = _ROLE_ALIASES.get(ref.lower())
    by_role = [n for n in nodes if n.role == role]
    matches = by_id or by_name or by_role
    known = ", ".join(f"{n.role.lower()} {n.kind} {n.name or '-'} ({n.id})" for n in nodes) or "none"
    if not matches:
        raise InvalidInput(f"no instance fleet or group {ref!r}; the cluster has: {known}")
    if len(matches) > 1:
        raise InvalidInput(f"{ref!r} names {len(matches)} fleets or groups; give an id or a name: {known}")
    return matches[0]


def resize(
    emr: Any,
    cluster_id: str,
    node_ref: str,
    *,
    on_demand: int | None = None,
    spot: int | None = None,
    count: int | None = None,
) -> Resized:
    """Set the target capacities of a fleet (``on_demand``, ``spot``) or the size of a group (``count``)."""
    cluster = describe_cluster(emr, cluster_id)
    require_running(cluster, "be resized")
    before = find_node(list_nodes(emr, cluster), node_ref)
    _check_resize(before, on_demand, spot, count)
    if before.kind == "fleet":
        resize_fleet(emr, cluster_id, before.id, on_demand=on_demand, spot=spot)
    else:
        resize_group(emr, cluster_id, before.id, count or 0)
    after = find_node(list_nodes(emr, cluster), before.id)
    with _on_cluster(emr, cluster_id):
        policy = emr.get_managed_scaling_policy(ClusterId=cluster_id).get("ManagedScalingPolicy")
    return Resized(cluster_id, before, after, (policy or {}).get("ComputeLimits"))


def _check_resize(node: NodeCapacity, on_demand: int | None, spot: int | None, count: int | None) -> None:
    if node.role == "MASTER":
        raise InvalidInput(f"the primary {node.kind} {node.id} cannot be resized")
    values = [v for v in (on_demand, spot, count) if v is not None]
    if any(v < 0 for v in values):
        raise InvalidInput("capacities must not be negative")
    if node.kind == "fleet" and (count is not None or not values):
        raise InvalidInput(f"{node.id} is an instance fleet: give its target on-demand and/or spot capacity (units)")
    if node.kind == "group" and (count is None or on_demand is not None or spot is not None):
        raise InvalidInput(f"{node.id} is an instance group: give its instance count")


def resize_fleet(emr: Any, cluster_id: str, fleet_id: str, *, on_demand: int | None = None, spot: int | None = None) -> None:
    """``ModifyInstanceFleet`` with the given target capacities (the others stay)."""
    fleet: dict[str, Any] = {"InstanceFleetId": fleet_id}
    if on_demand is not None:
        fleet["TargetOnDemandCapacity"] = on_demand
    if spot is not None:
        fleet["TargetSpotCapacity"] = spot
    with _on_cluster(emr, cluster_id):
        emr.modify_instance_fleet(ClusterId=cluster_id, InstanceFleet=fleet)


def resize_group(emr: Any, cluster_id: str, group_id: str, count: int) -> None:
    """``ModifyInstanceGroups`` to ``count`` instances."""
    with _on_cluster(emr, cluster_id):
        emr.modify_instance_groups(ClusterId=cluster_id, InstanceGroups=[{"InstanceGroupId": group_id, "InstanceCount": count}])


@dataclass(frozen=True)
class ScalingChange:
    """Managed-scaling ``ComputeLimits`` before (``None``: no policy) and after."""

    cluster_id: str
    before: dict[str, Any] | None
    after: dict[str, Any]


_LIMIT_KEYS = {
    "minimum": "MinimumCapacityUnits",
    "maximum": "MaximumCapacityUnits",
    "max_on_demand": "MaximumOnDemandCapacityUnits",
    "max_core": "MaximumCoreCapacityUnits",
}


def set_scaling(
    emr: Any,
    cluster_id: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    max_on_demand: int | None = None,
    max_core: int | None = None,
    unit: str | None = None,
) -> ScalingChange:
    """Set managed-scaling limits; limits not given keep their current value.

    Without a current policy ``minimum`` and ``maximum`` are required and the unit defaults to
    ``InstanceFleetUnits`` (fleets) or ``Instances`` (groups). The limits are checked first.
    """
    given = {"UnitType": unit} | {
        key: value
        for key, value in zip(_LIMIT_KEYS.values(), (minimum, maximum, max_on_demand, max_core), strict=True)
        if value is not None
    }
    check_limits(given, cluster_id)
    cluster = describe_cluster(emr, cluster_id)
    require_running(cluster, "change managed scaling")
    with _on_cluster(emr, cluster_id):
        policy = emr.get_managed_scaling_policy(ClusterId=cluster_id).get("ManagedScalingPolicy") or {}
    before = policy.get("ComputeLimits")
    fleets = cluster.get("InstanceCollectionType") == "INSTANCE_FLEET"
    default_unit = {"UnitType": "InstanceFleetUnits" if fleets else "Instances"}
    limits = default_unit | (before or {}) | {k: v for k, v in given.items() if v is not None}
    if "MinimumCapacityUnits" not in limits or "MaximumCapacityUnits" not in limits:
        raise InvalidInput(f"cluster {cluster_id} has no managed scaling yet: give both the minimum and the maximum")
    check_limits(limits, cluster_id)
    with _on_cluster(emr, cluster_id):
        emr.put_managed_scaling_policy(ClusterId=cluster_id, ManagedScalingPolicy={**policy, "ComputeLimits": limits})
        after = emr.get_managed_scaling_policy(ClusterId=cluster_id)["ManagedScalingPolicy"]["ComputeLimits"]
    return ScalingChange(cluster_id, before, after)


def check_limits(limits: Mapping[str, Any], cluster_id: str = "") -> None:
    """Raise :class:`InvalidInput` listing every broken rule among the ``ComputeLimits`` given."""
    v = Validator(f"managed scaling of {cluster_id}".strip())
    unit, low, high = limits.get("UnitType"), limits.get("MinimumCapacityUnits"), limits.get("MaximumCapacityUnits")
    if unit is not None:
        v.check(unit in SCALING_UNITS, "unit", unit, " or ".join(SCALING_UNITS))
    if low is not None:
        v.check(low >= 1, "minimum", low, "1 or more units")
        v.check(high is None or low <= high, "minimum", low, f"at most the maximum ({high})")
    for name in ("max_on_demand", "max_core"):
        value = limits.get(_LIMIT_KEYS[name])
        if value is not None:
            v.check(value >= 0 and (high is None or value <= high), name, value, f"0 to the maximum ({high})")
    try:
        v.raise_if_any()
    except EmrValidationError as error:
        raise InvalidInput(str(error)) from None


# --- termination --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Termination:
    """A cluster about to be (or just) terminated."""

    cluster_id: str
    name: str
    state_before: str
    protected: bool
    state_after: str = ""


def terminate(
    emr: Any,
    cluster_id: str,
    *,
    force: bool = False,
    confirm: Callable[[Termination], bool] | None = None,
) -> Termination:
    """Terminate a cluster; a termination-protected one only with ``force`` (protection off first).

    ``confirm`` is asked after the checks and before any change; ``False`` cancels.
    """
    cluster = describe_cluster(emr, cluster_id)
    require_running(cluster, "be terminated again")
    plan = Termination(cluster_id, cluster.get("Name", ""), cluster["Status"]["State"], bool(cluster.get("TerminationProtected")))
    if plan.protected and not force:
        raise OperationError(
            f"cluster {cluster_id} ({plan.name}) has termination protection on; nothing was done. "
            "Turn it off to terminate (cdk-emr terminate --force does)"
        )
    if confirm is not None and not confirm(plan):
        raise OperationError(f"cluster {cluster_id} not terminated: not confirmed")
    with _on_cluster(emr, cluster_id):
        if plan.protected:
            emr.set_termination_protection(JobFlowIds=[cluster_id], TerminationProtected=False)
        emr.terminate_job_flows(JobFlowIds=[cluster_id])
    state = describe_cluster(emr, cluster_id)["Status"]["State"]
    return Termination(plan.cluster_id, plan.name, plan.state_before, plan.protected, state)
