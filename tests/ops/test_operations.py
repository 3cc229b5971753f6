"""cdk_emr.ops.operations against the local EMR emulation (moto in-process), and its error paths.

The fixtures and cluster helpers here are shared with test_cli_operate.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from moto import mock_aws

from cdk_emr.local import install, lifecycle, uninstall
from cdk_emr.ops import operations as ops
from cdk_emr.ops.operations import InvalidInput, OperationError

REGION = "us-east-1"
SCALING = {"UnitType": "InstanceFleetUnits", "MinimumCapacityUnits": 2, "MaximumCapacityUnits": 6, "MaximumCoreCapacityUnits": 2}


# --- fixtures and helpers (also used by test_cli_operate.py) --------------------------------------


@pytest.fixture(autouse=True)
def offline_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Dummy credentials and region, empty AWS config files, no endpoint; moto's EMR restored after."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for name in (
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_EMR",
    ):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "aws-config").write_text("")
    (tmp_path / "aws-credentials").write_text("")
    yield
    uninstall()


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials anywhere (environment, files, instance metadata)."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")


@pytest.fixture
def emr() -> Iterator[Any]:
    """An EMR client of :func:`ops.emr_client` on moto with the EMR emulation, the roles the
    clusters name, and time scale 0 (every EMR state passes at once: these tests check the
    operations, not the timing)."""
    install()
    lifecycle.configure(time_scale=0)
    try:
        with mock_aws():
            create_roles(boto3.client("iam"))
            yield ops.emr_client()
    finally:
        lifecycle.reset()


class TickingClock:
    """EMR time that moves ``step`` seconds each time the emulation reads it, so a step polled
    in a loop goes PENDING → RUNNING → COMPLETED within the loop."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.clock = lifecycle.ManualClock()

    def now(self) -> Any:
        self.clock.advance(self.step)
        return self.clock.now()


@pytest.fixture
def emr_in_time() -> Iterator[Any]:
    """Like ``emr``, with EMR time passing 2 s per read of the emulation (time scale 1)."""
    install()
    lifecycle.configure(clock=TickingClock(2.0), time_scale=1.0)
    try:
        with mock_aws():
            create_roles(boto3.client("iam"))
            yield ops.emr_client()
    finally:
        lifecycle.reset()


def create_roles(iam: Any) -> None:
    """The service role ``s`` and instance profile ``p`` the test clusters name (the emulation
    checks they exist, as EMR does)."""
    for role in ("s", "p"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="p")


def fleet(fleet_type: str, on_demand: int = 0, spot: int = 0, name: str | None = None) -> dict[str, Any]:
    """An instance fleet of the RunJobFlow API."""
    return {
        "Name": name or fleet_type.lower(),
        "InstanceFleetType": fleet_type,
        "TargetOnDemandCapacity": on_demand,
        "TargetSpotCapacity": spot,
        "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}, {"InstanceType": "m6g.xlarge"}],
    }


def run_cluster(emr: Any, *, protected: bool = False, groups: bool = False, **request: Any) -> str:
    """A long-running cluster with primary, core and task fleets (or groups); returns its id."""
    nodes: dict[str, Any] = {
        "InstanceFleets": [fleet("MASTER", 1), fleet("CORE", 2), fleet("TASK", spot=4)],
    }
    if groups:
        nodes = {
            "InstanceGroups": [
                {
                    "Name": role.lower(),
                    "InstanceRole": role,
                    "InstanceType": "m5.xlarge",
                    "InstanceCount": count,
                    "Market": market,
                }
                for role, count, market in (("MASTER", 1, "ON_DEMAND"), ("CORE", 2, "ON_DEMAND"), ("TASK", 3, "SPOT"))
            ]
        }
    instances = {"KeepJobFlowAliveWhenNoSteps": True, "TerminationProtected": protected, **nodes}
    base = {"Name": "analytics", "ReleaseLabel": "emr-7.14.0", "JobFlowRole": "p", "ServiceRole": "s", "Instances": instances}
    return emr.run_job_flow(**(base | request))["JobFlowId"]


def terminated_cluster(emr: Any) -> str:
    """A cluster that has been terminated."""
    cluster_id = run_cluster(emr)
    emr.terminate_job_flows(JobFlowIds=[cluster_id])
    return cluster_id


