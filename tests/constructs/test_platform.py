"""EmrPlatform: who may decrypt which key, which role reads which prefix and database, the runtime
roles' trust, the security configurations, and the cluster's team metadata (one synthesis)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest

from cdk_emr import EmrPlatform, InstanceFleet
from cdk_emr.encryption import KEY_ADMINISTRATION

ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    app = cdk.App()
    stack = cdk.Stack(app, "Platform", env=cdk.Environment(account=ACCOUNT, region="us-east-1"))
    platform = EmrPlatform(stack, "Platform", required_tags=("cost-center",))
    analytics = platform.add_team(
        "analytics",
        glue_databases=("analytics",),
        max_hourly_usd=2.0,
        allowed_instance_families=("m7g", "m6g"),
        tags={"cost-center": "cc-100"},
    )
    ml = platform.add_team("ml", data=("ml/features/", "ml/models/"), glue_databases=("ml",), tags={"cost-center": "cc-200"})
    small = InstanceFleet.on_demand(["m7g.xlarge"], 1)
    platform.add_cluster("Analytics", team=analytics, primary=small, core=small)
    platform.add_cluster("Shared", primary=small, core=small, tags={"cost-center": "cc-000"})
    assert set(platform.teams) == {"analytics", "ml"} and ml.name == "ml"
    return app.synth().get_stack_by_name("Platform").template


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _logical_id(template: dict[str, Any], kind: str, prefix: str) -> str:
    [found] = [k for k in _resources(template, kind) if k.startswith(prefix)]
    return found


def _principal(statement: dict[str, Any]) -> str:
    """A key-policy principal as the logical id of the role it names, or the service name."""
    principal = statement["Principal"]
    if "Service" in principal:
        service = principal["Service"]
        return service if isinstance(service, str) else "logs"
    arn = principal["AWS"]
    return arn["Fn::GetAtt"][0] if isinstance(arn, dict) and "Fn::GetAtt" in arn else "account"


def _actions(statement: dict[str, Any]) -> set[str]:
    actions = statement["Action"]
    return {actions} if isinstance(actions, str) else set(actions)


def _key_users(template: dict[str, Any], key_prefix: str, action: str) -> set[str]:
    key = template["Resources"][_logical_id(template, "AWS::KMS::Key", key_prefix)]
    return {
        _principal(s)
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if any(a == action or (a.endswith("*") and action.startswith(a[:-1])) for a in _actions(s))
    }


def _role(template: dict[str, Any], prefix: str) -> str:
    return _logical_id(template, "AWS::IAM::Role", prefix)


def _policy_statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [
        s
        for p in _resources(template, "AWS::IAM::ManagedPolicy").values()
        if {"Ref": role} in p["Properties"].get("Roles", [])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


# ----- who may decrypt which key --------------------------------------------------------------------


def test_the_account_administers_every_key_but_decrypts_none(template: dict[str, Any]) -> None:
    keys = _resources(template, "AWS::KMS::Key")
    assert len(keys) == 6  # data, disks, logs, secrets + one per team
    for key in keys.values():
        statements = key["Properties"]["KeyPolicy"]["Statement"]
        [account] = [s for s in statements if _principal(s) == "account"]
        assert set(account["Action"]) == set(KEY_ADMINISTRATION)
        assert not {"kms:Decrypt", "kms:CreateGrant", "kms:*"} & _actions(account)
        assert all("kms:*" not in _actions(s) for s in statements)
        assert key["Properties"]["EnableKeyRotation"] is True and key["DeletionPolicy"] == "Retain"


def test_each_team_key_is_decrypted_by_that_teams_runtime_role_only(template: dict[str, Any]) -> None:
    analytics = _role(template, "PlatformTeamanalyticsRuntimeRole")
    ml = _role(template, "PlatformTeammlRuntimeRole")
    assert _key_users(template, "PlatformTeamanalyticsKey", "kms:Decrypt") == {analytics}
    assert _key_users(template, "PlatformTeammlKey", "kms:Decrypt") == {ml}
    # the shared data key: what jobs write on shared clusters; the teams' runtime roles only
    assert _key_users(template, "PlatformKeysData", "kms:Decrypt") == {analytics, ml}


def test_the_instance_role_decrypts_disks_logs_and_the_tls_bundle_but_no_data(template: dict[str, Any]) -> None:
    instance = _role(template, "PlatformInstanceRole")
    tls = _role(template, "PlatformTlsRole")
    services = {_role(template, "PlatformAnalyticsServiceRole"), _role(template, "PlatformSharedServiceRole")}
    assert _key_users(template, "PlatformKeysDisks", "kms:Decrypt") == {instance} | services
    assert _key_users(template, "PlatformKeysSecrets", "kms:Decrypt") == {instance}
    assert _key_users(template, "PlatformKeysSecrets", "kms:GenerateDataKey") == {tls}
    assert instance not in _key_users(template, "PlatformKeysData", "kms:Decrypt")
    assert instance not in _key_users(template, "PlatformTeamanalyticsKey", "kms:Decrypt")
    # logs: the nodes, the TLS function (dead-letter queue), flow-log delivery and CloudWatch Logs
    assert _key_users(template, "PlatformKeysLogs", "kms:Decrypt") == {instance, tls, "delivery.logs.amazonaws.com", "logs"}


def test_the_service_roles_may_create_grants_on_the_disks_key_for_aws_resources_only(template: dict[str, Any]) -> None:
    """EC2 attaches encrypted EBS volumes through a grant the service role creates (EMR Management
    Guide, "Encrypting EBS volumes with KMS": kms:CreateGrant, ListGrants, RevokeGrant with
    ``kms:GrantIsForAWSResource``). The disks key does not delegate to IAM, so its policy must
    name each service role with that condition."""
    key = template["Resources"][_logical_id(template, "AWS::KMS::Key", "PlatformKeysDisks")]
    services = {_role(template, "PlatformAnalyticsServiceRole"), _role(template, "PlatformSharedServiceRole")}
    granting = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if "kms:CreateGrant" in _actions(s)]
    assert {_principal(s) for s in granting} == services
    for statement in granting:
        assert _actions(statement) == {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}
        assert statement["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": True}}


def test_service_principals_on_the_logs_key_are_limited_to_this_account(template: dict[str, Any]) -> None:
    key = template["Resources"][_logical_id(template, "AWS::KMS::Key", "PlatformKeysLogs")]
    [delivery] = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if _principal(s) == "delivery.logs.amazonaws.com"]
    # VPC User Guide, flow logs to S3 with SSE-KMS: the account and its log-delivery sources.
    source_arn = {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":logs:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":*"],
        ]
    }
    assert delivery["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
        "ArnLike": {"aws:SourceArn": source_arn},
    }


# ----- which role reads which prefix and database -----------------------------------------------------


def _s3_object_resources(statements: list[dict[str, Any]]) -> list[str]:
    found = []
    for s in statements:
        if "s3:GetObject" in _actions(s):
            for resource in s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]:
                found.append(resource["Fn::Join"][1][-1])
    return found


def test_a_runtime_role_reads_and_lists_only_its_teams_prefixes(template: dict[str, Any]) -> None:
    ml = _policy_statements(template, _role(template, "PlatformTeammlRuntimeRole"))
    assert _s3_object_resources(ml) == ["/ml/features/*", "/ml/models/*"]
    [listing] = [s for s in ml if "s3:ListBucket" in _actions(s)]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["ml/features/*", "ml/models/*"]}}
    analytics = _policy_statements(template, _role(template, "PlatformTeamanalyticsRuntimeRole"))
    assert _s3_object_resources(analytics) == ["/teams/analytics/*"]


def _glue_resources(statements: list[dict[str, Any]], action: str) -> set[str]:
    found = set()
    for s in statements:
        if action in _actions(s):
            for resource in s["Resource"]:
                found.add(resource["Fn::Join"][1][-1].removeprefix(":glue:us-east-1:123456789012:"))
    return found


def test_a_runtime_role_owns_its_glue_databases_and_only_looks_up_default(template: dict[str, Any]) -> None:
    analytics = _policy_statements(template, _role(template, "PlatformTeamanalyticsRuntimeRole"))
    assert _glue_resources(analytics, "glue:DeleteTable") == {
        "catalog",
        "database/analytics",
        "table/analytics/*",
        "userDefinedFunction/analytics/*",
    }
    assert _glue_resources(analytics, "glue:GetDatabase") >= {"database/default"}


def test_no_role_may_change_or_delete_anything_in_the_default_database(template: dict[str, Any]) -> None:
    for policy in _resources(template, "AWS::IAM::ManagedPolicy").values():
        for s in policy["Properties"]["PolicyDocument"]["Statement"]:
            writes = {a for a in _actions(s) if a.startswith("glue:") and not a.startswith("glue:Get")}
            if writes:
                assert not any("default" in str(r) for r in s["Resource"]), s


def test_the_instance_role_has_no_data_and_no_glue(template: dict[str, Any]) -> None:
    statements = _policy_statements(template, _role(template, "PlatformInstanceRole"))
    data_bucket = _logical_id(template, "AWS::S3::Bucket", "PlatformDataBucket")
    assert not any(data_bucket in str(s["Resource"]) for s in statements)
    assert not any(a.startswith("glue:") for s in statements for a in _actions(s))


def test_runtime_roles_trust_the_instance_role_to_assume_and_tag_sessions(template: dict[str, Any]) -> None:
    instance = _role(template, "PlatformInstanceRole")
    for team in ("analytics", "ml"):
        trust = template["Resources"][_role(template, f"PlatformTeam{team}RuntimeRole")]["Properties"]["AssumeRolePolicyDocument"]
        actions = {a for s in trust["Statement"] for a in _actions(s)}
        assert actions == {"sts:AssumeRole", "sts:TagSession"}
        assert all(s["Principal"] == {"AWS": {"Fn::GetAtt": [instance, "Arn"]}} for s in trust["Statement"])


# ----- security configurations, clusters -----------------------------------------------------------


def _security_configuration(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    return template["Resources"][_logical_id(template, "AWS::EMR::SecurityConfiguration", prefix)]["Properties"][
        "SecurityConfiguration"
    ]


def test_team_clusters_write_with_the_team_key_shared_clusters_with_the_data_key(template: dict[str, Any]) -> None:
    for prefix, key in (
        ("PlatformTeamanalyticsSecurityConfiguration", "PlatformTeamanalyticsKey"),
        ("PlatformSecurityConfiguration", "PlatformKeysData"),
    ):
        document = _security_configuration(template, prefix)
        at_rest = document["EncryptionConfiguration"]["AtRestEncryptionConfiguration"]
        assert at_rest["S3EncryptionConfiguration"]["AwsKmsKey"] == {
            "Fn::GetAtt": [_logical_id(template, "AWS::KMS::Key", key), "Arn"]
        }
        disks = _logical_id(template, "AWS::KMS::Key", "PlatformKeysDisks")
        assert at_rest["LocalDiskEncryptionConfiguration"]["AwsKmsKey"] == {"Fn::GetAtt": [disks, "Arn"]}
        assert document["AuthorizationConfiguration"] == {"IAMConfiguration": {"EnableApplicationScopedIAMRole": True}}
        assert document["EncryptionConfiguration"]["EnableInTransitEncryption"] is True


def test_clusters_carry_their_team_and_budget_and_share_the_instance_role(template: dict[str, Any]) -> None:
    clusters = _resources(template, "AWS::EMR::Cluster")
    by_team = {c["Metadata"]["cdk-emr:team"]["name"]: c for c in clusters.values()}
    assert by_team["analytics"]["Metadata"]["cdk-emr:team"]["max_hourly_usd"] == 2.0
    assert "max_hourly_usd" not in by_team["shared"]["Metadata"]["cdk-emr:team"]  # no budget: none written
    tags = {t["Key"]: t["Value"] for t in by_team["analytics"]["Properties"]["Tags"]}
    assert tags["cdk-emr:team"] == "analytics" and tags["cost-center"] == "cc-100"
    profiles = {c["Properties"]["JobFlowRole"]["Ref"] for c in clusters.values()}
    roles = {template["Resources"][p]["Properties"]["Roles"][0]["Ref"] for p in profiles}
    assert roles == {_role(template, "PlatformInstanceRole")}
