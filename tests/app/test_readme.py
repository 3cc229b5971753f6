"""The README's usage example runs as written and produces the cluster it describes."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import aws_cdk as cdk
from aws_cdk.assertions import Template

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def usage_example() -> str:
    blocks = [
        block
        for block in re.findall(r"```python\n(.*?)```", README, re.S)
        if "app.synth()" in block and "EmrNetwork(" not in block  # the shared-foundation example: test_cluster_import
    ]
    assert len(blocks) == 1, "exactly one complete example"
    return blocks[0]


def test_readme_example_synthesizes() -> None:
    namespace: dict[str, object] = {}
    stacks: list[cdk.Stack] = []
    real_synth = cdk.App.synth

    def capture(app: cdk.App, *args: object, **kwargs: object) -> object:
        stacks.extend(c for c in app.node.children if isinstance(c, cdk.Stack))
        return real_synth(app, *args, **kwargs)

    with mock.patch.object(cdk.App, "synth", capture):
        exec(compile(usage_example(), "README.md", "exec"), namespace)
    [stack] = stacks
    props = next(iter(Template.from_stack(stack).find_resources("AWS::EMR::Cluster").values()))["Properties"]
    assert props["ReleaseLabel"] == "emr-7.14.0"
    assert props["Instances"]["TaskInstanceFleets"][0]["TargetSpotCapacity"] == 4
    assert props["AutoTerminationPolicy"] == {"IdleTimeout": 1800}
