"""``TransientClusterWorkflow``: its createCluster parameters (the converter itself is tested in
tests/ops/test_run_job_flow.py), the state machine's success and failure paths, its role,
logging, topic, validation, and the three nag packs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import botocore.session
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template
from botocore.validate import ParamValidator
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

from cdk_emr import (
    ActionOnFailure,
    AutoTermination,
    CommandStep,
    Configuration,
    EmrCluster,
    EmrValidationError,
    InstanceFleet,
    InstanceGroup,
    Kerberos,
    ManagedScaling,
    ScriptSource,
    SparkStep,
    TransientClusterWorkflow,
)
from cdk_emr.compliance import flatten_reference
from cdk_emr.orchestration import cloudformation_properties
from stacks.choices import accept_single_region_buckets

ENV = cdk.Environment(account="123456789012", region="eu-west-1")
STATE_MACHINE = "AWS::StepFunctions::StateMachine"
SUCCESS_PATH = [
    "Create cluster",
    "Step 1: warm-up",
    "Step 2: transform",
    "Step 3: report",
    "Terminate cluster",
    "Succeeded",
]


def integration(name: str) -> str:
    return f"arn:<AWS::Partition>:states:::{name}"


def definition(template: Template) -> dict[str, Any]:
    """The state machine's ASL, with each CloudFormation reference written as ``<Logical.Attr>``."""
    machines = template.find_resources(STATE_MACHINE)
    assert len(machines) == 1, machines
    body = next(iter(machines.values()))["Properties"]["DefinitionString"]
    parts = body["Fn::Join"][1] if isinstance(body, dict) else [body]
    return json.loads("".join(p if isinstance(p, str) else flatten_reference(p) for p in parts))


def logical_id(construct: Any) -> str:
    resource = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
    return cdk.Stack.of(construct).resolve(resource.logical_id)  # type: ignore[no-any-return]


def policy_statements(template: Template, policy: Any) -> list[dict[str, Any]]:
    document = template.to_json()["Resources"][logical_id(policy)]["Properties"]["PolicyDocument"]
    return document["Statement"]  # type: ignore[no-any-return]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# ----- the workflow under test --------------------------------------------------------------


def build(stack: cdk.Stack) -> tuple[EmrCluster, TransientClusterWorkflow, s3.IBucket]:
    data = s3.Bucket.from_bucket_name(stack, "Data", "analytics-data-lake")
    cluster = EmrCluster(
        stack,
        "Cluster",
        launch=False,
        configurations=Configuration.glue_data_catalog(),
        task=[InstanceFleet.spot_fleet(["m7g.2xlarge", "r7g.2xlarge"], 4)],
        managed_scaling=ManagedScaling(min_capacity=2, max_capacity=10),
        ebs_root_volume_size_gib=32,
        steps=[CommandStep(name="warm-up", command=["spark-example", "SparkPi", "10"])],
        tags={"team": "data"},
    )
    workflow = TransientClusterWorkflow(
        stack,
        "Nightly",
        cluster=cluster,
        steps=[
            SparkStep(name="transform", script=ScriptSource.from_bucket(data, "jobs/transform.py"), args=["--day", "1"]),
            CommandStep(name="report", command=["hive", "-e", "SELECT 1"]),
        ],
        timeout=cdk.Duration.hours(3),
        notification_emails=["data-platform@example.com"],
        name="nightly",
    )
    return cluster, workflow, data


@pytest.fixture(scope="module")
def built() -> tuple[Template, EmrCluster, TransientClusterWorkflow, s3.IBucket]:
    stack = cdk.Stack(cdk.App(), "Analytics")
    cluster, workflow, data = build(stack)
    return Template.from_stack(stack), cluster, workflow, data


@pytest.fixture(scope="module")
def template(built: tuple[Template, EmrCluster, TransientClusterWorkflow, s3.IBucket]) -> Template:
    return built[0]


@pytest.fixture(scope="module")
def workflow(built: tuple[Template, EmrCluster, TransientClusterWorkflow, s3.IBucket]) -> TransientClusterWorkflow:
    return built[2]


