"""ReplicatedKdc: a primary and a replica MIT KDC in two zones behind an internal NLB, as the
external KDC of a cluster with three primary nodes.

Expected values come from the sources the construct cites: Kerberos on 88 (TCP and UDP), kadmin
on 749, kpasswd on 464, kprop on 754 (MIT krb5 defaults); ``KdcServerType`` ``Single`` (EMR
security configuration reference); a TCP_UDP target group health-checked over TCP (ELB User Guide).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template
from helpers import cluster_properties, security_document

from cdk_emr import EmrCluster, EmrValidationError, InstanceFleet, ReleaseLabel, ReplicatedKdc
from cdk_emr.security import Kerberos, ssm_reference
from cdk_emr.security.kdc_bootstrap import BOOT_VARIABLES, KdcRole, kdc_boot_script

ENV = cdk.Environment(account="123456789012", region="us-east-1")
AZS = ["us-east-1a", "us-east-1b"]


def new_stack() -> cdk.Stack:
    app = cdk.App(context={"availability-zones:account=123456789012:region=us-east-1": AZS})
    return cdk.Stack(app, "Kdc", env=ENV)


def private_subnets(vpc: ec2.Vpc) -> list[ec2.ISubnet]:
    return vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnets


@pytest.fixture(scope="module")
def synthesized() -> dict[str, Any]:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    kdc = ReplicatedKdc(
        stack,
        "Kdc",
        vpc=vpc,
        subnets=private_subnets(vpc),
        realm="EC2.INTERNAL",
        encryption_key=key,
        admin_password_secret_name="team/kdc-admin",
        client_cidrs=["10.0.0.0/16"],
    )
    EmrCluster(
        stack,
        "Ha",
        release_label=ReleaseLabel.of("emr-7.14.0"),
        primary=InstanceFleet.on_demand(["m7g.2xlarge"], 3),
        core=InstanceFleet.on_demand(["m7g.2xlarge"], 4),
        vpc=vpc,
        kerberos=kdc.kerberos(),
    )
    template = Template.from_stack(stack)
    return {"template": template, "json": template.to_json(), "kdc": kdc, "stack": stack}


def resources(synthesized: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in synthesized["json"]["Resources"].items() if v["Type"] == kind}


def logical_id(synthesized: dict[str, Any], construct: Any) -> str:
    return synthesized["stack"].get_logical_id(construct.node.default_child)


def test_one_kdc_server_per_subnet_in_two_zones(synthesized: dict[str, Any]) -> None:
    instances = resources(synthesized, "AWS::EC2::Instance")
    assert len(instances) == 2
    subnets = {json_ref(i["Properties"]["SubnetId"]) for i in instances.values()}
    assert len(subnets) == 2
    zones = {synthesized["json"]["Resources"][s]["Properties"]["AvailabilityZone"] for s in subnets}
    assert zones == set(AZS)
    roles = sorted(
        tag["Value"] for i in instances.values() for tag in i["Properties"]["Tags"] if tag["Key"] == "cdk-emr:kdc-role"
    )
    assert roles == ["primary", "replica"]


def json_ref(value: dict[str, str]) -> str:
    return value["Ref"]


def test_servers_are_private_encrypted_imdsv2_and_protected(synthesized: dict[str, Any]) -> None:
    key = logical_id(synthesized, synthesized["stack"].node.find_child("Key"))
    for instance in resources(synthesized, "AWS::EC2::Instance").values():
        properties = instance["Properties"]
        assert "NetworkInterfaces" not in properties  # no public address: private subnets only
        assert properties["DisableApiTermination"] is True
        assert properties["Monitoring"] is True
        [volume] = properties["BlockDeviceMappings"]
        assert volume["Ebs"]["Encrypted"] is True
        assert volume["Ebs"]["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    for template in resources(synthesized, "AWS::EC2::LaunchTemplate").values():
        assert template["Properties"]["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"] == "required"


def listener_targets(synthesized: dict[str, Any]) -> dict[tuple[int, str], list[str]]:
    groups = resources(synthesized, "AWS::ElasticLoadBalancingV2::TargetGroup")
    result = {}
    for listener in resources(synthesized, "AWS::ElasticLoadBalancingV2::Listener").values():
        group = groups[listener["Properties"]["DefaultActions"][0]["TargetGroupArn"]["Ref"]]
        key = (listener["Properties"]["Port"], listener["Properties"]["Protocol"])
        result[key] = sorted(t["Id"]["Ref"] for t in group["Properties"]["Targets"])
        assert group["Properties"]["HealthCheckProtocol"] == "TCP"
    return result


def test_kerberos_goes_to_every_server_kadmin_and_kpasswd_to_the_primary(synthesized: dict[str, Any]) -> None:
    kdc: ReplicatedKdc = synthesized["kdc"]
    primary = logical_id(synthesized, kdc.primary)
    replica = logical_id(synthesized, kdc.replicas[0])
    assert listener_targets(synthesized) == {
        (88, "TCP_UDP"): sorted([primary, replica]),
        (749, "TCP"): [primary],
        (464, "TCP_UDP"): [primary],
    }
    [nlb] = resources(synthesized, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    assert nlb["Properties"]["Type"] == "network"
    assert nlb["Properties"]["Scheme"] == "internal"
    assert len(nlb["Properties"]["Subnets"]) == 2
    attributes = {a["Key"]: a["Value"] for a in nlb["Properties"]["LoadBalancerAttributes"]}
    assert attributes["load_balancing.cross_zone.enabled"] == "true"


def test_cluster_with_three_primaries_uses_the_load_balancer_as_its_single_kdc(synthesized: dict[str, Any]) -> None:
    nlb = logical_id(synthesized, synthesized["kdc"].load_balancer)
    configuration = security_document(synthesized["template"])["AuthenticationConfiguration"]["KerberosConfiguration"]
    assert configuration["Provider"] == "ExternalKdc"
    external = configuration["ExternalKdcConfiguration"]
    assert external["KdcServerType"] == "Single"
    assert external["KdcServer"] == {"Fn::Join": ["", [{"Fn::GetAtt": [nlb, "DNSName"]}, ":88"]]}
    assert external["AdminServer"] == {"Fn::Join": ["", [{"Fn::GetAtt": [nlb, "DNSName"]}, ":749"]]}
    attributes = cluster_properties(synthesized["template"])["KerberosAttributes"]
    assert attributes["Realm"] == "EC2.INTERNAL"
    assert "resolve:secretsmanager:" in str(attributes["KdcAdminPassword"])


def test_passwords_are_retained_secrets_under_the_key_named_for_other_stacks(synthesized: dict[str, Any]) -> None:
    key = logical_id(synthesized, synthesized["stack"].node.find_child("Key"))
    secrets = resources(synthesized, "AWS::SecretsManager::Secret")
    assert len(secrets) == 2  # the admin password and the database master password
    for secret in secrets.values():
        assert secret["DeletionPolicy"] == "Retain"
        assert secret["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert sorted(s["Properties"].get("Name", "") for s in secrets.values()) == ["", "team/kdc-admin"]


def test_servers_read_only_their_two_passwords(synthesized: dict[str, Any]) -> None:
    policy = resources(synthesized, "AWS::IAM::ManagedPolicy")[
        logical_id(synthesized, synthesized["kdc"].node.find_child("ReadPasswords"))
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    secrets = sorted(resources(synthesized, "AWS::SecretsManager::Secret"))
    read = next(s for s in statements if "secretsmanager:GetSecretValue" in s["Action"])
    assert sorted(r["Ref"] for r in read["Resource"]) == secrets
    decrypt = next(s for s in statements if s["Action"] == "kms:Decrypt")
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == {
        "Fn::Join": ["", ["secretsmanager.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]
    }


def test_security_group_admits_clients_on_kerberos_ports_and_kprop_between_servers(synthesized: dict[str, Any]) -> None:
    [group] = [
        g
        for g in resources(synthesized, "AWS::EC2::SecurityGroup").values()
        if "KDC servers" in g["Properties"]["GroupDescription"]
    ]
    inbound = {
        (r["IpProtocol"], r["FromPort"]) for r in group["Properties"]["SecurityGroupIngress"] if r.get("CidrIp") == "10.0.0.0/16"
    }
    assert inbound == {("tcp", 88), ("udp", 88), ("tcp", 749), ("tcp", 464), ("udp", 464)}
    kprop = [r for r in resources(synthesized, "AWS::EC2::SecurityGroupIngress").values() if r["Properties"]["FromPort"] == 754]
    assert len(kprop) == 1 and kprop[0]["Properties"]["IpProtocol"] == "tcp"
    outbound = group["Properties"]["SecurityGroupEgress"]
    assert all(r["CidrIp"] != "0.0.0.0/0" or r["FromPort"] == 443 for r in outbound if "CidrIp" in r)


@pytest.mark.parametrize("role", list(KdcRole))
def test_boot_script_is_valid_bash_reading_only_its_variables(role: KdcRole) -> None:
    script = "".join(f'{name}="x"\n' for name in BOOT_VARIABLES) + kdc_boot_script(role)
    result = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("role", list(KdcRole))
def test_boot_script_is_shellcheck_clean(role: KdcRole, tmp_path: Path) -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (make test installs it where apt-get works)")
    script = tmp_path / f"{role.value}.sh"
    # SC2034: a replica is given the primary's REPLICATION_MINUTES too, and does not read it
    script.write_text("#!/bin/bash\n" + "".join(f'{name}="x"\n' for name in BOOT_VARIABLES) + kdc_boot_script(role))
    subprocess.run(["shellcheck", "--exclude=SC2034", str(script)], check=True)


def test_primary_propagates_and_replica_serves_only_a_propagated_database() -> None:
    primary, replica = kdc_boot_script(KdcRole.PRIMARY), kdc_boot_script(KdcRole.REPLICA)
    assert "kprop -r" in primary and "systemctl enable --now krb5kdc kadmin" in primary
    assert "kadmind" not in replica and "systemctl enable --now kadmin" not in replica
    assert replica.index("from_master") < replica.index("systemctl enable --now krb5kdc")


def test_user_data_of_the_replica_names_the_primary(synthesized: dict[str, Any]) -> None:
    kdc: ReplicatedKdc = synthesized["kdc"]
    primary = logical_id(synthesized, kdc.primary)
    replica = resources(synthesized, "AWS::EC2::Instance")[logical_id(synthesized, kdc.replicas[0])]
    assert {"Fn::GetAtt": [primary, "PrivateDnsName"]} in replica["Properties"]["UserData"]["Fn::Base64"]["Fn::Join"][1]


def bad_kdc(**overrides: Any) -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    props: dict[str, Any] = {
        "vpc": vpc,
        "subnets": private_subnets(vpc),
        "realm": "EC2.INTERNAL",
        "encryption_key": kms.Key(stack, "Key"),
    }
    props.update(overrides)
    ReplicatedKdc(stack, "Kdc", **props)


def test_every_broken_rule_is_named_with_value_and_allowed_range() -> None:
    with pytest.raises(EmrValidationError) as raised:
        bad_kdc(
            realm="ec2.internal",
            ticket_lifetime_hours=0,
            replication_interval_minutes=60,
            admin_password_secret_name="a b",
            instance_type="large",
        )
    message = str(raised.value)
    for expected in (
        "realm",
        "ec2.internal",
        "ticket_lifetime_hours",
        "1 to 720 hours",
        "replication_interval_minutes",
        "1 to 59 minutes",
        "admin_password_secret_name",
        "instance_type='large'",
    ):
        assert expected in message


def test_one_subnet_is_refused() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    with pytest.raises(EmrValidationError, match="subnets.*at least 2 subnets"):
        ReplicatedKdc(
            stack, "Kdc", vpc=vpc, subnets=private_subnets(vpc)[:1], realm="EC2.INTERNAL", encryption_key=kms.Key(stack, "K")
        )


def test_two_subnets_in_one_zone_are_refused() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    same_zone = [
        ec2.Subnet.from_subnet_attributes(stack, f"S{i}", subnet_id=f"subnet-{i}", availability_zone="us-east-1a") for i in (1, 2)
    ]
    with pytest.raises(EmrValidationError, match="one subnet per availability zone"):
        ReplicatedKdc(stack, "Kdc", vpc=vpc, subnets=same_zone, realm="EC2.INTERNAL", encryption_key=kms.Key(stack, "K"))


def test_external_kdc_read_by_name_renders_the_whole_dynamic_reference() -> None:
    stack = new_stack()
    kerberos = Kerberos.external_kdc(
        realm="EC2.INTERNAL",
        kdc_server=ssm_reference("/team/kdc/kdc-server"),
        admin_server=ssm_reference("/team/kdc/admin-server"),
        admin_password=secretsmanager.Secret.from_secret_name_v2(stack, "P", "team/kdc-admin"),
    )
    # the parameter holds host:port, so no port is appended to the reference
    assert kerberos.document()["KerberosConfiguration"]["ExternalKdcConfiguration"] == {
        "KdcServerType": "Single",
        "AdminServer": "{{resolve:ssm:/team/kdc/admin-server}}",
        "KdcServer": "{{resolve:ssm:/team/kdc/kdc-server}}",
    }
