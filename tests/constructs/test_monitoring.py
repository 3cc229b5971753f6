"""``EmrMonitoring``: topic, every alarm, every rule (matched against EMR's documented sample
events through moto's EventBridge), every dashboard widget, nag packs, composition with
``EmrCluster``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks
from constructs import Construct
from helpers import new_stack
from moto import mock_aws

from cdk_emr import EmrCluster, EmrValidationError
from cdk_emr.facts.events import CAPACITY_PROBLEM_SAMPLES, ROUTINE_PROVISIONING_SAMPLE
from cdk_emr.metrics import EmrClusterMetrics
from cdk_emr.monitoring import EmrMonitoring

CLUSTER_ID = "j-123456789ABCD"  # the id in EMR's documented sample events
ALARM = "AWS::CloudWatch::Alarm"
RULE = "AWS::Events::Rule"


class FakeCluster(EmrClusterMetrics, Construct):
    """A stand-in cluster: the metric mixin and a literal cluster id."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.cluster_id = CLUSTER_ID


def monitored_stack(**props: Any) -> tuple[cdk.Stack, EmrMonitoring]:
    stack = new_stack()
    monitoring = EmrMonitoring(
        stack, "Monitoring", cluster=FakeCluster(stack, "Cluster"), **{"auto_termination_enabled": False, **props}
    )
    return stack, monitoring


@pytest.fixture(scope="module")
def monitoring() -> EmrMonitoring:
    return monitored_stack(notification_emails=["ops@example.com"])[1]


@pytest.fixture(scope="module")
def template(monitoring: EmrMonitoring) -> Template:
    return Template.from_stack(cdk.Stack.of(monitoring))


def logical_id(construct: Construct) -> str:
    return cdk.Stack.of(construct).resolve(construct.node.default_child.logical_id)  # type: ignore[union-attr]


# ----- topic --------------------------------------------------------------------------------


def test_topic_is_encrypted_with_a_dedicated_rotating_retained_key(template: Template, monitoring) -> None:  # type: ignore[no-untyped-def]
    key_id = logical_id(monitoring.encryption_key)
    template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}})
    template.has_resource(
        "AWS::KMS::Key", {"Properties": Match.object_like({"EnableKeyRotation": True}), "DeletionPolicy": "Retain"}
    )


def test_topic_accepts_tls_only(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Deny",
                                    "Action": "sns:Publish",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


@pytest.mark.parametrize("service", ["cloudwatch.amazonaws.com", "events.amazonaws.com"])
def test_key_policy_lets_alarms_and_eventbridge_publish_to_the_encrypted_topic(template: Template, service: str) -> None:
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Allow",
                                    "Principal": {"Service": service},
                                    "Action": Match.array_with(["kms:Decrypt", "kms:GenerateDataKey*"]),
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


@pytest.mark.parametrize("service", ["cloudwatch.amazonaws.com", "events.amazonaws.com"])
def test_a_given_encrypted_topic_s_key_lets_alarms_and_eventbridge_publish(service: str) -> None:
    """A topic of the app passed as ``topic=``: its key needs the same statements (SNS Developer
    Guide, "Enable compatibility between event sources from AWS services and encrypted topics":
    kms:Decrypt and kms:GenerateDataKey* for the service principal)."""
    stack = new_stack()
    key = kms.Key(stack, "TopicKey", enable_key_rotation=True)
    topic = sns.Topic(stack, "Given", master_key=key, enforce_ssl=True)
    EmrMonitoring(stack, "Monitoring", cluster=FakeCluster(stack, "Cluster"), auto_termination_enabled=True, topic=topic)
    template = Template.from_stack(stack)
    [policy] = [k["Properties"]["KeyPolicy"] for k in template.find_resources("AWS::KMS::Key").values()]
    granted = [
        s
        for s in policy["Statement"]
        if s.get("Principal") == {"Service": service}
        and {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]
    assert len(granted) == 1 and "Condition" in granted[0]  # conditioned on this account's sources


def test_eventbridge_may_publish_to_the_topic(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {"Effect": "Allow", "Action": "sns:Publish", "Principal": {"Service": "events.amazonaws.com"}}
                            )
                        ]
                    )
                }
            )
        },
    )