@pytest.fixture(scope="module")
def states(template: Template) -> dict[str, dict[str, Any]]:
    return definition(template)["States"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def create_parameters(states: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return states["Create cluster"]["Parameters"]  # type: ignore[no-any-return]


# ----- launch properties → createCluster parameters ------------------------------------------


def run_job_flow_shape() -> Any:
    return botocore.session.get_session().get_service_model("emr").operation_model("RunJobFlow").input_shape


def assert_valid_run_job_flow(request: dict[str, Any]) -> None:
    """botocore's own validator, on the EMR service model: names, nesting and types."""
    report = ParamValidator().validate(request, run_job_flow_shape())
    assert not report.has_errors(), report.generate_report()


def test_launch_properties_render_in_cloudformation_shape_with_tokens_unresolved() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    cluster = EmrCluster(stack, "Cluster", launch=False, configurations=[Configuration.spark_defaults({"spark.a": "b"})])
    properties = cloudformation_properties(cluster.launch_properties)
    primary = properties["Instances"]["MasterInstanceFleet"]
    assert (
        primary["InstanceTypeConfigs"][0]["EbsConfiguration"]["EbsBlockDeviceConfigs"][0]["VolumeSpecification"]["SizeInGB"] == 64
    )
    assert properties["Configurations"] == [{"Classification": "spark-defaults", "ConfigurationProperties": {"spark.a": "b"}}]
    assert cdk.Token.is_unresolved(properties["ServiceRole"])
    assert stack.resolve(properties["ServiceRole"]) == {"Fn::GetAtt": [logical_id(cluster.service_role), "Arn"]}


def test_create_parameters_of_the_real_cluster_are_a_valid_run_job_flow_request(create_parameters: dict[str, Any]) -> None:
    assert_valid_run_job_flow(create_parameters)


# ----- success path -------------------------------------------------------------------------


def follow(states: dict[str, dict[str, Any]], start: str) -> list[str]:
    path, name = [start], start
    while "Next" in states[name]:
        name = states[name]["Next"]
        path.append(name)
    return path


def test_success_path_creates_runs_every_step_in_order_terminates_and_succeeds(template: Template) -> None:
    asl = definition(template)
    assert asl["StartAt"] == "Create cluster"
    assert follow(asl["States"], asl["StartAt"]) == SUCCESS_PATH
    assert asl["States"]["Succeeded"] == {"Type": "Succeed"}


def test_each_state_uses_the_sync_emr_integration(states: dict[str, dict[str, Any]]) -> None:
    assert states["Create cluster"]["Resource"] == integration("elasticmapreduce:createCluster.sync")
    for name in SUCCESS_PATH[1:4]:
        assert states[name]["Resource"] == integration("elasticmapreduce:addStep.sync")
        assert states[name]["Parameters"]["ClusterId.$"] == "$.Cluster.ClusterId"
    assert states["Terminate cluster"]["Resource"] == integration("elasticmapreduce:terminateCluster.sync")
    assert states["Terminate cluster"]["Parameters"] == {"ClusterId.$": "$.Cluster.ClusterId"}


def test_creation_keeps_only_the_cluster_id_and_steps_keep_the_state(states: dict[str, dict[str, Any]]) -> None:
    create = states["Create cluster"]
    assert create["ResultSelector"] == {"Cluster": {"ClusterId.$": "$.ClusterId"}}
    assert create["ResultPath"] == "$"
    for name in SUCCESS_PATH[1:5]:
        assert states[name]["ResultPath"] is None


def test_create_parameters_use_the_clusters_roles_security_configuration_and_logs(
    create_parameters: dict[str, Any], built: tuple[Template, EmrCluster, TransientClusterWorkflow, s3.IBucket]
) -> None:
    _, cluster, _, _ = built
    assert create_parameters["ServiceRole"] == f"<{logical_id(cluster.service_role)}.Arn>"
    assert create_parameters["JobFlowRole"] == f"<{logical_id(cluster.instance_role.instance_profile)}>"  # type: ignore[attr-defined]
    assert create_parameters["SecurityConfiguration"] == f"<{logical_id(cluster.security_configuration)}>"
    assert create_parameters["LogUri"] == f"s3://<{logical_id(cluster.log_bucket)}>/emr-logs/"
    assert create_parameters["LogEncryptionKmsKeyId"] == f"<{logical_id(cluster.encryption_key)}.Arn>"
    assert create_parameters["ReleaseLabel"] == cluster.release_label.label
    assert create_parameters["Applications"] == [{"Name": "Hadoop"}, {"Name": "Spark"}]


def test_create_parameters_carry_fleets_scaling_and_the_rest_of_the_configuration(create_parameters: dict[str, Any]) -> None:
    fleets = create_parameters["Instances"]["InstanceFleets"]
    assert [(f["InstanceFleetType"], f["TargetOnDemandCapacity"], f["TargetSpotCapacity"]) for f in fleets] == [
        ("MASTER", 1, 0),
        ("CORE", 1, 0),
        ("TASK", 0, 4),
    ]
    assert fleets[2]["LaunchSpecifications"]["SpotSpecification"]["AllocationStrategy"] == "price-capacity-optimized"
    assert fleets[0]["InstanceTypeConfigs"][0]["EbsConfiguration"]["EbsBlockDeviceConfigs"][0]["VolumeSpecification"] == {
        "SizeInGB": 64,
        "VolumeType": "gp3",
    }
    assert create_parameters["ManagedScalingPolicy"] == {
        "ComputeLimits": {"MinimumCapacityUnits": 2, "MaximumCapacityUnits": 10, "UnitType": "InstanceFleetUnits"}
    }
    assert create_parameters["AutoTerminationPolicy"] == {"IdleTimeout": 3600}
    assert create_parameters["EbsRootVolumeSize"] == 32
    assert create_parameters["StepConcurrencyLevel"] == 1
    assert create_parameters["Configurations"][0]["Classification"] == "hive-site"
    assert "Properties" in create_parameters["Configurations"][0]
    assert create_parameters["Instances"]["UnhealthyNodeReplacement"] is True
    assert create_parameters["Instances"]["TerminationProtected"] is False


def test_create_parameters_keep_the_cluster_alive_without_steps_and_tag_it(
    create_parameters: dict[str, Any], workflow: TransientClusterWorkflow
) -> None:
    assert create_parameters["Instances"]["KeepJobFlowAliveWhenNoSteps"] is True  # createCluster requires it
    assert "Steps" not in create_parameters  # createCluster refuses steps: they are states
    assert create_parameters["Tags"] == [
        {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"},
        {"Key": "team", "Value": "data"},
        {"Key": "cdk-emr:workflow", "Value": workflow.workflow_tag},
    ]


def test_steps_run_the_clusters_own_steps_first_then_the_workflows(states: dict[str, dict[str, Any]]) -> None:
    assert states["Step 1: warm-up"]["Parameters"]["Step"] == {
        "Name": "warm-up",
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-example", "SparkPi", "10"]},
    }
    transform = states["Step 2: transform"]["Parameters"]["Step"]["HadoopJarStep"]
    assert transform["Args"] == [
        "spark-submit",
        "--deploy-mode",
        "cluster",
        "s3://analytics-data-lake/jobs/transform.py",
        "--day",
        "1",
    ]


def test_step_scripts_are_readable_by_the_cluster_instance_role(
    template: Template, built: tuple[Template, EmrCluster, TransientClusterWorkflow, s3.IBucket]
) -> None:
    _, cluster, _, _ = built
    statements = policy_statements(template, cluster.instance_role.policy)  # type: ignore[attr-defined]
    objects = "arn:<AWS::Partition>:s3:::analytics-data-lake/jobs/transform.py"
    assert any(
        s["Action"] == ["s3:GetObject", "s3:GetObjectVersion"] and flatten_reference(s["Resource"]) == objects for s in statements
    )


def test_each_cluster_task_times_out_and_the_execution_leaves_time_to_clean_up(
    template: Template, states: dict[str, dict[str, Any]]
) -> None:
    for name in SUCCESS_PATH[:4]:
        assert states[name]["TimeoutSeconds"] == 3 * 3600
    assert definition(template)["TimeoutSeconds"] == 4 * 3 * 3600 + 2 * 3600


# ----- failure paths ------------------------------------------------------------------------


def catcher(state: dict[str, Any]) -> dict[str, Any]:
    (catch,) = state["Catch"]
    assert catch["ErrorEquals"] == ["States.ALL"]
    return catch  # type: ignore[no-any-return]


def test_every_step_failure_terminates_the_cluster_then_notifies_then_fails(states: dict[str, dict[str, Any]]) -> None:
    for name in SUCCESS_PATH[1:4]:
        catch = catcher(states[name])
        assert catch["ResultPath"] == "$.Error"  # the state keeps the cluster id and gains the error
        assert catch["Next"] == "Terminate cluster after failure"
    assert follow(states, "Terminate cluster after failure") == ["Terminate cluster after failure", "Notify failure", "Failed"]
    cleanup = states["Terminate cluster after failure"]
    assert cleanup["Resource"] == integration("elasticmapreduce:terminateCluster.sync")
    assert cleanup["ResultPath"] is None  # the error stays in $.Error for the notification
    assert states["Failed"] == {
        "Type": "Fail",
        "ErrorPath": "$.Error.Error",
        "Cause": "The cluster was terminated after a failure.",
    }


def test_creation_failure_notifies_then_fails_without_terminating(states: dict[str, dict[str, Any]]) -> None:
    catch = catcher(states["Create cluster"])
    assert catch["ResultPath"] == "$"
    assert follow(states, catch["Next"]) == ["Notify creation failure", "Creation failed"]
    assert states["Creation failed"]["ErrorPath"] == "$.Error"


def test_a_failed_termination_is_notified_with_the_cluster_to_terminate_by_hand(states: dict[str, dict[str, Any]]) -> None:
    for name in ("Terminate cluster", "Terminate cluster after failure"):
        catch = catcher(states[name])
        assert (catch["ResultPath"], catch["Next"]) == ("$.TerminationError", "Notify termination failure")
        assert states[name]["Retry"] == [
            {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 30, "MaxAttempts": 2, "BackoffRate": 2}
        ]
    assert follow(states, "Notify termination failure") == ["Notify termination failure", "Termination failed"]
    message = states["Notify termination failure"]["Parameters"]["Message.$"]
    assert "$.Cluster.ClusterId" in message and "cdk-emr terminate" in message


def test_notifications_name_the_execution_the_cluster_and_the_error(
    states: dict[str, dict[str, Any]], workflow: TransientClusterWorkflow
) -> None:
    expected = {
        "Notify failure": ["$$.Execution.Id", "$.Cluster.ClusterId", "States.JsonToString($.Error)"],
        "Notify creation failure": ["$$.Execution.Id", "States.JsonToString($)"],
        "Notify termination failure": ["$$.Execution.Id", "$.Cluster.ClusterId", "States.JsonToString($.TerminationError)"],
    }
    for name, arguments in expected.items():
        state = states[name]
        assert state["Resource"] == integration("sns:publish")
        assert state["Parameters"]["TopicArn"] == f"<{logical_id(workflow.topic)}>"
        assert state["Parameters"]["Subject"] == "EMR workflow nightly failed"
        message = state["Parameters"]["Message.$"]
        assert message.startswith("States.Format('EMR workflow execution {}")
        assert all(argument in message for argument in arguments)
        assert state["ResultPath"] is None  # keep the error for the Fail state
        assert state["Retry"][0]["ErrorEquals"] == ["States.ALL"]


def test_every_failure_ends_in_a_fail_state_and_every_task_is_caught_or_cleans_up(states: dict[str, dict[str, Any]]) -> None:
    notifications = {"Notify failure", "Notify creation failure", "Notify termination failure"}
    for name, state in states.items():
        if state["Type"] == "Task" and name not in notifications:
            assert state["Catch"], name
        for catch in state.get("Catch", []):
            assert states[follow(states, catch["Next"])[-1]]["Type"] == "Fail"
    assert {n for n, s in states.items() if s["Type"] == "Fail"} == {"Failed", "Creation failed", "Termination failed"}


# ----- role ---------------------------------------------------------------------------------


def all_role_statements(template: Template, workflow: TransientClusterWorkflow) -> list[dict[str, Any]]:
    return policy_statements(template, workflow.role.policy) + policy_statements(template, workflow.cluster_policy)


def test_the_role_has_no_wildcard_action_and_no_inline_policy(template: Template, workflow: TransientClusterWorkflow) -> None:
    actions = [a for s in all_role_statements(template, workflow) for a in as_list(s["Action"])]
    assert actions and not [a for a in actions if "*" in a]
    resources = template.to_json()["Resources"]
    assert "Policies" not in resources[logical_id(workflow.role)]["Properties"]
    assert not template.find_resources("AWS::IAM::Policy")
    for policy in (workflow.role.policy, workflow.cluster_policy):
        assert resources[logical_id(policy)]["Properties"]["Roles"] == [{"Ref": logical_id(workflow.role)}]


def test_the_role_is_assumed_by_step_functions_of_this_account(template: Template, workflow: TransientClusterWorkflow) -> None:
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "states.amazonaws.com"},
                        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                    }
                ],
                "Version": "2012-10-17",
            }
        },
    )


