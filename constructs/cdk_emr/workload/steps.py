"""Steps declared as typed objects: Spark, Hive, shell script, command, or custom JAR.

Steps declared on ``AWS::EMR::Cluster`` run once, when the cluster is created, and changing
them replaces the cluster. Submit recurring work with ``cdk-emr steps add`` or an orchestrator.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from aws_cdk import Stack
from aws_cdk import aws_emr as emr
from constructs import Construct

from cdk_emr.facts import steps as step_shapes
from cdk_emr.facts.steps import COMMAND_RUNNER
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator
from cdk_emr.workload.source import BoundSource, ScriptSource


class SparkDeployMode(StrEnum):
    """Where the Spark driver runs (``spark-submit --deploy-mode``)."""

    CLUSTER = "cluster"
    """In a YARN container on a core or task node: the step survives the primary node's load."""
    CLIENT = "client"
    """On the primary node, in the step's own process: driver output lands in the step's stdout log."""


class ActionOnFailure(StrEnum):
    """What EMR does when a step fails."""

    CONTINUE = "CONTINUE"
    CANCEL_AND_WAIT = "CANCEL_AND_WAIT"
    TERMINATE_CLUSTER = "TERMINATE_CLUSTER"


@dataclass(frozen=True, kw_only=True)
class _HadoopJarStep:
    jar: str
    args: list[str]
    main_class: str | None = None
    properties: Mapping[str, str] | None = None


@typed
@dataclass(frozen=True, kw_only=True)
class Step(ABC):
    """A step: a name, what to run, and what to do when it fails (default: continue)."""

    name: str
    action_on_failure: ActionOnFailure = ActionOnFailure.CONTINUE

    def __post_init__(self) -> None:
        v = Validator(type(self).__name__)
        # botocore EMR model: StepConfig.Name is an XmlStringMaxLen256, required.
        v.check(1 <= len(self.name) <= 256, "name", self.name, "a step name of 1 to 256 characters")
        self._validate(v)
        v.raise_if_any()

    def _validate(self, v: Validator) -> None:  # noqa: B027 - a hook: most kinds of step add no rule
        """Rules of a kind of step, added to the step's own (every rule reported at once)."""

    @abstractmethod
    def _jar_step(self, scope: Construct, id: str) -> tuple[_HadoopJarStep, list[BoundSource]]:
        """The HadoopJarStep to run, and the sources the instance role must read."""

    def _render(self, scope: Construct, id: str) -> tuple[emr.CfnCluster.StepConfigProperty, list[BoundSource]]:
        jar, sources = self._jar_step(scope, id)
        return (
            emr.CfnCluster.StepConfigProperty(
                name=self.name,
                action_on_failure=self.action_on_failure.value,
                hadoop_jar_step=emr.CfnCluster.HadoopJarStepConfigProperty(
                    jar=jar.jar,
                    args=jar.args,
                    main_class=jar.main_class,
                    step_properties=[emr.CfnCluster.KeyValueProperty(key=k, value=v) for k, v in jar.properties.items()]
                    if jar.properties
                    else None,
                ),
            ),
            sources,
        )


@typed
@dataclass(frozen=True, kw_only=True)
class SparkStep(Step):
    """``spark-submit --deploy-mode DEPLOY_MODE [spark_submit_args] SCRIPT [args]``.

    ``deploy_mode`` defaults to ``SparkDeployMode.CLUSTER``; ``CLIENT`` runs the driver on the
    primary node. Either way the instance role may read the script.
    """

    script: ScriptSource
    args: Sequence[str] = ()
    spark_submit_args: Sequence[str] = ()
    deploy_mode: SparkDeployMode = SparkDeployMode.CLUSTER

    def __post_init__(self) -> None:
        super().__post_init__()
        from cdk_emr.capacity._coerce import coerce_enum
        from cdk_emr.validation import Validator

        v = Validator(f"SparkStep {self.name!r}")
        object.__setattr__(self, "deploy_mode", coerce_enum(v, "deploy_mode", SparkDeployMode, self.deploy_mode))
        # spark-submit takes one --deploy-mode: the typed parameter is the one place for it.
        v.check(
            "--deploy-mode" not in list(self.spark_submit_args),
            "spark_submit_args",
            list(self.spark_submit_args),
            "without --deploy-mode: use deploy_mode=SparkDeployMode.CLIENT or CLUSTER",
        )
        v.raise_if_any()

    def _jar_step(self, scope: Construct, id: str) -> tuple[_HadoopJarStep, list[BoundSource]]:
        bound = self.script.bind(scope, id)
        submit = join_repeated_options(self.spark_submit_args)
        args = step_shapes.spark_submit(bound.s3_uri, self.args, deploy_mode=self.deploy_mode.value, submit_args=submit)
        return _HadoopJarStep(jar=COMMAND_RUNNER, args=args), [bound]