def test_notification_emails_subscribe_to_the_topic(template: Template) -> None:
    template.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_a_topic_you_bring_is_used_as_is() -> None:
    stack = new_stack()
    topic = sns.Topic.from_topic_arn(stack, "Topic", "arn:aws:sns:us-east-1:111122223333:ops")
    monitoring = EmrMonitoring(
        stack, "Monitoring", cluster=FakeCluster(stack, "Cluster"), auto_termination_enabled=True, topic=topic
    )
    template = Template.from_stack(stack)
    assert monitoring.topic is topic and monitoring.encryption_key is None
    template.resource_count_is("AWS::SNS::Topic", 0)
    template.resource_count_is("AWS::KMS::Key", 0)
    template.has_resource_properties(ALARM, {"AlarmActions": ["arn:aws:sns:us-east-1:111122223333:ops"]})


def test_a_key_you_bring_encrypts_the_topic_and_gets_the_statements() -> None:
    stack = new_stack()
    key = kms.Key(stack, "MyKey", enable_key_rotation=True)
    EmrMonitoring(stack, "Monitoring", cluster=FakeCluster(stack, "Cluster"), auto_termination_enabled=True, encryption_key=key)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::KMS::Key", 1)
    template.has_resource_properties(
        "AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [stack.resolve(key.node.default_child.logical_id), "Arn"]}}
    )  # type: ignore[union-attr]
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": Match.object_like(
                {"Statement": Match.array_with([Match.object_like({"Principal": {"Service": "cloudwatch.amazonaws.com"}})])}
            )
        },
    )


