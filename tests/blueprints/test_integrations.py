"""connect_database / connect_rds / connect_redshift: one port from the cluster's groups, and
read access to one secret (least privilege)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from blueprint_helpers import grants

from cdk_emr import EmrCluster, connect_database, connect_rds, connect_redshift
from tests import sourced_actions as sourced

ENV = cdk.Environment(account="123456789012", region="us-east-1")
GROUP_IDS = {name: f"sg-{i:017x}" for i, name in enumerate(("pg", "rds1", "rds2", "aurora", "redshift"), start=1)}


def compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@pytest.fixture(scope="module")
def connected() -> dict[str, Any]:
    """One cluster connected to a PostgreSQL group, an RDS instance with two groups, an Aurora
    cluster, a Redshift group, and a real RDS instance with its generated secret."""
    stack = cdk.Stack(cdk.App(), "Jdbc", env=ENV)
    cluster = EmrCluster(stack, "Cluster")
    key = kms.Key(stack, "SecretKey", enable_key_rotation=True)
    secrets = {
        name: secretsmanager.Secret(stack, f"{name}Secret", encryption_key=key) for name in ("Pg", "Rds", "Aurora", "Redshift")
    }
    groups = {name: ec2.SecurityGroup.from_security_group_id(stack, name, group_id) for name, group_id in GROUP_IDS.items()}
    connect_database(cluster, security_group=groups["pg"], port=5432, secret=secrets["Pg"])
    instance = rds.DatabaseInstance.from_database_instance_attributes(
        stack,
        "Instance",
        instance_endpoint_address="db.internal",
        instance_identifier="db",
        port=3306,
        security_groups=[groups["rds1"], groups["rds2"]],
    )
    connect_rds(cluster, instance, secret=secrets["Rds"])
    aurora = rds.DatabaseCluster.from_database_cluster_attributes(
        stack, "Aurora", cluster_identifier="aurora", port=5433, security_groups=[groups["aurora"]]
    )
    connect_rds(cluster, aurora, secret=secrets["Aurora"])
    connect_redshift(cluster, security_group=groups["redshift"], secret=secrets["Redshift"])
    generated = rds.DatabaseInstance(
        stack,
        "Generated",
        engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16),
        vpc=cluster.vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        instance_type=ec2.InstanceType("t4g.micro"),
        storage_encrypted=True,
    )
    connect_rds(cluster, generated)
    template = cdk.assertions.Template.from_stack(stack).to_json()
    return {"template": template, "stack": stack, "cluster": cluster, "secrets": secrets, "generated": generated}


def logical_id(template: dict[str, Any], prefix: str, resource_type: str) -> str:
    [found] = [k for k, v in template["Resources"].items() if k.startswith(prefix) and v["Type"] == resource_type]
    return found


def ingress_rules(template: dict[str, Any]) -> set[tuple[str, str, Any, Any]]:
    """(group, source, from port, to port) of every TCP ingress rule whose source is a cluster group."""
    found = set()
    for resource in template["Resources"].values():
        props = resource["Properties"]
        if resource["Type"] == "AWS::EC2::SecurityGroupIngress" and "ClusterSecurityGroups" in compact(
            props.get("SourceSecurityGroupId")
        ):
            assert props["IpProtocol"] == "tcp"
            source = props["SourceSecurityGroupId"]["Fn::GetAtt"][0]
            ports = (compact(props["FromPort"]), compact(props["ToPort"]))
            found.add((compact(props["GroupId"]), "primary" if "Primary" in source else "core", *ports))
    return found


def test_each_database_group_opens_only_its_port_to_the_primary_and_core_groups(connected: dict[str, Any]) -> None:
    rules = {rule for rule in ingress_rules(connected["template"]) if rule[0].startswith('"sg-')}
    expected = set()
    for group, port in (("pg", 5432), ("rds1", 3306), ("rds2", 3306), ("aurora", 5433), ("redshift", 5439)):
        for source in ("primary", "core"):
            expected.add((f'"{GROUP_IDS[group]}"', source, str(port), str(port)))
    assert rules == expected


def test_a_real_rds_instance_uses_its_own_group_port_and_generated_secret(connected: dict[str, Any]) -> None:
    template = connected["template"]
    rules = {rule for rule in ingress_rules(template) if "GeneratedSecurityGroup" in rule[0]}
    assert {source for _, source, _, _ in rules} == {"primary", "core"}
    [(from_port, to_port)] = {(from_port, to_port) for _, _, from_port, to_port in rules}
    assert (
        from_port
        == to_port
        == compact({"Fn::GetAtt": [logical_id(template, "Generated", "AWS::RDS::DBInstance"), "Endpoint.Port"]})
    )
    attachment = logical_id(template, "GeneratedSecretAttachment", "AWS::SecretsManager::SecretTargetAttachment")
    granted = grants(template, "ClusterInstanceRolePolicy")
    assert {a for a, r in granted if r == compact({"Ref": attachment})} == sourced.actions(sourced.SECRET_READ)


def test_the_cluster_may_only_read_the_secrets_it_was_connected_to(connected: dict[str, Any]) -> None:
    template = connected["template"]
    granted = grants(template, "ClusterInstanceRolePolicy")
    secrets = {a for a, _ in granted if a.startswith("secretsmanager:")}
    assert secrets == sourced.actions(sourced.SECRET_READ)
    resources = {r for a, r in granted if a.startswith("secretsmanager:")}
    connected_secrets = [
        logical_id(template, f"{name}Secret", "AWS::SecretsManager::Secret") for name in ("Pg", "Rds", "Aurora", "Redshift")
    ]
    attachment = logical_id(template, "GeneratedSecretAttachment", "AWS::SecretsManager::SecretTargetAttachment")
    assert resources == {compact({"Ref": i}) for i in [*connected_secrets, attachment]}
    key = [k for k in template["Resources"] if k.startswith("SecretKey")][0]
    assert {a for a, r in granted if r == compact({"Fn::GetAtt": [key, "Arn"]})} == sourced.actions(sourced.KMS_DECRYPT)


def test_the_rules_exist_before_the_cluster_starts(connected: dict[str, Any]) -> None:
    template = connected["template"]
    [cluster] = [v for v in template["Resources"].values() if v["Type"] == "AWS::EMR::Cluster"]
    rules = [
        k
        for k, v in template["Resources"].items()
        if v["Type"] == "AWS::EC2::SecurityGroupIngress" and k.startswith("ClusterSecurityGroupsRulesDb")
    ]
    assert len(rules) == 12
    assert set(rules) <= set(cluster["DependsOn"])


def test_connect_rds_needs_a_secret_for_an_imported_database() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    cluster = EmrCluster(stack, "Cluster")
    group = ec2.SecurityGroup.from_security_group_id(stack, "Db", "sg-0000000000000000a")
    instance = rds.DatabaseInstance.from_database_instance_attributes(
        stack, "Instance", instance_endpoint_address="db.internal", instance_identifier="db", port=5432, security_groups=[group]
    )
    with pytest.raises(ValueError, match="secret=None: the credentials: .* has no generated secret"):
        connect_rds(cluster, instance)
    secret = secretsmanager.Secret.from_secret_name_v2(stack, "Secret", "db")
    with pytest.raises(ValueError, match="port=70000: a TCP port, 1 to 65535"):
        connect_database(cluster, security_group=group, port=70000, secret=secret)
