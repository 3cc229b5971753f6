"""``AWS::ElasticLoadBalancingV2::LoadBalancer`` of every ``Type``, and target groups with their
``Targets``, for moto's CloudFormation.

moto 5.2.5 creates every CloudFormation load balancer as an Application Load Balancer (its model
drops ``Type``), so a Network Load Balancer's ``TCP``/``UDP``/``TCP_UDP`` listeners fail with
"Listener protocol 'TCP_UDP' must be one of 'HTTP, HTTPS'". This model passes ``Type``
(``application`` when absent, CloudFormation's default: "Type — The type of load balancer. The
default is application.") and ``Tags`` to moto's ``CreateLoadBalancer``, as CloudFormation does.
moto's target group model drops ``Targets`` ("The targets to add to this target group"); this one
registers them, so ``DescribeTargetHealth`` lists the instances a stack put behind a listener.
"""

from __future__ import annotations

from typing import Any

from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup, elbv2_backends

DEFAULT_TYPE = "application"


class CloudFormationLoadBalancer(FakeLoadBalancer):
    """moto's load balancer, created from CloudFormation with its ``Type``."""

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> FakeLoadBalancer:
        properties = cloudformation_json["Properties"]
        return elbv2_backends[account_id][region_name].create_load_balancer(
            properties.get("Name") or resource_name,
            properties.get("SecurityGroups") or [],
            properties.get("Subnets") or [],
            subnet_mappings=properties.get("SubnetMappings"),
            scheme=properties.get("Scheme", "internet-facing"),
            loadbalancer_type=properties.get("Type", DEFAULT_TYPE),
            tags=properties.get("Tags"),
        )


class CloudFormationTargetGroup(FakeTargetGroup):
    """moto's target group, created from CloudFormation with its ``Targets`` registered."""

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> FakeTargetGroup:
        target_group = FakeTargetGroup.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        targets = cloudformation_json["Properties"].get("Targets") or []
        if targets:
            elbv2_backends[account_id][region_name].register_targets(
                target_group.arn, [{"Id": t["Id"], **({"Port": int(t["Port"])} if "Port" in t else {})} for t in targets]
            )
        return target_group


ELBV2_MODELS = (CloudFormationLoadBalancer, CloudFormationTargetGroup)
