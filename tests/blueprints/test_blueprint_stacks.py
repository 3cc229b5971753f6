"""Each blueprint's distinguishing resources and configurations, and the nag packs on all of them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from blueprint_helpers import REPO, SynthesizedBlueprints

from stacks.blueprints import BLUEPRINTS
from stacks.blueprints.notebooks_ml import ML_PACKAGES

SPARK_ETL = "CdkEmr-Blueprint-SparkEtl"
INTERACTIVE = "CdkEmr-Blueprint-InteractiveAnalytics"
STREAMING = "CdkEmr-Blueprint-Streaming"
HBASE = "CdkEmr-Blueprint-HBase"
NOTEBOOKS = "CdkEmr-Blueprint-NotebooksMl"
ALL = [b.stack_name for b in BLUEPRINTS.values()]


def configurations(cluster: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The cluster's configuration properties by classification."""
    return {c["Classification"]: c.get("ConfigurationProperties", {}) for c in cluster.get("Configurations", [])}


def applications(cluster: dict[str, Any]) -> set[str]:
    return {a["Name"] for a in cluster["Applications"]}


def s3_uri(bucket_logical_id_prefix: str, template: dict[str, Any], key: str) -> dict[str, Any]:
    """``s3://<bucket>/<key>`` as the template writes it, for the bucket whose id starts with the prefix."""
    [logical_id] = [
        k for k, v in template["Resources"].items() if k.startswith(bucket_logical_id_prefix) and v["Type"] == "AWS::S3::Bucket"
    ]
    return {"Fn::Join": ["", ["s3://", {"Ref": logical_id}, f"/{key}"]]}


# ----- all blueprints -------------------------------------------------------------------------


def test_every_blueprint_passes_the_three_nag_packs(blueprints: SynthesizedBlueprints) -> None:
    reports = blueprints.nag_reports()
    assert {"AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"} <= {r["pluginName"] for r in reports}
    by_stack = {
        stack: [
            v["ruleName"]
            for r in reports
            for v in r["violations"]
            if any(c["constructPath"].startswith(f"{stack}/") for c in v["violatingConstructs"])
        ]
        for stack in ALL
    }
    assert by_stack == {stack: [] for stack in ALL}
    assert all(r["violations"] == [] for r in reports)


@pytest.mark.parametrize("stack", ALL)
def test_every_blueprint_cluster_is_kerberized_encrypted_and_tagged(blueprints: SynthesizedBlueprints, stack: str) -> None:
    cluster = blueprints.cluster(stack)
    assert cluster["KerberosAttributes"]["Realm"] == "EC2.INTERNAL"
    assert cluster["ReleaseLabel"] == "emr-7.14.0"
    assert {"Key": "cdk-emr:blueprint", "Value": BLUEPRINTS_BY_STACK[stack]} in cluster["Tags"]
    [configuration] = blueprints.resources(stack, "AWS::EMR::SecurityConfiguration").values()
    encryption = configuration["Properties"]["SecurityConfiguration"]["EncryptionConfiguration"]
    assert encryption["EnableAtRestEncryption"] is True and encryption["EnableInTransitEncryption"] is True
    assert len(blueprints.resources(stack, "AWS::Glue::Database")) == 1


BLUEPRINTS_BY_STACK = {b.stack_name: b.name for b in BLUEPRINTS.values()}


# ----- 1. Spark ETL ---------------------------------------------------------------------------


def test_spark_etl_runs_its_step_and_terminates(blueprints: SynthesizedBlueprints) -> None:
    template = blueprints.template(SPARK_ETL)
    cluster = blueprints.cluster(SPARK_ETL)
    assert cluster["Instances"]["KeepJobFlowAliveWhenNoSteps"] is False
    [step] = cluster["Steps"]
    assert step["ActionOnFailure"] == "TERMINATE_CLUSTER"
    args = step["HadoopJarStep"]["Args"]
    assert step["HadoopJarStep"]["Jar"] == "command-runner.jar"
    assert args[:3] == ["spark-submit", "--deploy-mode", "cluster"]
    assert args[3].startswith("s3://cdk-hnb659fds-assets-123456789012-us-east-1/") and args[3].endswith(".py")
    assert args[4:] == [
        "--input",
        s3_uri("DataLakeRaw", template, "events/"),
        "--output",
        s3_uri("DataLakeCurated", template, "events/"),
        "--database",
        "cdk_emr_spark_etl",
        "--table",
        "events",
    ]
    assert configurations(cluster)["spark-hive-site"]["hive.metastore.client.factory.class"].endswith(
        "AWSGlueDataCatalogHiveClientFactory"
    )


