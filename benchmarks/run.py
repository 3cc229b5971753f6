#!/usr/bin/env python3
"""Benchmarks that print ratios (not timed tests). Run: ``.venv/bin/python benchmarks/run.py``.

1. synth time of the full app (prod profile, with cdk-nag) / synth time of a minimal app holding
   one bare ``CfnCluster`` — both in this process, after one warm-up synth so the jsii runtime's
   start is not counted;
2. estimated hourly cost of the prod profile's platform cluster at maximum capacity / its all-on-demand
   equivalent (the KDC cluster of the prod profile is left out);
3. ``cdk-emr --help`` start-up time (a fresh process) / a bare ``python -c pass``;
4. ``cdk-emr status CLUSTER`` (a fresh process, boto3 included, against an embedded local AWS
   server started here) and ``cdk-emr status --help`` / a bare ``python -c pass``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "constructs")]

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_emr as emr  # noqa: E402

from cdk_emr.ops.cost import estimate_path  # noqa: E402
from stacks.app_builder import build_app  # noqa: E402

ENV = cdk.Environment(account="123456789012", region="us-east-1")
CONTEXT = {"availability-zones:account=123456789012:region=us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c"]}


def synth_full(outdir: str) -> None:
    app = cdk.App(outdir=outdir, context=CONTEXT)
    build_app(app, profile_name="prod", env=ENV)
    app.synth()


def synth_minimal(outdir: str) -> None:
    app = cdk.App(outdir=outdir)
    stack = cdk.Stack(app, "Minimal", env=ENV)
    emr.CfnCluster(
        stack,
        "Cluster",
        name="minimal",
        release_label="emr-7.14.0",
        job_flow_role="EMR_EC2_DefaultRole",
        service_role="EMR_DefaultRole",
        instances=emr.CfnCluster.JobFlowInstancesConfigProperty(
            master_instance_group=emr.CfnCluster.InstanceGroupConfigProperty(instance_count=1, instance_type="m5.xlarge")
        ),
    )
    app.synth()


def best_of(runs: int, fn, *args) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def process_time(cmd: list[str], runs: int = 5, env: dict[str, str] | None = None) -> float:
    return best_of(runs, lambda: subprocess.run(cmd, check=True, capture_output=True, env=env))


def status_time(cli: str) -> float:
    """``cdk-emr status CLUSTER`` against a local AWS server with one cluster, in fresh processes."""
    from cdk_emr.local import LocalAws

    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    with LocalAws() as aws:
        fleets = [
            {"InstanceFleetType": role, "TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]}
            for role in ("MASTER", "CORE")
        ]
        emr = aws.client("emr", aws_access_key_id="testing", aws_secret_access_key="testing")
        cluster_id = emr.run_job_flow(
            Name="bench",
            ReleaseLabel="emr-7.14.0",
            JobFlowRole="p",
            ServiceRole="s",
            Instances={"KeepJobFlowAliveWhenNoSteps": True, "InstanceFleets": fleets},
        )["JobFlowId"]
        env = (
            {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            | credentials
            | {"AWS_ENDPOINT_URL": aws.endpoint_url, "AWS_DEFAULT_REGION": aws.region_name}
        )
        return process_time([cli, "status", cluster_id], env=env)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        synth_minimal(tmp + "/warmup")
        minimal = best_of(3, synth_minimal, tmp + "/minimal")
        full = best_of(3, synth_full, tmp + "/full")
        [estimate] = [e for e in estimate_path(Path(tmp) / "full") if e.stack == "CdkEmr-prod"]
    print(f"synth: full prod app {full:.2f} s / minimal CfnCluster app {minimal:.2f} s = {full / minimal:.1f}x")
    print(
        f"cost: prod at max {estimate.hourly_max:.2f} USD/h / all on-demand {estimate.on_demand_equivalent_max:.2f} USD/h"
        f" = {estimate.hourly_max / estimate.on_demand_equivalent_max:.2f}"
    )
    command = str(Path(sys.executable).with_name("cdk-emr"))
    cli = process_time([command, "--help"])
    bare = process_time([sys.executable, "-c", "pass"])
    print(f"start-up: cdk-emr --help {cli * 1000:.0f} ms / bare python {bare * 1000:.0f} ms = {cli / bare:.1f}x")
    status = status_time(command)
    status_help = process_time([command, "status", "--help"])
    print(
        f"start-up: cdk-emr status CLUSTER (local AWS) {status * 1000:.0f} ms, cdk-emr status --help {status_help * 1000:.0f} ms"
        f" / bare python {bare * 1000:.0f} ms = {status / bare:.1f}x, {status_help / bare:.1f}x"
    )


if __name__ == "__main__":
    main()
