"""What the local AWS runs for a step, EMR's step-log layout, and steps without Java or pyspark.

No Spark runs here. Step shapes come from :mod:`cdk_emr.facts.steps` (the documented examples);
the log layout from the EMR Management Guide, "View Amazon EMR log files":
``<LogUri>/<cluster-id>/steps/<step-id>/{controller,stderr,stdout}.gz``.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdk_emr.facts.steps import StepArgumentError, hive_script, script_runner, spark_submit, split_spark_submit
from cdk_emr.local import LocalAws, lifecycle
from cdk_emr.local.s3_staging import s3_locations
from cdk_emr.local.spark_toolchain import SparkToolchain
from cdk_emr.local.step_commands import LocalCommand, NotRun, StepSettings, plan_step, spark_defaults
from cdk_emr.local.step_logs import failure_line, step_log_location

TOOLCHAIN = SparkToolchain(Path("/opt/java"), 17, Path("/opt/spark"), "3.5.8", "/usr/bin/python3")
SETTINGS = StepSettings(driver_memory="1g")


def test_spark_submit_arguments_split_at_the_application() -> None:
    args = spark_submit(
        "s3://b/job.py", ["--input", "s3://b/in/"], submit_args=["--conf", "a=b", "--verbose", "--py-files=s3://b/d.zip"]
    )
    options, application, app_args = split_spark_submit(args[1:])
    assert options == [("--deploy-mode", "cluster"), ("--conf", "a=b"), ("--verbose", None), ("--py-files", "s3://b/d.zip")]
    assert (application, app_args) == ("s3://b/job.py", ["--input", "s3://b/in/"])
    with pytest.raises(StepArgumentError, match="--conf needs a value"):
        split_spark_submit(["--conf"])
    with pytest.raises(StepArgumentError, match="no application"):
        split_spark_submit(["--deploy-mode", "cluster"])


def test_spark_submit_runs_in_local_client_mode_with_the_server_s_driver_memory() -> None:
    args = spark_submit(
        "s3://jobs-bucket/job.py", ["--out", "s3://data-bucket/out/"], submit_args=["--master", "yarn", "--driver-memory", "8g"]
    )
    plan = plan_step("command-runner.jar", args, settings=SETTINGS, toolchain=TOOLCHAIN)
    assert isinstance(plan, LocalCommand) and plan.kind == "spark"
    assert plan.head == ["/opt/spark/bin/spark-submit", "--master", "local[*]", "--driver-memory", "1g"]
    assert plan.tail == [
        "s3://jobs-bucket/job.py",
        "--out",
        "s3://data-bucket/out/",
    ]  # --deploy-mode, --master, --driver-memory replaced
    assert plan.stage == [("jobs-bucket", "job.py"), ("data-bucket", "out/")]


def test_hive_script_runs_with_spark_sql() -> None:
    plan = plan_step("command-runner.jar", hive_script("s3://b/q.sql", {"D": "1"}), settings=SETTINGS, toolchain=TOOLCHAIN)
    assert isinstance(plan, LocalCommand)
    assert plan.head == ["/opt/spark/bin/spark-sql"] and plan.tail == ["-f", "s3://b/q.sql", "-d", "D=1"]
    broken = plan_step(
        "command-runner.jar", ["hive-script", "--args", "-f", "s3://b/q.sql"], settings=SETTINGS, toolchain=TOOLCHAIN
    )
    assert isinstance(broken, NotRun) and broken.fail


def test_scripts_and_other_commands_run_only_when_allowed() -> None:
    jar = script_runner("eu-west-1")
    assert isinstance(plan_step(jar, ["s3://b/x.sh"], settings=SETTINGS, toolchain=TOOLCHAIN), NotRun)
    allowed = StepSettings(allow_scripts=True)
    plan = plan_step(jar, ["s3://ops-bucket/setup/x.sh", "a"], settings=allowed, toolchain=None)
    assert isinstance(plan, LocalCommand) and plan.script == ("ops-bucket", "setup/x.sh") and plan.head == ["./x.sh", "a"]
    assert isinstance(plan_step("command-runner.jar", ["bash", "-c", "true"], settings=SETTINGS, toolchain=TOOLCHAIN), NotRun)
    assert isinstance(plan_step("s3://b/custom.jar", [], settings=SETTINGS, toolchain=TOOLCHAIN), NotRun)


def test_spark_steps_are_emulated_without_the_toolchain_and_say_what_is_missing() -> None:
    plan = plan_step("command-runner.jar", ["spark-example", "SparkPi"], settings=SETTINGS, toolchain=None, missing=["Java 17"])
    assert plan == NotRun("spark-example is emulated: missing Java 17")


def test_only_spark_pi_of_the_examples_runs() -> None:
    plan = plan_step("command-runner.jar", ["spark-example", "SparkLR"], settings=SETTINGS, toolchain=TOOLCHAIN)
    assert isinstance(plan, NotRun) and plan.fail and "only SparkPi" in plan.reason


def test_the_release_guide_s_spark_pi_step_runs_the_pyspark_port() -> None:
    """EMR Release Guide, "Add a Spark step": `aws emr add-steps ... Type=Spark,...,Args=[--class,
    org.apache.spark.examples.SparkPi,/usr/lib/spark/examples/jars/spark-examples.jar,10]`, which the
    AWS CLI sends as command-runner.jar spark-submit ARGS (awscli/customizations/emr/steputils.py;
    here with the guide's other options, --executor-memory 1g and a deploy mode; its older revision:
    /usr/lib/spark/lib/spark-examples.jar)."""
    for jar in ("/usr/lib/spark/examples/jars/spark-examples.jar", "/usr/lib/spark/lib/spark-examples.jar"):
        args = ["spark-submit", "--deploy-mode", "cluster", "--executor-memory", "1g"]
        plan = plan_step(
            "command-runner.jar",
            [*args, "--class", "org.apache.spark.examples.SparkPi", jar, "10"],
            settings=SETTINGS,
            toolchain=TOOLCHAIN,
        )
        assert isinstance(plan, LocalCommand)
        assert plan.tail[-2].endswith("spark_pi.py") and plan.tail[-1] == "10"
        assert "--class" not in plan.tail and "--deploy-mode" not in plan.tail
        assert plan.tail[:2] == ["--executor-memory", "1g"]
    other = plan_step(
        "command-runner.jar",
        ["spark-submit", "--class", "org.apache.spark.examples.SparkLR", "/usr/lib/spark/examples/jars/spark-examples.jar"],
        settings=SETTINGS,
        toolchain=TOOLCHAIN,
    )
    assert isinstance(other, NotRun) and other.fail and "only SparkPi" in other.reason


def test_spark_defaults_come_from_the_cluster_configuration() -> None:
    configurations = [
        {"Classification": "spark-defaults", "Properties": {"spark.sql.adaptive.enabled": "true"}},
        {"Classification": "spark-hive-site", "Properties": {"hive.metastore.client.factory.class": "x"}},
    ]
    assert spark_defaults(configurations) == {"spark.sql.adaptive.enabled": "true"}


def test_s3_locations_in_arguments() -> None:
    # bucket names have 3 to 63 characters (S3 User Guide, "Bucket naming rules")
    assert s3_locations(
        ["--input", "s3://raw/events/", "--x=s3a://my.bucket/k.csv,s3n://other", "s3://raw/events/", "s3://b/"]
    ) == [
        ("raw", "events/"),
        ("my.bucket", "k.csv"),
        ("other", ""),
    ]


def test_step_log_layout() -> None:
    assert step_log_location("s3n://logs/elasticmapreduce/", "j-1", "s-2", "stderr") == (
        "logs",
        "elasticmapreduce/j-1/steps/s-2/stderr.gz",
    )
    assert step_log_location("s3://logs", "j-1", "s-2", "controller") == ("logs", "j-1/steps/s-2/controller.gz")


def test_failure_line_skips_spark_s_log_lines_and_stack_frames(tmp_path: Path) -> None:
    stderr, stdout = tmp_path / "stderr", tmp_path / "stdout"
    stderr.write_text(
        "26/12/03 12:49:41 INFO SparkContext: Running Spark version 3.5.8\n"
        'Exception in thread "main" java.io.FileNotFoundException: File s3://b/x.py does not exist\n'
        "\tat org.apache.spark.deploy.SparkSubmit.main(SparkSubmit.scala)\n"
        "26/12/03 12:49:42 INFO ShutdownHookManager: Shutdown hook called\n"
    )
    assert (
        failure_line(stderr, stdout)
        == 'Exception in thread "main" java.io.FileNotFoundException: File s3://b/x.py does not exist'
    )
    stderr.write_text("26/12/03 12:49:42 INFO ShutdownHookManager: Shutdown hook called\n")
    stdout.write_text("Traceback (most recent call last):\nValueError: no rows\n")
    assert failure_line(stderr, stdout) == "ValueError: no rows"


@pytest.fixture
def server_without_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LocalAws]:
    """A server started where no java can be found."""
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with LocalAws(time_scale=0.001, run_steps=True) as aws:
        yield aws
    lifecycle.reset()


def test_without_java_steps_are_emulated_with_a_controller_log(server_without_java: LocalAws) -> None:
    aws = server_without_java
    assert aws.step_execution.startswith("Steps are EMULATED") and "Java" in aws.step_execution
    iam, s3, emr = aws.client("iam"), aws.client("s3"), aws.client("emr")
    for role in ("EMR_DefaultRole", "EMR_EC2_DefaultRole"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="EMR_EC2_DefaultRole")
    s3.create_bucket(Bucket="logs")
    cluster_id = emr.run_job_flow(
        Name="emulated",
        ReleaseLabel="emr-7.1.0",
        LogUri="s3://logs/emr/",
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
        Instances={
            "KeepJobFlowAliveWhenNoSteps": True,
            "InstanceGroups": [{"InstanceRole": "MASTER", "InstanceType": "m5.xlarge", "InstanceCount": 1}],
        },
        Steps=[
            {
                "Name": "pi",
                "ActionOnFailure": "CONTINUE",
                "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-example", "SparkPi"]},
            }
        ],
    )["JobFlowId"]
    [step] = emr.list_steps(ClusterId=cluster_id)["Steps"]
    deadline = time.monotonic() + 30
    while emr.describe_step(ClusterId=cluster_id, StepId=step["Id"])["Step"]["Status"]["State"] != "COMPLETED":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    body: Any = s3.get_object(Bucket="logs", Key=f"emr/{cluster_id}/steps/{step['Id']}/controller.gz")["Body"].read()
    controller = gzip.decompress(body).decode()
    assert "spark-example is emulated: missing" in controller and "Java" in controller


def test_serve_refuses_a_driver_memory_the_jvm_would_not_take() -> None:
    from click.testing import CliRunner

    from cdk_emr.cli import main

    result = CliRunner().invoke(main, ["local", "serve", "--driver-memory", "lots"])
    assert result.exit_code == 2 and "a JVM memory size such as 512m or 2g" in result.output
