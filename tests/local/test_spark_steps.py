"""Steps that really run in the local AWS: Spark local mode on local-S3 data, with EMR's step logs.

One server and one cluster (step concurrency 3, keep-alive) for the module; each test adds its
steps and follows them through the EMR API, as a user would. Expected values come from hand
computation on the inputs written here and from EMR's documented log layout
(``<LogUri>/<cluster-id>/steps/<step-id>/{controller,stdout,stderr}.gz``, EMR Management
Guide, "View Amazon EMR log files").
"""

from __future__ import annotations

import gzip
import io
import json
import math
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdk_emr.facts.steps import COMMAND_RUNNER, hive_script, script_runner, spark_submit
from cdk_emr.local import LocalAws, lifecycle, uninstall
from cdk_emr.local.demo_data import find_etl_job, run_data_stage
from cdk_emr.local.spark_toolchain import find_spark_toolchain
from cdk_emr.local.step_commands import StepSettings

TOOLCHAIN = find_spark_toolchain()
pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),  # one worker runs the module: one server, each step once (make test: --dist loadscope)
    pytest.mark.skipif(TOOLCHAIN.toolchain is None, reason=f"steps cannot run for real: missing {'; '.join(TOOLCHAIN.missing)}"),
]

DATA = "spark-data"
LOGS = "spark-logs"
LOG_URI = f"s3://{LOGS}/elasticmapreduce/"
SPARK_DEFAULTS = {"spark.sql.shuffle.partitions": "2", "spark.sql.codegen.wholeStage": "false"}
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "INTERRUPTED"}
STEP_TIMEOUT = 240.0

# A job that reads CSV from S3 through Spark, uses a helper from --py-files, and writes JSON back.
WORD_JOB = b"""
import sys
from pyspark.sql import SparkSession
from wordhelper import shout

source, target = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("words").getOrCreate()
rows = spark.read.csv(source, header=True).collect()
total = sum(int(row["count"]) for row in rows)
spark.createDataFrame([(shout(row["word"]), int(row["count"])) for row in rows], "word string, count int") \\
    .coalesce(1).write.mode("overwrite").json(target)
print("total", total)
spark.stop()
"""
WORD_HELPER = b"def shout(word):\n    return word.upper() + '!'\n"
WORDS_CSV = b"word,count\napple,3\npear,4\nfig,5\n"
FAILING_JOB = b"import sys\nprint('about to fail')\nraise SystemExit('bad input: the partition column is missing')\n"
SLOW_JOB = b"import time\nprint('sleeping', flush=True)\ntime.sleep(600)\n"
HIVE_SCRIPT = b"""
CREATE TABLE fruit (name STRING, weight INT) USING parquet LOCATION 's3://spark-data/hive/fruit/';
INSERT INTO fruit VALUES ('apple', ${hivevar:APPLE}), ('pear', 7);
SELECT name, weight FROM fruit ORDER BY name;
"""
HIVE_SYNTAX_ERROR = b"SELEKT 1;\n"


