"""Automatic scaling of instance groups: custom scaling rules on CloudWatch alarms.

The older alternative to managed scaling, for core and task instance groups only (EMR API
reference, ``AutoScalingPolicy``: "An automatic scaling policy for a core instance group or task
instance group"). A cluster with such a policy needs an ``AutoScalingRole``
(:class:`~cdk_emr.cluster.EmrCluster` creates one). Field ranges and enums come from botocore's
EMR service model (``ScalingRule``, ``ScalingConstraints``, ``SimpleScalingPolicyConfiguration``,
``CloudWatchAlarmDefinition``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from aws_cdk import aws_emr as emr

from cdk_emr.capacity._coerce import coerce_enum
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

EMR_NAMESPACE = "AWS/ElasticMapReduce"
EMR_METRIC_PERIOD_SECONDS = 300
"""botocore, CloudWatchAlarmDefinition.Period: "CloudWatch metrics for Amazon EMR are emitted every
five minutes (300 seconds), so if you specify a CloudWatch metric, specify 300"."""
CLUSTER_ID_DIMENSION_VALUE = "${emr.clusterId}"
"""EMR substitutes the cluster's id for this value in a rule's dimensions (EMR Management Guide,
"Using automatic scaling with a custom policy for instance groups")."""


class AdjustmentType(StrEnum):
    """How a rule's ``adjustment`` changes the group's instance count."""

    CHANGE_IN_CAPACITY = "CHANGE_IN_CAPACITY"
    PERCENT_CHANGE_IN_CAPACITY = "PERCENT_CHANGE_IN_CAPACITY"
    EXACT_CAPACITY = "EXACT_CAPACITY"


class ComparisonOperator(StrEnum):
    """How the metric is compared with the threshold."""

    GREATER_THAN_OR_EQUAL = "GREATER_THAN_OR_EQUAL"
    GREATER_THAN = "GREATER_THAN"
    LESS_THAN = "LESS_THAN"
    LESS_THAN_OR_EQUAL = "LESS_THAN_OR_EQUAL"


class ScalingStatistic(StrEnum):
    """The statistic applied to the metric."""

    SAMPLE_COUNT = "SAMPLE_COUNT"
    AVERAGE = "AVERAGE"
    SUM = "SUM"
    MINIMUM = "MINIMUM"
    MAXIMUM = "MAXIMUM"


class ScalingMetricUnit(StrEnum):
    """CloudWatch units a scaling alarm may name (botocore EMR model, ``Unit``)."""

    NONE = "NONE"
    SECONDS = "SECONDS"
    MICRO_SECONDS = "MICRO_SECONDS"
    MILLI_SECONDS = "MILLI_SECONDS"
    BYTES = "BYTES"
    KILO_BYTES = "KILO_BYTES"
    MEGA_BYTES = "MEGA_BYTES"
    GIGA_BYTES = "GIGA_BYTES"
    TERA_BYTES = "TERA_BYTES"
    BITS = "BITS"
    KILO_BITS = "KILO_BITS"
    MEGA_BITS = "MEGA_BITS"
    GIGA_BITS = "GIGA_BITS"
    TERA_BITS = "TERA_BITS"
    PERCENT = "PERCENT"
    COUNT = "COUNT"
    BYTES_PER_SECOND = "BYTES_PER_SECOND"
    KILO_BYTES_PER_SECOND = "KILO_BYTES_PER_SECOND"
    MEGA_BYTES_PER_SECOND = "MEGA_BYTES_PER_SECOND"
    GIGA_BYTES_PER_SECOND = "GIGA_BYTES_PER_SECOND"
    TERA_BYTES_PER_SECOND = "TERA_BYTES_PER_SECOND"
    BITS_PER_SECOND = "BITS_PER_SECOND"
    KILO_BITS_PER_SECOND = "KILO_BITS_PER_SECOND"
    MEGA_BITS_PER_SECOND = "MEGA_BITS_PER_SECOND"
    GIGA_BITS_PER_SECOND = "GIGA_BITS_PER_SECOND"
    TERA_BITS_PER_SECOND = "TERA_BITS_PER_SECOND"
    COUNT_PER_SECOND = "COUNT_PER_SECOND"


