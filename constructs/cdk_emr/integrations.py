"""Connect an ``EmrCluster`` to relational databases: RDS, Aurora and Redshift.

Each helper adds only what a JDBC client on the cluster needs: an ingress rule on the
database's security group from the cluster's primary and core/task groups, on the database
port only, and read access to the secret that holds the credentials (and its KMS key). Jobs
read the secret at run time (``GetSecretValue``); no password reaches the template.

These are functions taking the cluster rather than methods of ``EmrCluster`` so that the
cluster construct stays independent of ``aws_rds``; they would sit well on the cluster as
``cluster.connect_database(...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Names, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager

from cdk_emr.typecheck import typed
from cdk_emr.validation import invalid

if TYPE_CHECKING:
    from cdk_emr.cluster import EmrCluster

REDSHIFT_PORT = 5439


@typed
def connect_database(
    cluster: EmrCluster,
    *,
    security_group: ec2.ISecurityGroup,
    port: int,
    secret: secretsmanager.ISecret,
    description: str = "JDBC clients on the EMR cluster",
) -> iam.Grant:
    """Let ``cluster``'s nodes reach a database on TCP ``port`` and read its ``secret``.

    :param security_group: The database's security group; it gets one ingress rule from the
        cluster's primary group and one from its core/task group (both nodes run JDBC clients:
        the driver on the primary node, executors on core and task nodes). The rules live in
        the cluster's stack, so a database in another stack gets no dependency on the cluster.
    :param port: The database port (e.g. 5432 PostgreSQL, 3306 MySQL, 5439 Redshift).
    :param secret: The credentials (``username``, ``password``, ``host``, ``port``...).
    :returns: The grant on the secret.
    """
    if not Token.is_unresolved(port) and not 1 <= port <= 65535:
        raise invalid("connect_database", "port", port, "a TCP port, 1 to 65535")
    groups = cluster.security_groups
    suffix = "Default" if Token.is_unresolved(port) else str(port)
    for name, source in (("Primary", groups.primary), ("Core", groups.core)):
        ec2.CfnSecurityGroupIngress(
            groups.rules,
            f"Db{Names.node_unique_id(security_group.node)[-8:]}From{name}{suffix}",
            group_id=security_group.security_group_id,
            source_security_group_id=source.security_group_id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=description,
        )
    return cluster.grant_secret_read(secret)


@typed
def connect_rds(
    cluster: EmrCluster,
    database: rds.IDatabaseCluster | rds.IDatabaseInstance,
    *,
    secret: secretsmanager.ISecret | None = None,
    port: int | None = None,
) -> iam.Grant:
    """:func:`connect_database` for an RDS instance or an Aurora cluster.

    Every security group of ``database`` gets the rules; the port is the database's own
    (``database.connections.default_port``) unless given. ``secret`` defaults to the
    database's generated secret (``DatabaseInstance.secret``/``DatabaseCluster.secret``);
    imported databases must pass it.
    """
    secret = secret or getattr(database, "secret", None)
    if secret is None:
        raise invalid("connect_rds", "secret", None, f"the credentials: {database.node.path} has no generated secret")
    port = port if port is not None else _default_port(database.connections)
    groups = database.connections.security_groups
    if not groups:
        raise invalid("connect_rds", "database", database.node.path, "a database with a security group to open")
    grant = connect_database(cluster, security_group=groups[0], port=port, secret=secret)
    for group in groups[1:]:
        connect_database(cluster, security_group=group, port=port, secret=secret)
    return grant


@typed
def connect_redshift(
    cluster: EmrCluster,
    *,
    security_group: ec2.ISecurityGroup,
    secret: secretsmanager.ISecret,
    port: int = REDSHIFT_PORT,
) -> iam.Grant:
    """:func:`connect_database` for a Redshift cluster (``aws_redshift`` has only L1 constructs,
    so pass the cluster's VPC security group, its admin or user secret and its port)."""
    return connect_database(
        cluster, security_group=security_group, port=port, secret=secret, description="Redshift JDBC clients on the EMR cluster"
    )


def _default_port(connections: ec2.Connections) -> int:
    """The TCP port of ``connections.default_port`` (RDS sets it to the database port)."""
    default = connections.default_port
    if default is None:
        raise invalid("connect_rds", "port", None, "the database port: the database has no default port")
    rule = default.to_rule_json()
    if rule.get("ipProtocol") != "tcp" or rule.get("fromPort") != rule.get("toPort"):
        raise invalid("connect_rds", "port", None, f"the database port: its default port is not one TCP port ({rule})")
    return rule["fromPort"]
