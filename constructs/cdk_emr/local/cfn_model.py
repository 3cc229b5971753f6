"""``Ref`` and ``Fn::GetAtt`` of the emulation's moto CloudFormation models, declared as data.

moto asks a model three things about references: ``physical_resource_id`` (what ``Ref``
returns), ``has_cfn_attr`` (whether ``Fn::GetAtt`` may name an attribute: checked for outputs)
and ``get_cfn_attribute`` (its value). :class:`CfnReferences` answers them from two class
attributes; the rest of moto's protocol (``cloudformation_type``, ``create_from_cloudformation_json``...)
stays in each model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class CfnReferences:
    """Mixin for a moto ``CloudFormationModel``; put it first among the bases and set:

    * ``cfn_ref``: the instance attribute ``Ref`` returns;
    * ``cfn_attributes``: each ``Fn::GetAtt`` attribute name → the instance attribute holding it.
      Any other name is an error, as on AWS.
    """

    cfn_ref: ClassVar[str]
    cfn_attributes: ClassVar[Mapping[str, str]] = {}

    @property
    def physical_resource_id(self) -> Any:
        return getattr(self, self.cfn_ref)

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.cfn_attributes

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name not in self.cfn_attributes:
            raise UnformattedGetAttTemplateException()
        return getattr(self, self.cfn_attributes[attribute_name])
