"""Load synthesized CloudFormation templates from a template file or a ``cdk.out`` directory.

The one loader of ``cdk.out`` behind the ops tools (cost, diff-safety, summary, codegen) and the
local deploy (:mod:`cdk_emr.local.deploy`, :mod:`cdk_emr.local.demo`). A template file is one stack
named after the file (``Plat.template.json`` -> ``Plat``). A directory is read through its
``manifest.json`` (``aws:cloudformation:stack`` artifacts, nested ``cdk:cloud-assembly`` stage
assemblies followed, account and region taken from each stack's ``aws://ACCOUNT/REGION``
environment, a stack's ``cdk:asset-manifest`` dependency giving its file assets) or, without a
manifest, from its ``*.template.json`` files (and ``STACK.assets.json`` beside them). Values inside a
template are read by :mod:`cdk_emr.ops.template_values`, EMR clusters by
:mod:`cdk_emr.ops.template_clusters`. Standard library only.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
ASSET_MANIFEST = "cdk:asset-manifest"
NESTED_STACK = "AWS::CloudFormation::Stack"
ASSET_PATH = "aws:asset:path"
"""The resource metadata key where CDK records an asset's file in ``cdk.out`` (a nested stack's template)."""


class TemplateLoadError(ValueError):
    """A template or ``cdk.out`` directory that cannot be read; the message says why."""


@dataclass(frozen=True)
class StackTemplate:
    """One stack's template and where it came from.

    ``region`` and ``account`` are ``None`` when unknown: a bare template file, or a stack whose
    environment is agnostic (``aws://unknown-account/unknown-region``).
    """

    name: str
    template: dict[str, Any]
    region: str | None
    account: str | None
    path: Path
    dependencies: tuple[str, ...] = ()
    """Stacks this one depends on (manifest ``dependencies`` that are stacks)."""
    asset_manifest: Path | None = None
    """The stack's asset manifest (``STACK.assets.json``), if it has one."""


@dataclass(frozen=True)
class FileAsset:
    """One file asset of an asset manifest: what to upload and where.

    ``source`` is absolute; ``packaging`` is ``file`` (upload as is) or ``zip`` (a directory,
    uploaded zipped); each destination's ``bucket`` and ``key`` may hold ``${AWS::AccountId}``,
    ``${AWS::Region}`` and ``${AWS::Partition}`` (cloud assembly schema, ``FileAsset``).
    """

    asset_id: str
    source: Path
    packaging: str
    destinations: tuple[tuple[str, str], ...]
    """``(bucket, key)`` pairs."""


def load_stack_templates(
    path: str | os.PathLike[str], *, default_region: str | None = None, include_nested: bool = False
) -> list[StackTemplate]:
    """Every stack of a template file or a ``cdk.out`` directory, in manifest (or file) order.

    ``default_region`` (default: none) is the region of a stack whose region is unknown (a bare
    template file, a region-agnostic stack). ``include_nested`` (default: false) adds each stack's
    nested stacks after it (:func:`nested_stacks`).
    """
    stacks = _load_stack_templates(Path(path))
    if include_nested:
        stacks = [each for stack in stacks for each in (stack, *nested_stacks(stack))]
    if default_region is None:
        return stacks
    return [replace(stack, region=stack.region or default_region) for stack in stacks]


def _load_stack_templates(path: Path) -> list[StackTemplate]:
    if path.is_file():
        return [StackTemplate(stack_name(path), load_template(path), None, None, path)]
    if not path.exists():
        raise TemplateLoadError(f"{path}: no such file or directory")
    if not path.is_dir():
        raise TemplateLoadError(f"{path} is neither a template file nor a cdk.out directory")
    if (path / MANIFEST).is_file():
        stacks = _stacks_from_manifest(path, seen=set())
        why = f"its {MANIFEST} lists no {STACK_ARTIFACT} artifact"
    else:
        files = sorted(path.glob("*.template.json"))
        stacks = [StackTemplate(stack_name(f), load_template(f), None, None, f, (), _sibling_assets(f)) for f in files]
        why = f"not a cdk.out directory (no {MANIFEST}) and no *.template.json files"
    if not stacks:
        raise TemplateLoadError(f"{path} holds no stack templates: {why}")
    twice = [name for name, count in Counter(s.name for s in stacks).items() if count > 1]
    if twice:
        raise TemplateLoadError(f"{path}: stack {twice[0]} appears twice")
    return stacks


def nested_stacks(stack: StackTemplate) -> list[StackTemplate]:
    """The nested stacks of ``stack`` that CDK synthesized beside its template, their own nested
    stacks included: each ``AWS::CloudFormation::Stack`` resource whose ``Metadata`` names its
    template file under ``aws:asset:path``, named ``PARENT/LOGICAL_ID``, in the parent's environment.
    A nested stack given only by a ``TemplateURL`` (not in ``cdk.out``) is not read."""
    found: list[StackTemplate] = []
    for logical_id, resource in stack.template["Resources"].items():
        file = (resource.get("Metadata") or {}).get(ASSET_PATH) if resource["Type"] == NESTED_STACK else None
        if not isinstance(file, str) or not file.endswith(".json"):
            continue
        path = stack.path.parent / file
        nested = StackTemplate(f"{stack.name}/{logical_id}", load_template(path), stack.region, stack.account, path)
        found += [nested, *nested_stacks(nested)]
    return found


def find_stack(path: str | os.PathLike[str], name: str) -> StackTemplate:
    """The stack ``name`` of a template file or a ``cdk.out`` directory (nested assemblies included)."""
    stacks = load_stack_templates(path)
    for stack in stacks:
        if stack.name == name:
            return stack
    raise TemplateLoadError(f"{path} has no stack {name} (it has {', '.join(s.name for s in stacks)})")


def file_assets(stack: StackTemplate) -> list[FileAsset]:
    """The file assets of the stack's asset manifest (none without one)."""
    if stack.asset_manifest is None:
        return []
    try:
        data = json.loads(stack.asset_manifest.read_text(encoding="utf-8"))
        return [
            FileAsset(
                asset_id,
                stack.asset_manifest.parent / asset["source"]["path"],
                asset["source"].get("packaging", "file"),
                tuple((d["bucketName"], d["objectKey"]) for d in asset["destinations"].values()),
            )
            for asset_id, asset in (data.get("files") or {}).items()
        ]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError, KeyError, TypeError) as error:
        raise TemplateLoadError(f"cannot read the asset manifest {stack.asset_manifest}: {error!r}") from error


