"""Bootstrap actions: scripts every node runs before applications start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_emr as emr
from constructs import Construct

from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator
from cdk_emr.workload.source import BoundSource, ScriptSource


@typed
@dataclass(frozen=True, kw_only=True)
class BootstrapAction:
    """Run ``script`` with ``args`` on every node at launch.

    ``BootstrapAction(name="Install Python packages",
    script=ScriptSource.from_asset("bootstrap_actions/install-python-packages.sh"),
    args=["pandas==2.2.3"])``. Changing bootstrap actions replaces the cluster.
    """

    name: str
    script: ScriptSource
    args: Sequence[str] = ()

    def __post_init__(self) -> None:
        # botocore EMR model: BootstrapActionConfig.Name is an XmlStringMaxLen256, required.
        v = Validator("BootstrapAction")
        v.check(1 <= len(self.name) <= 256, "name", self.name, "a bootstrap action name of 1 to 256 characters")
        v.raise_if_any()

    def _render(self, scope: Construct, id: str) -> tuple[emr.CfnCluster.BootstrapActionConfigProperty, BoundSource]:
        bound = self.script.bind(scope, id)
        return (
            emr.CfnCluster.BootstrapActionConfigProperty(
                name=self.name,
                script_bootstrap_action=emr.CfnCluster.ScriptBootstrapActionConfigProperty(
                    path=bound.s3_uri, args=list(self.args) or None
                ),
            ),
            bound,
        )
