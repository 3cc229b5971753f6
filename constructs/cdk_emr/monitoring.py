"""``EmrMonitoring``: alarms, EMR event rules and a dashboard for one cluster, routed to SNS.

Alarms watch the cluster's CloudWatch metrics (unhealthy nodes, HDFS filling up, missing or
corrupt blocks, pending containers, and idleness when nothing terminates an idle cluster);
EventBridge rules forward EMR's own events (cluster terminated with errors, step failed or
cancelled, instance fleet or group trouble) as readable messages. Everything goes to one
KMS-encrypted, TLS-only SNS topic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import jsii
from aws_cdk import ArnFormat, Duration, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct, Node

from cdk_emr.encryption import create_emr_key
from cdk_emr.facts.events import CAPACITY_PROBLEM_EVENTS
from cdk_emr.metrics import DEFAULT_PERIOD
from cdk_emr.requirements import Kind, require
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator, check_email_addresses

EMR_EVENT_SOURCE = "aws.emr"
CLUSTER_STATE_CHANGE = "EMR Cluster State Change"
STEP_STATUS_CHANGE = "EMR Step Status Change"
# Fleet/group state changes, resizes, provisioning (insufficient capacity), status
# notifications, terminations and unhealthy node replacement: one home, cdk_emr.facts.events
# (sources and the choice cited there).
CAPACITY_EVENT_TYPES = CAPACITY_PROBLEM_EVENTS
# EMR's documentation spells the warning severity both ways; INFO events are routine.
PROBLEM_SEVERITIES = ("WARN", "WARNING", "ERROR", "CRITICAL")
NOTIFICATION_PRINCIPALS = ("cloudwatch.amazonaws.com", "events.amazonaws.com")
NOTIFICATION_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey*")

DEFAULT_UNHEALTHY_NODES_DURATION = Duration.minutes(15)
DEFAULT_HDFS_UTILIZATION_DURATION = Duration.minutes(15)
DEFAULT_IDLE_DURATION = Duration.hours(1)  # the default idle timeout of AutoTermination
DEFAULT_PENDING_CONTAINERS_DURATION = Duration.minutes(30)


MAX_SHORT_PERIOD_EVALUATION_SECONDS = 86_400


class MonitoredCluster(Protocol):
    """What :class:`EmrMonitoring` needs of a cluster: an id, a construct node and the
    ``metric_*`` methods of :class:`~cdk_emr.metrics.EmrClusterMetrics`."""

    cluster_id: str

    @property
    def node(self) -> Node: ...

    def metric_is_idle(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_apps_running(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_apps_pending(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_yarn_memory_available_percentage(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_container_pending_ratio(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_hdfs_utilization(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_missing_blocks(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_corrupt_blocks(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_live_data_nodes(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_mr_unhealthy_nodes(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_core_nodes_pending(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_total_units_requested(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_total_units_running(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_core_units_running(self, **props: Any) -> cloudwatch.Metric: ...
    def metric_task_units_running(self, **props: Any) -> cloudwatch.Metric: ...


@dataclass(frozen=True)
class _AlarmSpec:
    key: str
    id: str
    metric: cloudwatch.Metric
    threshold: float
    duration: Duration
    comparison: cloudwatch.ComparisonOperator
    description: str


@typed
class EmrMonitoring(Construct):
    """Alarms, EMR event notifications and a CloudWatch dashboard for one EMR cluster.

    Public attributes: ``topic`` (where every notification goes), ``encryption_key`` (the
    topic's key, ``None`` for a topic you bring), ``alarms`` (name → ``cloudwatch.Alarm``),
    ``rules`` (name → ``events.Rule``) and ``dashboard``.

    Alarm names: ``unhealthy_nodes``, ``hdfs_utilization``, ``missing_blocks``,
    ``corrupt_blocks``, ``pending_containers`` and, when ``auto_termination_enabled`` is
    False, ``idle``. Rule names: ``cluster_failed``, ``step_failed``, ``capacity_problem``.
    Alarms notify when they fire and when they recover; missing data (a terminated cluster,
    no HDFS) never fires them.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster: MonitoredCluster,
        auto_termination_enabled: bool,
        topic: sns.ITopic | None = None,
        encryption_key: kms.IKey | None = None,
        notification_emails: Sequence[str] = (),
        unhealthy_nodes_threshold: int = 1,
        unhealthy_nodes_duration: Duration = DEFAULT_UNHEALTHY_NODES_DURATION,
        hdfs_utilization_threshold_percent: float = 80,
        hdfs_utilization_duration: Duration = DEFAULT_HDFS_UTILIZATION_DURATION,
        block_problems_threshold: int = 1,
        idle_duration: Duration = DEFAULT_IDLE_DURATION,
        pending_container_ratio_threshold: float = 1.0,
        pending_containers_duration: Duration = DEFAULT_PENDING_CONTAINERS_DURATION,
        dashboard_name: str | None = None,
    ) -> None:
        """Create the topic (unless given), the alarms, the event rules and the dashboard.

        :param cluster: The cluster to watch: an ``EmrCluster`` with the metric methods of
            :class:`~cdk_emr.metrics.EmrClusterMetrics`, or any :class:`MonitoredCluster`.
        :param auto_termination_enabled: Whether the cluster terminates itself when idle.
            False adds the ``idle`` alarm: an idle long-running cluster is pure cost.
        :param topic: Where notifications go. Default: a new SNS topic that only accepts TLS,
            encrypted with ``encryption_key``. A topic you bring must let
            ``events.amazonaws.com`` publish (this construct's rules add that to a topic
            policy they can reach) and, if KMS-encrypted, its key policy must allow
            ``cloudwatch.amazonaws.com`` and ``events.amazonaws.com`` ``kms:Decrypt`` and
            ``kms:GenerateDataKey*``. An imported topic gets a warning, and ``cdk-emr requirements``
            prints the topic-policy and key-policy statements to add.
        :param encryption_key: Key of the topic this construct creates. Default: a new key
            with rotation, retained, used only by the topic. The construct adds the two
            service principals above to the policy of a key defined in this app; for an
            imported key it warns, and you add them.
        :param notification_emails: Email addresses subscribed to the topic (each confirms
            by email). Default: none.
        :param unhealthy_nodes_threshold: Unhealthy YARN nodes that fire ``unhealthy_nodes``.
            Default: 1.
        :param unhealthy_nodes_duration: For how long. Default: 15 minutes.
        :param hdfs_utilization_threshold_percent: HDFS use that fires ``hdfs_utilization``.
            Default: 80 (AWS's suggested level to add core capacity).
        :param hdfs_utilization_duration: For how long. Default: 15 minutes.
        :param block_problems_threshold: Missing (or corrupt) HDFS blocks that fire
            ``missing_blocks`` (``corrupt_blocks``), at the first 5-minute data point.
            Default: 1.
        :param idle_duration: Idle time that fires ``idle`` (only without auto-termination).
            Default: 1 hour, the default idle timeout of ``AutoTermination``.
        :param pending_container_ratio_threshold: ``ContainerPendingRatio`` (pending per
            allocated container) that fires ``pending_containers``. Default: 1.0.
        :param pending_containers_duration: For how long. Default: 30 minutes, long enough
            for managed scaling to add capacity.
        :param dashboard_name: Default: a name CloudFormation generates.
        """
        super().__init__(scope, id)
        self._validate(
            topic=topic,
            encryption_key=encryption_key,
            notification_emails=notification_emails,
            thresholds={
                "unhealthy_nodes_threshold": unhealthy_nodes_threshold,
                "hdfs_utilization_threshold_percent": hdfs_utilization_threshold_percent,
                "block_problems_threshold": block_problems_threshold,
                "pending_container_ratio_threshold": pending_container_ratio_threshold,
            },
            durations={
                "unhealthy_nodes_duration": unhealthy_nodes_duration,
                "hdfs_utilization_duration": hdfs_utilization_duration,
                "idle_duration": idle_duration,
                "pending_containers_duration": pending_containers_duration,
            },
        )
        self.cluster = cluster
        self.encryption_key: kms.IKey | None = None
        self.topic = topic or self._create_topic(encryption_key)
        if topic is not None and not isinstance(topic, sns.Topic):
            self._require_topic_policy(topic)
        for address in notification_emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(address))
        specs = self._alarm_specs(
            unhealthy=(unhealthy_nodes_threshold, unhealthy_nodes_duration),
            hdfs=(hdfs_utilization_threshold_percent, hdfs_utilization_duration),
            blocks=block_problems_threshold,
            idle=None if auto_termination_enabled else idle_duration,
            pending=(pending_container_ratio_threshold, pending_containers_duration),
        )
        self.alarms: dict[str, cloudwatch.Alarm] = {spec.key: self._alarm(spec) for spec in specs}
        self.rules: dict[str, events.Rule] = self._rules()
        self.dashboard = self._dashboard(dashboard_name, hdfs_utilization_threshold_percent, pending_container_ratio_threshold)

    # ----- topic ----------------------------------------------------------------------------

    def _create_topic(self, encryption_key: kms.IKey | None) -> sns.Topic:
        """A TLS-only topic encrypted with ``encryption_key`` (default: a new dedicated key)."""
        key = encryption_key or create_emr_key(self, "Key", description=f"EMR notifications {self.node.path}")
        self.encryption_key = key
        if not allow_notifications(key):
            self._require_key_policy(key.key_arn, "The topic's KMS key is imported, so its key policy cannot be changed here")
        topic = sns.Topic(self, "Topic", master_key=key, enforce_ssl=True, display_name="EMR cluster notifications")
        topic.add_to_resource_policy(alarms_may_publish(self, topic.topic_arn))
        return topic

    def _require_topic_policy(self, topic: sns.ITopic) -> None:
        """What an imported topic's access policy (and key policy, if encrypted) must allow: it
        cannot be changed here, and ``targets.SnsTopic`` drops its statement silently."""
        statements = [
            rules_may_publish(self, topic.topic_arn, [rule_arn_pattern(self)]),
            alarms_may_publish(self, topic.topic_arn),
        ]
        require(
            self,
            kind=Kind.TOPIC_POLICY,
            resource_type="AWS::SNS::Topic",
            resource=topic.topic_arn,
            reason=f"The SNS topic {topic.node.path} is imported, so its access policy cannot be changed here: "
            "unless it lets events.amazonaws.com and cloudwatch.amazonaws.com publish, EMR events and alarms will not "
            "reach it.",
            warning_id="cdk-emr:topicPolicyNotChanged",
            statements=statements,
        )
        self._require_key_policy(
            "the KMS key of the imported topic, if it is encrypted", "If the imported topic is encrypted with a KMS key"
        )

    def _require_key_policy(self, key: str, situation: str) -> None:
        require(
            self,
            kind=Kind.KEY_POLICY,
            resource_type="AWS::KMS::Key",
            resource=key,
            reason=f"{situation}: allow {' and '.join(NOTIFICATION_PRINCIPALS)} {' and '.join(NOTIFICATION_KEY_ACTIONS)} "
            "on it, or alarms and EMR events will not reach the topic.",
            warning_id="cdk-emr:notificationKeyPolicy",
            statements=notification_key_statements(self),
        )

    # ----- alarms ---------------------------------------------------------------------------

    def _alarm_specs(
        self,
        *,
        unhealthy: tuple[int, Duration],
        hdfs: tuple[float, Duration],
        blocks: int,
        idle: Duration | None,
        pending: tuple[float, Duration],
    ) -> list[_AlarmSpec]:
        c, at_least = self.cluster, cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        specs = [
            _AlarmSpec(
                "unhealthy_nodes",
                "UnhealthyNodes",
                c.metric_mr_unhealthy_nodes(),
                unhealthy[0],
                unhealthy[1],
                at_least,
                "YARN marks nodes UNHEALTHY (often a full local disk): their containers stop. "
                "Check the node logs; managed scaling or EMR replaces unhealthy core nodes.",
            ),
            _AlarmSpec(
                "hdfs_utilization",
                "HdfsUtilization",
                c.metric_hdfs_utilization(),
                hdfs[0],
                hdfs[1],
                at_least,
                "HDFS is filling up: add core capacity or move data to S3 before writes fail.",
            ),
            _AlarmSpec(
                "missing_blocks",
                "MissingBlocks",
                c.metric_missing_blocks(),
                blocks,
                DEFAULT_PERIOD,
                at_least,
                "HDFS has blocks with no replica left: data is lost unless a lost core node comes back.",
            ),
            _AlarmSpec(
                "corrupt_blocks",
                "CorruptBlocks",
                c.metric_corrupt_blocks(),
                blocks,
                DEFAULT_PERIOD,
                at_least,
                "HDFS reports corrupt blocks: run 'hdfs fsck /' on the primary node.",
            ),
            _AlarmSpec(
                "pending_containers",
                "PendingContainers",
                c.metric_container_pending_ratio(),
                pending[0],
                pending[1],
                at_least,
                "YARN containers wait for capacity: raise the managed-scaling maximum or check for spot capacity shortages.",
            ),
        ]
        if idle is not None:
            specs.append(
                _AlarmSpec(
                    "idle",
                    "Idle",
                    c.metric_is_idle(),
                    1,
                    idle,
                    at_least,
                    "The cluster runs nothing and has no auto-termination: it costs money while idle. "
                    "Terminate it, or give it an auto-termination policy.",
                )
            )
        return specs

    def _alarm(self, spec: _AlarmSpec) -> cloudwatch.Alarm:
        periods = _periods(spec.duration)
        alarm = cloudwatch.Alarm(
            self,
            spec.id,
            metric=spec.metric,
            threshold=spec.threshold,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            comparison_operator=spec.comparison,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"EMR cluster {self.cluster.cluster_id}: {spec.description}",
        )
        action = cloudwatch_actions.SnsAction(self.topic)
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
        return alarm

    # ----- EMR events -----------------------------------------------------------------------

    def _rules(self) -> dict[str, events.Rule]:
        rules = self._event_rules()
        if isinstance(self.topic, sns.Topic):  # a topic of this app: only these rules may publish
            # A topic shared by several monitors gets one statement each: statement ids must be unique.
            own = self.topic.node.scope is self
            sid = "AllowEventBridgeToPublish" if own else f"AllowEventBridgeToPublish{self.node.addr}"
            self.topic.add_to_resource_policy(
                rules_may_publish(self, self.topic.topic_arn, [r.rule_arn for r in rules.values()], sid=sid)
            )
            # A topic given to this monitor: its key must let the rules and alarms use it too, as
            # _create_topic does for its own (targets.SnsTopic's grant did it, unconditioned).
            key = self.topic.master_key
            if not own and key is not None and not allow_notifications(key):
                self._require_key_policy(key.key_arn, "The topic's KMS key is imported, so its key policy cannot be changed here")
        return rules

    def _event_rules(self) -> dict[str, events.Rule]:
        cluster_id = self.cluster.cluster_id
        return {
            "cluster_failed": self._rule(
                "ClusterFailedRule",
                f"EMR cluster {cluster_id} terminated with errors",
                cluster_failed_pattern(cluster_id),
                cluster_failed_message(),
            ),
            "step_failed": self._rule(
                "StepFailedRule",
                f"A step of EMR cluster {cluster_id} failed or was cancelled",
                step_failed_pattern(cluster_id),
                step_failed_message(),
            ),
            "capacity_problem": self._rule(
                "CapacityProblemRule",
                f"Instance fleets or groups of EMR cluster {cluster_id} cannot get or keep capacity",
                capacity_problem_pattern(cluster_id),
                capacity_problem_message(),
            ),
        }

    def _rule(self, id: str, description: str, pattern: events.EventPattern, message: str) -> events.Rule:
        return events.Rule(
            self,
            id,
            description=description,
            event_pattern=pattern,
            targets=[_TopicTarget(self.topic, events.RuleTargetInput.from_text(message))],
        )

    # ----- dashboard ------------------------------------------------------------------------

    def _dashboard(self, name: str | None, hdfs_threshold: float, pending_threshold: float) -> cloudwatch.Dashboard:
        c = self.cluster
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=name, default_interval=Duration.hours(6))
        dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown=f"# EMR cluster {c.cluster_id}\nMetrics every 5 minutes from AWS/ElasticMapReduce; "
                "logs in the cluster's log bucket under `emr-logs/`.",
                width=12,
                height=3,
            ),
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=12, height=3),
        )
        dashboard.add_widgets(
            _graph("YARN applications", [c.metric_apps_running(label="running"), c.metric_apps_pending(label="pending")]),
            _graph("YARN memory available (%)", [c.metric_yarn_memory_available_percentage()], max_value=100),
            _graph("Pending container ratio", [c.metric_container_pending_ratio()], threshold=pending_threshold),
        )
        dashboard.add_widgets(
            _graph("HDFS utilization (%)", [c.metric_hdfs_utilization()], threshold=hdfs_threshold, max_value=100),
            _graph("HDFS blocks", [c.metric_missing_blocks(label="missing"), c.metric_corrupt_blocks(label="corrupt")]),
            _graph(
                "Node health",
                [c.metric_mr_unhealthy_nodes(label="unhealthy nodes"), c.metric_core_nodes_pending(label="core nodes pending")],
                right=[c.metric_live_data_nodes(label="live data nodes (%)")],
            ),
        )
        dashboard.add_widgets(
            _graph(
                "Capacity (fleet units)",
                [
                    c.metric_total_units_requested(label="requested"),
                    c.metric_total_units_running(label="running"),
                    c.metric_core_units_running(label="core running"),
                    c.metric_task_units_running(label="task running"),
                ],
            ),
            _graph("Idle (1 = idle)", [c.metric_is_idle()], max_value=1),
            cloudwatch.SingleValueWidget(
                title="Now",
                metrics=[c.metric_apps_running(label="apps running"), c.metric_total_units_running(label="units running")],
                width=8,
                height=6,
            ),
        )
        return dashboard

    # ----- validation -----------------------------------------------------------------------

    def _validate(
        self,
        *,
        topic: sns.ITopic | None,
        encryption_key: kms.IKey | None,
        notification_emails: Sequence[str],
        thresholds: Mapping[str, float],
        durations: Mapping[str, Duration],
    ) -> None:
        v = Validator(f"EmrMonitoring {self.node.path}")
        v.check(
            topic is None or encryption_key is None,
            "encryption_key",
            "a key",
            "only for the topic this construct creates: encrypt the topic you bring yourself",
        )
        check_email_addresses(v, "notification_emails", notification_emails)
        for prop, value in thresholds.items():
            v.check(value > 0, prop, value, "a positive number")
            if prop.endswith("_percent"):
                v.check(value <= 100, prop, value, "a percentage, above 0 and at most 100")
        period_seconds = DEFAULT_PERIOD.to_seconds()
        for prop, duration in durations.items():
            seconds = duration.to_seconds()
            v.check(
                seconds >= period_seconds and seconds % period_seconds == 0,
                prop,
                f"{seconds / 60:g} minutes",
                "a multiple of 5 minutes (EMR publishes its metrics every 5 minutes)",
            )
            # PutMetricAlarm, Period (CloudWatch API reference): "For alarms with a period of less
            # than one hour (3,600 seconds), the total evaluation period can't be longer than one
            # day (86,400 seconds)." The alarms evaluate 5-minute periods over the duration.
            v.check(
                seconds <= MAX_SHORT_PERIOD_EVALUATION_SECONDS,
                prop,
                f"{seconds / 60:g} minutes",
                "at most 1 day (1440 minutes): CloudWatch evaluates 5-minute periods over at most 86,400 seconds",
            )
        v.raise_if_any()


