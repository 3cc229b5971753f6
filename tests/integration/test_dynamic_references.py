"""The local AWS's CloudFormation: dynamic references resolved (CloudFormation User Guide, "Using
dynamic references to specify template values"), Network Load Balancers with their listeners,
target groups with their targets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cdk_emr.local import emulated_aws
from cdk_emr.local.dynamic_references import resolve

# an instance launched from Amazon's AMI catalogue, as on AWS (moto's catalogue, see tests/conftest.py)
pytestmark = pytest.mark.usefixtures("amazon_amis")


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    with emulated_aws() as aws:
        yield aws


def create(session: Any, name: str, resources: dict[str, Any]) -> dict[str, Any]:
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    return cloudformation.describe_stacks(StackName=name)["Stacks"][0]


def test_ssm_and_secret_references_take_the_values_of_other_stacks(session: Any) -> None:
    session.client("ssm").put_parameter(Name="/kdc/kdc-server", Value="kdc.example:88", Type="String")
    session.client("secretsmanager").create_secret(Name="kdc/admin", SecretString='{"password": "s3cret"}')
    create(
        session,
        "Reader",
        {
            "Copy": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Name": "/copy",
                    "Type": "String",
                    # embedded in a longer string, and a JSON key of a secret
                    "Value": "kdc={{resolve:ssm:/kdc/kdc-server}} pw={{resolve:secretsmanager:kdc/admin:SecretString:password}}",
                },
            }
        },
    )
    value = session.client("ssm").get_parameter(Name="/copy")["Parameter"]["Value"]
    assert value == "kdc=kdc.example:88 pw=s3cret"


def test_a_reference_to_a_missing_parameter_fails_the_stack_operation(session: Any) -> None:
    with pytest.raises(ClientError, match=r"Parameters: \[ssm:/missing\] cannot be found"):
        create(
            session,
            "Broken",
            {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "{{resolve:ssm:/missing}}"}}},
        )


def test_text_without_a_reference_is_untouched() -> None:
    assert resolve("plain {{not-a-reference}}", "123456789012", "us-east-1") == "plain {{not-a-reference}}"


def test_network_load_balancer_keeps_its_type_and_tcp_udp_listener_with_targets(session: Any) -> None:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]["InstanceId"]
    create(
        session,
        "Nlb",
        {
            "Lb": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Type": "network", "Scheme": "internal", "Subnets": [subnet]},
            },
            "Tg": {
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {"Port": 88, "Protocol": "TCP_UDP", "VpcId": vpc, "Targets": [{"Id": instance}]},
            },
            "Listener": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "LoadBalancerArn": {"Ref": "Lb"},
                    "Port": 88,
                    "Protocol": "TCP_UDP",
                    "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}],
                },
            },
        },
    )
    elbv2 = session.client("elbv2")
    [lb] = elbv2.describe_load_balancers()["LoadBalancers"]
    [group] = elbv2.describe_target_groups()["TargetGroups"]
    targets = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    [listener] = elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    assert (lb["Type"], lb["Scheme"]) == ("network", "internal")
    assert (listener["Port"], listener["Protocol"]) == (88, "TCP_UDP")
    assert [t["Target"]["Id"] for t in targets] == [instance]


def execute(session: Any, name: str, template: dict[str, Any]) -> None:
    cloudformation = session.client("cloudformation")
    cloudformation.create_change_set(StackName=name, ChangeSetName="c", ChangeSetType="CREATE", TemplateBody=json.dumps(template))
    cloudformation.execute_change_set(ChangeSetName="c", StackName=name)


def test_stacks_created_by_change_sets_export_and_import_as_cdk_deploy_needs(session: Any) -> None:
    parameter = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/exported", "Type": "String", "Value": "vpc-1"}}
    execute(
        session,
        "Exporter",
        {"Resources": {"P": parameter}, "Outputs": {"O": {"Value": {"Ref": "P"}, "Export": {"Name": "Exporter:P"}}}},
    )
    importing = {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Name": "/imported", "Type": "String", "Value": {"Fn::ImportValue": "Exporter:P"}},
    }
    execute(session, "Importer", {"Resources": {"Q": importing}})
    assert session.client("ssm").get_parameter(Name="/imported")["Parameter"]["Value"] == "/exported"
    exports = session.client("cloudformation").list_exports()["Exports"]
    assert [e["Name"] for e in exports if e["Name"] == "Exporter:P"] == ["Exporter:P"]


def test_an_unchanged_stack_with_an_ssm_parameter_gets_a_failed_change_set_as_on_aws(session: Any) -> None:
    session.client("ssm").put_parameter(Name="/images/latest", Value="ami-12345678", Type="String")
    template = {
        "Parameters": {"Image": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/images/latest"}},
        "Resources": {
            "P": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/image", "Type": "String", "Value": {"Ref": "Image"}}}
        },
    }
    execute(session, "Unchanged", template)
    cloudformation = session.client("cloudformation")
    cloudformation.create_change_set(
        StackName="Unchanged",
        ChangeSetName="again",
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "Image", "UsePreviousValue": True}],  # what the CDK CLI sends
    )
    change_set = cloudformation.describe_change_set(StackName="Unchanged", ChangeSetName="again")
    assert change_set["Status"] == "FAILED"
    assert change_set["StatusReason"].startswith("The submitted information didn't contain changes.")


def test_change_sets_of_the_same_name_belong_to_their_own_stack(session: Any) -> None:
    cloudformation = session.client("cloudformation")
    for stack in ("First", "Second"):  # the CDK CLI names every stack's change set cdk-deploy-change-set
        resource = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": f"/{stack}", "Type": "String", "Value": stack}}
        cloudformation.create_change_set(
            StackName=stack,
            ChangeSetName="cdk-deploy-change-set",
            ChangeSetType="CREATE",
            TemplateBody=json.dumps({"Resources": {"P": resource}}),
        )
    cloudformation.delete_change_set(StackName="First", ChangeSetName="cdk-deploy-change-set")
    with pytest.raises(ClientError, match="ChangeSetNotFound"):
        cloudformation.describe_change_set(StackName="First", ChangeSetName="cdk-deploy-change-set")
    second = cloudformation.describe_change_set(StackName="Second", ChangeSetName="cdk-deploy-change-set")
    assert second["StackName"] == "Second"