def create_stack(name: str = "Platform") -> str:
    """A CloudFormation stack with an EMR cluster and its ClusterId output; returns the cluster id."""
    template = {
        "Resources": {
            "Cluster": {
                "Type": "AWS::EMR::Cluster",
                "Properties": {
                    "Name": "from-stack",
                    "ReleaseLabel": "emr-7.14.0",
                    "JobFlowRole": "p",
                    "ServiceRole": "s",
                    "Instances": {
                        "MasterInstanceFleet": {
                            "TargetOnDemandCapacity": 1,
                            "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}],
                        },
                        "CoreInstanceFleet": {
                            "TargetOnDemandCapacity": 2,
                            "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}],
                        },
                    },
                },
            }
        },
        "Outputs": {
            "ClusterId": {"Value": {"Ref": "Cluster"}},
            "Other": {"Value": "hello"},
            "Copy": {"Value": {"Ref": "Cluster"}},
        },
    }
    cloudformation = ops.aws_client("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
    outputs = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]
    return next(o["OutputValue"] for o in outputs if o["OutputKey"] == "ClusterId")


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


class Throttler:
    """A ``before-send`` handler answering ``ThrottlingException`` to the first ``times`` requests."""

    def __init__(self, times: int = 1000) -> None:
        self.times = times
        self.sent = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.sent += 1
        if self.sent > self.times:
            return None
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _Body(body))


def throttled(client: Any, times: int = 1000) -> Throttler:
    """Make ``client`` throttled for its first ``times`` requests, before moto answers."""
    throttler = Throttler(times)
    client.meta.events.register_first("before-send.*", throttler)
    return throttler


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the back-off sleeps of botocore's retries instead of sleeping."""
    sleeps: list[float] = []
    # botocore.endpoint.time is the time module: other threads of this worker (a local server's
    # jobs, subprocess waits) sleep through it too, and keep their real sleep.
    caller = threading.get_ident()
    real_sleep = time.sleep

    def record(seconds: float) -> None:
        if threading.get_ident() == caller:
            sleeps.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr("botocore.endpoint.time.sleep", record)
    return sleeps


# --- clients and errors ---------------------------------------------------------------------------


def test_clients_retry_throttling_with_backoff_through_botocore_config() -> None:
    client = ops.emr_client(region="eu-west-1", endpoint_url="http://localhost:4566")
    # 8 retries (the module docstring's setting) + the first call: botocore's max_attempts counts retries
    # only; total_max_attempts adds the first call (Boto3 guide, "Retries", max_attempts vs total_max_attempts).
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 9}
    assert (client.meta.region_name, client.meta.endpoint_url) == ("eu-west-1", "http://localhost:4566")


def test_throttling_is_retried_then_succeeds(emr: Any, no_sleep: list[float]) -> None:
    cluster_id = run_cluster(emr)
    throttler = throttled(emr, times=3)
    assert ops.cluster_status(emr, cluster_id).state == "WAITING"
    assert len(no_sleep) == 3 and all(0 <= s <= 20 for s in no_sleep)
    assert throttler.sent > 3


def test_throttling_beyond_the_retries_is_one_clear_error(no_sleep: list[float]) -> None:
    client = ops.emr_client()
    throttler = throttled(client)
    with pytest.raises(OperationError, match=r"AWS throttled DescribeCluster \(ThrottlingException\) on all 9 attempts"):
        ops.cluster_status(client, "j-ABCDEF")
    assert throttler.sent == 9 and len(no_sleep) == 8


def test_no_credentials_is_one_clear_error(no_credentials: None) -> None:
    with pytest.raises(OperationError, match="no AWS credentials found: .*AWS_PROFILE"):
        ops.cluster_status(ops.emr_client(), "j-ABCDEF")