# ----- event patterns and messages (module level: tests match them against sample events) ----


def cluster_failed_pattern(cluster_id: str) -> events.EventPattern:
    """EMR ``Cluster State Change`` events of ``cluster_id`` to ``TERMINATED_WITH_ERRORS``."""
    return events.EventPattern(
        source=[EMR_EVENT_SOURCE],
        detail_type=[CLUSTER_STATE_CHANGE],
        detail={"clusterId": [cluster_id], "state": ["TERMINATED_WITH_ERRORS"]},
    )


def step_failed_pattern(cluster_id: str) -> events.EventPattern:
    """EMR ``Step Status Change`` events of ``cluster_id`` to ``FAILED`` or ``CANCELLED``."""
    return events.EventPattern(
        source=[EMR_EVENT_SOURCE],
        detail_type=[STEP_STATUS_CHANGE],
        detail={"clusterId": [cluster_id], "state": ["FAILED", "CANCELLED"]},
    )


def capacity_problem_pattern(cluster_id: str) -> events.EventPattern:
    """Instance fleet and group events of ``cluster_id`` at WARN severity or worse: state
    changes and resizes (arrested fleets, stuck resizes, provisioning timeouts), provisioning
    ("EC2 provisioning - Insufficient Instance Capacity"), status notifications,
    terminations (reclaimed Spot capacity) and unhealthy core nodes being replaced."""
    return events.EventPattern(
        source=[EMR_EVENT_SOURCE],
        detail_type=list(CAPACITY_EVENT_TYPES),
        detail={"clusterId": [cluster_id], "severity": list(PROBLEM_SEVERITIES)},
    )