def test_pass_role_only_on_the_service_and_instance_roles(
    template: Template, built: tuple[Template, EmrCluster, TransientClusterWorkflow, s3.IBucket]
) -> None:
    _, cluster, workflow, _ = built
    passing = [s for s in all_role_statements(template, workflow) if "iam:PassRole" in as_list(s["Action"])]
    assert passing == [
        {
            "Action": "iam:PassRole",
            "Effect": "Allow",
            "Resource": [
                {"Fn::GetAtt": [logical_id(cluster.service_role), "Arn"]},
                {"Fn::GetAtt": [logical_id(cluster.instance_role), "Arn"]},
            ],
            "Sid": "PassTheClusterRoles",
        }
    ]


def test_emr_actions_are_named_and_limited_to_clusters_tagged_for_this_workflow(
    template: Template, workflow: TransientClusterWorkflow
) -> None:
    emr = {s["Sid"]: s for s in policy_statements(template, workflow.cluster_policy)}
    create = emr["CreateClustersTaggedForThisWorkflow"]
    assert create["Action"] == ["elasticmapreduce:RunJobFlow", "elasticmapreduce:AddTags"]
    # Condition keys elasticmapreduce:RequestTag/${TagKey} and ResourceTag/${TagKey} (Service Authorization
    # Reference, Amazon EMR); the tag key is the one the README documents, cdk-emr:workflow.
    assert create["Condition"] == {"StringEquals": {"elasticmapreduce:RequestTag/cdk-emr:workflow": workflow.workflow_tag}}
    manage = emr["RunStepsOnAndTerminateThisWorkflowsClusters"]
    assert sorted(manage["Action"]) == [
        "elasticmapreduce:AddJobFlowSteps",
        "elasticmapreduce:CancelSteps",
        "elasticmapreduce:DescribeCluster",
        "elasticmapreduce:DescribeStep",
        "elasticmapreduce:TerminateJobFlows",
    ]
    assert (
        flatten_reference(manage["Resource"]) == "arn:<AWS::Partition>:elasticmapreduce:<AWS::Region>:<AWS::AccountId>:cluster/*"
    )
    assert manage["Condition"] == {"StringEquals": {"elasticmapreduce:ResourceTag/cdk-emr:workflow": workflow.workflow_tag}}