def test_no_region_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(OperationError, match="no AWS region: pass --region"):
        ops.emr_client()


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        ("ExpiredTokenException", "expired", "AWS rejected the credentials (ExpiredTokenException: expired)"),
        (
            "AccessDeniedException",
            "no emr:DescribeCluster",
            "DescribeCluster failed (AccessDeniedException): no emr:DescribeCluster",
        ),
        ("InvalidRequestException", "Cluster id 'j-X' is not valid.", "cluster j-X not found in eu-west-1"),
        ("InvalidRequestException", "Step id 's-1' is not valid.", "step s-1 not found on cluster j-X"),
    ],
)
def test_client_errors_get_a_user_message(code: str, message: str, expected: str) -> None:
    error = ClientError({"Error": {"Code": code, "Message": message}}, "DescribeCluster")
    assert ops.describe_error(error, cluster_id="j-X", step_id="s-1", region="eu-west-1").startswith(expected)


def test_unknown_cluster(emr: Any) -> None:
    for call in (ops.cluster_status, ops.list_steps, ops.latest_step):
        with pytest.raises(OperationError, match=r"cluster j-NOPE123 not found in us-east-1"):
            call(emr, "j-NOPE123")


# --- resolving a cluster --------------------------------------------------------------------------


def test_resolve_cluster_by_id_or_stack_output(emr: Any) -> None:
    cluster_id = create_stack()
    assert ops.resolve_cluster("j-2AXXXXXXGAPLF") == "j-2AXXXXXXGAPLF"
    assert ops.resolve_cluster("Platform") == cluster_id
    assert ops.resolve_cluster("Platform/Copy") == cluster_id
    assert ops.describe_cluster(emr, cluster_id)["Name"] == "from-stack"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("Nowhere", "'Nowhere' is neither a cluster id .* stack in us-east-1: stack Nowhere does not exist"),
        ("Platform/Missing", "stack Platform has no output Missing \\(outputs: ClusterId, Copy, Other\\)"),
        ("Platform/Other", "output Other of stack Platform is 'hello', not a cluster id"),
        ("/ClusterId", "neither a cluster id"),
    ],
)
def test_resolve_cluster_errors(emr: Any, ref: str, message: str) -> None:
    create_stack()
    with pytest.raises(OperationError, match=message):
        ops.resolve_cluster(ref)


# --- clusters and status --------------------------------------------------------------------------


def test_list_clusters_active_by_default_with_age(emr: Any) -> None:
    running = run_cluster(emr)
    ended = terminated_cluster(emr)
    later = datetime.now(UTC) + timedelta(hours=2)
    [active] = ops.list_clusters(emr, now=later)
    assert (active.id, active.name, active.state) == (running, "analytics", "WAITING")
    assert 7200 <= active.age_seconds < 7300  # type: ignore[operator]
    assert {c.id for c in ops.list_clusters(emr, states=None)} == {running, ended}
    assert [c.id for c in ops.list_clusters(emr, states=["TERMINATED"])] == [ended]
    assert len(ops.list_clusters(emr, states=None, limit=1)) == 1


def test_status_of_a_fleet_cluster(emr: Any) -> None:
    cluster_id = run_cluster(
        emr,
        protected=True,
        Applications=[{"Name": "Spark"}, {"Name": "Hive"}],
        ManagedScalingPolicy={"ComputeLimits": SCALING},
        AutoTerminationPolicy={"IdleTimeout": 3600},
        LogUri="s3://logs/emr/",
    )
    s = ops.cluster_status(emr, cluster_id)
    assert (s.name, s.state, s.release_label, s.collection_type) == ("analytics", "WAITING", "emr-7.14.0", "INSTANCE_FLEET")
    assert s.applications == ("Spark", "Hive")
    assert [(n.role, n.kind, n.target_on_demand, n.target_spot, n.provisioned_spot) for n in s.nodes] == [
        ("MASTER", "fleet", 1, 0, 0),
        ("CORE", "fleet", 2, 0, 0),
        ("TASK", "fleet", 0, 4, 4),
    ]
    assert s.nodes[0].instance_types == ("m7g.xlarge", "m6g.xlarge")
    assert s.managed_scaling == SCALING
    assert (s.idle_timeout_seconds, s.termination_protected, s.keep_alive, s.log_uri) == (3600, True, True, "s3://logs/emr/")
    assert not s.ended_already


def test_status_of_a_group_cluster_without_policies(emr: Any) -> None:
    s = ops.cluster_status(emr, run_cluster(emr, groups=True))
    assert s.collection_type == "INSTANCE_GROUP"
    assert [(n.role, n.kind, n.target_on_demand, n.target_spot) for n in s.nodes] == [
        ("MASTER", "group", 1, 0),
        ("CORE", "group", 2, 0),
        ("TASK", "group", 0, 3),
    ]
    assert (s.managed_scaling, s.idle_timeout_seconds, s.termination_protected) == (None, None, False)