def _field(path: str) -> str:
    return events.EventField.from_path(path)


def cluster_failed_message() -> str:
    """Names the cluster (id and name), its state, the account and region, and EMR's message,
    which carries the state-change reason code."""
    return (
        f"EMR cluster {_field('$.detail.name')} ({_field('$.detail.clusterId')}) is "
        f"{_field('$.detail.state')} in account {_field('$.account')}, region {_field('$.region')}. "
        f"EMR says: {_field('$.detail.message')}"
    )


def step_failed_message() -> str:
    """Names the step (id and name), the cluster, the state and the action on failure; EMR's
    message adds the cluster's name."""
    return (
        f"EMR step {_field('$.detail.name')} ({_field('$.detail.stepId')}) of cluster "
        f"{_field('$.detail.clusterId')} is {_field('$.detail.state')} "
        f"(action on failure: {_field('$.detail.actionOnFailure')}). EMR says: {_field('$.detail.message')} "
        "The reason is in the step's stderr: the cluster's log URI, then "
        f"{_field('$.detail.clusterId')}/steps/{_field('$.detail.stepId')}/stderr.gz."
    )


def capacity_problem_message() -> str:
    """Names the event type, its severity, the cluster and EMR's message (fleet or group,
    capacities and reason)."""
    return (
        f"{_field('$.detail-type')} ({_field('$.detail.severity')}) on EMR cluster "
        f"{_field('$.detail.clusterId')}. EMR says: {_field('$.detail.message')}"
    )


