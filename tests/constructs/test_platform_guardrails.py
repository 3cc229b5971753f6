"""Platform guardrails: each broken rule is one line of one EmrValidationError, with the numbers.

Expected costs are computed by hand from the price snapshot's sources (/work/shared reference
prices, us-east-1): m7g.xlarge EC2 On-Demand 0.1632 USD/h (S1, 2026-07-20), no sourced EMR fee,
so 25% of EC2 (S6 ratio): 0.0408 USD/h; plus the fleet's default 64 GiB gp3 volume at
0.08 USD per GB-month (S7) over 730 hours: 64 x 0.08 / 730 = 0.0070 USD/h; one instance-hour
0.2110 USD. m5.xlarge: 0.192 USD/h EC2 (S1) and an EMR fee of 0.048 USD/h (S6): 0.2470 USD with
the volume, so the cheaper m7g.xlarge is the one priced.
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from cdk_emr import EmrPlatform, EmrValidationError, InstanceFleet

SMALL = InstanceFleet.on_demand(["m7g.xlarge"], 1)


@pytest.fixture(scope="module")
def platform() -> EmrPlatform:
    """One platform for every guardrail test (nothing is synthesized: the rules fail at add_cluster)."""
    stack = cdk.Stack(cdk.App(), "Guarded", env=cdk.Environment(account="123456789012", region="us-east-1"))
    return EmrPlatform(stack, "Platform", required_tags=("cost-center", "owner"), production=True)


def _violations(error: pytest.ExceptionInfo[EmrValidationError]) -> dict[str, str]:
    return {v.property: f"{v.value!r}: {v.allowed}" for v in error.value.violations}


def test_every_broken_rule_is_reported_at_once_with_its_numbers(platform: EmrPlatform) -> None:
    team = platform.add_team("tight", max_hourly_usd=0.3, allowed_instance_families=("m7g",), tags={"owner": "tight@example.com"})
    with pytest.raises(EmrValidationError) as error:
        platform.add_cluster(
            "TooMuch",
            team=team,
            primary=SMALL,
            core=InstanceFleet.on_demand(["m7g.xlarge", "m5.xlarge"], 1),
            subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
        )
    found = _violations(error)
    assert set(found) == {"instance_types", "maximum hourly cost", "tags", "termination_protection", "subnets"}
    assert found["instance_types"].startswith("['m5.xlarge']")
    # primary 1 x 0.2110 + core 1 x 0.2110 (the cheaper type per unit) = 0.4220 > 0.3
    assert "0.4220 USD/h in us-east-1" in found["maximum hourly cost"]
    assert "max_hourly_usd of 0.3 USD/h" in found["maximum hourly cost"]
    assert "missing cost-center" in found["tags"]
    assert found["termination_protection"].startswith("False")
    assert "PublicSubnet1" in found["subnets"]
    assert "Invalid EmrPlatform Guarded/Platform.add_cluster('TooMuch') for team 'tight' (5 problems)" in str(error.value)


def test_the_budget_covers_the_teams_clusters_together(platform: EmrPlatform) -> None:
    team = platform.add_team("pair", max_hourly_usd=0.7, tags={"owner": "pair@example.com", "cost-center": "cc-1"})
    platform.add_cluster("First", team=team, primary=SMALL, core=SMALL, termination_protection=True)  # 0.4220
    with pytest.raises(EmrValidationError) as error:
        platform.add_cluster("Second", team=team, primary=SMALL, core=SMALL, termination_protection=True)
    [violation] = error.value.violations
    # 2 x (2 x (0.1632 + 0.0408 + 64 x 0.08 / 730)) = 0.84405 > 0.7
    assert violation.property == "maximum hourly cost"
    assert "0.4220 USD/h in us-east-1" in violation.value
    assert "+ 0.4220 USD/h of the team's other clusters = 0.8441 USD/h" in violation.value


def test_a_cluster_within_every_rule_is_added(platform: EmrPlatform) -> None:
    team = platform.add_team(
        "fine", max_hourly_usd=0.5, allowed_instance_families=("m7g",), tags={"owner": "o", "cost-center": "c"}
    )
    cluster = platform.add_cluster("Fine", team=team, primary=SMALL, core=SMALL, termination_protection=True)
    assert team.clusters == [cluster]


def test_the_platform_sets_the_foundation_of_every_cluster(platform: EmrPlatform) -> None:
    with pytest.raises(EmrValidationError) as error:
        platform.add_cluster("Own", log_prefix="mine/", instance_role=platform.tls.role)
    assert set(_violations(error)) == {"log_prefix", "instance_role"}


def test_a_team_never_owns_default_and_needs_a_sound_name_budget_and_prefixes(platform: EmrPlatform) -> None:
    with pytest.raises(EmrValidationError) as error:
        platform.add_team("Bad Name", data=("no-slash",), glue_databases=("default",), max_hourly_usd=0)
    assert set(_violations(error)) == {"name", "data[0]", "glue_databases[0]", "max_hourly_usd"}
    assert "not 'default'" in _violations(error)["glue_databases[0]"]


def test_lake_formation_is_an_option_of_the_security_configuration_and_the_runtime_roles() -> None:
    stack = cdk.Stack(cdk.App(), "LakeFormation", env=cdk.Environment(account="123456789012", region="us-east-1"))
    platform = EmrPlatform(stack, "Platform", lake_formation=True, propagate_source_identity=True)
    team = platform.add_team("analytics")
    # EMR Management Guide, "Runtime roles for Amazon EMR steps": the security configuration's
    # AuthorizationConfiguration, with the session tag value "Amazon EMR" for Lake Formation.
    assert platform.security_configuration.document["AuthorizationConfiguration"] == {
        "IAMConfiguration": {
            "EnableApplicationScopedIAMRole": True,
            "ApplicationScopedIAMRoleConfiguration": {"PropagateSourceIdentity": True},
        },
        "LakeFormationConfiguration": {"AuthorizedSessionTagValue": "Amazon EMR"},
    }
    statements = stack.resolve(team.runtime_role.policy.document)["Statement"]
    assert {"Action": "lakeformation:GetDataAccess", "Effect": "Allow", "Resource": "*"} in statements
    trust = stack.resolve(team.runtime_role.assume_role_policy)["Statement"]
    assert {a for s in trust for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])} == {
        "sts:AssumeRole",
        "sts:TagSession",
        "sts:SetSourceIdentity",
    }


def test_a_team_member_may_submit_steps_only_as_the_teams_runtime_role_on_its_clusters() -> None:
    stack = cdk.Stack(cdk.App(), "Submit", env=cdk.Environment(account="123456789012", region="us-east-1"))
    platform = EmrPlatform(stack, "Platform")
    team = platform.add_team("analytics")
    member = cdk.aws_iam.Role(stack, "Member", assumed_by=cdk.aws_iam.AccountRootPrincipal())
    team.grant_submit_steps(member)
    [policy] = [c for c in member.node.children if isinstance(c, cdk.aws_iam.Policy)]
    statements = stack.resolve(policy.document)["Statement"]
    [submit] = [s for s in statements if s["Action"] == "elasticmapreduce:AddJobFlowSteps"]
    # Service Authorization Reference: AddJobFlowSteps on cluster, condition elasticmapreduce:ExecutionRoleArn
    assert submit["Condition"] == {
        "StringEquals": {
            "aws:ResourceTag/cdk-emr:team": ["analytics", "shared"],
            "elasticmapreduce:ExecutionRoleArn": stack.resolve(team.runtime_role.role_arn),
        }
    }
    assert submit["Resource"]["Fn::Join"][1][-1] == ":elasticmapreduce:us-east-1:123456789012:cluster/*"
    [follow] = [s for s in statements if s is not submit]
    assert "elasticmapreduce:AddJobFlowSteps" not in follow["Action"]
    assert follow["Condition"] == {"StringEquals": {"aws:ResourceTag/cdk-emr:team": ["analytics", "shared"]}}