def test_sync_event_rules_are_named_exactly(template: Template, workflow: TransientClusterWorkflow) -> None:
    (rules,) = [s for s in policy_statements(template, workflow.cluster_policy) if s.get("Sid") == "ManageTheSyncEventRules"]
    assert rules["Action"] == ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    assert [flatten_reference(r) for r in rules["Resource"]] == [
        f"arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/StepFunctionsGetEventForEMR{name}Rule"
        for name in ("RunJobFlow", "AddJobFlowSteps", "TerminateJobFlows")
    ]


def test_the_role_publishes_to_the_topic_with_its_key(template: Template, workflow: TransientClusterWorkflow) -> None:
    statements = policy_statements(template, workflow.role.policy)
    assert {"Action": "sns:Publish", "Effect": "Allow", "Resource": {"Ref": logical_id(workflow.topic)}} in statements
    key = {"Fn::GetAtt": [logical_id(workflow.encryption_key), "Arn"]}
    assert {"Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Effect": "Allow", "Resource": key} in statements


def test_only_logging_tracing_and_run_job_flow_use_resource_star(template: Template, workflow: TransientClusterWorkflow) -> None:
    star = [a for s in all_role_statements(template, workflow) if s["Resource"] == "*" for a in as_list(s["Action"])]
    assert {a.split(":")[0] for a in star} == {"elasticmapreduce", "logs", "xray"}
    assert [a for a in star if a.startswith("elasticmapreduce:")] == ["elasticmapreduce:RunJobFlow", "elasticmapreduce:AddTags"]


