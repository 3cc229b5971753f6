"""Every property of the EMR resources has a typed home (or a reasoned omission), walking the
resource schemas that cfn-lint ships: a dependency update that brings a new property fails here
and names it. docs/coverage.md is generated from the same map and must be current."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

import cdk_emr
from cdk_emr import coverage
from cdk_emr.cfn_shape import cloudformation_name

REPO = Path(__file__).resolve().parents[2]
MAX_OMISSIONS = 7
_API = re.compile(r"^(?P<cls>[A-Za-z]+)(\.(?P<member>[a-z_0-9]+)(\((?P<param>[a-z_0-9]+)\))?)?$")


def _all_paths() -> list[tuple[str, str, str]]:
    return [(t, path, key) for t in coverage.RESOURCE_TYPES for path, key in coverage.property_paths(t)]


def unmapped(paths: list[tuple[str, str, str]]) -> list[str]:
    """The property paths with neither an API path nor an omission."""
    return [f"{t} {path} ({key})" for t, path, key in paths if coverage.api_for(key) is None and key not in coverage.OMISSIONS]


def test_every_schema_property_has_a_typed_home_or_a_reason() -> None:
    paths = _all_paths()
    assert len(paths) > 400  # the walk reached the nested types (fleets, groups, scaling rules, ...)
    assert unmapped(paths) == []


def test_a_new_schema_property_fails_and_is_named() -> None:
    # what a dependency update adding InstanceTypeConfig.Architecture would look like to the check
    new = [
        ("AWS::EMR::Cluster", "Instances.CoreInstanceFleet.InstanceTypeConfigs[].Architecture", "InstanceTypeConfig.Architecture")
    ]
    assert unmapped(new) == [
        "AWS::EMR::Cluster Instances.CoreInstanceFleet.InstanceTypeConfigs[].Architecture (InstanceTypeConfig.Architecture)"
    ]


def test_omissions_are_a_handful_reasoned_and_current() -> None:
    keys = {key for _, _, key in _all_paths()}
    assert len(coverage.OMISSIONS) <= MAX_OMISSIONS
    assert all(len(reason) > 20 for reason in coverage.OMISSIONS.values())
    assert set(coverage.OMISSIONS) <= keys, "an omission the schemas no longer have"
    assert not set(coverage.OMISSIONS) & (set(coverage.DEFINITIONS) | set(coverage.RESOURCE_PROPERTIES))


def test_no_stale_map_entries() -> None:
    keys = {key for _, _, key in _all_paths()}
    assert set(coverage.RESOURCE_PROPERTIES) <= keys
    # definition entries may serve aliases (Configuration / ApplicationConfiguration / AppConfiguration)
    stale = set(coverage.DEFINITIONS) - keys
    assert stale == set(), stale


def _member_exists(cls: type, member: str, param: str | None) -> bool:
    if param is not None:
        return param in inspect.signature(getattr(cls, member)).parameters
    if dataclasses.is_dataclass(cls) and member in {f.name for f in dataclasses.fields(cls)}:
        return True
    if member in inspect.signature(cls.__init__).parameters or hasattr(cls, member):
        return True
    return re.search(rf"self\.{member}\b\s*[:=]", inspect.getsource(cls)) is not None


@pytest.mark.parametrize(
    "api",
    sorted(
        {part for value in (*coverage.DEFINITIONS.values(), *coverage.RESOURCE_PROPERTIES.values()) for part in value.split(", ")}
    ),
)
def test_every_api_path_exists(api: str) -> None:
    match = _API.match(api)
    assert match, api
    cls = getattr(cdk_emr, match["cls"])
    if match["member"]:
        assert _member_exists(cls, match["member"], match["param"]), api


def test_cloudformation_names_of_the_struct_converter_match_the_schemas() -> None:
    from aws_cdk import aws_emr as emr

    names = {path.rsplit(".", 1)[-1].removesuffix("[]") for _, path, _ in _all_paths()}
    struct_types = [
        member
        for owner in (emr.CfnCluster, emr.CfnInstanceFleetConfig, emr.CfnInstanceGroupConfig, emr.CfnStep)
        for _, member in inspect.getmembers(owner, inspect.isclass)
        if member.__name__.endswith("Property")
    ]
    python_names = {name for struct in struct_types for name, attr in inspect.getmembers(struct) if isinstance(attr, property)}
    converted = {cloudformation_name(n) for n in python_names}
    assert converted - names == set()


def test_docs_coverage_is_current() -> None:
    committed = (REPO / "docs" / "coverage.md").read_text()
    assert committed == coverage.render_markdown(), "regenerate: python -m cdk_emr.coverage > docs/coverage.md"
