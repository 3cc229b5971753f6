"""The cluster's grants name exact actions on exact resources (and the keys that encrypt them)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks
from helpers import new_stack

from cdk_emr import EmrCluster
from tests import sourced_actions as sourced


def instance_statements(template: Template) -> list[dict[str, Any]]:
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    [policy] = [p for name, p in policies.items() if name.startswith("ClusterInstanceRolePolicy")]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def actions_on(statements: list[dict[str, Any]], logical_id: str) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        if logical_id in str(statement["Resource"]):
            actions = statement["Action"]
            found |= set(actions if isinstance(actions, list) else [actions])
    return found


@pytest.fixture(scope="module")
def granted() -> tuple[Template, cdk.Stack, dict[str, Any]]:
    stack = new_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    table = dynamodb.Table(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryption_key=key,
    )
    readonly = dynamodb.Table(stack, "ReadOnly", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING))
    source = kinesis.Stream(stack, "Source", encryption=kinesis.StreamEncryption.KMS, encryption_key=key)
    sink = kinesis.Stream(stack, "Sink")
    secret = secretsmanager.Secret(stack, "Jdbc")
    cluster = EmrCluster(stack, "Cluster")
    cluster.grant_dynamodb(table, write=True)
    cluster.grant_dynamodb(readonly)
    cluster.grant_kinesis(source)
    cluster.grant_kinesis(sink, write=True)
    cluster.grant_secret_read(secret)
    ids = {
        name: stack.get_logical_id(c.node.default_child)
        for name, c in {
            "table": table,
            "readonly": readonly,
            "source": source,
            "sink": sink,
            "secret": secret,
            "key": key,
        }.items()
    }
    return Template.from_stack(stack), stack, ids


def test_dynamodb_grants_read_or_read_write_on_table_and_indexes(granted) -> None:  # type: ignore[no-untyped-def]
    template, _, ids = granted
    statements = instance_statements(template)
    assert actions_on(statements, ids["table"]) == sourced.actions(sourced.DYNAMODB_READ, sourced.DYNAMODB_WRITE)
    assert actions_on(statements, ids["readonly"]) == sourced.actions(sourced.DYNAMODB_READ)
    assert any("/index/*" in str(s["Resource"]) for s in statements)


def test_kinesis_grants_consume_or_produce(granted) -> None:  # type: ignore[no-untyped-def]
    template, _, ids = granted
    statements = instance_statements(template)
    assert actions_on(statements, ids["source"]) == sourced.actions(sourced.KINESIS_READ)
    assert actions_on(statements, ids["sink"]) == sourced.actions(sourced.KINESIS_WRITE)


def test_secret_grant_reads_only(granted) -> None:  # type: ignore[no-untyped-def]
    template, _, ids = granted
    assert actions_on(instance_statements(template), ids["secret"]) == sourced.actions(sourced.SECRET_READ)


def test_encrypted_resources_bring_their_key(granted) -> None:  # type: ignore[no-untyped-def]
    template, _, ids = granted
    key_actions = actions_on(instance_statements(template), ids["key"])
    assert {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"} <= key_actions
    assert not any("*" in a for a in key_actions)


def test_grants_raise_no_iam_finding_in_the_three_nag_packs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Grants")
    table = dynamodb.Table(stack, "Table", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING))
    cluster = EmrCluster(stack, "Cluster")
    cluster.grant_dynamodb(table, write=True)
    cluster.grant_kinesis(kinesis.Stream(stack, "Stream"))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()  # the bare table and stream break other rules (PITR, ...); IAM must not
    reports = json.loads((tmp_path / "validation-report.json").read_text())["pluginReports"]
    rules = {v["ruleName"] for r in reports for v in r["violations"]}
    assert rules, "the control: the bare table and stream are reported"
    assert not [r for r in rules if "IAM" in r], rules


@pytest.mark.parametrize(("action", "operation"), sorted(set(sourced.ALL)))
def test_expected_actions_authorize_real_api_operations(action: str, operation: str) -> None:
    """Each expected action's service and operation exist in botocore's service model (the IAM
    prefixes of these services are their botocore names)."""
    import botocore.session

    service = action.split(":")[0]
    assert operation in botocore.session.get_session().get_service_model(service).operation_names