# ----- logging, topic -----------------------------------------------------------------------


def test_state_machine_logs_everything_to_its_log_group_and_is_traced(
    template: Template, workflow: TransientClusterWorkflow
) -> None:
    template.has_resource_properties(
        STATE_MACHINE,
        {
            "StateMachineName": "nightly",
            "LoggingConfiguration": {
                "Destinations": [
                    {"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [logical_id(workflow.log_group), "Arn"]}}}
                ],
                "IncludeExecutionData": True,
                "Level": "ALL",
            },
            "TracingConfiguration": {"Enabled": True},
        },
    )


def test_log_group_is_encrypted_retained_and_named_for_vended_logs(
    template: Template, workflow: TransientClusterWorkflow
) -> None:
    template.has_resource(
        "AWS::Logs::LogGroup",
        {
            "Properties": {
                "LogGroupName": Match.string_like_regexp(r"^/aws/vendedlogs/states/Analytics-Nightly-"),
                "KmsKeyId": {"Fn::GetAtt": [logical_id(workflow.encryption_key), "Arn"]},
                "RetentionInDays": 365,
            },
            "DeletionPolicy": "Retain",
        },
    )


def test_key_lets_cloudwatch_logs_encrypt_only_this_log_group(template: Template, workflow: TransientClusterWorkflow) -> None:
    key = template.to_json()["Resources"][logical_id(workflow.encryption_key)]
    assert key["DeletionPolicy"] == "Retain" and key["Properties"]["EnableKeyRotation"] is True
    (statement,) = [
        s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "AllowCloudWatchLogsForTheWorkflowLogGroup"
    ]
    assert flatten_reference(statement["Principal"]["Service"]) == "logs.<AWS::Region>.<AWS::URLSuffix>"
    group_arn = flatten_reference(statement["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"])
    log_group_name = template.to_json()["Resources"][logical_id(workflow.log_group)]["Properties"]["LogGroupName"]
    assert group_arn == f"arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:{log_group_name}"


def test_topic_is_encrypted_tls_only_and_has_the_subscriptions(template: Template, workflow: TransientClusterWorkflow) -> None:
    template.has_resource_properties(
        "AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [logical_id(workflow.encryption_key), "Arn"]}}
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                    )
                }
            )
        },
    )
    template.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "data-platform@example.com"})


