"""The README's EmrPlatform example runs as written: a team, its cluster within the guardrails."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import aws_cdk as cdk

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_platform_example_synthesizes_a_team_cluster_within_its_budget() -> None:
    [block] = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "EmrPlatform(" in b and "app.synth()" in b]
    assemblies: list[cdk.cx_api.CloudAssembly] = []
    real_synth = cdk.App.synth

    def capture(app: cdk.App, *args: object, **kwargs: object) -> object:
        assembly = real_synth(app, *args, **kwargs)
        assemblies.append(assembly)
        return assembly

    with mock.patch.object(cdk.App, "synth", capture):
        exec(compile(block, "README.md", "exec"), {})
    template = assemblies[0].get_stack_by_name("Platform").template
    [cluster] = [r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]
    assert cluster["Metadata"]["cdk-emr:team"] == {"name": "analytics", "max_hourly_usd": 2.0}
    tags = {t["Key"]: t["Value"] for t in cluster["Properties"]["Tags"]}
    assert (tags["cdk-emr:team"], tags["cost-center"]) == ("analytics", "cc-100")
    assert cluster["Properties"]["Instances"]["TerminationProtected"] is True
