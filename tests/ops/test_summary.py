"""``cdk-emr summary`` on the synthesized app, and the package's import boundaries."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from cdk_emr.cli import main
from cdk_emr.ops.summary import summarize


def test_summary_reads_clusters_from_cdk_out(prod_app) -> None:  # type: ignore[no-untyped-def]
    kdc, stack = summarize(prod_app.outdir)
    assert (kdc.name, stack.name) == ("CdkEmr-prod-kdc", "CdkEmr-prod")
    assert kdc.clusters == ()  # the KDC stack runs EC2 KDC servers, no EMR cluster
    [cluster] = [c for c in stack.clusters if c.name == "cdk-emr-prod-analytics"]
    assert cluster.release_label == "emr-7.14.0"
    assert [f.role for f in cluster.fleets] == ["primary", "core", "task 0"]
    assert cluster.fleets[2].allocation_strategy == "price-capacity-optimized"
    assert cluster.security == {
        "configuration": cluster.security["configuration"],
        "s3": "SSE-KMS",
        "local_disk": "AwsKms",
        "ebs": True,
        "in_transit": True,
        "imdsv2_required": True,
        "kerberos": True,
    }
    assert cluster.managed_scaling["MaximumCapacityUnits"] == 40
    assert stack.resource_counts["AWS::EMR::Cluster"] == 2  # one per team


def test_summary_command_prints_tables_and_json(dev_app) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    table = runner.invoke(main, ["summary", str(dev_app.outdir)])
    assert table.exit_code == 0, table.output
    assert "cdk-emr-dev" in table.output and "price-capacity-optimized" in table.output
    as_json = runner.invoke(main, ["summary", str(dev_app.outdir), "--json"])
    assert json.loads(as_json.output)[0]["clusters"][0]["bootstrap_actions"] == ["Install Python packages"]


def test_summary_of_a_missing_path_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["summary", str(tmp_path / "nope")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "nope" in result.output


def test_cli_and_package_import_without_starting_jsii() -> None:
    code = "import sys, cdk_emr, cdk_emr.cli, cdk_emr.ops.summary, cdk_emr.local; print('aws_cdk' in sys.modules, 'jsii' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