# ----- helpers ------------------------------------------------------------------------------


# Source conditions on every service-principal statement (IAM User Guide, "The confused deputy
# problem": aws:SourceArn and aws:SourceAccount). The sources:
# - EventBridge User Guide, "Using resource-based policies for Amazon EventBridge", Amazon SNS
#   permissions: events.amazonaws.com sns:Publish on the topic, limited to the rule's ARN.
# - AWS re:Post Knowledge Center "cloudwatch-receive-sns-for-alarm-trigger": the topic policy lets
#   cloudwatch.amazonaws.com publish, limited to alarms with ArnLike aws:SourceArn.
# - SNS Developer Guide, "Key management", "Enable compatibility between event sources from AWS
#   services and encrypted topics": the key policy lets the service kms:GenerateDataKey* and
#   kms:Decrypt, with an aws:SourceArn condition on the event source.


def alarm_arn_pattern(scope: Construct) -> str:
    """Every CloudWatch alarm of the stack's account and region."""
    return Stack.of(scope).format_arn(
        service="cloudwatch", resource="alarm", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
    )


def rule_arn_pattern(scope: Construct) -> str:
    """Every EventBridge rule of the stack's account and region (on the default event bus)."""
    return Stack.of(scope).format_arn(service="events", resource="rule", resource_name="*")