def test_status_of_a_terminated_cluster_is_reported_not_refused(emr: Any) -> None:
    s = ops.cluster_status(emr, terminated_cluster(emr))
    assert (s.state, s.ended_already, s.state_reason) == ("TERMINATED", True, "Terminated by user request")


# --- steps ----------------------------------------------------------------------------------------


def test_step_builders_produce_the_workload_step_shapes() -> None:
    spark = ops.spark_step(
        "s3://b/jobs/etl.py", ["--day", "1"], conf={"spark.executor.memory": "4g"}, submit_args=["--num-executors", "4"]
    )
    assert spark.to_api() == {
        "Name": "Spark: etl.py",
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {
            "Jar": "command-runner.jar",
            "Args": "spark-submit --deploy-mode cluster --conf spark.executor.memory=4g --num-executors 4 s3://b/jobs/etl.py --day 1".split(),
        },
    }
    hive = ops.hive_step("s3://b/q.sql", {"DAY": "2026-07-20"}, name="daily", action_on_failure="CANCEL_AND_WAIT")
    assert (hive.name, hive.jar, hive.action_on_failure) == ("daily", "command-runner.jar", "CANCEL_AND_WAIT")
    assert hive.args == ("hive-script", "--run-hive-script", "--args", "-f", "s3://b/q.sql", "-d", "DAY=2026-07-20")
    script = ops.script_step("s3://b/tools/compact.sh", ["x"], region="eu-west-1")
    assert script.jar == "s3://eu-west-1.elasticmapreduce/libs/script-runner/script-runner.jar"
    assert (script.name, script.args) == ("Script: compact.sh", ("s3://b/tools/compact.sh", "x"))
    command = ops.command_step(["spark-example", "SparkPi", "10"])
    assert (command.name, command.jar, command.args) == (
        "Command: spark-example",
        "command-runner.jar",
        ("spark-example", "SparkPi", "10"),
    )
    assert "MainClass" not in command.to_api()["HadoopJarStep"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ops.spark_step("jobs/etl.py"), "'jobs/etl.py' is not an s3:// URI"),
        (lambda: ops.hive_step("s3://"), "is not an s3:// URI"),
        (lambda: ops.command_step([]), "needs the program to run"),
        (lambda: ops.script_step("s3://b/x.sh", region="us-east-1", action_on_failure="EXPLODE"), "'EXPLODE': one of CONTINUE"),
    ],
)
def test_step_builders_refuse_bad_input(build: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        build()


def test_add_step_and_wait_until_completed(emr_in_time: Any) -> None:
    emr = emr_in_time
    cluster_id = run_cluster(emr)
    step_id = ops.add_step(emr, cluster_id, ops.spark_step("s3://b/jobs/etl.py"))
    seen: list[str] = []
    final = ops.wait_step(emr, cluster_id, step_id, interval=0, on_poll=lambda s: seen.append(s.state))
    assert list(dict.fromkeys(seen)) == ["PENDING", "RUNNING", "COMPLETED"]
    assert (final.id, final.state, final.finished, final.failure) == (step_id, "COMPLETED", True, None)
    assert final.args[:3] == ("spark-submit", "--deploy-mode", "cluster") and final.started and final.ended


def test_wait_for_a_failing_step_reports_the_failure(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    step_id = ops.add_step(emr, cluster_id, ops.script_step("s3://b/fail.sh", region=REGION))
    final = ops.wait_step(emr, cluster_id, step_id, interval=0)
    assert final.state == "FAILED" and "fail" in (final.failure or "")


def test_wait_times_out_with_the_last_state(emr_in_time: Any) -> None:
    emr = emr_in_time
    cluster_id = run_cluster(emr)
    step_id = ops.add_step(emr, cluster_id, ops.command_step(["true"]))
    while ops.list_steps(emr, cluster_id)[0].state == "PENDING":
        pass  # EMR time passes with each read: the cluster starts and the step begins
    ticks = iter([0.0, 0.0, 0.0, 5.0])
    sleeps: list[float] = []
    with pytest.raises(ops.WaitTimeout, match=f"step {step_id} is still RUNNING after 3 s") as error:
        ops.wait_step(emr, cluster_id, step_id, interval=10, timeout=3, sleep=sleeps.append, clock=lambda: next(ticks))
    assert error.value.step.state == "RUNNING" and sleeps == [3.0]


def test_list_steps_newest_first_with_filters(emr: Any) -> None:
    cluster_id = run_cluster(emr, StepConcurrencyLevel=2)
    with pytest.raises(OperationError, match=f"cluster {cluster_id} has no steps"):
        ops.latest_step(emr, cluster_id)
    first = ops.add_step(emr, cluster_id, ops.command_step(["first"]))
    second = ops.add_step(emr, cluster_id, ops.script_step("s3://b/fail.sh", region=REGION))
    ops.wait_step(emr, cluster_id, second, interval=0)
    assert [s.id for s in ops.list_steps(emr, cluster_id)] == [second, first]
    assert [s.id for s in ops.list_steps(emr, cluster_id, states=["FAILED"])] == [second]
    assert [s.id for s in ops.list_steps(emr, cluster_id, limit=1)] == [second]
    assert ops.latest_step(emr, cluster_id).id == second


def test_unknown_step(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    with pytest.raises(OperationError, match=f"step s-NOPE not found on cluster {cluster_id}"):
        ops.wait_step(emr, cluster_id, "s-NOPE")


def test_no_steps_on_an_ended_cluster(emr: Any) -> None:
    cluster_id = terminated_cluster(emr)
    with pytest.raises(
        OperationError, match=f"cluster {cluster_id} is TERMINATED: Terminated by user request; it cannot run steps"
    ):
        ops.add_step(emr, cluster_id, ops.command_step(["ls"]))


# --- capacity -------------------------------------------------------------------------------------


def test_resize_fleets_by_role_name_or_id(emr: Any) -> None:
    cluster_id = run_cluster(emr, ManagedScalingPolicy={"ComputeLimits": SCALING})
    task = ops.resize(emr, cluster_id, "task", spot=8)
    assert (task.before.target_spot, task.after.target_spot, task.after.provisioned_spot) == (4, 8, 8)
    assert task.managed_scaling == SCALING
    core = ops.resize(emr, cluster_id, "CORE", on_demand=3)
    assert (core.after.target_on_demand, core.after.target_spot) == (3, 0)
    again = ops.resize(emr, cluster_id, core.after.id, spot=1)
    assert (again.after.target_on_demand, again.after.target_spot) == (3, 1)


def test_resize_an_instance_group(emr: Any) -> None:
    cluster_id = run_cluster(emr, groups=True)
    done = ops.resize(emr, cluster_id, "task", count=5)
    assert (done.before.target_spot, done.after.target_spot, done.managed_scaling) == (3, 5, None)


@pytest.mark.parametrize(
    ("groups", "node", "sizes", "message"),
    [
        (False, "primary", {"on_demand": 3}, "the primary fleet .* cannot be resized"),
        (False, "task", {"count": 3}, "is an instance fleet: give its target on-demand and/or spot"),
        (False, "task", {}, "is an instance fleet"),
        (False, "core", {"spot": -1}, "must not be negative"),
        (True, "core", {"on_demand": 3}, "is an instance group: give its instance count"),
        (False, "gpu", {"spot": 1}, "no instance fleet or group 'gpu'; the cluster has: master fleet"),
    ],
)
def test_resize_refuses_bad_requests(emr: Any, groups: bool, node: str, sizes: dict[str, int], message: str) -> None:
    cluster_id = run_cluster(emr, groups=groups)
    with pytest.raises(InvalidInput, match=message):
        ops.resize(emr, cluster_id, node, **sizes)


def test_resize_an_ambiguous_role_asks_for_a_name(emr: Any) -> None:
    fleets = [fleet("MASTER", 1), fleet("CORE", 2), fleet("TASK", spot=1, name="a"), fleet("TASK", spot=1, name="b")]
    cluster_id = run_cluster(emr, Instances={"KeepJobFlowAliveWhenNoSteps": True, "InstanceFleets": fleets})
    with pytest.raises(InvalidInput, match="'task' names 2 fleets or groups"):
        ops.resize(emr, cluster_id, "task", spot=2)
    assert ops.resize(emr, cluster_id, "b", spot=2).after.name == "b"


def test_resize_an_ended_cluster(emr: Any) -> None:
    cluster_id = terminated_cluster(emr)
    with pytest.raises(OperationError, match="is TERMINATED: .*cannot be resized"):
        ops.resize(emr, cluster_id, "core", on_demand=1)


def test_set_scaling_changes_only_the_given_limits(emr: Any) -> None:
    cluster_id = run_cluster(emr, ManagedScalingPolicy={"ComputeLimits": SCALING})
    change = ops.set_scaling(emr, cluster_id, maximum=10, max_on_demand=4)
    assert change.before == SCALING
    assert change.after == SCALING | {"MaximumCapacityUnits": 10, "MaximumOnDemandCapacityUnits": 4}


def test_set_scaling_without_a_policy_needs_min_and_max(emr: Any) -> None:
    cluster_id = run_cluster(emr, groups=True)
    with pytest.raises(InvalidInput, match="has no managed scaling yet: give both the minimum and the maximum"):
        ops.set_scaling(emr, cluster_id, maximum=4)
    change = ops.set_scaling(emr, cluster_id, minimum=1, maximum=4)
    assert (change.before, change.after) == (
        None,
        {"UnitType": "Instances", "MinimumCapacityUnits": 1, "MaximumCapacityUnits": 4},
    )


def test_set_scaling_validates_before_any_call() -> None:
    no_client = object()  # any call would raise AttributeError
    with pytest.raises(InvalidInput) as error:
        ops.set_scaling(no_client, "j-X", minimum=0, maximum=4, max_core=5, unit="Nodes")
    message = str(error.value)
    assert "(3 problems)" in message and "minimum=0: 1 or more units" in message
    assert "max_core=5: 0 to the maximum (4)" in message and "unit='Nodes'" in message


def test_set_scaling_validates_the_merged_limits(emr: Any) -> None:
    cluster_id = run_cluster(emr, ManagedScalingPolicy={"ComputeLimits": SCALING})
    with pytest.raises(InvalidInput, match="minimum=8: at most the maximum \\(6\\)"):
        ops.set_scaling(emr, cluster_id, minimum=8)
    assert ops.cluster_status(emr, cluster_id).managed_scaling == SCALING


def test_set_scaling_on_an_ended_cluster(emr: Any) -> None:
    with pytest.raises(OperationError, match="is TERMINATED"):
        ops.set_scaling(emr, terminated_cluster(emr), minimum=1, maximum=2)


# --- termination ----------------------------------------------------------------------------------


def test_terminate(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    asked: list[ops.Termination] = []
    done = ops.terminate(emr, cluster_id, confirm=lambda plan: asked.append(plan) or True)
    assert (done.state_before, done.state_after, done.protected) == ("WAITING", "TERMINATED", False)
    assert asked[0].name == "analytics"


def test_terminate_refuses_a_protected_cluster_unless_forced(emr: Any) -> None:
    cluster_id = run_cluster(emr, protected=True)
    with pytest.raises(OperationError, match="has termination protection on; nothing was done"):
        ops.terminate(emr, cluster_id)
    assert ops.cluster_status(emr, cluster_id).state == "WAITING"
    done = ops.terminate(emr, cluster_id, force=True)
    assert (done.protected, done.state_after) == (True, "TERMINATED")
    assert ops.cluster_status(emr, cluster_id).termination_protected is False


def test_terminate_not_confirmed_changes_nothing(emr: Any) -> None:
    cluster_id = run_cluster(emr, protected=True)
    with pytest.raises(OperationError, match="not terminated: not confirmed"):
        ops.terminate(emr, cluster_id, force=True, confirm=lambda plan: False)
    status = ops.cluster_status(emr, cluster_id)
    assert (status.state, status.termination_protected) == ("WAITING", True)


def test_terminate_an_ended_cluster(emr: Any) -> None:
    cluster_id = terminated_cluster(emr)
    with pytest.raises(OperationError, match=f"cluster {cluster_id} is TERMINATED: .*cannot be terminated again"):
        ops.terminate(emr, cluster_id)
