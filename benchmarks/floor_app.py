#!/usr/bin/env python3
"""The floor: the smallest CDK app that creates an EMR cluster — one bare ``CfnCluster``, no checks
beyond the CDK's own defaults. The benchmarks run it as the CDK CLI runs an app (``python
floor_app.py`` with ``CDK_OUTDIR``) and divide every other app's time by its time."""

import aws_cdk as cdk
from aws_cdk import aws_emr as emr

app = cdk.App()
stack = cdk.Stack(app, "Floor", env=cdk.Environment(account="123456789012", region="us-east-1"))
emr.CfnCluster(
    stack,
    "Cluster",
    name="floor",
    release_label="emr-7.14.0",
    job_flow_role="EMR_EC2_DefaultRole",
    service_role="EMR_DefaultRole",
    instances=emr.CfnCluster.JobFlowInstancesConfigProperty(
        master_instance_group=emr.CfnCluster.InstanceGroupConfigProperty(instance_count=1, instance_type="m5.xlarge")
    ),
)
app.synth()