def _from_source(scope: Construct, arn_condition: str, source_arns: list[str]) -> dict[str, Any]:
    sources: str | list[str] = source_arns[0] if len(source_arns) == 1 else source_arns
    return {arn_condition: {"aws:SourceArn": sources}, "StringEquals": {"aws:SourceAccount": Stack.of(scope).account}}


def rules_may_publish(
    scope: Construct, topic_arn: str, rule_arns: list[str], *, sid: str = "AllowEventBridgeToPublish"
) -> iam.PolicyStatement:
    """The topic-policy statement letting EventBridge publish for ``rule_arns`` of this account."""
    condition = "ArnLike" if any("*" in a for a in rule_arns if not Token.is_unresolved(a)) else "ArnEquals"
    return iam.PolicyStatement(
        sid=sid,
        principals=[iam.ServicePrincipal("events.amazonaws.com")],
        actions=["sns:Publish"],
        resources=[topic_arn],
        conditions=_from_source(scope, condition, rule_arns),
    )


def alarms_may_publish(scope: Construct, topic_arn: str) -> iam.PolicyStatement:
    """The topic-policy statement letting CloudWatch alarms of this account publish."""
    return iam.PolicyStatement(
        sid="AllowCloudWatchAlarmsToPublish",
        principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions=["sns:Publish"],
        resources=[topic_arn],
        conditions=_from_source(scope, "ArnLike", [alarm_arn_pattern(scope)]),
    )


