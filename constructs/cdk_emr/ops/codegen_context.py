"""What the ``cdk-emr codegen`` property writers share: the error, the conversion context, configurations."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from cdk_emr.ops.codegen_read import ClusterSource
from cdk_emr.ops.codegen_write import Call, Module, Raw
from cdk_emr.ops.template_values import parameter_default

ARN = re.compile(r"^arn:(aws[a-z-]*|\$\{AWS::Partition\}):")
"""An ARN (any partition, or the stack's: ``arn:${AWS::Partition}:...``), as opposed to a name."""

PSEUDO_PARAMETERS = {
    "AWS::AccountId": "Aws.ACCOUNT_ID",
    "AWS::Partition": "Aws.PARTITION",
    "AWS::Region": "Aws.REGION",
    "AWS::URLSuffix": "Aws.URL_SUFFIX",
    "AWS::StackName": "Aws.STACK_NAME",
}
"""Pseudo parameters (CloudFormation User Guide, "Pseudo parameters reference") and the
``aws_cdk.Aws`` tokens that synthesize to them (``Aws.REGION`` -> ``{"Ref": "AWS::Region"}``)."""

_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class Interpolated(Raw):
    """A string built from literals and pseudo parameters: ``template`` in ``Fn::Sub`` syntax
    (``arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x``), ``text`` the f-string that
    synthesizes to the same value (``f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/x"``)."""

    template: str = ""

    @staticmethod
    def of(template: str) -> str | Interpolated:
        """``template`` as a plain string when it names no pseudo parameter, else interpolated."""
        parts = _VARIABLE.split(template)
        # (is a variable, text): ${!Literal} is the literal text ${Literal} (Fn::Sub's escape)
        pieces = [
            (False, part) if i % 2 == 0 else (False, "${" + part[1:] + "}") if part.startswith("!") else (True, part)
            for i, part in enumerate(parts)
        ]
        if not any(variable for variable, _ in pieces):
            return "".join(piece for _, piece in pieces)
        if len(parts) == 3 and parts[0] == parts[2] == "" and parts[1].startswith(IMPORT):
            return Interpolated(_expression(parts[1]), template)  # one export: the token itself
        text = "".join("{" + _expression(piece) + "}" if variable else _fstring_literal(piece) for variable, piece in pieces)
        return Interpolated(f"f{json.dumps(text, ensure_ascii=False)}", template)


IMPORT = "Fn::ImportValue:"
"""``${Fn::ImportValue:NAME}`` in an :class:`Interpolated` template: another stack's export NAME,
written as ``Fn.import_value("NAME")`` (synthesizes to ``{"Fn::ImportValue": "NAME"}``)."""


def _expression(variable: str) -> str:
    if variable.startswith(IMPORT):
        return f"Fn.import_value({variable.removeprefix(IMPORT)!r})"
    return PSEUDO_PARAMETERS[variable]


def _fstring_literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def template_of(value: Any) -> str:
    """The ``Fn::Sub``-syntax text of a resolved string (a plain string is its own)."""
    return value.template if isinstance(value, Interpolated) else str(value)


def text(value: Any) -> Any:
    """A resolved scalar as a string: interpolated strings stay as they are."""
    return value if isinstance(value, Interpolated) else str(value)


class CodegenError(ValueError):
    """A source property codegen cannot write with cdk_emr's API; the message names it."""


@dataclass
class _Context:
    """What a conversion collects besides the cluster call."""

    source: ClusterSource
    module: Module
    unresolved: list[str] = field(default_factory=list)
    imported_security_configuration: Call | None = None
    """The ``from_security_configuration_name`` call, when the source names one by literal name."""

    def use(self, *names: str) -> None:
        self.module.imports.update(names)

    def setup(self, name: str, expression: Any) -> Raw:
        self.module.setup.append((name, expression))
        return Raw(name)

    def resolve(self, value: Any, path: str) -> Any:
        """``value`` with ``Ref`` to parameters replaced by their ``Default``, and ``Ref`` to the
        pseudo parameters of :data:`PSEUDO_PARAMETERS`, ``Fn::Sub`` and ``Fn::Join`` over them as
        :class:`Interpolated` strings (synthesized back to the same values); other intrinsics raise."""
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str):
                try:
                    default = parameter_default(self.source.template, arg)
                except KeyError:
                    return Interpolated.of(self._variable(arg, path))
                return self.resolve(default, path)
            if key == "Fn::Sub":
                return Interpolated.of(self._sub(arg, path))
            if key == "Fn::ImportValue" and isinstance(arg, str) and "}" not in arg:
                return Interpolated.of("${" + IMPORT + arg + "}")
            if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
                parts = [self.resolve(part, f"{path}.Fn::Join[{i}]") for i, part in enumerate(arg[1])]
                if any(isinstance(part, (dict, list)) for part in parts):
                    raise CodegenError(f"{path}: Fn::Join of a value that is no string")
                return Interpolated.of(str(arg[0]).join(_escaped(part) for part in parts))
            if key.startswith("Fn::") or key == "Ref":
                raise CodegenError(f"{path}: {key} has no literal value; write the resolved value in the source")
        if isinstance(value, dict):
            return {k: self.resolve(v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return value

    def _variable(self, name: str, path: str) -> str:
        """A ``Ref``/``${name}``: a pseudo parameter stays ``${AWS::...}``, a parameter gives its ``Default``."""
        if name in PSEUDO_PARAMETERS:
            return "${" + name + "}"
        try:
            default = parameter_default(self.source.template, name)
        except KeyError:
            pass
        else:
            default = self.resolve(default, path)
            if isinstance(default, list):  # a CommaDelimitedList's Default is one string
                default = ",".join(map(str, default))
            return _escaped(default)
        if name.startswith("AWS::"):
            raise CodegenError(f"{path}: pseudo parameter {name} has no value codegen can write")
        raise CodegenError(f"{path}: Ref {name} has no literal value (a parameter without Default or a resource)")

    def _sub(self, arg: Any, path: str) -> str:
        """``Fn::Sub`` text with its variables and parameters substituted, pseudo parameters kept."""
        template, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if not isinstance(template, str) or not isinstance(variables, dict):
            raise CodegenError(f"{path}: Fn::Sub takes a string, or a string and a map of variables")

        def substitute(match: re.Match[str]) -> str:
            name = match[1]
            if name.startswith("!"):
                return "${!" + name[1:] + "}"  # ${!Literal} stays literal
            if name in variables:
                return _escaped(self.resolve(variables[name], f"{path}.{name}"))
            if "." in name:
                raise CodegenError(f"{path}: ${{{name}}} is an attribute of a resource, not a literal value")
            return self._variable(name, path)

        return _VARIABLE.sub(substitute, template)

    def is_export(self, value: Any) -> bool:
        """A value that references other stacks only through their exports (``Fn::ImportValue``,
        alone or joined with literals): codegen imports it (``Fn.import_value``), keeping the reference."""
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Fn::ImportValue":
                return isinstance(arg, str)
            if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
                parts = arg[1]
                return any(self.is_export(p) for p in parts) and all(self.is_export(p) or isinstance(p, str) for p in parts)
        return False

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


def flag(value: Any, path: str) -> bool:
    """A CloudFormation Boolean: ``true``/``false``, or the string a ``String`` parameter gives
    (CloudFormation converts ``'false'`` to the property's type)."""
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise CodegenError(f"{path}: {value!r} is not a Boolean (true or false)")


def _escaped(value: Any) -> str:
    """A resolved part inside ``Fn::Sub`` text: interpolated text as is, a literal with ``${`` escaped."""
    if isinstance(value, Interpolated):
        return value.template
    return str(value).replace("${", "${!")


def configurations(c: _Context, items: list[dict[str, Any]]) -> list[Call]:
    """``Configuration(...)`` calls, nested configurations included."""
    c.use("Configuration")
    calls = []
    for item in items:
        call = Call("Configuration", kwargs={"classification": item["Classification"]})
        if item.get("ConfigurationProperties"):
            call.kwargs["properties"] = {k: text(v) for k, v in item["ConfigurationProperties"].items()}
        if item.get("Configurations"):
            call.kwargs["configurations"] = configurations(c, item["Configurations"])
        calls.append(call)
    return calls