def _wait(emr: Any, cluster_id: str, step_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        step = emr.describe_step(ClusterId=cluster_id, StepId=step_id)["Step"]
        if step["Status"]["State"] in TERMINAL:
            return step
        time.sleep(0.5)
    raise AssertionError(f"step {step_id} did not end in {STEP_TIMEOUT} s")


def _log(s3: Any, cluster_id: str, step_id: str, stream: str) -> str:
    key = f"elasticmapreduce/{cluster_id}/steps/{step_id}/{stream}.gz"
    return gzip.decompress(s3.get_object(Bucket=LOGS, Key=key)["Body"].read()).decode()


def _step(name: str, args: list[str], jar: str = COMMAND_RUNNER, action: str = "CONTINUE") -> dict[str, Any]:
    return {"Name": name, "ActionOnFailure": action, "HadoopJarStep": {"Jar": jar, "Args": args}}


@pytest.fixture(autouse=True)
def restore_moto() -> Iterator[None]:
    """The module shares one server: the emulation stays installed until the module ends."""
    yield


@pytest.fixture(scope="module")
def aws() -> Iterator[LocalAws]:
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.setenv(name, "testing")  # dummy credentials for the module's clients
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            env.delenv(name, raising=False)
        with LocalAws(time_scale=0.001, run_steps=True, step_settings=StepSettings(allow_scripts=True)) as server:
            yield server
    lifecycle.reset()
    uninstall()


@pytest.fixture(scope="module")
def cluster(aws: LocalAws) -> str:
    iam, s3 = aws.client("iam"), aws.client("s3")
    for role in ("EMR_DefaultRole", "EMR_EC2_DefaultRole"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="EMR_EC2_DefaultRole")
    for bucket in (DATA, LOGS):
        s3.create_bucket(Bucket=bucket)
    helper = io.BytesIO()
    with zipfile.ZipFile(helper, "w") as archive:
        archive.writestr("wordhelper.py", WORD_HELPER)
    for key, body in {
        "jobs/words.py": WORD_JOB,
        "jobs/deps.zip": helper.getvalue(),
        "jobs/fail_later.py": FAILING_JOB,
        "jobs/slow.py": SLOW_JOB,
        "jobs/fruit.q": HIVE_SCRIPT,
        "jobs/broken.q": HIVE_SYNTAX_ERROR,
        "input/words.csv": WORDS_CSV,
        "output/words/stale.json": b"{}",
        "scripts/hello.sh": b'#!/bin/sh\necho "hello $1 from $(basename "$PWD")"\n',
    }.items():
        s3.put_object(Bucket=DATA, Key=key, Body=body)
    emr = aws.client("emr")
    return emr.run_job_flow(
        Name="spark-steps",
        ReleaseLabel="emr-7.1.0",
        LogUri=LOG_URI,
        Applications=[{"Name": "Spark"}, {"Name": "Hive"}],
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
        StepConcurrencyLevel=3,
        # tiny data: few shuffle partitions and no code generation keep each job's CPU low
        Configurations=[{"Classification": "spark-defaults", "Properties": SPARK_DEFAULTS}],
        Instances={
            "KeepJobFlowAliveWhenNoSteps": True,
            "InstanceGroups": [{"InstanceRole": "MASTER", "InstanceType": "m5.xlarge", "InstanceCount": 1}],
        },
    )["JobFlowId"]


@pytest.fixture(scope="module")
def ran(aws: LocalAws, cluster: str) -> dict[str, dict[str, Any]]:
    """Add every step at once (three run at a time, as the cluster allows) and wait for them."""
    emr = aws.client("emr")
    steps = {
        "words": _step(
            "PySpark with --py-files",
            spark_submit(
                f"s3://{DATA}/jobs/words.py",
                [f"s3://{DATA}/input/", f"s3://{DATA}/output/words/"],
                submit_args=["--py-files", f"s3://{DATA}/jobs/deps.zip", "--conf", "spark.sql.files.maxPartitionBytes=1m"],
            ),
        ),
        "failing": _step("Failing PySpark", spark_submit(f"s3://{DATA}/jobs/fail_later.py")),
        "missing": _step("Missing script", spark_submit(f"s3://{DATA}/jobs/nowhere.py")),
        "malformed": _step("Malformed", ["spark-submit", "--deploy-mode", "cluster", "--conf"]),
        "hive": _step("Hive via Spark SQL", hive_script(f"s3://{DATA}/jobs/fruit.q", {"APPLE": "3"})),
        "script": _step("Script", [f"s3://{DATA}/scripts/hello.sh", "world"], jar=script_runner(aws.region_name)),
        "pi": _step("SparkPi", ["spark-example", "SparkPi", "4"]),
    }
    ids = dict(zip(steps, emr.add_job_flow_steps(JobFlowId=cluster, Steps=list(steps.values()))["StepIds"], strict=True))
    return {name: _wait(emr, cluster, step_id) for name, step_id in ids.items()}


def test_pyspark_step_reads_and_writes_the_local_s3(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    step = ran["words"]
    assert step["Status"]["State"] == "COMPLETED", step["Status"]
    s3 = aws.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=DATA, Prefix="output/words/")["Contents"]]
    assert "output/words/stale.json" not in keys  # mode("overwrite") replaced the folder, as on S3
    assert "output/words/_SUCCESS" in keys
    assert not [k for k in keys if k.endswith(".crc") or "_temporary" in k]
    [part] = [k for k in keys if k.endswith(".json")]
    rows = [json.loads(line) for line in s3.get_object(Bucket=DATA, Key=part)["Body"].read().decode().splitlines()]
    assert sorted((r["word"], r["count"]) for r in rows) == [("APPLE!", 3), ("FIG!", 5), ("PEAR!", 4)]
    assert "total 12\n" in _log(s3, cluster, step["Id"], "stdout")  # 3 + 4 + 5
    controller = _log(s3, cluster, step["Id"], "controller")
    assert "spark-submit --deploy-mode cluster --py-files" in controller
    assert "--conf spark.sql.codegen.wholeStage=false" in controller  # the cluster's spark-defaults
    assert "Step succeeded with exitCode 0" in controller


