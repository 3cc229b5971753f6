"""The shared template loader: template files, cdk.out directories and their errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_emr.ops import cost, diff_safety
from cdk_emr.ops.templates import (
    FileAsset,
    StackTemplate,
    TemplateLoadError,
    file_assets,
    find_stack,
    load_stack_templates,
    load_template,
    parse_environment,
)

FIXTURES = Path(__file__).parent / "fixtures"
BUCKET: dict[str, Any] = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def stack_artifact(artifact_id: str, environment: str | None = None) -> dict[str, Any]:
    artifact: dict[str, Any] = {
        "type": "aws:cloudformation:stack",
        "properties": {"templateFile": f"{artifact_id}.template.json"},
    }
    if environment is not None:
        artifact["environment"] = environment
    return artifact


def write_manifest(directory: Path, artifacts: dict[str, Any]) -> Path:
    write_json(directory / "manifest.json", {"version": "48.0.0", "artifacts": artifacts})
    return directory


# --- template files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "stack"),
    [("Platform.template.json", "Platform"), ("before.json", "before"), ("plain", "plain")],
)
def test_a_template_file_is_one_stack_named_after_the_file(tmp_path: Path, file_name: str, stack: str) -> None:
    path = write_json(tmp_path / file_name, BUCKET)

    assert load_stack_templates(path) == [StackTemplate(stack, BUCKET, None, None, path)]


def test_load_template_returns_the_parsed_template() -> None:
    template = load_template(FIXTURES / "fleet_cluster.template.json")

    assert "AWS::EMR::Cluster" in {r["Type"] for r in template["Resources"].values()}


def test_accepts_a_string_path() -> None:
    (stack,) = load_stack_templates(str(FIXTURES / "fleet_cluster.template.json"))

    assert stack.name == "fleet_cluster"


# --- cdk.out directories with a manifest -------------------------------------------------------


def test_cdk_out_fixture_reads_account_and_region_from_each_environment() -> None:
    stacks = load_stack_templates(FIXTURES / "assembly")

    assert [(s.name, s.account, s.region) for s in stacks] == [
        ("EmrPlatformStack", "123456789012", "eu-west-1"),
        ("AgnosticStack", None, None),
    ]
    assert stacks[0].path == FIXTURES / "assembly" / "EmrPlatformStack.template.json"


def test_nested_assembly_stacks_come_in_manifest_order(tmp_path: Path) -> None:
    out = tmp_path / "cdk.out"
    write_json(out / "Network.template.json", BUCKET)
    write_json(out / "assembly-Prod" / "ProdPlatform.template.json", BUCKET)
    write_manifest(
        out / "assembly-Prod",
        {"ProdPlatform": stack_artifact("ProdPlatform", "aws://111122223333/us-west-2")},
    )
    write_manifest(
        out,
        {
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
            "assembly-Prod": {
                "type": "cdk:cloud-assembly",
                "properties": {"directoryName": "assembly-Prod"},
            },
            "Network": stack_artifact("Network", "aws://unknown-account/eu-central-1"),
        },
    )

    stacks = load_stack_templates(out)

    assert [(s.name, s.account, s.region, s.path) for s in stacks] == [
        (
            "ProdPlatform",
            "111122223333",
            "us-west-2",
            out / "assembly-Prod" / "ProdPlatform.template.json",
        ),
        ("Network", None, "eu-central-1", out / "Network.template.json"),
    ]
    assert stacks[1].template == BUCKET


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ("aws://123456789012/eu-west-1", ("123456789012", "eu-west-1")),
        ("aws://unknown-account/unknown-region", (None, None)),
        ("aws://123456789012/unknown-region", ("123456789012", None)),
        ("aws://123456789012", ("123456789012", None)),
        ("", (None, None)),
        (None, (None, None)),
        ("123456789012/eu-west-1", (None, None)),
    ],
)
def test_parse_environment(environment: Any, expected: tuple[str | None, str | None]) -> None:
    assert parse_environment(environment) == expected


# --- directories without a manifest ------------------------------------------------------------


def test_directory_without_manifest_reads_its_template_files_by_name(tmp_path: Path) -> None:
    write_json(tmp_path / "Web.template.json", BUCKET)
    write_json(tmp_path / "Data.template.json", BUCKET)
    write_json(tmp_path / "tree.json", {"tree": {}})

    stacks = load_stack_templates(tmp_path)

    assert [(s.name, s.region, s.account, s.path.name) for s in stacks] == [
        ("Data", None, None, "Data.template.json"),
        ("Web", None, None, "Web.template.json"),
    ]


# --- errors ------------------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(TemplateLoadError, match="nowhere.json: no such file or directory"):
        load_stack_templates(tmp_path / "nowhere.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Resources:\n  Cluster: {}\n", "is not JSON .*not YAML"),
        ("[]", "has no Resources object"),
        ('{"AWSTemplateFormatVersion": "2010-09-09"}', "has no Resources object"),
        ('{"Resources": []}', "has no Resources object"),
        ('{"Resources": {"Cluster": {"Properties": {}}}}', "resource Cluster has no Type"),
        (
            '{"Resources": {"Cluster": {"Type": "AWS::EMR::Cluster", "Properties": []}}}',
            "Properties of Cluster is not an object",
        ),
    ],
    ids=["yaml", "list", "no-resources", "resources-not-object", "no-type", "bad-properties"],
)
def test_bad_template(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")

    with pytest.raises(TemplateLoadError, match=message):
        load_stack_templates(bad)


def test_undecodable_template(tmp_path: Path) -> None:
    bad = tmp_path / "bad.template.json"
    bad.write_bytes(b"\xff\xfe{")

    with pytest.raises(TemplateLoadError, match="cannot read .*bad.template.json"):
        load_template(bad)


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(TemplateLoadError, match=r"holds no stack templates: not a cdk\.out directory"):
        load_stack_templates(tmp_path)


def test_manifest_without_stacks(tmp_path: Path) -> None:
    write_manifest(tmp_path, {"Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}})

    with pytest.raises(TemplateLoadError, match="holds no stack templates: its manifest.json"):
        load_stack_templates(tmp_path)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("{not json", "cannot read the manifest"),
        ('{"artifacts": []}', "artifacts is not an object"),
        ('["artifacts"]', "artifacts is not an object"),
        (
            '{"artifacts": {"Platform": {"type": "aws:cloudformation:stack"}}}',
            "artifact Platform has no templateFile",
        ),
        (
            '{"artifacts": {"Stage": {"type": "cdk:cloud-assembly", "properties": {}}}}',
            "artifact Stage has no directoryName",
        ),
    ],
    ids=["bad-json", "artifacts-list", "manifest-list", "no-template-file", "no-directory"],
)
def test_bad_manifest(tmp_path: Path, manifest: str, message: str) -> None:
    (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")

    with pytest.raises(TemplateLoadError, match=message):
        load_stack_templates(tmp_path)


def test_template_file_named_by_the_manifest_is_missing(tmp_path: Path) -> None:
    write_manifest(tmp_path, {"Platform": stack_artifact("Platform")})

    with pytest.raises(TemplateLoadError, match="cannot read .*Platform.template.json"):
        load_stack_templates(tmp_path)


def test_nested_assembly_without_manifest(tmp_path: Path) -> None:
    nested = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
    write_manifest(tmp_path, {"assembly-Prod": nested})
    (tmp_path / "assembly-Prod").mkdir()

    with pytest.raises(TemplateLoadError, match="nested cloud assembly has no manifest.json"):
        load_stack_templates(tmp_path)


def test_nested_assemblies_that_loop(tmp_path: Path) -> None:
    looping = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}}
    write_manifest(tmp_path, {"Self": looping})

    with pytest.raises(TemplateLoadError, match="form a loop"):
        load_stack_templates(tmp_path)


def test_same_stack_name_twice(tmp_path: Path) -> None:
    write_json(tmp_path / "Platform.template.json", BUCKET)
    write_json(tmp_path / "assembly-Prod" / "Platform.template.json", BUCKET)
    write_manifest(tmp_path / "assembly-Prod", {"Platform": stack_artifact("Platform")})
    nested = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
    write_manifest(tmp_path, {"Platform": stack_artifact("Platform"), "assembly-Prod": nested})

    with pytest.raises(TemplateLoadError, match="stack Platform appears twice"):
        load_stack_templates(tmp_path)


# --- the modules that share it -----------------------------------------------------------------


def test_diff_safety_and_cost_errors_are_template_load_errors(tmp_path: Path) -> None:
    assert diff_safety.TemplateLoadError is TemplateLoadError
    assert issubclass(cost.TemplateError, TemplateLoadError)
    with pytest.raises(cost.TemplateError, match="no such file"):
        cost.load_stacks(tmp_path / "nowhere")


def test_cost_fills_in_the_default_region_where_unknown() -> None:
    stacks = cost.load_stacks(FIXTURES / "assembly", region="ap-south-1")

    assert [(s.name, s.region) for s in stacks] == [
        ("EmrPlatformStack", "eu-west-1"),
        ("AgnosticStack", "ap-south-1"),
    ]


# --- asset manifests ---------------------------------------------------------------------------


def asset_manifest(source: str, packaging: str) -> dict[str, Any]:
    """An asset manifest as ``cdk synth`` writes it (cloud assembly schema, ``files``)."""
    return {
        "version": "48.0.0",
        "files": {
            "abc123": {
                "source": {"path": source, "packaging": packaging},
                "destinations": {
                    "current_account-current_region": {
                        "bucketName": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}",
                        "objectKey": "abc123.zip",
                    }
                },
            }
        },
    }


def test_a_stack_finds_its_file_assets_through_its_asset_manifest_dependency(tmp_path: Path) -> None:
    write_json(tmp_path / "Plat.template.json", BUCKET)
    write_json(tmp_path / "Plat.assets.json", asset_manifest("asset.abc123", "zip"))
    stack = stack_artifact("Plat")
    stack["dependencies"] = ["Plat.assets"]
    write_manifest(
        tmp_path, {"Plat.assets": {"type": "cdk:asset-manifest", "properties": {"file": "Plat.assets.json"}}, "Plat": stack}
    )

    found = find_stack(tmp_path, "Plat")

    assert found.asset_manifest == tmp_path / "Plat.assets.json"
    assert file_assets(found) == [
        FileAsset(
            "abc123",
            tmp_path / "asset.abc123",
            "zip",
            (("cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}", "abc123.zip"),),
        )
    ]


def test_without_a_manifest_the_asset_manifest_beside_the_template_is_used(tmp_path: Path) -> None:
    write_json(tmp_path / "Plat.template.json", BUCKET)
    write_json(tmp_path / "Plat.assets.json", asset_manifest("asset.abc123.sh", "file"))

    (asset,) = file_assets(find_stack(tmp_path, "Plat"))

    assert (asset.source, asset.packaging) == (tmp_path / "asset.abc123.sh", "file")


def test_a_stack_without_assets_and_an_unknown_stack(tmp_path: Path) -> None:
    write_json(tmp_path / "Plat.template.json", BUCKET)

    assert file_assets(find_stack(tmp_path, "Plat")) == []
    with pytest.raises(TemplateLoadError, match="has no stack Other"):
        find_stack(tmp_path, "Other")


def test_a_broken_asset_manifest_is_a_load_error(tmp_path: Path) -> None:
    write_json(tmp_path / "Plat.template.json", BUCKET)
    write_json(tmp_path / "Plat.assets.json", {"files": {"abc": {"source": {}}}})

    with pytest.raises(TemplateLoadError, match="cannot read the asset manifest"):
        file_assets(find_stack(tmp_path, "Plat"))


# --- nested stacks -----------------------------------------------------------------------------


def nested_stack_resource(file: str) -> dict[str, Any]:
    """An ``AWS::CloudFormation::Stack`` as CDK's NestedStack synthesizes it (its template is an asset)."""
    return {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": {"Fn::Join": ["", ["https://s3.", {"Ref": "AWS::Region"}, ".amazonaws.com/x.json"]]}},
        "Metadata": {"aws:asset:path": file, "aws:asset:property": "TemplateURL"},
    }