def test_spark_etl_ships_the_job_as_an_asset(blueprints: SynthesizedBlueprints) -> None:
    [step] = blueprints.cluster(SPARK_ETL)["Steps"]
    asset = step["HadoopJarStep"]["Args"][3].rsplit("/", 1)[1]
    assert (blueprints.outdir / f"asset.{asset}").read_bytes() == (REPO / "jobs" / "spark_etl" / "etl.py").read_bytes()


# ----- 2. Interactive analytics ----------------------------------------------------------------


def test_interactive_analytics_shares_the_glue_catalog_between_trino_hive_and_spark(blueprints: SynthesizedBlueprints) -> None:
    cluster = blueprints.cluster(INTERACTIVE)
    assert applications(cluster) == {"Hadoop", "Spark", "Hive", "Trino", "Hue", "Livy"}
    configs = configurations(cluster)
    assert configs["trino-connector-hive"] == {"hive.metastore": "glue"}
    for classification in ("hive-site", "spark-hive-site"):
        assert configs[classification]["hive.metastore.client.factory.class"].endswith("AWSGlueDataCatalogHiveClientFactory")


def test_interactive_analytics_scales_and_terminates_when_idle(blueprints: SynthesizedBlueprints) -> None:
    cluster = blueprints.cluster(INTERACTIVE)
    assert cluster["ManagedScalingPolicy"]["ComputeLimits"] == {
        "UnitType": "InstanceFleetUnits",
        "MinimumCapacityUnits": 4,
        "MaximumCapacityUnits": 20,
        "MaximumOnDemandCapacityUnits": 3,
        "MaximumCoreCapacityUnits": 2,
    }
    assert cluster["AutoTerminationPolicy"] == {"IdleTimeout": 7200}
    assert cluster["Instances"]["TaskInstanceFleets"][0]["TargetSpotCapacity"] == 2


def test_interactive_analytics_keeps_the_trino_idleness_warning(blueprints: SynthesizedBlueprints) -> None:
    metadata = json.loads((blueprints.outdir / f"{INTERACTIVE}.metadata.json").read_text())
    warnings = [e["data"] for e in metadata.get(f"/{INTERACTIVE}/Cluster", []) if e["type"] == "aws:cdk:warning"]
    assert any("Trino outside YARN" in str(w) for w in warnings)


def test_interactive_analytics_crawls_raw_with_an_encrypting_security_configuration(blueprints: SynthesizedBlueprints) -> None:
    template = blueprints.template(INTERACTIVE)
    [crawler] = blueprints.resources(INTERACTIVE, "AWS::Glue::Crawler").values()
    [security] = blueprints.resources(INTERACTIVE, "AWS::Glue::SecurityConfiguration").values()
    props = crawler["Properties"]
    assert props["DatabaseName"] == "cdk_emr_interactive_analytics"
    assert props["TablePrefix"] == "raw_"
    assert props["CrawlerSecurityConfiguration"] == security["Properties"]["Name"]
    [raw] = [k for k, v in template["Resources"].items() if k.startswith("DataLakeRaw") and v["Type"] == "AWS::S3::Bucket"]
    assert props["Targets"] == {"S3Targets": [{"Path": {"Fn::Join": ["", ["s3://", {"Ref": raw}]]}}]}
    encryption = security["Properties"]["EncryptionConfiguration"]
    assert encryption["CloudWatchEncryption"]["CloudWatchEncryptionMode"] == "SSE-KMS"
    assert encryption["JobBookmarksEncryption"]["JobBookmarksEncryptionMode"] == "CSE-KMS"
    assert encryption["S3Encryptions"][0]["S3EncryptionMode"] == "SSE-KMS"


# ----- 3. Streaming ---------------------------------------------------------------------------


