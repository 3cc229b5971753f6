"""aws-cdk-lib's own custom-resource handlers run in the local AWS with their real code:
``EmrBlockPublicAccess`` (an ``AwsCustomResource``: the provider function calls EMR through the
AWS SDK for JavaScript v3) and ``EmrNetwork(restrict_default_security_group=True)``
(``Custom::VpcRestrictDefaultSG``: the handler revokes the default group's rules through EC2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import boto3
import pytest

from cdk_emr.local.deploy import deploy_stack

STACK = "CdkHandlers"
ACCOUNT, REGION = "123456789012", "us-east-1"

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning"),  # resources moto does not model
]


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_s3 as s3

    from cdk_emr.audit import EmrBlockPublicAccess
    from cdk_emr.encryption import create_emr_key
    from cdk_emr.network import EmrNetwork

    outdir = tmp_path_factory.mktemp("cdk-handlers")
    app = cdk.App(
        outdir=str(outdir), context={f"availability-zones:account={ACCOUNT}:region={REGION}": ["us-east-1a", "us-east-1b"]}
    )
    stack = cdk.Stack(app, STACK, env=cdk.Environment(account=ACCOUNT, region=REGION))
    key = create_emr_key(stack, "Key", description="flow logs")
    bucket = s3.Bucket(stack, "Logs", encryption=s3.BucketEncryption.KMS, encryption_key=key)
    network = EmrNetwork(stack, "Network", flow_logs_bucket=bucket, restrict_default_security_group=True)
    EmrBlockPublicAccess(stack, "BlockPublicAccess", permitted_public_ports=[22])
    cdk.CfnOutput(stack, "VpcId", value=network.vpc.vpc_id)
    app.synth()
    template = json.loads((outdir / f"{STACK}.template.json").read_text())
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert {"Custom::AWS", "Custom::VpcRestrictDefaultSG"} <= types
    return outdir


def test_both_handlers_run_and_change_the_local_aws(mocked_aws: None, cdk_out: Path) -> None:
    session = boto3.Session(region_name=REGION)
    ec2 = session.client("ec2")
    stack = deploy_stack(cdk_out, STACK, session=session)
    assert stack.status == "CREATE_COMPLETE"

    # EMR block public access as the construct documents it: public rules refused but on port 22
    configuration = session.client("emr").get_block_public_access_configuration()["BlockPublicAccessConfiguration"]
    assert configuration == {
        "BlockPublicSecurityGroupRules": True,
        "PermittedPublicSecurityGroupRuleRanges": [{"MinRange": 22, "MaxRange": 22}],
    }

    # A VPC's default group allows all outbound traffic (Amazon VPC User Guide, "Default security
    # groups for your VPCs"); the handler removed that rule (and any inbound one) from ours only.
    def default_group(vpc_id: str) -> dict:
        filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        [group] = ec2.describe_security_groups(Filters=filters)["SecurityGroups"]
        return group

    ours = default_group(stack.outputs["VpcId"])
    assert ours["IpPermissions"] == [] and ours["IpPermissionsEgress"] == []
    [other_vpc] = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["VpcId"] != stack.outputs["VpcId"]]
    assert [rule["IpRanges"] for rule in default_group(other_vpc)["IpPermissionsEgress"]] == [[{"CidrIp": "0.0.0.0/0"}]]
