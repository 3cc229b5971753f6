"""Read values out of a CloudFormation template: intrinsic functions, parameters and their defaults.

The one place the ops tools (cost, summary, diff-safety) look into a value that may be a
CloudFormation expression (CloudFormation User Guide, "Intrinsic function reference"):

* :class:`ValueReader` resolves a ``Ref`` to a parameter with a ``Default`` and an ``Fn::If``
  whose condition :func:`condition_holds` can decide, and reads typed values (object, list, whole
  number, text), raising an error that names the field for anything that cannot be known offline
  (``Fn::GetAtt``, a ``Ref`` to a resource or a pseudo parameter, ...);
* :func:`condition_holds` evaluates a template condition (``Fn::Equals``, ``Fn::Not``,
  ``Fn::And``, ``Fn::Or``, ``Condition``) under the parameters' defaults;
* :func:`render_value` shows a value for people: ``<Ref X>``, ``<X.Attr>``, ``Fn::Join`` joined;
* :func:`referenced_ids` lists the logical ids a value refers to (``Ref``, ``Fn::GetAtt``,
  ``Fn::Sub``), which is how a property links resources.

Which keys are intrinsic functions is a fact of :mod:`cdk_emr.facts.update_behaviour`
(:func:`~cdk_emr.facts.update_behaviour.is_intrinsic`).

cfn-lint's template model was considered (``cfnlint.template.Template`` with the resolvers of
``cfnlint.jsonschema._resolvers_cfn``): it answers every value an expression *may* take (both
branches of ``Fn::If``, numbers as strings), from a private module, and costs seconds to import,
while these tools need the one value under the parameters' defaults from the standard library
(``cdk-emr`` installs without cfn-lint). The tests use cfn-lint as the oracle instead: each value
:class:`ValueReader` resolves must be among the values cfn-lint's resolver gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from cdk_emr.facts.update_behaviour import is_intrinsic
from cdk_emr.ops.templates import TemplateLoadError

__all__ = ["ValueReader", "condition_holds", "is_intrinsic", "parameter_default", "referenced_ids", "render_value"]

_NO_DEFAULT: Final = object()


def parameter_default(template: Mapping[str, Any], name: Any) -> Any:
    """The ``Default`` of the template's parameter ``name``; ``KeyError`` when it has none."""
    parameter = (template.get("Parameters") or {}).get(name) if isinstance(name, str) else None
    if isinstance(parameter, dict) and "Default" in parameter:
        return parameter["Default"]
    raise KeyError(name)


def condition_holds(template: Mapping[str, Any], name: str) -> bool:
    """Whether the template's condition ``name`` holds under the parameters' defaults.

    ``KeyError`` when it cannot be known offline: an unknown condition, a parameter without a
    default, a pseudo parameter, a function a condition may not use (CloudFormation User Guide,
    "Condition functions").
    """
    return _holds(template, {"Condition": name}, ())


def _holds(template: Mapping[str, Any], expression: Any, seen: tuple[str, ...]) -> bool:
    if not is_intrinsic(expression):
        raise KeyError(str(expression))
    ((key, argument),) = expression.items()
    if key == "Condition":
        conditions = template.get("Conditions") or {}
        if not isinstance(argument, str) or argument not in conditions or argument in seen:
            raise KeyError(argument)
        return _holds(template, conditions[argument], (*seen, argument))
    operands = argument if isinstance(argument, list) else [argument]
    if key == "Fn::Equals" and len(operands) == 2:
        left, right = (_operand(template, operand) for operand in operands)
        return str(left) == str(right)  # parameter values are strings: "3" equals 3
    if key == "Fn::Not" and len(operands) == 1:
        return not _holds(template, operands[0], seen)
    if key in ("Fn::And", "Fn::Or") and operands:
        truths = [_holds(template, operand, seen) for operand in operands]
        return all(truths) if key == "Fn::And" else any(truths)
    raise KeyError(key)


def _operand(template: Mapping[str, Any], value: Any) -> Any:
    return parameter_default(template, value.get("Ref")) if is_intrinsic(value) else value