def test_a_topic_you_bring_is_used_and_none_is_created() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    topic = sns.Topic.from_topic_arn(stack, "Ops", "arn:aws:sns:eu-west-1:123456789012:ops")
    cluster = EmrCluster(stack, "Cluster", launch=False)
    TransientClusterWorkflow(stack, "Wf", cluster=cluster, steps=[CommandStep(name="s", command=["ls"])], topic=topic)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SNS::Topic", 0)
    assert definition(template)["States"]["Notify failure"]["Parameters"]["TopicArn"] == "arn:aws:sns:eu-west-1:123456789012:ops"
    assert definition(template)["States"]["Notify failure"]["Parameters"]["Subject"] == "EMR workflow failed"


def test_grant_start_execution() -> None:
    stack, cluster = workflow_on()
    workflow = TransientClusterWorkflow(stack, "Wf", cluster=cluster, steps=[CommandStep(name="s", command=["ls"])])
    scheduler = cdk.aws_iam.Role(stack, "Scheduler", assumed_by=cdk.aws_iam.ServicePrincipal("scheduler.amazonaws.com"))
    workflow.grant_start_execution(scheduler)
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": [
                        Match.object_like(
                            {"Action": "states:StartExecution", "Resource": {"Ref": logical_id(workflow.state_machine)}}
                        )
                    ]
                }
            )
        },
    )


# ----- Kerberos -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kerberized() -> tuple[Template, EmrCluster]:
    app = cdk.App(context={"availability-zones:account=123456789012:region=eu-west-1": ["eu-west-1a", "eu-west-1b"]})
    stack = cdk.Stack(app, "S", env=ENV)
    cluster = EmrCluster(
        stack,
        "Cluster",
        launch=False,
        kerberos=Kerberos.cluster_dedicated_kdc(),
        primary=InstanceGroup(instance_type="m7g.xlarge"),
        core=InstanceGroup(instance_type="m7g.xlarge", instance_count=2),
    )
    TransientClusterWorkflow(stack, "Wf", cluster=cluster, steps=[CommandStep(name="s", command=["ls"])])
    return Template.from_stack(stack), cluster