def _sibling_assets(template_file: Path) -> Path | None:
    """``STACK.assets.json`` beside ``STACK.template.json``, if there is one."""
    assets = template_file.with_name(f"{stack_name(template_file)}.assets.json")
    return assets if assets.is_file() else None


def load_template(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read one template JSON file and check it looks like a CloudFormation template."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise TemplateLoadError(f"{path} is not JSON ({error}); synthesized templates are JSON, not YAML") from error
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateLoadError(f"cannot read {path}: {error}") from error
    return check_template(path, data)


def check_template(path: str | os.PathLike[str], data: Any) -> dict[str, Any]:
    """``data`` (a template read from ``path``) when it looks like a CloudFormation template:
    a ``Resources`` object whose resources have a ``Type`` and an object of ``Properties``."""
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise TemplateLoadError(f"{path} has no Resources object: is it a CloudFormation template?")
    for logical_id, resource in data["Resources"].items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise TemplateLoadError(f"{path}: resource {logical_id} has no Type")
        if not isinstance(resource.get("Properties", {}), dict):
            raise TemplateLoadError(f"{path}: Properties of {logical_id} is not an object")
    return data


def stack_name(path: Path) -> str:
    """The stack a template file holds: its stem without ``.template``."""
    return path.stem.removesuffix(".template")


def parse_environment(environment: Any) -> tuple[str | None, str | None]:
    """``aws://ACCOUNT/REGION`` -> ``(account, region)``; unknown parts are ``None``."""
    if not isinstance(environment, str) or not environment.startswith("aws://"):
        return None, None
    account, _, region = environment.removeprefix("aws://").partition("/")
    return _known(account), _known(region)


def _known(value: str) -> str | None:
    return value if value and not value.startswith("unknown-") else None


def _stacks_from_manifest(directory: Path, seen: set[Path]) -> list[StackTemplate]:
    """The stack artifacts of ``directory/manifest.json``, nested assemblies in their place."""
    manifest = directory / MANIFEST
    if not manifest.is_file():
        raise TemplateLoadError(f"{directory}: nested cloud assembly has no {MANIFEST}")
    if directory.resolve() in seen:
        raise TemplateLoadError(f"{manifest}: nested cloud assemblies form a loop")
    seen.add(directory.resolve())
    artifacts = _read_manifest(manifest)
    stacks: list[StackTemplate] = []
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, dict):
            continue
        properties = artifact.get("properties") or {}
        if artifact.get("type") == STACK_ARTIFACT:
            template_file = directory / _required(properties, "templateFile", artifact_id, manifest)
            account, region = parse_environment(artifact.get("environment"))
            template = load_template(template_file)
            dependencies = {d: artifacts.get(d) or {} for d in artifact.get("dependencies", [])}
            needs = tuple(d for d, a in dependencies.items() if a.get("type") == STACK_ARTIFACT)
            assets = [
                directory / _required(a.get("properties"), "file", d, manifest)
                for d, a in dependencies.items()
                if a.get("type") == ASSET_MANIFEST
            ]
            stack = StackTemplate(artifact_id, template, region, account, template_file, needs, next(iter(assets), None))
            stacks.append(stack)
        elif artifact.get("type") == NESTED_ASSEMBLY:
            nested = directory / _required(properties, "directoryName", artifact_id, manifest)
            stacks += _stacks_from_manifest(nested, seen)
    return stacks


def _read_manifest(manifest: Path) -> dict[str, Any]:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TemplateLoadError(f"cannot read the manifest {manifest}: {error}") from error
    artifacts = data.get("artifacts", {}) if isinstance(data, dict) else None
    if not isinstance(artifacts, dict):
        raise TemplateLoadError(f"{manifest}: artifacts is not an object")
    return artifacts


def _required(properties: Any, key: str, artifact_id: str, manifest: Path) -> str:
    value = properties.get(key) if isinstance(properties, dict) else None
    if not isinstance(value, str):
        raise TemplateLoadError(f"{manifest}: artifact {artifact_id} has no {key}")
    return value


def deployment_order(stacks: list[StackTemplate]) -> list[StackTemplate]:
    """``stacks`` with every stack after the stacks it depends on (a stable topological order)."""
    by_name = {s.name: s for s in stacks}
    ordered: list[StackTemplate] = []
    placed: set[str] = set()

    def place(stack: StackTemplate, path: tuple[str, ...]) -> None:
        if stack.name in placed:
            return
        if stack.name in path:
            raise TemplateLoadError(f"stack dependencies form a loop: {' -> '.join((*path, stack.name))}")
        for name in stack.dependencies:
            if name in by_name:
                place(by_name[name], (*path, stack.name))
        placed.add(stack.name)
        ordered.append(stack)

    for stack in stacks:
        place(stack, ())
    return ordered