class ValueReader:
    """Reads typed values of one template; ``Ref`` to a parameter with a default resolves, other
    CloudFormation expressions are errors that name the field.

    ``error`` is the exception class raised (a :class:`~cdk_emr.ops.templates.TemplateLoadError`
    by default); its message starts with ``stack``. ``hint`` ends the message of an expression
    that cannot be resolved.
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        stack: str,
        *,
        error: type[Exception] = TemplateLoadError,
        hint: str = "give it a literal value",
    ) -> None:
        self.template = template
        self.stack = stack
        self.error = error
        self.hint = hint

    def fail(self, where: str, problem: str) -> Exception:
        """The error for ``where`` (a dotted property path) and its problem."""
        return self.error(f"{self.stack}: {where} {problem}")

    def value(self, raw: Any, where: str) -> Any:
        """``raw`` itself, the default of the parameter it ``Ref``\\ s, or the branch of the ``Fn::If``
        its condition takes."""
        if not is_intrinsic(raw):
            return raw
        try:
            if "Fn::If" in raw and isinstance(raw["Fn::If"], list) and len(raw["Fn::If"]) == 3:
                name, when_true, when_false = raw["Fn::If"]
                return self.value(when_true if condition_holds(self.template, name) else when_false, where)
            return self.value(parameter_default(self.template, raw.get("Ref")), where)
        except KeyError:
            pass
        shown = json.dumps(raw)
        shown = shown if len(shown) <= 120 else shown[:117] + "..."
        raise self.fail(
            where,
            f"is {shown}, a CloudFormation expression that cannot be resolved offline; {self.hint}",
        )

    def mapping(self, raw: Any, where: str) -> Mapping[str, Any]:
        """An object (``{}`` when absent)."""
        value = self.value(raw if raw is not None else {}, where)
        if not isinstance(value, dict):
            raise self.fail(where, f"is {value!r}, not an object")
        return value

    def sequence(self, raw: Any, where: str) -> list[Any]:
        """A list (``[]`` when absent)."""
        value = self.value(raw if raw is not None else [], where)
        if not isinstance(value, list):
            raise self.fail(where, f"is {value!r}, not a list")
        return value

    def _given(self, raw: Any, where: str, default: Any) -> Any:
        """``raw`` resolved, or ``default`` when absent; absent without a default is an error."""
        if raw is not None:
            return self.value(raw, where)
        if default is None:
            raise self.fail(where, "is missing")
        return default

    def integer(self, raw: Any, where: str, default: int | None = None) -> int:
        """A whole number >= 0 (CloudFormation numbers may be written as strings)."""
        value = self._given(raw, where, default)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(where, f"is {value!r}, not a number") from None
        if not number.is_integer() or number < 0:
            raise self.fail(where, f"is {value!r}, not a whole number >= 0")
        return int(number)

    def text(self, raw: Any, where: str, default: str | None = None) -> str:
        """A string."""
        value = self._given(raw, where, default)
        if not isinstance(value, str):
            raise self.fail(where, f"is {value!r}, not a string")
        return value


def render_value(value: Any) -> str:
    """A short text for a template value; intrinsics show as ``<Ref X>``/``<X.Attr>``/``<Fn::X>``,
    ``Fn::Join`` parts are joined (without the delimiter, as the summary always showed them)."""
    if isinstance(value, dict):
        if "Ref" in value:
            return f"<Ref {value['Ref']}>"
        if "Fn::GetAtt" in value:
            return "<{}.{}>".format(*value["Fn::GetAtt"])
        if "Fn::Join" in value:
            return "".join(render_value(v) for v in value["Fn::Join"][1])
        return "<" + next(iter(value), "?") + ">"
    return str(value)


_SUB_REFERENCE: Final = re.compile(r"\$\{(?!!)([A-Za-z0-9]+)(?:\.[^}]*)?\}")
"""A ``${Name}`` or ``${Name.Attribute}`` of ``Fn::Sub`` (``${!Literal}`` is not a reference)."""


def referenced_ids(value: Any) -> set[str]:
    """Names a value refers to by ``Ref``, ``Fn::GetAtt`` or ``Fn::Sub``, at any depth
    (logical ids and parameter names alike)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= referenced_ids(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                target = item[0] if isinstance(item, list) and item else item
                if isinstance(target, str):
                    found.add(target.split(".")[0])
            elif key == "Fn::Sub":
                text = item[0] if isinstance(item, list) and item else item
                if isinstance(text, str):
                    found |= set(_SUB_REFERENCE.findall(text))
                found |= referenced_ids(item[1:] if isinstance(item, list) else None)
            else:
                found |= referenced_ids(item)
    return found