def test_kdc_password_is_read_at_run_time_and_never_in_the_definition(kerberized: tuple[Template, EmrCluster]) -> None:
    template, cluster = kerberized
    asl = definition(template)
    assert follow(asl["States"], asl["StartAt"])[:2] == ["Read KDC admin password", "Create cluster"]
    read = asl["States"]["Read KDC admin password"]
    assert read["Resource"] == integration("aws-sdk:secretsmanager:getSecretValue")
    assert read["Parameters"] == {"SecretId": f"<{logical_id(cluster.kdc_admin_password)}>"}
    assert (read["ResultSelector"], read["ResultPath"]) == ({"Password.$": "$.SecretString"}, "$.KdcAdmin")
    assert catcher(read)["Next"] == "Notify creation failure"
    kerberos = asl["States"]["Create cluster"]["Parameters"]["KerberosAttributes"]
    assert kerberos == {"Realm": "EU-WEST-1.COMPUTE.INTERNAL", "KdcAdminPassword.$": "$.KdcAdmin.Password"}
    assert "resolve:secretsmanager" not in json.dumps(template.find_resources(STATE_MACHINE))
    template.has_resource_properties(STATE_MACHINE, {"LoggingConfiguration": Match.object_like({"IncludeExecutionData": False})})


def test_kdc_password_is_readable_by_the_role_only_through_secrets_manager(kerberized: tuple[Template, EmrCluster]) -> None:
    template, cluster = kerberized
    resources = template.to_json()["Resources"]
    (policy,) = [r for k, r in resources.items() if r["Type"] == "AWS::IAM::ManagedPolicy" and k.startswith("WfRolePolicy")]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    secret = {"Ref": logical_id(cluster.kdc_admin_password)}
    assert {"Action": "secretsmanager:GetSecretValue", "Effect": "Allow", "Resource": secret} in statements
    (decrypt,) = [s for s in statements if s["Action"] == "kms:Decrypt"]
    assert decrypt["Resource"] == {"Fn::GetAtt": [logical_id(cluster.encryption_key), "Arn"]}
    assert (
        flatten_reference(decrypt["Condition"]["StringEquals"]["kms:ViaService"]) == "secretsmanager.eu-west-1.<AWS::URLSuffix>"
    )


def test_instance_groups_are_converted_in_the_create_parameters(kerberized: tuple[Template, EmrCluster]) -> None:
    template, _ = kerberized
    instances = definition(template)["States"]["Create cluster"]["Parameters"]["Instances"]
    assert [(g["InstanceRole"], g["InstanceCount"]) for g in instances["InstanceGroups"]] == [("MASTER", 1), ("CORE", 2)]
    assert "Ec2SubnetId" in instances and "InstanceFleets" not in instances


# ----- validation and warnings --------------------------------------------------------------


def workflow_on(**cluster_props: Any) -> Any:
    stack = cdk.Stack(cdk.App(), "S")
    cluster = EmrCluster(stack, "Cluster", **{"launch": False, **cluster_props})
    return stack, cluster


def test_fails_if_the_cluster_is_launched_by_cloudformation() -> None:
    _, cluster = workflow_on(launch=True)
    with pytest.raises(EmrValidationError, match="cluster=.*an EmrCluster built with launch=False"):
        TransientClusterWorkflow(cluster, "Wf", cluster=cluster, steps=[CommandStep(name="s", command=["ls"])])


@pytest.mark.parametrize(
    "props",
    [
        {"termination_protection": True},
        {
            "primary": InstanceFleet.on_demand(["m7g.xlarge"], 3),
            "core": InstanceFleet.on_demand(["m7g.xlarge"], 4),
            "auto_termination": None,
        },
    ],
    ids=["termination_protection", "three_primary_nodes"],
)
def test_fails_if_the_cluster_is_termination_protected(props: dict[str, Any]) -> None:
    stack, cluster = workflow_on(**props)
    with pytest.raises(EmrValidationError, match="termination_protection=True: False, with one primary node"):
        TransientClusterWorkflow(stack, "Wf", cluster=cluster, steps=[CommandStep(name="s", command=["ls"])])


def test_fails_without_any_step_and_with_a_too_short_or_too_long_timeout() -> None:
    stack, cluster = workflow_on()
    with pytest.raises(EmrValidationError) as error:
        TransientClusterWorkflow(stack, "Wf", cluster=cluster, timeout=cdk.Duration.seconds(30), name="x" * 81)
    message = str(error.value)
    assert "steps=[]: at least one step" in message
    assert "timeout='30 seconds': at least 1 minute" in message
    assert "1 to 80 characters" in message
    with pytest.raises(EmrValidationError, match="an execution runs for at most one year"):
        TransientClusterWorkflow(
            stack, "Wf2", cluster=cluster, steps=[CommandStep(name="s", command=["ls"])], timeout=cdk.Duration.days(200)
        )