def test_an_imported_key_is_used_with_a_warning_to_fix_its_policy() -> None:
    stack = new_stack()
    key = kms.Key.from_key_arn(stack, "Imported", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    EmrMonitoring(stack, "Monitoring", cluster=FakeCluster(stack, "Cluster"), auto_termination_enabled=True, encryption_key=key)
    Annotations.from_stack(stack).has_warning(
        "/Test/Monitoring", Match.string_like_regexp("cloudwatch.amazonaws.com.*events.amazonaws.com")
    )


# ----- alarms -------------------------------------------------------------------------------

# alarm -> (metric, statistic, threshold, datapoints of 5 minutes)
EXPECTED_ALARMS: dict[str, tuple[str, str, float, int]] = {
    "unhealthy_nodes": ("MRUnhealthyNodes", "Maximum", 1, 3),
    "hdfs_utilization": ("HDFSUtilization", "Maximum", 80, 3),
    "missing_blocks": ("MissingBlocks", "Maximum", 1, 1),
    "corrupt_blocks": ("CorruptBlocks", "Maximum", 1, 1),
    "pending_containers": ("ContainerPendingRatio", "Average", 1.0, 6),
    "idle": ("IsIdle", "Minimum", 1, 12),
}


def test_alarms_are_exactly_the_expected_ones(monitoring: EmrMonitoring, template: Template) -> None:
    assert set(monitoring.alarms) == set(EXPECTED_ALARMS)
    template.resource_count_is(ALARM, len(EXPECTED_ALARMS))


@pytest.mark.parametrize("name", sorted(EXPECTED_ALARMS))
def test_alarm_watches_its_metric_with_its_default_threshold(monitoring, template: Template, name: str) -> None:  # type: ignore[no-untyped-def]
    metric, statistic, threshold, datapoints = EXPECTED_ALARMS[name]
    topic = {"Ref": logical_id(monitoring.topic)}
    properties = template.find_resources(ALARM)[logical_id(monitoring.alarms[name])]["Properties"]
    assert properties == {
        **properties,
        "Namespace": "AWS/ElasticMapReduce",
        "MetricName": metric,
        "Dimensions": [{"Name": "JobFlowId", "Value": CLUSTER_ID}],
        "Statistic": statistic,
        "Period": 300,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "EvaluationPeriods": datapoints,
        "DatapointsToAlarm": datapoints,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [topic],
        "OKActions": [topic],
    }
    assert CLUSTER_ID in properties["AlarmDescription"]


def test_idle_alarm_only_when_nothing_terminates_an_idle_cluster() -> None:
    _, with_auto_termination = monitored_stack(auto_termination_enabled=True)
    assert "idle" not in with_auto_termination.alarms
    assert len(with_auto_termination.alarms) == len(EXPECTED_ALARMS) - 1


def test_thresholds_and_durations_are_props() -> None:
    stack, monitoring = monitored_stack(
        hdfs_utilization_threshold_percent=90,
        hdfs_utilization_duration=cdk.Duration.minutes(30),
        idle_duration=cdk.Duration.hours(2),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(ALARM, {"MetricName": "HDFSUtilization", "Threshold": 90, "EvaluationPeriods": 6})
    template.has_resource_properties(ALARM, {"MetricName": "IsIdle", "EvaluationPeriods": 24})


def test_fails_if_thresholds_or_durations_are_invalid() -> None:
    with pytest.raises(EmrValidationError) as error:
        monitored_stack(hdfs_utilization_threshold_percent=0, idle_duration=cdk.Duration.minutes(7))
    message = str(error.value)
    assert "2 problems" in message
    assert "hdfs_utilization_threshold_percent=0: a positive number" in message
    assert "idle_duration='7 minutes': a multiple of 5 minutes" in message


def test_fails_if_a_key_is_given_with_a_topic_you_bring() -> None:
    stack = new_stack()
    topic = sns.Topic.from_topic_arn(stack, "Topic", "arn:aws:sns:us-east-1:111122223333:ops")
    with pytest.raises(EmrValidationError, match="encryption_key=.*only for the topic this construct creates"):
        EmrMonitoring(
            stack,
            "Monitoring",
            cluster=FakeCluster(stack, "Cluster"),
            auto_termination_enabled=True,
            topic=topic,
            encryption_key=kms.Key(stack, "Key"),
        )


# ----- EventBridge rules --------------------------------------------------------------------

EXPECTED_RULES: dict[str, dict[str, Any]] = {
    "cluster_failed": {
        "source": ["aws.emr"],
        "detail-type": ["EMR Cluster State Change"],
        "detail": {"clusterId": [CLUSTER_ID], "state": ["TERMINATED_WITH_ERRORS"]},
    },
    "step_failed": {
        "source": ["aws.emr"],
        "detail-type": ["EMR Step Status Change"],
        "detail": {"clusterId": [CLUSTER_ID], "state": ["FAILED", "CANCELLED"]},
    },
    "capacity_problem": {
        "source": ["aws.emr"],
        # EventBridge reference, "Amazon EMR events": the fleet/group detail-types that report capacity.
        "detail-type": [
            "EMR Instance Fleet State Change",
            "EMR Instance Fleet Resize",
            "EMR Instance Fleet Provisioning",
            "EMR Instance Fleet Status Notification",
            "EMR Instance Fleet Termination",
            "EMR Instance Group State Change",
            "EMR Instance Group Resize",
            "EMR Instance Group Provisioning",
            "EMR Instance Group Status Notification",
            "EMR Instance Group Termination",
            # a denylisted or replaced core node: capacity lost until it is replaced
            "EMR Unhealthy Node Replacement",
        ],
        "detail": {"clusterId": [CLUSTER_ID], "severity": ["WARN", "WARNING", "ERROR", "CRITICAL"]},
    },
}


def rule_properties(monitoring: EmrMonitoring, template: Template, name: str) -> dict[str, Any]:
    return template.find_resources(RULE)[logical_id(monitoring.rules[name])]["Properties"]


def test_rules_are_exactly_the_expected_ones(monitoring: EmrMonitoring, template: Template) -> None:
    assert set(monitoring.rules) == set(EXPECTED_RULES)
    template.resource_count_is(RULE, len(EXPECTED_RULES))


@pytest.mark.parametrize("name", sorted(EXPECTED_RULES))
def test_rule_matches_the_cluster_events_and_sends_a_message_to_the_topic(monitoring, template: Template, name: str) -> None:  # type: ignore[no-untyped-def]
    properties = rule_properties(monitoring, template, name)
    assert properties["EventPattern"] == EXPECTED_RULES[name]
    assert properties["State"] == "ENABLED"
    [target] = properties["Targets"]
    assert target["Arn"] == {"Ref": logical_id(monitoring.topic)}
    assert set(target["InputTransformer"]["InputPathsMap"].values()) >= {"$.detail.clusterId", "$.detail.message"}


# Samples: EMR Management Guide ("When to set up EMR events in CloudWatch"; "Monitoring Amazon EMR
# events": severities and messages), with the state of the case changed where noted.
def emr_event(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {"Source": "aws.emr", "DetailType": detail_type, "Detail": json.dumps(detail)}


FAILED_STEP = emr_event(
    "EMR Step Status Change",
    {
        "severity": "ERROR",
        "actionOnFailure": "CONTINUE",
        "stepId": "s-ZYXWVUTSRQPON",
        "name": "CustomJAR",
        "clusterId": CLUSTER_ID,
        "state": "FAILED",
        "message": f"Step s-ZYXWVUTSRQPON (CustomJAR) in Amazon EMR cluster {CLUSTER_ID} (Development Cluster) failed at 2016-12-16 20:53 UTC.",
    },
)
COMPLETED_STEP = emr_event(
    "EMR Step Status Change",
    {**json.loads(FAILED_STEP["Detail"]), "severity": "INFO", "state": "COMPLETED", "message": "Step completed."},
)
CLUSTER_TERMINATED_WITH_ERRORS = emr_event(
    "EMR Cluster State Change",
    {
        "severity": "CRITICAL",
        "stateChangeReason": '{"code":"BOOTSTRAP_FAILURE","message":"Master instance failed bootstrap action"}',
        "name": "Development Cluster",
        "clusterId": CLUSTER_ID,
        "state": "TERMINATED_WITH_ERRORS",
        "message": f"Amazon EMR Cluster {CLUSTER_ID} (Development Cluster) has terminated with errors at 2016-12-16 21:00 UTC with a reason of BOOTSTRAP_FAILURE.",
    },
)
CLUSTER_TERMINATED_BY_USER = emr_event(
    "EMR Cluster State Change",
    {**json.loads(CLUSTER_TERMINATED_WITH_ERRORS["Detail"]), "severity": "INFO", "state": "TERMINATED"},
)
FLEET_RESIZE_TIMEOUT = emr_event(
    "EMR Instance Fleet State Change",
    {
        "severity": "WARN",
        "clusterId": CLUSTER_ID,
        "instanceFleetId": "if-ABCDEF",
        "instanceFleetType": "TASK",
        "state": "RUNNING",
        "message": f"The resizing operation for instance fleet if-ABCDEF in Amazon EMR cluster {CLUSTER_ID} (Development Cluster) has reached the timeout and stopped.",
    },
)
FLEET_RESIZE_COMPLETE = emr_event(
    "EMR Instance Fleet State Change",
    {**json.loads(FLEET_RESIZE_TIMEOUT["Detail"]), "severity": "INFO", "message": "The resizing operation is complete."},
)
OTHER_CLUSTER_FAILED_STEP = emr_event("EMR Step Status Change", {**json.loads(FAILED_STEP["Detail"]), "clusterId": "j-OTHER"})


@pytest.fixture
def eventbridge(monitoring, template: Template, aws_credentials) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """moto's EventBridge with the construct's rules: the synthesized pattern and input
    transformer, delivered to an SQS queue per rule (moto delivers to SQS, not to SNS)."""
    with mock_aws():
        events, sqs = boto3.client("events"), boto3.client("sqs")
        queues = {}
        for name in EXPECTED_RULES:
            properties = rule_properties(monitoring, template, name)
            queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            events.put_rule(Name=name, EventPattern=json.dumps(properties["EventPattern"]))
            transformer = properties["Targets"][0]["InputTransformer"]
            # The same template, wrapped in an object: moto 5.2.5 mistakes a text message that
            # contains "time" (as in "timeout") for an event with a "time" field.
            wrapped = {
                "InputPathsMap": transformer["InputPathsMap"],
                "InputTemplate": f'{{"message": {transformer["InputTemplate"]}}}',
            }
            events.put_targets(Rule=name, Targets=[{"Id": "queue", "Arn": arn, "InputTransformer": wrapped}])
            queues[name] = queue_url

        def deliver(event: dict[str, Any]) -> dict[str, list[str]]:
            """Put ``event`` on the bus; the messages each rule sent, by rule."""
            assert events.put_events(Entries=[event])["FailedEntryCount"] == 0
            return {
                name: [json.loads(m["Body"])["message"] for m in sqs.receive_message(QueueUrl=url).get("Messages", [])]
                for name, url in queues.items()
            }

        yield deliver


def test_a_failed_step_notifies_with_step_and_cluster(eventbridge) -> None:  # type: ignore[no-untyped-def]
    sent = eventbridge(FAILED_STEP)
    assert sent["cluster_failed"] == [] and sent["capacity_problem"] == []
    [message] = sent["step_failed"]
    assert message.startswith(
        f"EMR step CustomJAR (s-ZYXWVUTSRQPON) of cluster {CLUSTER_ID} is FAILED (action on failure: CONTINUE)."
    )
    assert "(Development Cluster) failed at" in message
    assert f"{CLUSTER_ID}/steps/s-ZYXWVUTSRQPON/stderr.gz" in message


def test_a_cluster_terminated_with_errors_notifies_with_name_and_reason(eventbridge) -> None:  # type: ignore[no-untyped-def]
    sent = eventbridge(CLUSTER_TERMINATED_WITH_ERRORS)
    assert sent["step_failed"] == [] and sent["capacity_problem"] == []
    [message] = sent["cluster_failed"]
    assert message.startswith(
        f"EMR cluster Development Cluster ({CLUSTER_ID}) is TERMINATED_WITH_ERRORS in account 123456789012, region us-east-1."
    )
    assert "with a reason of BOOTSTRAP_FAILURE" in message


def test_a_fleet_resize_timeout_notifies(eventbridge) -> None:  # type: ignore[no-untyped-def]
    [message] = eventbridge(FLEET_RESIZE_TIMEOUT)["capacity_problem"]
    assert message.startswith(f"EMR Instance Fleet State Change (WARN) on EMR cluster {CLUSTER_ID}.")
    assert "reached the timeout" in message


@pytest.mark.parametrize(
    "event",
    [COMPLETED_STEP, CLUSTER_TERMINATED_BY_USER, FLEET_RESIZE_COMPLETE, OTHER_CLUSTER_FAILED_STEP],
    ids=["completed-step", "terminated-by-user", "fleet-resize-complete", "other-cluster"],
)
def test_routine_events_and_other_clusters_send_nothing(eventbridge, event: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    assert eventbridge(event) == {name: [] for name in EXPECTED_RULES}


# ----- dashboard ----------------------------------------------------------------------------


def dashboard_widgets(monitoring: EmrMonitoring, template: Template) -> list[dict[str, Any]]:
    """The dashboard's widgets, with every CloudFormation reference written as ``<ref>``."""
    body = template.find_resources("AWS::CloudWatch::Dashboard")[logical_id(monitoring.dashboard)]["Properties"]["DashboardBody"]
    parts = body["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else "<ref>" for p in parts))["widgets"]


EXPECTED_GRAPHS: dict[str, list[str]] = {
    "YARN applications": ["AppsRunning", "AppsPending"],
    "YARN memory available (%)": ["YARNMemoryAvailablePercentage"],
    "Pending container ratio": ["ContainerPendingRatio"],
    "HDFS utilization (%)": ["HDFSUtilization"],
    "HDFS blocks": ["MissingBlocks", "CorruptBlocks"],
    "Node health": ["MRUnhealthyNodes", "CoreNodesPending", "LiveDataNodes"],
    "Capacity (fleet units)": ["TotalUnitsRequested", "TotalUnitsRunning", "CoreUnitsRunning", "TaskUnitsRunning"],
    "Idle (1 = idle)": ["IsIdle"],
    "Now": ["AppsRunning", "TotalUnitsRunning"],
}


def test_dashboard_has_a_header_the_alarm_status_and_the_key_graphs(monitoring, template: Template) -> None:  # type: ignore[no-untyped-def]
    widgets = dashboard_widgets(monitoring, template)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for widget in widgets:
        by_type.setdefault(widget["type"], []).append(widget)
    [text] = by_type["text"]
    assert text["properties"]["markdown"].startswith("# EMR cluster j-123456789ABCD")
    [alarms] = by_type["alarm"]
    assert len(alarms["properties"]["alarms"]) == len(EXPECTED_ALARMS)
    graphs = {w["properties"]["title"]: [m[1] for m in w["properties"]["metrics"]] for w in by_type["metric"]}
    assert graphs == EXPECTED_GRAPHS
    for widget in by_type["metric"]:
        for metric in widget["properties"]["metrics"]:
            assert metric[:4] == ["AWS/ElasticMapReduce", metric[1], "JobFlowId", CLUSTER_ID]


@pytest.mark.parametrize(("title", "threshold"), [("HDFS utilization (%)", 80), ("Pending container ratio", 1)])
def test_graphs_draw_the_alarm_threshold(monitoring, template: Template, title: str, threshold: float) -> None:  # type: ignore[no-untyped-def]
    [widget] = [w for w in dashboard_widgets(monitoring, template) if w["properties"].get("title") == title]
    assert widget["properties"]["annotations"]["horizontal"] == [{"value": threshold, "label": "alarm", "yAxis": "left"}]


def test_dashboard_name_is_a_prop() -> None:
    stack, _ = monitored_stack(dashboard_name="emr-prod")
    Template.from_stack(stack).has_resource_properties("AWS::CloudWatch::Dashboard", {"DashboardName": "emr-prod"})


# ----- composition and compliance -----------------------------------------------------------


def test_mixin_composes_with_the_real_cluster(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Platform")
    cluster = EmrCluster(stack, "Cluster", auto_termination=None)
    assert isinstance(cluster, EmrClusterMetrics)
    monitoring = EmrMonitoring(stack, "Monitoring", cluster=cluster, auto_termination_enabled=False)
    template = Template.from_stack(stack)
    cluster_ref = {"Ref": logical_id(cluster)}
    template.has_resource_properties(ALARM, {"MetricName": "IsIdle", "Dimensions": [{"Name": "JobFlowId", "Value": cluster_ref}]})
    assert rule_properties(monitoring, template, "step_failed")["EventPattern"]["detail"]["clusterId"] == [cluster_ref]


def synth_with_packs(outdir: Path, build: Callable[[cdk.Stack], object]) -> list[dict[str, Any]]:
    """Synthesize one stack under the app's three packs; the plugin reports (only packs with
    findings or acknowledgements appear)."""
    app = cdk.App(outdir=str(outdir))
    build(cdk.Stack(app, "Monitoring"))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    try:
        app.synth()
    except Exception as error:  # ValidationFailed: the report says what
        assert "ValidationFailed" in str(error), error
    return json.loads((outdir / "validation-report.json").read_text())["pluginReports"]


def test_nag_packs_find_nothing_in_the_monitoring_resources(tmp_path: Path) -> None:
    def build(stack: cdk.Stack) -> None:
        EmrMonitoring(
            stack,
            "Monitoring",
            cluster=FakeCluster(stack, "Cluster"),
            auto_termination_enabled=False,
            notification_emails=["ops@example.com"],
        )

    assert synth_with_packs(tmp_path, build) == []  # no finding, nothing acknowledged


def test_nag_packs_do_run_on_such_a_stack(tmp_path: Path) -> None:
    """Control for the test above: a plain topic (no KMS, no TLS policy) fails all three packs."""
    reports = synth_with_packs(tmp_path, lambda stack: sns.Topic(stack, "Plain"))
    assert {r["pluginName"] for r in reports if r["violations"]} == {"AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"}


# ----- capacity events EMR documents (cdk_emr.facts.events samples) --------------------------


@pytest.mark.parametrize("name", sorted(CAPACITY_PROBLEM_SAMPLES))
def test_documented_capacity_problems_notify(eventbridge, name: str) -> None:  # type: ignore[no-untyped-def]
    sample = CAPACITY_PROBLEM_SAMPLES[name]
    detail = {**sample["detail"], "clusterId": CLUSTER_ID}
    sent = eventbridge(emr_event(sample["detail-type"], detail))
    assert sent["cluster_failed"] == [] and sent["step_failed"] == []
    [message] = sent["capacity_problem"]
    assert message.startswith(f"{sample['detail-type']} ({detail['severity']}) on EMR cluster {CLUSTER_ID}.")


def test_routine_provisioning_event_sends_nothing(eventbridge) -> None:  # type: ignore[no-untyped-def]
    detail = {**ROUTINE_PROVISIONING_SAMPLE["detail"], "clusterId": CLUSTER_ID}
    sent = eventbridge(emr_event(ROUTINE_PROVISIONING_SAMPLE["detail-type"], detail))
    assert sent["capacity_problem"] == []