def join_repeated_options(args: Sequence[str]) -> list[str]:
    """``--conf a=1 --conf b=2`` as ``--conf=a=1 --conf=b=2``, the same to spark-submit.

    The CloudFormation schema of ``AWS::EMR::Cluster`` declares a step's ``Args`` with
    ``uniqueItems: true`` (cfn-lint E3037 reports a repeated ``--conf``). spark-submit reads a
    ``--name=value`` token as the option and its value (Apache Spark, SparkSubmitOptionParser:
    ``(--[^=]+)=(.+)``, split at the first ``=``), so repeated long options are joined; options
    given once are left as written.
    """
    counts: dict[str, int] = {}
    for token in args:
        counts[token] = counts.get(token, 0) + 1
    joined: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        repeated_option = token.startswith("--") and "=" not in token and counts[token] > 1
        if repeated_option and i + 1 < len(args) and not args[i + 1].startswith("--"):
            joined.append(f"{token}={args[i + 1]}")
            i += 2
            continue
        joined.append(token)
        i += 1
    return joined


@typed
@dataclass(frozen=True, kw_only=True)
class HiveStep(Step):
    """Run a Hive script with ``-d NAME=VALUE`` variables."""

    script: ScriptSource
    variables: Mapping[str, str] = field(default_factory=dict)

    def _jar_step(self, scope: Construct, id: str) -> tuple[_HadoopJarStep, list[BoundSource]]:
        bound = self.script.bind(scope, id)
        args = step_shapes.hive_script(bound.s3_uri, self.variables)
        return _HadoopJarStep(jar=COMMAND_RUNNER, args=args), [bound]


@typed
@dataclass(frozen=True, kw_only=True)
class ScriptStep(Step):
    """Run a shell script from S3 on the primary node (EMR's script-runner)."""

    script: ScriptSource
    args: Sequence[str] = ()

    def _jar_step(self, scope: Construct, id: str) -> tuple[_HadoopJarStep, list[BoundSource]]:
        bound = self.script.bind(scope, id)
        region = Stack.of(scope).region
        jar = step_shapes.script_runner(region)
        return _HadoopJarStep(jar=jar, args=[bound.s3_uri, *self.args]), [bound]


@typed
@dataclass(frozen=True, kw_only=True)
class CommandStep(Step):
    """Run a command through ``command-runner.jar`` (e.g. ``["spark-example", "SparkPi", "10"]``)."""

    command: Sequence[str]

    def _validate(self, v: Validator) -> None:
        v.check(len(self.command) > 0, "command", list(self.command), "at least the program to run, e.g. ['spark-submit', ...]")

    def _jar_step(self, scope: Construct, id: str) -> tuple[_HadoopJarStep, list[BoundSource]]:
        return _HadoopJarStep(jar=COMMAND_RUNNER, args=list(self.command)), []


@typed
@dataclass(frozen=True, kw_only=True)
class JarStep(Step):
    """Run a custom JAR with an optional main class and Java properties.

    ``properties`` become the step's ``StepProperties``: "Java properties that are set when the
    step runs", key-value pairs for the main function (EMR API, ``HadoopJarStepConfig``). Default: none.
    """

    jar: ScriptSource
    main_class: str | None = None
    args: Sequence[str] = ()
    properties: Mapping[str, str] = field(default_factory=dict)

    def _jar_step(self, scope: Construct, id: str) -> tuple[_HadoopJarStep, list[BoundSource]]:
        bound = self.jar.bind(scope, id)
        return (
            _HadoopJarStep(jar=bound.s3_uri, args=list(self.args), main_class=self.main_class, properties=dict(self.properties)),
            [bound],
        )
