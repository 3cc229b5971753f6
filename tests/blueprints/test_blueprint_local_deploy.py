"""Deploy every blueprint into the local AWS (moto ``mock_aws`` + cdk-emr's emulation) and read
it back through the service APIs.

moto keeps Kinesis streams (without their encryption settings), and the emulation adds the Glue
database, crawler and security configuration (:mod:`cdk_emr.local.glue_cloudformation`). Nothing
runs: steps complete by convention, so the ETL cluster ends ``TERMINATED`` once its step has.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from blueprint_helpers import SynthesizedBlueprints

from cdk_emr.local import emulated_aws
from cdk_emr.local.deploy import DeployedStack, deploy_stack
from stacks.blueprints import BLUEPRINTS

STACKS = [b.stack_name for b in BLUEPRINTS.values()]
MAX_DESCRIBES = 10


@dataclass(frozen=True)
class LocalBlueprints:
    """What the local AWS holds after deploying every blueprint."""

    stacks: dict[str, DeployedStack]
    clusters: dict[str, dict[str, Any]]
    etl_states: list[str]
    etl_steps: list[dict[str, Any]]
    databases: set[str]
    crawlers: list[dict[str, Any]]
    security_configurations: set[str]
    stream: dict[str, Any]


def _etl_life(emr: Any, cluster_id: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Describe the ETL cluster until it ends (each describe advances the emulation)."""
    states = []
    for _ in range(MAX_DESCRIBES):
        states.append(emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]["State"])
        if states[-1].startswith("TERMINATED"):
            break
    return states, emr.list_steps(ClusterId=cluster_id)["Steps"]


@pytest.fixture(scope="module")
def local(blueprints: SynthesizedBlueprints) -> Iterator[LocalBlueprints]:
    mp = pytest.MonkeyPatch()
    mp.delenv("AWS_ENDPOINT_URL", raising=False)  # every client must reach the in-process moto
    try:
        with emulated_aws() as session:
            deployed = {name: deploy_stack(blueprints.outdir, name, session=session) for name in STACKS}
            emr, glue = session.client("emr"), session.client("glue")
            clusters = {name: emr.describe_cluster(ClusterId=s.outputs["ClusterId"])["Cluster"] for name, s in deployed.items()}
            states, steps = _etl_life(emr, deployed["CdkEmr-Blueprint-SparkEtl"].outputs["ClusterId"])
            stream = session.client("kinesis").describe_stream_summary(
                StreamName=deployed["CdkEmr-Blueprint-Streaming"].outputs["StreamName"]
            )
            yield LocalBlueprints(
                stacks=deployed,
                clusters=clusters,
                etl_states=states,
                etl_steps=steps,
                databases={d["Name"] for d in glue.get_databases()["DatabaseList"]},
                crawlers=glue.get_crawlers()["Crawlers"],
                security_configurations={c["Name"] for c in glue.get_security_configurations()["SecurityConfigurations"]},
                stream=stream["StreamDescriptionSummary"],
            )
    finally:
        mp.undo()


def test_every_blueprint_deploys_with_its_outputs(local: LocalBlueprints) -> None:
    for name, stack in local.stacks.items():
        assert stack.status == "CREATE_COMPLETE", name
        assert stack.outputs["ClusterId"].startswith("j-")
        assert {"RawBucketName", "CuratedBucketName", "GlueDatabaseName", "LogUri"} <= set(stack.outputs)


def test_emr_sees_each_cluster_with_its_applications_and_kerberos(local: LocalBlueprints) -> None:
    expected = {
        "CdkEmr-Blueprint-SparkEtl": {"Hadoop", "Spark"},
        "CdkEmr-Blueprint-InteractiveAnalytics": {"Hadoop", "Spark", "Hive", "Trino", "Hue", "Livy"},
        "CdkEmr-Blueprint-Streaming": {"Hadoop", "Flink"},
        "CdkEmr-Blueprint-HBase": {"Hadoop", "HBase"},
        "CdkEmr-Blueprint-NotebooksMl": {"Hadoop", "Spark", "Livy"},
    }
    for name, cluster in local.clusters.items():
        assert {a["Name"] for a in cluster["Applications"]} == expected[name]
        assert cluster["KerberosAttributes"]["Realm"] == "EC2.INTERNAL"
        assert cluster["SecurityConfiguration"]


def test_the_hbase_cluster_carries_its_s3_storage_mode(local: LocalBlueprints) -> None:
    hbase = local.clusters["CdkEmr-Blueprint-HBase"]
    configs = {c["Classification"]: c.get("Properties", {}) for c in hbase["Configurations"]}
    assert configs["hbase"] == {"hbase.emr.storageMode": "s3"}
    curated = local.stacks["CdkEmr-Blueprint-HBase"].outputs["CuratedBucketName"]
    assert configs["hbase-site"] == {"hbase.rootdir": f"s3://{curated}/hbase/"}


def test_the_etl_cluster_runs_its_step_and_terminates(local: LocalBlueprints) -> None:
    assert local.etl_states[-1] == "TERMINATED"
    [step] = local.etl_steps
    assert step["Status"]["State"] == "COMPLETED"
    args = step["Config"]["Args"]
    raw = local.stacks["CdkEmr-Blueprint-SparkEtl"].outputs["RawBucketName"]
    assert args[args.index("--input") + 1] == f"s3://{raw}/events/"


def test_glue_holds_each_database_and_the_encrypted_crawler(local: LocalBlueprints) -> None:
    assert local.databases == {f"cdk_emr_{b.name.replace('-', '_')}" for b in BLUEPRINTS.values()}
    [crawler] = local.crawlers
    assert crawler["DatabaseName"] == "cdk_emr_interactive_analytics"
    assert crawler["Name"] == local.stacks["CdkEmr-Blueprint-InteractiveAnalytics"].outputs["CrawlerName"]
    assert crawler["CrawlerSecurityConfiguration"] in local.security_configurations
    raw = local.stacks["CdkEmr-Blueprint-InteractiveAnalytics"].outputs["RawBucketName"]
    assert crawler["Targets"]["S3Targets"] == [{"Path": f"s3://{raw}"}]


def test_the_kinesis_stream_exists_with_one_shard(local: LocalBlueprints) -> None:
    assert local.stream["StreamStatus"] == "ACTIVE"
    assert local.stream["OpenShardCount"] == 1


def test_local_demo_reports_a_transient_cluster_that_has_ended(blueprints) -> None:  # type: ignore[no-untyped-def]
    from cdk_emr.local.demo import run_demo

    lines: list[str] = []
    result = run_demo(blueprints.outdir, stack="CdkEmr-Blueprint-SparkEtl", deployer="boto3", say=lines.append)
    assert result.states == {"after deploy": "TERMINATED"}
    assert result.step_states == []
    assert any("a transient cluster that ran its steps" in line for line in lines)
