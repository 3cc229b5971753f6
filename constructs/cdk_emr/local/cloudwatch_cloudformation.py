"""``AWS::CloudWatch::Alarm`` for moto's CloudFormation (moto 5.2.5 has no model for it).

The monitoring construct's dashboard refers to its alarms (``Fn::GetAtt Alarm.Arn``); without
a model moto drops the alarms and the stack fails on those references. Alarms become real moto
CloudWatch alarms (``DescribeAlarms`` lists them); ``Ref`` is the name, ``Arn`` the ARN.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .cfn_model import CfnReferences


class CloudFormationAlarm(CfnReferences, CloudFormationModel):
    """A CloudWatch metric alarm created by a CloudFormation stack."""

    cfn_ref = "name"  # Ref of an alarm is its name
    cfn_attributes = {"Arn": "arn"}

    def __init__(self, name: str, arn: str) -> None:
        self.name = name
        self.arn = arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> CloudFormationAlarm:
        from moto.cloudwatch.models import cloudwatch_backends

        p = cloudformation_json.get("Properties", {})
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=p.get("AlarmName") or resource_name,
            namespace=p.get("Namespace", ""),
            metric_name=p.get("MetricName", ""),
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            period=int(p.get("Period", 60)),
            threshold=float(p.get("Threshold", 0)),
            statistic=p.get("Statistic", ""),
            description=p.get("AlarmDescription", ""),
            dimensions=[{"Name": d["Name"], "Value": d["Value"]} for d in p.get("Dimensions", [])],
            alarm_actions=p.get("AlarmActions", []),
            datapoints_to_alarm=int(p["DatapointsToAlarm"]) if "DatapointsToAlarm" in p else None,
            extended_statistic=p.get("ExtendedStatistic"),
            ok_actions=p.get("OKActions", []),
            insufficient_data_actions=p.get("InsufficientDataActions", []),
            unit=p.get("Unit"),
            actions_enabled=str(p.get("ActionsEnabled", True)).lower() == "true",
            treat_missing_data=p.get("TreatMissingData"),
        )
        return cls(alarm.name, alarm.alarm_arn)
