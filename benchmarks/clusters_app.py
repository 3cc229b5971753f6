#!/usr/bin/env python3
"""N ``EmrCluster``s on one shared foundation (KMS key, log bucket, network, security
configuration, and one instance role for every cluster, as ``EmrPlatform`` shares it), under the
app's three cdk-nag packs: how synthesis grows with the number of
clusters. ``python clusters_app.py`` with ``CDK_OUTDIR`` and the context key ``clusters`` (default 1)."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "constructs")]

import aws_cdk as cdk  # noqa: E402
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks  # noqa: E402

from cdk_emr import EmrCluster, InstanceFleet, Kerberos  # noqa: E402
from cdk_emr.encryption import create_emr_key  # noqa: E402
from cdk_emr.iam import EmrInstanceRole  # noqa: E402
from cdk_emr.network import EmrNetwork  # noqa: E402
from cdk_emr.storage import EmrLogStorage, use_bucket_policy_for_access_logs  # noqa: E402
from stacks.choices import accept_single_region_buckets, security_configuration  # noqa: E402


def main() -> None:
    app = cdk.App()
    count = int(app.node.try_get_context("clusters") or 1)
    stack = cdk.Stack(app, "Clusters", env=cdk.Environment(account="123456789012", region="us-east-1"))
    use_bucket_policy_for_access_logs(stack)
    key = create_emr_key(stack, "Key", description="shared by the benchmark's clusters")
    logs = EmrLogStorage(stack, "Logs", encryption_key=key)
    network = EmrNetwork(stack, "Network", flow_logs_bucket=logs.bucket)
    configuration, tls = security_configuration(
        stack, encryption_key=key, certificates_bucket=logs.bucket, kerberos=Kerberos.cluster_dedicated_kdc()
    )
    accept_single_region_buckets([logs.access_logs_bucket, logs.bucket])
    # Each cluster still has its own service role, security groups and instance profile: 8 resources
    # per cluster. With its own instance role too (10), 50 clusters would pass CloudFormation's 500.
    instance_role = EmrInstanceRole(stack, "InstanceRole")
    tls.grant_read(instance_role)
    for index in range(count):
        EmrCluster(
            stack,
            f"Cluster{index}",
            primary=InstanceFleet.on_demand(["m7g.xlarge", "m6g.xlarge"], 1),
            vpc=network.vpc,
            subnets=network.subnets,
            encryption_key=key,
            log_bucket=logs.bucket,
            security_configuration=configuration,
            instance_role=instance_role,
        )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    app.synth()


if __name__ == "__main__":
    main()
