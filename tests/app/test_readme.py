"""The README's usage example runs as written and produces the cluster it describes."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def usage_example() -> str:
    blocks = [
        block
        for block in re.findall(r"```python\n(.*?)```", README, re.S)
        # the shared-foundation example: test_cluster_import; the platform example: test_readme_platform
        if "app.synth()" in block and "EmrNetwork(" not in block and "EmrPlatform(" not in block
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


def test_readme_error_example_is_the_real_error() -> None:
    """The README's multi-rule error from an old release is what the library raises, word for word."""
    import cdk_emr

    match = re.search(
        r"```python\n(EmrCluster\(\s*stack,\s*\"Cluster\",\s*release_label=\"emr-5\.29\.0\".*?)```\n\n```\n(.*?)```", README, re.S
    )
    assert match, "the README shows the old-release example and its error"
    code, shown = match.groups()
    namespace = {name: getattr(cdk_emr, name) for name in cdk_emr.__all__}
    namespace["stack"] = cdk.Stack(cdk.App(), "Analytics")
    with pytest.raises(cdk_emr.EmrValidationError) as raised:
        exec(compile(code, "README.md", "exec"), namespace)
    assert str(raised.value) == shown.rstrip("\n")