def test_streaming_reads_an_encrypted_kinesis_stream(blueprints: SynthesizedBlueprints) -> None:
    [stream] = blueprints.resources(STREAMING, "AWS::Kinesis::Stream").values()
    [key] = [k for k in blueprints.resources(STREAMING, "AWS::KMS::Key") if k.startswith("Key")]  # the stack's key
    assert stream["Properties"]["StreamEncryption"] == {"EncryptionType": "KMS", "KeyId": {"Fn::GetAtt": [key, "Arn"]}}
    assert stream["Properties"]["ShardCount"] == 1


def test_streaming_runs_flink_with_checkpoints_in_s3_and_never_auto_terminates(blueprints: SynthesizedBlueprints) -> None:
    template = blueprints.template(STREAMING)
    cluster = blueprints.cluster(STREAMING)
    assert applications(cluster) == {"Hadoop", "Flink"}
    flink = configurations(cluster)["flink-conf"]
    assert flink["state.checkpoints.dir"] == s3_uri("DataLakeCurated", template, "checkpoints/")
    assert flink["state.savepoints.dir"] == s3_uri("DataLakeCurated", template, "savepoints/")
    assert flink["state.backend.type"] == "rocksdb"
    assert flink["execution.checkpointing.interval"] == "60s"
    assert "AutoTerminationPolicy" not in cluster
    [step] = cluster["Steps"]
    assert step["HadoopJarStep"]["Args"] == ["flink-yarn-session", "-d"]


def test_streaming_and_hbase_alarm_on_an_idle_cluster(blueprints: SynthesizedBlueprints) -> None:
    for stack in (STREAMING, HBASE):
        alarms = blueprints.resources(stack, "AWS::CloudWatch::Alarm").values()
        assert "IsIdle" in {a["Properties"]["MetricName"] for a in alarms}


# ----- 4. HBase on S3 -------------------------------------------------------------------------


def test_hbase_keeps_its_root_directory_in_s3(blueprints: SynthesizedBlueprints) -> None:
    template = blueprints.template(HBASE)
    cluster = blueprints.cluster(HBASE)
    assert applications(cluster) == {"Hadoop", "HBase"}
    configs = configurations(cluster)
    assert configs["hbase"] == {"hbase.emr.storageMode": "s3"}
    assert configs["hbase-site"] == {"hbase.rootdir": s3_uri("DataLakeCurated", template, "hbase/")}
    assert "AutoTerminationPolicy" not in cluster
    assert "ManagedScalingPolicy" not in cluster


# ----- 5. Notebooks and ML ---------------------------------------------------------------------


def test_notebooks_ml_installs_pinned_python_packages_on_every_node(blueprints: SynthesizedBlueprints) -> None:
    cluster = blueprints.cluster(NOTEBOOKS)
    assert applications(cluster) == {"Hadoop", "Spark", "Livy"}
    [action] = cluster["BootstrapActions"]
    script = action["ScriptBootstrapAction"]
    assert script["Path"].endswith(".sh")
    assert script["Args"] == list(ML_PACKAGES)
    assert all("==" in package for package in ML_PACKAGES)
    asset = script["Path"].rsplit("/", 1)[1]
    assert (blueprints.outdir / f"asset.{asset}").read_bytes() == (
        REPO / "bootstrap_actions" / "install-python-packages.sh"
    ).read_bytes()


def test_notebooks_ml_keeps_livy_sessions_in_cluster_mode(blueprints: SynthesizedBlueprints) -> None:
    cluster = blueprints.cluster(NOTEBOOKS)
    assert configurations(cluster)["livy-conf"] == {"livy.server.session.timeout": "6h", "livy.spark.deploy-mode": "cluster"}
    assert cluster["AutoTerminationPolicy"] == {"IdleTimeout": 3600}
    assert cluster["ManagedScalingPolicy"]["ComputeLimits"]["MaximumCapacityUnits"] == 10


@pytest.mark.parametrize("stack", ALL)
def test_cfn_lint_is_clean(blueprints: SynthesizedBlueprints, stack: str) -> None:
    from cfnlint.api import ManualArgs, lint_file

    ignored = ["W3010", "W3005"]  # explicit-environment AZ names; aws-cdk-lib's redundant DependsOn (see tests/compliance)
    matches = lint_file(
        blueprints.outdir / f"{stack}.template.json", config=ManualArgs(regions=["us-east-1"], ignore_checks=ignored)
    )
    assert [str(m) for m in matches] == []
