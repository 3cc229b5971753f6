"""What the ``cdk-emr codegen`` property writers share: the error, the conversion context, configurations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cdk_emr.ops.codegen_read import ClusterSource
from cdk_emr.ops.codegen_write import Call, Module, Raw

ARN = re.compile(r"^arn:aws[a-z-]*:")
"""An ARN (any partition), as opposed to a name."""


class CodegenError(ValueError):
    """A source property codegen cannot write with cdk_emr's API; the message names it."""


@dataclass
class _Context:
    """What a conversion collects besides the cluster call."""

    source: ClusterSource
    module: Module
    unresolved: list[str] = field(default_factory=list)

    def use(self, *names: str) -> None:
        self.module.imports.update(names)

    def setup(self, name: str, expression: Any) -> Raw:
        self.module.setup.append((name, expression))
        return Raw(name)

    def resolve(self, value: Any, path: str) -> Any:
        """``value`` with ``Ref`` to parameters replaced by their ``Default``; other intrinsics raise."""
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str):
                parameter = (self.source.template.get("Parameters") or {}).get(arg)
                if isinstance(parameter, dict) and "Default" in parameter:
                    return self.resolve(parameter["Default"], path)
                if arg.startswith("AWS::"):
                    raise CodegenError(f"{path}: pseudo parameter {arg} has no literal value; write the value")
                raise CodegenError(f"{path}: Ref {arg} has no literal value (a parameter without Default or a resource)")
            if key.startswith("Fn::") or key == "Ref":
                raise CodegenError(f"{path}: {key} has no literal value; write the resolved value in the source")
        if isinstance(value, dict):
            return {k: self.resolve(v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return value

    def is_resource_reference(self, value: Any) -> bool:
        """A value built from ``Ref``/``Fn::GetAtt`` of resources in the same template
        (``!GetAtt Role.Arn``, ``!Sub s3://${Bucket}/logs/``, a list of subnet refs)."""
        resources = self.source.template.get("Resources") or {}
        if isinstance(value, list):
            return bool(value) and all(self.is_resource_reference(item) for item in value)
        if not isinstance(value, dict) or len(value) != 1:
            return False
        ((key, arg),) = value.items()
        if key == "Ref":
            return arg in resources
        if key == "Fn::GetAtt":
            return (arg[0] if isinstance(arg, list) else str(arg).split(".")[0]) in resources
        if key == "Fn::ImportValue":  # an export of another stack of the same app
            return True
        if key == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) else arg
            return any(name.split(".")[0] in resources for name in re.findall(r"\$\{([^}!]+)\}", str(text)))
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            return any(self.is_resource_reference(part) for part in arg[1])
        return False


def configurations(c: _Context, items: list[dict[str, Any]]) -> list[Call]:
    """``Configuration(...)`` calls, nested configurations included."""
    c.use("Configuration")
    calls = []
    for item in items:
        call = Call("Configuration", kwargs={"classification": item["Classification"]})
        if item.get("ConfigurationProperties"):
            call.kwargs["properties"] = {k: str(v) for k, v in item["ConfigurationProperties"].items()}
        if item.get("Configurations"):
            call.kwargs["configurations"] = configurations(c, item["Configurations"])
        calls.append(call)
    return calls