def notification_key_statements(scope: Construct) -> list[iam.PolicyStatement]:
    """Key-policy statements letting alarms and rules of this account use the topic's key.

    The rules' and alarms' own ARNs cannot appear here (the key would depend on the rules,
    which depend on the topic, which depends on the key): each source is its service's
    resources in this account and region.
    """
    return [
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal(service)],
            actions=list(NOTIFICATION_KEY_ACTIONS),
            resources=["*"],
            conditions=_from_source(scope, "ArnLike", [source]),
        )
        for sid, service, source in (
            ("AllowCloudWatchAlarmsToPublish", "cloudwatch.amazonaws.com", alarm_arn_pattern(scope)),
            ("AllowEventBridgeRulesToPublish", "events.amazonaws.com", rule_arn_pattern(scope)),
        )
    ]


def allow_notifications(key: kms.IKey) -> bool:
    """Let CloudWatch alarms and EventBridge rules of this account publish to SNS topics
    encrypted with ``key``; False when the key policy cannot be changed here (an imported key)."""
    added = [key.add_to_resource_policy(s).statement_added for s in notification_key_statements(key)]
    return all(added)


@jsii.implements(events.IRuleTarget)
class _TopicTarget:
    """An SNS topic as a rule target, without ``targets.SnsTopic``'s unconditioned grants (it
    adds ``events.amazonaws.com`` to the topic and key policies with no source condition):
    :class:`EmrMonitoring` adds the conditioned statements itself."""

    def __init__(self, topic: sns.ITopic, message: events.RuleTargetInput) -> None:
        self._topic = topic
        self._message = message

    def bind(self, _rule: events.IRule, _id: str | None = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(arn=self._topic.topic_arn, input=self._message)


def _periods(duration: Duration) -> int:
    return max(1, math.ceil(duration.to_minutes() / DEFAULT_PERIOD.to_minutes()))


def _graph(
    title: str,
    left: list[cloudwatch.IMetric],
    *,
    right: list[cloudwatch.IMetric] | None = None,
    threshold: float | None = None,
    max_value: float | None = None,
) -> cloudwatch.GraphWidget:
    """A 8x6 line graph, with the alarm threshold drawn when there is one."""
    annotations = [cloudwatch.HorizontalAnnotation(value=threshold, label="alarm")] if threshold is not None else None
    return cloudwatch.GraphWidget(
        title=title,
        left=left,
        right=right,
        left_annotations=annotations,
        left_y_axis=cloudwatch.YAxisProps(min=0, max=max_value),
        width=8,
        height=6,
    )