def test_failing_step_reason_is_the_last_stderr_line(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    step = ran["failing"]
    assert step["Status"]["State"] == "FAILED"
    details = step["Status"]["FailureDetails"]
    assert details["Reason"] == "bad input: the partition column is missing"
    assert details["LogFile"] == f"{LOG_URI}{cluster}/steps/{step['Id']}/stderr.gz"
    s3 = aws.client("s3")
    # Spark's PythonRunner merges the Python driver's stderr into the step's stdout
    assert _log(s3, cluster, step["Id"], "stdout").endswith("about to fail\nbad input: the partition column is missing\n")
    assert "SparkContext" not in _log(s3, cluster, step["Id"], "stderr")  # it failed before starting Spark
    assert "Step failed with exitCode 1" in _log(s3, cluster, step["Id"], "controller")


def test_missing_script_fails_with_spark_s_own_error(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    step = ran["missing"]
    reason = step["Status"]["FailureDetails"]["Reason"]
    expected = 'Exception in thread "main" java.io.FileNotFoundException: File s3://spark-data/jobs/nowhere.py does not exist'
    assert reason == expected
    assert expected in _log(aws.client("s3"), cluster, step["Id"], "stderr")


def test_malformed_spark_submit_fails_without_running(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    step = ran["malformed"]
    assert step["Status"]["State"] == "FAILED"
    assert step["Status"]["FailureDetails"]["Reason"] == "spark-submit: option --conf needs a value"
    assert _log(aws.client("s3"), cluster, step["Id"], "stderr") == "spark-submit: option --conf needs a value\n"


def test_hive_script_runs_through_spark_sql(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    step = ran["hive"]
    assert step["Status"]["State"] == "COMPLETED", step["Status"]
    stdout = _log(aws.client("s3"), cluster, step["Id"], "stdout")
    assert stdout.split("\n")[:2] == ["apple\t3", "pear\t7"]  # ${hivevar:APPLE} = 3 from -d APPLE=3
    keys = [o["Key"] for o in aws.client("s3").list_objects_v2(Bucket=DATA, Prefix="hive/fruit/")["Contents"]]
    assert any(k.endswith(".parquet") for k in keys)


def test_spark_pi_computes_pi(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    step = ran["pi"]
    assert step["Status"]["State"] == "COMPLETED", step["Status"]
    [line] = [x for x in _log(aws.client("s3"), cluster, step["Id"], "stdout").splitlines() if x.startswith("Pi is roughly ")]
    # 400,000 random points: the estimate's standard deviation is about 0.0026
    assert abs(float(line.removeprefix("Pi is roughly ")) - math.pi) < 0.03


def test_script_runner_runs_the_script_in_its_own_directory(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    step = ran["script"]
    assert step["Status"]["State"] == "COMPLETED", step["Status"]
    assert _log(aws.client("s3"), cluster, step["Id"], "stdout") == f"hello world from {step['Id']}\n"


def test_hive_syntax_error_and_cancel(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    emr, s3 = aws.client("emr"), aws.client("s3")
    slow_id, broken_id = emr.add_job_flow_steps(
        JobFlowId=cluster,
        Steps=[
            _step("Slow", spark_submit(f"s3://{DATA}/jobs/slow.py")),
            _step("Hive syntax error", hive_script(f"s3://{DATA}/jobs/broken.q")),
        ],
    )["StepIds"]
    deadline = time.monotonic() + STEP_TIMEOUT
    while "sleeping" not in _try_stdout_of_running(aws, cluster, slow_id) and time.monotonic() < deadline:
        time.sleep(0.5)
    emr.cancel_steps(ClusterId=cluster, StepIds=[slow_id])
    slow = _wait(emr, cluster, slow_id)
    assert slow["Status"]["State"] == "CANCELLED"
    deadline = time.monotonic() + 90  # the killed JVM runs its shutdown hooks, then the logs are written
    while "Step cancelled" not in _maybe_log(s3, cluster, slow_id, "controller") and time.monotonic() < deadline:
        time.sleep(0.5)
    _assert_job_gone(_maybe_log(s3, cluster, slow_id, "controller"))
    broken = _wait(emr, cluster, broken_id)
    assert broken["Status"]["State"] == "FAILED"
    assert (
        "SELEKT" in broken["Status"]["FailureDetails"]["Reason"]
        or "PARSE_SYNTAX_ERROR" in broken["Status"]["FailureDetails"]["Reason"]
    )
    assert "SELEKT" in _log(s3, cluster, broken_id, "stderr")
    assert emr.describe_cluster(ClusterId=cluster)["Cluster"]["Status"]["State"] in ("RUNNING", "WAITING")


def test_the_demo_s_data_stage_runs_the_spark_etl_blueprint_job(aws: LocalAws, cluster: str, ran: dict[str, Any]) -> None:
    job = find_etl_job(Path(__file__))
    assert job is not None
    result = run_data_stage(aws, cluster, DATA, LOG_URI, job, say=lambda _: None)
    assert result.step_state == "COMPLETED"
    # by hand from RAW_EVENTS: e3 twice (kept once), e6 without a timestamp and the malformed line dropped
    assert result.rows_per_day == {"2026-07-20": 2, "2026-07-21": 2, "2026-07-22": 1}
    assert [(r["event_id"], r["event_type"], r["amount"]) for r in result.rows] == [
        ("e1", "click", 12.5),
        ("e2", "view", None),
        ("e3", "purchase", 99.0),
        ("e4", "unknown", None),
        ("e5", "click", None),
    ]


def test_terminating_the_cluster_kills_its_running_job(aws: LocalAws, cluster: str) -> None:
    emr, s3 = aws.client("emr"), aws.client("s3")
    [slow_id] = emr.add_job_flow_steps(JobFlowId=cluster, Steps=[_step("Slow", spark_submit(f"s3://{DATA}/jobs/slow.py"))])[
        "StepIds"
    ]
    deadline = time.monotonic() + STEP_TIMEOUT
    while "sleeping" not in _try_stdout_of_running(aws, cluster, slow_id) and time.monotonic() < deadline:
        time.sleep(0.5)
    emr.terminate_job_flows(JobFlowIds=[cluster])
    assert emr.describe_step(ClusterId=cluster, StepId=slow_id)["Step"]["Status"]["State"] == "CANCELLED"
    deadline = time.monotonic() + 90  # the killed JVM runs its shutdown hooks, then the logs are written
    while "Step cancelled" not in _maybe_log(s3, cluster, slow_id, "controller") and time.monotonic() < deadline:
        time.sleep(0.5)
    _assert_job_gone(_maybe_log(s3, cluster, slow_id, "controller"))


def _assert_job_gone(controller: str) -> None:
    """The controller log shows a started process that was killed, and no process of its group is left."""
    assert "Step cancelled" in controller
    [pid] = [int(line.rsplit(" ", 1)[1]) for line in controller.splitlines() if "started child process" in line]
    deadline = time.monotonic() + 30
    while _live_processes_of_group(pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _live_processes_of_group(pid) == []  # the JVM and its Python driver are gone


def _live_processes_of_group(group: int) -> list[int]:
    """Processes of a process group that are not zombies (/proc/PID/stat: state, ppid, pgrp after the name)."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            live.append(int(stat.parent.name))
    return live


def _maybe_log(s3: Any, cluster_id: str, step_id: str, stream: str) -> str:
    try:
        return _log(s3, cluster_id, step_id, stream)
    except Exception:  # noqa: BLE001 - not written yet
        return ""


def _try_stdout_of_running(aws: LocalAws, cluster_id: str, step_id: str) -> str:
    """The running step's stdout file on this machine (the S3 copy comes at its end)."""
    runner = aws.step_runner
    path = runner.workdir / cluster_id / "steps" / step_id / "stdout"
    return path.read_text() if path.exists() else ""
