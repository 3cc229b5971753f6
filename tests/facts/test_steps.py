"""Step shapes, from AWS's documentation (EMR Management Guide and Release Guide examples)."""

from __future__ import annotations

from cdk_emr.facts import steps


def test_spark_submit_as_the_release_guide_writes_it() -> None:
    # "Add a Spark step": spark-submit --deploy-mode cluster ... s3://.../script.py args
    assert steps.spark_submit("s3://my-bucket/wordcount.py", ["s3://in/", "s3://out/"], submit_args=["--num-executors", "2"]) == [
        "spark-submit",
        "--deploy-mode",
        "cluster",
        "--num-executors",
        "2",
        "s3://my-bucket/wordcount.py",
        "s3://in/",
        "s3://out/",
    ]


def test_hive_script_with_variables() -> None:
    assert steps.hive_script("s3://my-bucket/q.sql", {"INPUT": "s3://in/"}) == [
        "hive-script",
        "--run-hive-script",
        "--args",
        "-f",
        "s3://my-bucket/q.sql",
        "-d",
        "INPUT=s3://in/",
    ]


def test_script_runner_of_a_region() -> None:
    # "Run commands and scripts on an Amazon EMR cluster": s3://<region>.elasticmapreduce/libs/script-runner/script-runner.jar
    assert steps.script_runner("eu-west-1") == "s3://eu-west-1.elasticmapreduce/libs/script-runner/script-runner.jar"