def test_the_clusters_own_steps_are_enough() -> None:
    stack, cluster = workflow_on(steps=[CommandStep(name="only", command=["ls"])])
    TransientClusterWorkflow(stack, "Wf", cluster=cluster)
    asl = definition(Template.from_stack(stack))
    assert follow(asl["States"], asl["StartAt"]) == ["Create cluster", "Step 1: only", "Terminate cluster", "Succeeded"]


def test_warns_about_steps_that_terminate_the_cluster_and_a_short_idle_timeout() -> None:
    stack, cluster = workflow_on(auto_termination=AutoTermination(idle_timeout=cdk.Duration.minutes(2)))
    step = CommandStep(name="s", command=["ls"], action_on_failure=ActionOnFailure.TERMINATE_CLUSTER)
    TransientClusterWorkflow(stack, "Wf", cluster=cluster, steps=[step])
    annotations = Annotations.from_stack(stack)
    annotations.has_warning("/S/Wf", Match.string_like_regexp("TERMINATE_CLUSTER: the workflow terminates the cluster itself"))
    annotations.has_warning("/S/Wf", Match.string_like_regexp("auto-terminates after 120 idle seconds"))


def test_long_step_names_are_shortened_to_valid_state_names() -> None:
    stack, cluster = workflow_on()
    TransientClusterWorkflow(stack, "Wf", cluster=cluster, steps=[CommandStep(name="n" * 200, command=["ls"])])
    names = definition(Template.from_stack(stack))["States"]
    assert all(len(name) <= 80 for name in names)


# ----- compliance ---------------------------------------------------------------------------


def synth_with_packs(outdir: Path) -> dict[str, Any]:
    """The validation report of an app with a kerberos-less cluster and a workflow under the
    three packs (the app's single-region-bucket choice acknowledged as the app does)."""
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Workflow")
    cluster, _, _ = build(stack)
    assert cluster.log_storage is not None
    accept_single_region_buckets([cluster.log_bucket, cluster.log_storage.access_logs_bucket])
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    try:
        app.synth()
    except Exception as error:  # ValidationFailed: the report says what
        assert "ValidationFailed" in str(error), error
    return json.loads((outdir / "validation-report.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def nag_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    yield synth_with_packs(tmp_path_factory.mktemp("workflow-nag"))


def workflow_findings(report: dict[str, Any], key: str) -> list[tuple[str, str, str]]:
    return [
        (plugin["pluginName"], finding["ruleName"], construct["constructPath"])
        for plugin in report["pluginReports"]
        for finding in plugin.get(key, [])
        for construct in finding["violatingConstructs"]
        if construct["constructPath"].startswith("Workflow/Nightly/") or key == "violations"
    ]


def test_nag_packs_find_no_violation(nag_report: dict[str, Any]) -> None:
    assert workflow_findings(nag_report, "violations") == []
    assert {p["pluginName"] for p in nag_report["pluginReports"]} <= {"AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"}


def test_the_workflow_acknowledges_only_its_inherent_wildcards_with_reasons(nag_report: dict[str, Any]) -> None:
    acknowledged = {
        (finding["ruleName"], construct["constructPath"]): finding["reason"]
        for plugin in nag_report["pluginReports"]
        for finding in plugin.get("suppressedViolations", [])
        for construct in finding["violatingConstructs"]
        if construct["constructPath"].startswith("Workflow/Nightly/")
    }
    clusters = "arn:<AWS::Partition>:elasticmapreduce:<AWS::Region>:<AWS::AccountId>:cluster/*"
    assert set(acknowledged) == {
        ("AwsSolutions-IAM5[Resource::*]", "Workflow/Nightly/Role/Policy/Resource"),
        ("AwsSolutions-IAM5[Resource::*]", "Workflow/Nightly/ClusterPolicy/Resource"),
        (f"AwsSolutions-IAM5[Resource::{clusters}]", "Workflow/Nightly/ClusterPolicy/Resource"),
    }
    assert "logging and tracing" in acknowledged[("AwsSolutions-IAM5[Resource::*]", "Workflow/Nightly/Role/Policy/Resource")]
    assert all("cdk-emr:workflow" in r for k, r in acknowledged.items() if "ClusterPolicy" in k[1])


def test_the_packs_did_run_on_the_workflow(nag_report: dict[str, Any]) -> None:
    """Control for the tests above: the packs saw the workflow (its wildcards were reported)."""
    assert workflow_findings(nag_report, "suppressedViolations")