def test_nested_stacks_come_after_their_parent_with_its_environment(tmp_path: Path) -> None:
    inner = write_json(tmp_path / "PlatInnerB1.nested.template.json", BUCKET)
    middle = {"Resources": {"Inner": nested_stack_resource(inner.name)}}
    write_json(tmp_path / "PlatMiddleA1.nested.template.json", middle)
    parent = {"Resources": {"Middle": nested_stack_resource("PlatMiddleA1.nested.template.json"), **BUCKET["Resources"]}}
    write_json(tmp_path / "Plat.template.json", parent)
    write_manifest(tmp_path, {"Plat": stack_artifact("Plat", "aws://123456789012/eu-west-1")})

    stacks = load_stack_templates(tmp_path, include_nested=True)

    assert [(s.name, s.account, s.region) for s in stacks] == [
        ("Plat", "123456789012", "eu-west-1"),
        ("Plat/Middle", "123456789012", "eu-west-1"),
        ("Plat/Middle/Inner", "123456789012", "eu-west-1"),
    ]
    assert stacks[2].template == BUCKET and stacks[2].path == inner
    assert [s.name for s in load_stack_templates(tmp_path)] == ["Plat"]  # only when asked
    assert list(diff_safety.load_stacks(tmp_path)) == ["Plat", "Plat/Middle", "Plat/Middle/Inner"]