@typed
@dataclass(frozen=True, kw_only=True)
class ScalingRule:
    """One scale-out or scale-in rule: when the alarm fires, add (or remove) ``adjustment``.

    ``ScalingRule(name="ScaleOutOnMemory", metric_name="YARNMemoryAvailablePercentage",
    comparison=ComparisonOperator.LESS_THAN, threshold=15, adjustment=2)``.
    Defaults follow EMR's: namespace ``AWS/ElasticMapReduce`` with the cluster id dimension,
    period 300 s, 1 evaluation period, AVERAGE, CHANGE_IN_CAPACITY, cool-down 0 s (EMR's
    default; 300 s is what the console proposes), no unit.
    """

    name: str
    metric_name: str
    comparison: ComparisonOperator
    threshold: float
    adjustment: int
    description: str | None = None
    adjustment_type: AdjustmentType = AdjustmentType.CHANGE_IN_CAPACITY
    cool_down_seconds: int = 0
    evaluation_periods: int = 1
    period_seconds: int = EMR_METRIC_PERIOD_SECONDS
    statistic: ScalingStatistic = ScalingStatistic.AVERAGE
    namespace: str = EMR_NAMESPACE
    dimensions: Mapping[str, str] = field(default_factory=lambda: {"JobFlowId": CLUSTER_ID_DIMENSION_VALUE})
    unit: ScalingMetricUnit | None = None

    def __post_init__(self) -> None:
        v = Validator(f"ScalingRule {self.name!r}")
        for prop, enum in (
            ("comparison", ComparisonOperator),
            ("adjustment_type", AdjustmentType),
            ("statistic", ScalingStatistic),
        ):
            object.__setattr__(self, prop, coerce_enum(v, prop, enum, getattr(self, prop)) or getattr(self, prop))
        if self.unit is not None:
            object.__setattr__(self, "unit", coerce_enum(v, "unit", ScalingMetricUnit, self.unit) or self.unit)
        v.check(isinstance(self.name, str) and 1 <= len(self.name) <= 256, "name", self.name, "1 to 256 characters")
        v.check(
            bool(self.metric_name),
            "metric_name",
            self.metric_name,
            "a CloudWatch metric name, e.g. 'YARNMemoryAvailablePercentage'",
        )
        # botocore, CloudWatchAlarmDefinition.Threshold: NonNegativeDouble.
        v.check(self.threshold >= 0, "threshold", self.threshold, "0 or more")
        # botocore, SimpleScalingPolicyConfiguration.ScalingAdjustment: "If AdjustmentType is set to
        # EXACT_CAPACITY, the number should only be a positive integer."
        if self.adjustment_type == AdjustmentType.EXACT_CAPACITY:
            v.check(self.adjustment > 0, "adjustment", self.adjustment, "a positive instance count with EXACT_CAPACITY")
        else:
            v.check(self.adjustment != 0, "adjustment", 0, "positive to add instances, negative to remove them")
        v.check(self.cool_down_seconds >= 0, "cool_down_seconds", self.cool_down_seconds, "0 or more seconds")
        v.check(self.evaluation_periods >= 1, "evaluation_periods", self.evaluation_periods, "1 or more periods")
        # CloudWatch PutMetricAlarm: Period is 10, 30 or a multiple of 60 seconds; EMR metrics come every 300 s.
        v.check(
            self.period_seconds in (10, 30) or (self.period_seconds >= 60 and self.period_seconds % 60 == 0),
            "period_seconds",
            self.period_seconds,
            "10, 30 or a multiple of 60 seconds (300 for EMR's metrics)",
        )
        # CloudWatch PutMetricAlarm: EvaluationPeriods x Period may not exceed one day (86,400 s).
        v.check(
            self.evaluation_periods * self.period_seconds <= 86_400,
            "evaluation_periods",
            self.evaluation_periods,
            f"at most {86_400 // max(self.period_seconds, 1)} periods of {self.period_seconds} s (one day)",
        )
        v.raise_if_any()

    def _render(self) -> emr.CfnCluster.ScalingRuleProperty:
        return emr.CfnCluster.ScalingRuleProperty(
            name=self.name,
            description=self.description,
            action=emr.CfnCluster.ScalingActionProperty(
                simple_scaling_policy_configuration=emr.CfnCluster.SimpleScalingPolicyConfigurationProperty(
                    scaling_adjustment=self.adjustment,
                    adjustment_type=self.adjustment_type.value,
                    cool_down=self.cool_down_seconds,
                )
            ),
            trigger=emr.CfnCluster.ScalingTriggerProperty(
                cloud_watch_alarm_definition=emr.CfnCluster.CloudWatchAlarmDefinitionProperty(
                    comparison_operator=self.comparison.value,
                    metric_name=self.metric_name,
                    period=self.period_seconds,
                    threshold=self.threshold,
                    evaluation_periods=self.evaluation_periods,
                    namespace=self.namespace,
                    statistic=self.statistic.value,
                    unit=self.unit.value if self.unit else None,
                    dimensions=[emr.CfnCluster.MetricDimensionProperty(key=k, value=v) for k, v in self.dimensions.items()]
                    or None,
                )
            ),
        )


@typed
@dataclass(frozen=True, kw_only=True)
class AutoScalingPolicy:
    """An instance group's automatic scaling: ``min_capacity`` to ``max_capacity`` instances and
    the rules that move between them. Rule names must be unique (botocore, ``ScalingRule.Name``)."""

    min_capacity: int
    max_capacity: int
    rules: Sequence[ScalingRule]

    def __post_init__(self) -> None:
        v = Validator("AutoScalingPolicy")
        v.check(self.min_capacity >= 0, "min_capacity", self.min_capacity, "0 or more instances")
        v.check(
            self.min_capacity <= self.max_capacity,
            "min_capacity",
            self.min_capacity,
            f"at most max_capacity ({self.max_capacity})",
        )
        rules = list(self.rules)
        v.check(len(rules) >= 1, "rules", [], "at least one ScalingRule")
        names = [r.name for r in rules]
        v.check(len(set(names)) == len(names), "rules", names, "unique rule names within a policy")
        v.raise_if_any()

    def _render(self) -> emr.CfnCluster.AutoScalingPolicyProperty:
        return emr.CfnCluster.AutoScalingPolicyProperty(
            constraints=emr.CfnCluster.ScalingConstraintsProperty(min_capacity=self.min_capacity, max_capacity=self.max_capacity),
            rules=[r._render() for r in self.rules],
        )
