"""Helpers for the blueprint tests: synthesis of every blueprint and IAM policy readers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"


@dataclass(frozen=True)
class SynthesizedBlueprints:
    """The blueprint stacks of one synthesis: output directory, templates and nag report."""

    outdir: Path
    templates: dict[str, dict[str, Any]]
    stacks: dict[str, Any]
    """The ``Stack`` objects by stack name (for their attributes)."""

    def template(self, stack_name: str) -> dict[str, Any]:
        return self.templates[stack_name]

    def resources(self, stack_name: str, resource_type: str) -> dict[str, dict[str, Any]]:
        """Resources of one type in one stack, by logical id."""
        return {k: v for k, v in self.templates[stack_name]["Resources"].items() if v["Type"] == resource_type}

    def cluster(self, stack_name: str) -> dict[str, Any]:
        """The properties of the stack's only ``AWS::EMR::Cluster``."""
        [cluster] = self.resources(stack_name, "AWS::EMR::Cluster").values()
        return cluster["Properties"]

    def nag_reports(self) -> list[dict[str, Any]]:
        return json.loads((self.outdir / "validation-report.json").read_text())["pluginReports"]


def synth_blueprints(outdir: Path) -> SynthesizedBlueprints:
    """All blueprints in one app, as ``build_app`` adds them, with the three nag packs."""
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

    from stacks.app_builder import add_blueprints

    context = json.loads((REPO / "cdk.json").read_text())["context"]
    app = cdk.App(outdir=str(outdir), context=context)
    stacks = add_blueprints(app, "all", env=cdk.Environment(account=LOCAL_ACCOUNT, region=LOCAL_REGION))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    assembly = app.synth()
    return SynthesizedBlueprints(
        outdir=outdir,
        templates={s.stack_name: assembly.get_stack_by_name(s.stack_name).template for s in stacks},
        stacks={s.stack_name: s for s in stacks},
    )


def statements(template: dict[str, Any], logical_id_prefix: str) -> list[dict[str, Any]]:
    """The statements of the managed policies whose logical id starts with ``logical_id_prefix``."""
    found = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::IAM::ManagedPolicy" and logical_id.startswith(logical_id_prefix):
            found += resource["Properties"]["PolicyDocument"]["Statement"]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grants(template: dict[str, Any], logical_id_prefix: str) -> set[tuple[str, str]]:
    """Every (action, resource) pair the policies allow, resources as compact JSON."""
    pairs = set()
    for statement in statements(template, logical_id_prefix):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                pairs.add((action, json.dumps(resource, sort_keys=True, separators=(",", ":"))))
    return pairs
