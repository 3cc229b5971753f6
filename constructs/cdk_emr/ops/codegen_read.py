"""Read the ``AWS::EMR::Cluster`` that ``cdk-emr codegen`` writes code for.

A source is a CloudFormation template (JSON, or YAML with the short-form intrinsics ``!Ref``,
``!GetAtt``, ``!Sub`` ... of the CloudFormation User Guide, "Template anatomy" / "Intrinsic
function reference") or a ``cdk.out`` directory, read through :mod:`cdk_emr.ops.templates`.
Standard library only (PyYAML is imported for YAML files).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_emr.facts.update_behaviour import INTRINSIC_FUNCTIONS
from cdk_emr.ops.templates import TemplateLoadError, check_template, load_stack_templates

CLUSTER_TYPE = "AWS::EMR::Cluster"

# Short-form intrinsic tags and their long form (CloudFormation User Guide, "Intrinsic function reference").
_SHORT_FORMS = {"Ref": "Ref", "Condition": "Condition", **{name: f"Fn::{name}" for name in INTRINSIC_FUNCTIONS}}


@dataclass(frozen=True)
class ClusterSource:
    """One ``AWS::EMR::Cluster`` and the template it stands in."""

    logical_id: str
    properties: dict[str, Any]
    template: dict[str, Any]
    origin: str
    """Where it was read: the file or ``cdk.out`` stack."""
    environment: tuple[str, str] | None = None
    """The account and region the cluster runs in, where the source says (the EMR API's ClusterArn)."""
    security_configurations: dict[str, Any] = field(default_factory=dict)
    """Security configuration documents by name, where the source has them (the EMR API's
    DescribeSecurityConfiguration); a template holds only those that are its resources."""


def read_cluster(path: str | Path, cluster: str | None = None) -> ClusterSource:
    """The EMR cluster of the template file or ``cdk.out`` directory at ``path``.

    ``cluster`` picks one by logical id (``ID`` or ``STACK/ID`` in a ``cdk.out``) when the
    source holds several. Raises :class:`TemplateLoadError` when the path cannot be read, holds
    no EMR cluster, or holds several and ``cluster`` picks none (the message names them).
    """
    path = Path(path)
    if _is_yaml_file(path):
        stacks = [(None, str(path), load_yaml_template(path))]
    else:
        stacks = [
            (s.name, f"{path} (stack {s.name})" if path.is_dir() else str(path), s.template) for s in load_stack_templates(path)
        ]
    found = [
        (f"{stack}/{logical_id}" if stack and path.is_dir() else logical_id, origin, template, logical_id, resource)
        for stack, origin, template in stacks
        for logical_id, resource in template["Resources"].items()
        if resource.get("Type") == CLUSTER_TYPE
    ]
    if not found:
        raise TemplateLoadError(f"{path} holds no {CLUSTER_TYPE} resource")
    names = ", ".join(name for name, *_ in found)
    if cluster is not None:
        found = [f for f in found if cluster in (f[0], f[3])]
        if len(found) != 1:
            raise TemplateLoadError(f"{path}: --cluster {cluster} names {len(found)} of its EMR clusters ({names})")
    if len(found) > 1:
        raise TemplateLoadError(f"{path} holds {len(found)} {CLUSTER_TYPE} resources ({names}); pick one with --cluster")
    _, origin, template, logical_id, resource = found[0]
    return ClusterSource(logical_id, dict(resource.get("Properties") or {}), template, origin)


def _is_yaml_file(path: Path) -> bool:
    """A file that is not JSON (templates may be YAML whatever their suffix)."""
    if not path.is_file():
        return False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return True
    return False


def load_yaml_template(path: Path) -> dict[str, Any]:
    """A YAML template with its short-form intrinsics in long form; checked like :func:`load_template`."""
    try:
        import yaml  # noqa: PLC0415 - PyYAML only for YAML sources
    except ImportError as error:  # pragma: no cover - PyYAML ships with cfn-lint and moto
        raise TemplateLoadError(f"{path} is YAML: install PyYAML to read it") from error

    class _Loader(yaml.SafeLoader):
        pass

    def construct(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
        name = _SHORT_FORMS[tag_suffix]
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":  # !GetAtt Resource.Attribute
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    for tag in _SHORT_FORMS:
        _Loader.add_constructor(f"!{tag}", lambda loader, node, tag=tag: construct(loader, tag, node))
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateLoadError(f"cannot read {path}: {error}") from error
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise TemplateLoadError(f"{path} is neither JSON nor valid YAML{at}: {getattr(error, 'problem', error)}") from error
    return _checked(path, data)


def _checked(path: Path, data: Any) -> dict[str, Any]:
    """:func:`check_template` on parsed YAML, its values as JSON gives them (dates as text)."""
    try:
        plain = json.loads(json.dumps(data, default=str))
    except (TypeError, ValueError) as error:
        raise TemplateLoadError(f"{path}: {error}") from error
    return check_template(path, plain)
