"""``cdk-emr clusters | status | steps | resize | scaling | terminate`` through click's CliRunner,
against the local EMR emulation: each command's output, ``--json``, and its error paths.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
import test_operations as shared  # its fixtures and helpers (pytest puts tests/ops on sys.path)
from click.testing import CliRunner, Result
from test_operations import SCALING, create_stack, run_cluster, terminated_cluster, throttled

from cdk_emr.cli import main
from cdk_emr.cli import operate as operate_cli
from cdk_emr.local import LocalAws
from cdk_emr.ops import operations as ops

# the shared fixtures: pytest finds them among this module's names
offline_aws = shared.offline_aws
emr = shared.emr
emr_in_time = shared.emr_in_time
no_credentials = shared.no_credentials
no_sleep = shared.no_sleep

COMMANDS = ("clusters", "status", "steps", "resize", "scaling", "terminate")


def cdk_emr(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def assert_clean_error(result: Result, exit_code: int, *fragments: str) -> None:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_every_command_is_registered_and_the_cli_loads_neither_boto3_nor_aws_cdk() -> None:
    for name in COMMANDS:
        assert main.get_command(None, name) is not None, name  # type: ignore[arg-type]
    code = "import sys, cdk_emr.cli; print(*(m in sys.modules for m in ('aws_cdk', 'jsii', 'boto3')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


# --- clusters -------------------------------------------------------------------------------------


def test_clusters_lists_active_clusters_with_state_and_age(emr: Any) -> None:
    running = run_cluster(emr)
    ended = terminated_cluster(emr)
    result = cdk_emr("clusters")
    assert result.exit_code == 0, result.output
    assert running in result.output and "WAITING" in result.output and ended not in result.output
    assert "Age" in result.output and re.search(r"\b\d+s\b", result.output), result.output  # seconds old (more under load)
    rows = json.loads(cdk_emr("clusters", "--all", "--json").output)
    assert {(r["id"], r["state"]) for r in rows} == {(running, "WAITING"), (ended, "TERMINATED")}
    assert rows[0]["age_seconds"] >= 0 and rows[0]["created"].startswith("20")
    assert "No clusters in TERMINATED_WITH_ERRORS." in cdk_emr("clusters", "--state", "terminated_with_errors").output


def test_clusters_without_credentials_is_a_clean_error(no_credentials: None) -> None:
    assert_clean_error(cdk_emr("clusters"), 1, "Error: no AWS credentials found")


def test_clusters_when_throttled_beyond_the_retries(monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]) -> None:
    def throttled_client(region: str | None, endpoint_url: str | None) -> Any:
        client = ops.emr_client(region, endpoint_url)
        throttled(client)
        return client

    monkeypatch.setattr("cdk_emr.cli.aws.emr_client", throttled_client)
    assert_clean_error(cdk_emr("clusters"), 1, "AWS throttled ListClusters (ThrottlingException) on all 9 attempts")
    assert len(no_sleep) == 8


# --- status ---------------------------------------------------------------------------------------


def test_status_shows_fleets_scaling_termination_and_apps(emr: Any) -> None:
    cluster_id = run_cluster(
        emr,
        protected=True,
        Applications=[{"Name": "Spark"}],
        ManagedScalingPolicy={"ComputeLimits": SCALING},
        AutoTerminationPolicy={"IdleTimeout": 3600},
    )
    result = cdk_emr("status", cluster_id)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"analytics {cluster_id}: WAITING" in out and "release emr-7.14.0: Spark" in out
    assert "managed scaling: 2-6 InstanceFleetUnits (core <= 2)" in out
    assert "auto-termination: after 1h 00m idle; termination protection: on; keep alive: yes" in out
    for row in ("MASTER", "CORE", "TASK", "m7g.xlarge, m6g.xlarge", "0 + 4"):
        assert row in out
    data = json.loads(cdk_emr("status", cluster_id, "--json").output)
    assert data["managed_scaling"] == SCALING and data["nodes"][2]["target_spot"] == 4


def test_status_by_stack_output(emr: Any) -> None:
    cluster_id = create_stack("Plat")
    for ref in ("Plat", "Plat/ClusterId"):
        assert json.loads(cdk_emr("status", ref, "--json").stdout)["id"] == cluster_id


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("j-NOPE123", "Error: cluster j-NOPE123 not found in us-east-1"),
        ("Nowhere", "stack Nowhere does not exist"),
    ],
)
def test_status_of_an_unknown_cluster_is_a_clean_error(emr: Any, ref: str, message: str) -> None:
    assert_clean_error(cdk_emr("status", ref), 1, message)


def test_status_and_clusters_against_a_local_server_with_endpoint_url() -> None:
    with LocalAws(time_scale=0) as aws:
        shared.create_roles(aws.client("iam"))
        cluster_id = run_cluster(aws.client("emr"))
        result = cdk_emr("status", cluster_id, "--endpoint-url", aws.endpoint_url, "--region", "us-east-1")
        assert result.exit_code == 0, result.output
        assert "WAITING" in result.output
        assert cluster_id in cdk_emr("clusters", "--endpoint-url", aws.endpoint_url).output


# --- steps ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "jar", "step_args"),
    [
        (
            ["spark", "s3://b/etl.py", "--conf", "spark.x=1", "--", "--day", "1"],
            "command-runner.jar",
            ["spark-submit", "--deploy-mode", "cluster", "--conf", "spark.x=1", "s3://b/etl.py", "--day", "1"],
        ),
        (
            ["hive", "s3://b/q.sql", "-d", "DAY=1"],
            "command-runner.jar",
            ["hive-script", "--run-hive-script", "--args", "-f", "s3://b/q.sql", "-d", "DAY=1"],
        ),
        (
            ["script", "s3://b/x.sh", "a"],
            "s3://us-east-1.elasticmapreduce/libs/script-runner/script-runner.jar",
            ["s3://b/x.sh", "a"],
        ),
        (["command", "spark-example", "SparkPi", "10"], "command-runner.jar", ["spark-example", "SparkPi", "10"]),
    ],
)
def test_steps_add_each_kind(emr: Any, args: list[str], jar: str, step_args: list[str]) -> None:
    cluster_id = run_cluster(emr)
    result = cdk_emr("steps", "add", "--json", cluster_id, *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [step] = emr.list_steps(ClusterId=cluster_id)["Steps"]
    assert data["step_id"] == step["Id"] and data["cluster_id"] == cluster_id
    assert (step["Config"]["Jar"], step["Config"]["Args"]) == (jar, step_args)


def test_steps_add_prints_the_step_and_how_to_follow_it(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    result = cdk_emr(
        "steps", "add", cluster_id, "spark", "s3://b/etl.py", "--name", "nightly", "--action-on-failure", "CANCEL_AND_WAIT"
    )
    assert result.exit_code == 0, result.output
    step = emr.list_steps(ClusterId=cluster_id)["Steps"][0]
    assert (step["Name"], step["ActionOnFailure"]) == ("nightly", "CANCEL_AND_WAIT")
    assert f"added step {step['Id']} (nightly) to {cluster_id}" in result.output
    assert f"cdk-emr steps wait {cluster_id} {step['Id']}" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hive", "s3://b/q.sql", "--conf", "a=b"], "--conf and --submit-arg apply to spark steps"),
        (["spark", "s3://b/etl.py", "-d", "A=1"], "-d/--var applies to hive steps"),
        (["spark", "s3://b/etl.py", "--conf", "novalue"], "'novalue' is not KEY=VALUE"),
        (["hive", "s3://b/q.sql", "extra"], "hive steps take variables"),
        (["spark", "etl.py"], "'etl.py' is not an s3:// URI"),
    ],
)
def test_steps_add_refuses_bad_input_with_exit_2(emr: Any, args: list[str], message: str) -> None:
    assert_clean_error(cdk_emr("steps", "add", run_cluster(emr), *args), 2, message)


def test_steps_add_runs_the_step_as_a_runtime_role(emr: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # AddJobFlowSteps ExecutionRoleArn: "The Amazon Resource Name (ARN) of the runtime role for a
    # step on the cluster" (EMR API reference).
    sent: list[dict[str, Any]] = []

    def recording_client(region: str | None, endpoint_url: str | None) -> Any:
        client = ops.emr_client(region, endpoint_url)
        client.meta.events.register("provide-client-params.emr.AddJobFlowSteps", lambda params, **_: sent.append(dict(params)))
        return client

    monkeypatch.setattr("cdk_emr.cli.aws.emr_client", recording_client)
    cluster_id = run_cluster(emr)
    role = "arn:aws:iam::111122223333:role/TeamA"
    result = cdk_emr("steps", "add", "--json", cluster_id, "spark", "s3://b/etl.py", "--runtime-role", role)
    assert result.exit_code == 0, result.output
    assert [request["ExecutionRoleArn"] for request in sent] == [role]
    assert json.loads(result.stdout)["runtime_role"] == role
    assert_clean_error(
        cdk_emr("steps", "add", cluster_id, "spark", "s3://b/etl.py", "--runtime-role", "TeamA"), 2, "is not an IAM role ARN"
    )


def test_steps_add_to_a_terminated_cluster_is_refused(emr: Any) -> None:
    cluster_id = terminated_cluster(emr)
    assert_clean_error(cdk_emr("steps", "add", cluster_id, "command", "ls"), 1, f"cluster {cluster_id} is TERMINATED")


def test_steps_list(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    assert f"No steps on {cluster_id}." in cdk_emr("steps", "list", cluster_id).output
    step_id = ops.add_step(emr, cluster_id, ops.script_step("s3://b/fail.sh", region="us-east-1"))
    ops.wait_step(emr, cluster_id, step_id, interval=0)
    result = cdk_emr("steps", "list", cluster_id)
    assert result.exit_code == 0, result.output
    assert step_id in result.output and "FAILED" in result.output and "Script: fail.sh" in result.output
    [row] = json.loads(cdk_emr("steps", "list", cluster_id, "--state", "failed", "--json").output)
    assert row["id"] == step_id and "fail" in row["failure"]
    assert json.loads(cdk_emr("steps", "list", cluster_id, "--state", "COMPLETED", "--json").output) == []


def test_steps_list_of_an_unknown_cluster(emr: Any) -> None:
    assert_clean_error(cdk_emr("steps", "list", "j-NOPE123"), 1, "cluster j-NOPE123 not found")


def test_steps_wait_exits_0_when_the_step_completes(emr_in_time: Any) -> None:
    emr = emr_in_time
    cluster_id = run_cluster(emr)
    step_id = ops.add_step(emr, cluster_id, ops.spark_step("s3://b/etl.py"))
    result = cdk_emr("steps", "wait", cluster_id, step_id, "--interval", "0")
    assert result.exit_code == 0, result.output
    progress = result.stderr
    assert progress.index("PENDING") < progress.index("RUNNING") < progress.index("COMPLETED")
    assert f"step {step_id} (Spark: etl.py) COMPLETED" in progress


def test_steps_wait_exits_1_when_the_step_fails(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    step_id = ops.add_step(emr, cluster_id, ops.spark_step("s3://b/fail_job.py"))
    result = cdk_emr("steps", "wait", cluster_id, "--interval", "0", "--json")  # the latest step
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert (data["step"]["id"], data["step"]["state"], data["exit_code"], data["timed_out"]) == (step_id, "FAILED", 1, False)
    assert "failure:" in result.stderr and "FAILED" in result.stderr


def test_steps_wait_exits_2_when_the_step_is_cancelled(emr_in_time: Any) -> None:
    emr = emr_in_time
    cluster_id = run_cluster(emr)
    ops.add_step(emr, cluster_id, ops.spark_step("s3://b/fail.py", action_on_failure="CANCEL_AND_WAIT"))
    cancelled = ops.add_step(emr, cluster_id, ops.spark_step("s3://b/next.py"))
    result = cdk_emr("steps", "wait", cluster_id, cancelled, "--interval", "0")
    assert result.exit_code == 2, result.output
    assert "CANCELLED" in result.stderr


def test_steps_wait_exits_2_on_timeout(emr_in_time: Any) -> None:
    emr = emr_in_time
    cluster_id = run_cluster(emr)
    step_id = ops.add_step(emr, cluster_id, ops.command_step(["sleep", "60"]))
    result = cdk_emr("steps", "wait", cluster_id, step_id, "--timeout", "0", "--json")
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["timed_out"] is True
    assert f"timeout: step {step_id} is still PENDING after 0 s" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(["j-NOPE123", "s-1"], "cluster j-NOPE123 not found"), (["CLUSTER", "s-NOPE"], "step s-NOPE not found on cluster")],
)
def test_steps_wait_for_an_unknown_cluster_or_step(emr: Any, args: list[str], message: str) -> None:
    args = [run_cluster(emr) if a == "CLUSTER" else a for a in args]
    assert_clean_error(cdk_emr("steps", "wait", *args, "--interval", "0"), 1, message)


def test_steps_wait_without_steps(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    assert_clean_error(cdk_emr("steps", "wait", cluster_id), 1, f"cluster {cluster_id} has no steps")


# --- resize and scaling ---------------------------------------------------------------------------


def test_resize_a_fleet(emr: Any) -> None:
    cluster_id = run_cluster(emr, ManagedScalingPolicy={"ComputeLimits": SCALING})
    result = cdk_emr("resize", cluster_id, "task", "--spot", "8")
    assert result.exit_code == 0, result.output
    assert "task fleet task" in result.output and "spot 4 → 8 (units)" in result.output
    assert "note: managed scaling is on (2-6 InstanceFleetUnits (core <= 2))" in result.output
    data = json.loads(cdk_emr("resize", cluster_id, "core", "--on-demand", "3", "--json").output)
    assert (data["before"]["target_on_demand"], data["after"]["target_on_demand"]) == (2, 3)


def test_resize_a_group(emr: Any) -> None:
    cluster_id = run_cluster(emr, groups=True)
    result = cdk_emr("resize", cluster_id, "core", "--count", "4")
    assert result.exit_code == 0, result.output
    assert "on-demand 2 → 4" in result.output and "(instances)" in result.output and "note:" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["primary", "--on-demand", "3"], "cannot be resized"),
        (["task", "--count", "2"], "is an instance fleet"),
        (["gpu", "--spot", "2"], "no instance fleet or group 'gpu'"),
    ],
)
def test_resize_refuses_bad_input_with_exit_2(emr: Any, args: list[str], message: str) -> None:
    assert_clean_error(cdk_emr("resize", run_cluster(emr), *args), 2, message)


def test_resize_a_terminated_cluster(emr: Any) -> None:
    assert_clean_error(cdk_emr("resize", terminated_cluster(emr), "core", "--on-demand", "3"), 1, "is TERMINATED")


def test_scaling_set(emr: Any) -> None:
    cluster_id = run_cluster(emr, ManagedScalingPolicy={"ComputeLimits": SCALING})
    result = cdk_emr("scaling", "set", cluster_id, "--max", "10", "--max-on-demand", "3")
    assert result.exit_code == 0, result.output
    assert "2-6 InstanceFleetUnits (core <= 2) → 2-10 InstanceFleetUnits (on-demand <= 3, core <= 2)" in result.output
    data = json.loads(cdk_emr("scaling", "set", cluster_id, "--min", "4", "--json").output)
    assert data["after"]["MinimumCapacityUnits"] == 4 and data["before"]["MinimumCapacityUnits"] == 2


def test_scaling_set_refuses_invalid_limits_with_exit_2(emr: Any) -> None:
    cluster_id = run_cluster(emr, ManagedScalingPolicy={"ComputeLimits": SCALING})
    assert_clean_error(cdk_emr("scaling", "set", cluster_id, "--min", "5", "--max", "3"), 2, "minimum=5: at most the maximum (3)")
    assert_clean_error(cdk_emr("scaling", "set", cluster_id, "--unit", "Nodes"), 2, "Invalid value for '--unit'")


def test_scaling_set_on_a_terminated_cluster(emr: Any) -> None:
    assert_clean_error(cdk_emr("scaling", "set", terminated_cluster(emr), "--max", "3"), 1, "is TERMINATED")


# --- terminate ------------------------------------------------------------------------------------


def test_terminate_with_yes(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    result = cdk_emr("terminate", cluster_id, "--yes")
    assert result.exit_code == 0, result.output
    assert f"{cluster_id} (analytics): WAITING → TERMINATED" in result.output and "WARNING" not in result.output


def test_terminate_refuses_a_protected_cluster_without_force(emr: Any) -> None:
    cluster_id = run_cluster(emr, protected=True)
    assert_clean_error(cdk_emr("terminate", cluster_id, "--yes"), 1, "has termination protection on; nothing was done", "--force")
    assert ops.cluster_status(emr, cluster_id).state == "WAITING"


def test_terminate_force_turns_protection_off_loudly(emr: Any) -> None:
    cluster_id = run_cluster(emr, protected=True)
    result = cdk_emr("terminate", cluster_id, "--force", "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["state_after"] == "TERMINATED"
    assert f"WARNING: termination protection of {cluster_id} was turned OFF (--force)" in result.stderr


def test_terminate_without_yes_refuses_when_stdin_is_not_a_terminal(emr: Any) -> None:
    cluster_id = run_cluster(emr)
    assert_clean_error(cdk_emr("terminate", cluster_id), 2, "stdin is not a terminal; add --yes")
    assert ops.cluster_status(emr, cluster_id).state == "WAITING"


@pytest.mark.parametrize(("answer", "exit_code", "state"), [("y\n", 0, "TERMINATED"), ("n\n", 1, "WAITING")])
def test_terminate_asks_on_a_terminal(emr: Any, monkeypatch: pytest.MonkeyPatch, answer: str, exit_code: int, state: str) -> None:
    monkeypatch.setattr(operate_cli, "_stdin_is_tty", lambda: True)
    cluster_id = run_cluster(emr, protected=True)
    result = cdk_emr("terminate", cluster_id, "--force", input=answer)
    assert result.exit_code == exit_code, result.output
    assert (
        f"Terminate {cluster_id} (analytics, WAITING)? Running work is lost. Its termination protection will be turned OFF."
        in result.stderr
    )
    assert ops.cluster_status(emr, cluster_id).state == state


def test_terminate_a_terminated_cluster(emr: Any) -> None:
    cluster_id = terminated_cluster(emr)
    assert_clean_error(cdk_emr("terminate", cluster_id, "--yes"), 1, f"cluster {cluster_id} is TERMINATED")


def test_status_shows_the_latest_key_metrics(emr: Any) -> None:
    """Metrics come from CloudWatch GetMetricData; the local AWS has none yet, so: no data."""
    cluster_id = run_cluster(emr)
    result = cdk_emr("status", cluster_id)
    assert result.exit_code == 0, result.output
    assert "metrics (last hour): IsIdle no data" in result.output
    data = json.loads(cdk_emr("status", cluster_id, "--json").output)
    assert set(data["metrics"]) >= {"IsIdle", "HDFSUtilization", "MRUnhealthyNodes"}
