"""The prod profile's Kerberos: the HA cluster authenticates against a replicated KDC that it reads
by name, and both stacks deploy to the local AWS, where the names resolve to the KDC's values."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from cdk_emr.local import emulated_aws
from cdk_emr.local.deploy import deploy_stack

# an instance launched from Amazon's AMI catalogue, as on AWS (moto's catalogue, see tests/conftest.py)
pytestmark = pytest.mark.usefixtures("amazon_amis")

KDC_STACK = "CdkEmr-prod-kdc"
PLATFORM_STACK = "CdkEmr-prod"
# The names the KDC stack publishes (stacks/kdc_stack.py), spelled out here as the contract.
KDC_SERVER_PARAMETER = "/cdk-emr/prod/kdc/kdc-server"
ADMIN_SERVER_PARAMETER = "/cdk-emr/prod/kdc/admin-server"
ADMIN_PASSWORD_SECRET = "cdk-emr/prod/kdc-admin-password"


def imports(template: dict[str, Any]) -> set[str]:
    return set(re.findall(r'"Fn::ImportValue": "([^"]+)"', json.dumps(template)))


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_platform_imports_only_the_network_from_the_kdc_stack(prod_app) -> None:  # type: ignore[no-untyped-def]
    platform = prod_app.templates[PLATFORM_STACK]
    kdc_outputs = prod_app.templates[KDC_STACK]["Outputs"]
    exported = {o["Export"]["Name"]: o["Value"] for o in kdc_outputs.values() if "Export" in o}
    assert imports(platform) <= set(exported)
    network = {"AWS::EC2::VPC", "AWS::EC2::Subnet"}
    for name in imports(platform):
        resource = prod_app.templates[KDC_STACK]["Resources"][exported[name]["Ref"]]
        assert resource["Type"] in network, f"{name} exports {resource['Type']}: the KDC must not be imported"
    configurations = of_type(platform, "AWS::EMR::SecurityConfiguration").values()
    clusters = of_type(platform, "AWS::EMR::Cluster").values()
    assert len(configurations) == 3 and len(clusters) == 2  # the platform's and one per team; two team clusters
    for configuration in configurations:
        assert "Fn::ImportValue" not in json.dumps(configuration)
    for cluster in clusters:
        assert "Fn::ImportValue" not in json.dumps(cluster["Properties"]["KerberosAttributes"])
        assert "AdditionalMasterSecurityGroups" not in cluster["Properties"]["Instances"]


def test_ha_cluster_reads_the_kdc_by_name(prod_app) -> None:  # type: ignore[no-untyped-def]
    platform = prod_app.templates[PLATFORM_STACK]
    for configuration in of_type(platform, "AWS::EMR::SecurityConfiguration").values():
        kerberos = configuration["Properties"]["SecurityConfiguration"]["AuthenticationConfiguration"]["KerberosConfiguration"]
        assert kerberos == {
            "Provider": "ExternalKdc",
            "ExternalKdcConfiguration": {
                "KdcServerType": "Single",
                "KdcServer": f"{{{{resolve:ssm:{KDC_SERVER_PARAMETER}}}}}",
                "AdminServer": f"{{{{resolve:ssm:{ADMIN_SERVER_PARAMETER}}}}}",
            },
        }
    clusters = of_type(platform, "AWS::EMR::Cluster").values()
    # the HA cluster (team analytics) has three primaries
    assert sorted(c["Properties"]["Instances"]["MasterInstanceFleet"]["TargetOnDemandCapacity"] for c in clusters) == [1, 3]
    for cluster in clusters:
        password = cluster["Properties"]["KerberosAttributes"]["KdcAdminPassword"]
        assert password.startswith("{{resolve:secretsmanager:")
        assert f":secret:{ADMIN_PASSWORD_SECRET}:SecretString:" in password
    assert prod_app.assembly.get_stack_by_name(PLATFORM_STACK).dependencies[0].id == KDC_STACK


def test_kdc_stack_publishes_the_names_and_runs_two_kdcs_in_two_zones(prod_app) -> None:  # type: ignore[no-untyped-def]
    kdc = prod_app.templates[KDC_STACK]
    parameters = {p["Properties"]["Name"]: p["Properties"]["Value"] for p in of_type(kdc, "AWS::SSM::Parameter").values()}
    [nlb] = of_type(kdc, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert parameters == {
        KDC_SERVER_PARAMETER: {"Fn::Join": ["", [{"Fn::GetAtt": [nlb, "DNSName"]}, ":88"]]},
        ADMIN_SERVER_PARAMETER: {"Fn::Join": ["", [{"Fn::GetAtt": [nlb, "DNSName"]}, ":749"]]},
    }
    assert [s["Properties"].get("Name") for s in of_type(kdc, "AWS::SecretsManager::Secret").values()].count(
        ADMIN_PASSWORD_SECRET
    ) == 1
    zones = {
        kdc["Resources"][i["Properties"]["SubnetId"]["Ref"]]["Properties"]["AvailabilityZone"]
        for i in of_type(kdc, "AWS::EC2::Instance").values()
    }
    assert zones == {"us-east-1a", "us-east-1b"}
    assert "AWS::EMR::Cluster" not in {r["Type"] for r in kdc["Resources"].values()}


@pytest.fixture(scope="module")
def deployed(prod_app) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    with emulated_aws() as session:
        kdc = deploy_stack(prod_app.outdir, KDC_STACK, session=session)
        platform = deploy_stack(prod_app.outdir, PLATFORM_STACK, session=session, timeout_seconds=300)
        emr = session.client("emr")
        elbv2 = session.client("elbv2")
        groups = {
            (g["Port"], g["Protocol"]): [
                t["Target"]["Id"]
                for t in elbv2.describe_target_health(TargetGroupArn=g["TargetGroupArn"])["TargetHealthDescriptions"]
            ]
            for g in elbv2.describe_target_groups()["TargetGroups"]
        }
        instances = [i for r in session.client("ec2").describe_instances()["Reservations"] for i in r["Instances"]]
        yield {
            "kdc": kdc,
            "platform": platform,
            "configuration": json.loads(
                emr.describe_security_configuration(Name=platform.outputs["SecurityConfigurationName"])["SecurityConfiguration"]
            ),
            "cluster": emr.describe_cluster(ClusterId=platform.outputs["ClusterId"])["Cluster"],
            "password": session.client("secretsmanager").get_secret_value(SecretId=ADMIN_PASSWORD_SECRET)["SecretString"],
            "groups": groups,
            "instances": instances,
        }


def test_locally_the_cluster_gets_the_kdc_load_balancer_and_password(deployed: dict[str, Any]) -> None:
    host = deployed["kdc"].outputs["KdcHost"]
    assert host.endswith(".elb.amazonaws.com")
    external = deployed["configuration"]["AuthenticationConfiguration"]["KerberosConfiguration"]["ExternalKdcConfiguration"]
    assert external == {"KdcServerType": "Single", "KdcServer": f"{host}:88", "AdminServer": f"{host}:749"}
    assert deployed["cluster"]["KerberosAttributes"] == {"Realm": "EC2.INTERNAL", "KdcAdminPassword": deployed["password"]}


def test_locally_two_kdc_servers_in_two_zones_behind_the_listeners(deployed: dict[str, Any]) -> None:
    kdc_servers = [i for i in deployed["instances"] if any(t["Key"] == "cdk-emr:kdc-role" for t in i.get("Tags", []))]
    assert len({i["Placement"]["AvailabilityZone"] for i in kdc_servers}) == 2
    role = {i["InstanceId"]: next(t["Value"] for t in i["Tags"] if t["Key"] == "cdk-emr:kdc-role") for i in kdc_servers}
    primary = [i for i, r in role.items() if r == "primary"]
    assert sorted(deployed["groups"][(88, "TCP_UDP")]) == sorted(role)
    assert deployed["groups"][(749, "TCP")] == primary
    assert deployed["groups"][(464, "TCP_UDP")] == primary
