"""The local life cycle of an EMR platform, with no AWS account: deploy a ``cdk.out`` to the
embedded AWS, show the cluster, run a step (SparkPi, for real when Java and pyspark are here),
process data with the Spark ETL job (:mod:`cdk_emr.local.demo_data`, steps run for real only),
change managed scaling in place with a second
deploy (same cluster id), stop a replacement-class change with diff-safety, and destroy the
stack, listing what it retained (KMS keys, buckets and their objects).

Each stage prints its elapsed time. The deploys use the real ``cdk bootstrap``, ``cdk deploy``
(its default method, change sets) and ``cdk destroy`` against the local server
(``deployer="cdk"``), or boto3 CloudFormation (``deployer="boto3"``, no Node.js needed). The
changed templates are copies of ``cdk.out`` with one property edited, as a code change would.
Dummy credentials are always used, so a user's real AWS credentials are never touched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from cdk_emr.local.accounts import DEFAULT_ACCOUNT, access_key_for
from cdk_emr.local.demo_data import DataStageResult, find_etl_job, read_step_log, run_data_stage
from cdk_emr.local.deploy import deploy_stack
from cdk_emr.local.in_process import DUMMY_ACCESS_KEY
from cdk_emr.local.lifecycle import DEFAULT_TIME_SCALE
from cdk_emr.local.server import LocalAws
from cdk_emr.local.step_commands import StepSettings
from cdk_emr.ops.diff_safety import compare_paths
from cdk_emr.ops.templates import StackTemplate, deployment_order, load_stack_templates

LOCAL_ACCOUNT = DEFAULT_ACCOUNT
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": DUMMY_ACCESS_KEY}
DEMO_STEP = {
    "Name": "Demo: SparkPi",
    "ActionOnFailure": "CONTINUE",
    "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-example", "SparkPi", "10"]},
}
ENDED_STATES = {"TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"}
TERMINAL_STEP_STATES = {"COMPLETED", "FAILED", "CANCELLED", "INTERRUPTED"}


POLL_SECONDS = 0.2
POLL_TIMEOUT_SECONDS = 300.0  # a step that really runs (Spark) takes seconds to minutes


class DemoError(RuntimeError):
    """A stage of the demo failed; the message says which and why."""


@dataclass
class DemoResult:
    """What the demo saw, for the summary and for tests."""

    stack: str
    cluster_id: str = ""
    states: dict[str, str] = field(default_factory=dict)
    step_states: list[str] = field(default_factory=list)
    scaling_before: dict[str, Any] = field(default_factory=dict)
    scaling_after: dict[str, Any] = field(default_factory=dict)
    cluster: dict[str, Any] = field(default_factory=dict)
    fleets: list[dict[str, Any]] = field(default_factory=list)
    security_configuration: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    bootstrap_actions: list[str] = field(default_factory=list)
    startup_steps: list[str] = field(default_factory=list)
    cluster_after_update: str = ""
    blocked_changes: list[str] = field(default_factory=list)
    retained: dict[str, list[str]] = field(default_factory=dict)
    step_execution: str = ""
    demo_step_id: str = ""
    pi: str = ""
    data: DataStageResult | None = None


Say = Callable[[str], None]


class Stages:
    """Prints ``[  1.2s] stage`` lines, timing from the demo's start."""

    def __init__(self, say: Say) -> None:
        self.say = say
        self.start = time.monotonic()

    @contextmanager
    def stage(self, title: str) -> Iterator[None]:
        """Announce ``title``; on leaving, report how long it took."""
        begun = time.monotonic()
        self.say(f"[{begun - self.start:6.1f}s] ▶ {title}")
        yield
        self.say(f"[{time.monotonic() - self.start:6.1f}s]   done in {time.monotonic() - begun:.1f}s")


def run_demo(
    cdk_out: Path,
    *,
    stack: str | None = None,
    deployer: str = "cdk",
    cdk_command: str | None = None,
    terminate: bool = True,
    say: Say = print,
    run_steps: bool = False,
    step_settings: StepSettings | None = None,
) -> DemoResult:
    """Run the whole life cycle against a fresh local AWS, which is stopped afterwards.

    ``terminate=False`` keeps the stack (no destroy); ``run_steps`` runs the steps for real when
    Java and pyspark are present (``cdk-emr local demo`` does), and adds the data stage."""
    templates = load_stack_templates(cdk_out)
    stack_names = _stacks(templates, cdk_out, stack)
    stack_name = stack_names[-1]
    if deployer == "cdk" and cdk_command is None:
        cdk_command = find_cdk_cli(cdk_out)
    result = DemoResult(stack=stack_name)
    stages = Stages(say)
    logging.getLogger("moto").setLevel(logging.ERROR)  # moto warns about resources it only accepts
    account, region = _environment(templates, stack_name)
    aws = LocalAws(region_name=region, run_steps=run_steps, step_settings=step_settings)
    aws.account = account
    with stages.stage("Start the embedded AWS (moto + EMR emulation) on 127.0.0.1"):
        aws.start()
        say(f"           endpoint {aws.endpoint_url}")
        result.step_execution = aws.step_execution
        say(f"           {aws.step_execution}")
    runs_for_real = aws.step_runner is not None and aws.step_runner.toolchain is not None
    try:
        session = _LocalSession(aws)
        how = "cdk bootstrap + cdk deploy" if deployer == "cdk" else "boto3 CloudFormation"
        with stages.stage(f"Deploy {', '.join(stack_names)} with {how}"):
            result.outputs = _deploy(cdk_out, stack_names, aws, session, deployer, cdk_command, say)
        emr = session.client("emr")
        result.cluster_id = result.outputs["ClusterId"]
        with stages.stage(f"Read cluster {result.cluster_id} back through the EMR API"):
            _read_cluster(emr, result)
            _show_cluster(result, say)
        if result.states["after deploy"] in ENDED_STATES:
            say(
                f"           the cluster has ended ({result.states['after deploy']}): a transient cluster that ran "
                "its steps; nothing more to run on it"
            )
        else:
            with stages.stage("Run a step (spark-example SparkPi) and follow it"):
                _run_step(emr, result, say)
                _show_pi(session, result, say)
            if runs_for_real:
                job = find_etl_job(Path(cdk_out).parent, Path.cwd())
                bucket = result.outputs.get("DataBucketName")
                if job is None or not bucket:
                    say("           no jobs/spark_etl/etl.py or DataBucketName output: the data stage is skipped")
                else:
                    with stages.stage("Process data: raw events → the Spark ETL job as a step → curated Parquet read back"):
                        result.data = run_data_stage(session, result.cluster_id, bucket, result.cluster.get("LogUri"), job, say)
                    if result.data.step_state != "COMPLETED":
                        raise DemoError(f"the ETL step {result.data.step_id} ended {result.data.step_state}, expected COMPLETED")
            with tempfile.TemporaryDirectory() as tmp:
                with stages.stage("Change managed scaling with a second deploy (CloudFormation updates in place)"):
                    _update_scaling(
                        cdk_out, Path(tmp) / "scaled.out", stack_names, aws, session, deployer, cdk_command, result, say
                    )
                with stages.stage("A release upgrade is a replacement: diff-safety stops it before deploying"):
                    _guard_replacement(cdk_out, Path(tmp) / "upgraded.out", stack_name, result, say)
            if terminate:
                with stages.stage("Destroy the stack; list what it retained"):
                    _destroy(cdk_out, stack_names, aws, session, deployer, cdk_command, result, say)
    finally:
        aws.stop()
        say(f"[{time.monotonic() - stages.start:6.1f}s] ■ embedded AWS stopped")
    _show_summary(result, say, time.monotonic() - stages.start)
    return result


def serve(
    port: int,
    say: Say = print,
    time_scale: float = DEFAULT_TIME_SCALE,
    run_steps: bool = True,
    step_settings: StepSettings | None = None,
) -> None:
    """Run the embedded AWS until Ctrl-C, for your own boto3, AWS CLI or cdk deploy.

    ``time_scale`` multiplies EMR's typical durations (1 = as slow as AWS); AWS's managed IAM
    policies are loaded, so ``aws emr create-default-roles`` works. Steps run for real when
    ``run_steps`` and Java and pyspark are present; the first line says which."""
    with LocalAws(
        port=port, time_scale=time_scale, aws_managed_policies=True, run_steps=run_steps, step_settings=step_settings
    ) as aws:
        say(f"Local AWS (moto + EMR emulation) at {aws.endpoint_url}, time scale {time_scale} — Ctrl-C to stop.")
        say(f"  {aws.step_execution}")
        say(
            f"  export AWS_ENDPOINT_URL={aws.endpoint_url} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            say("stopped")


def find_cdk_cli(cdk_out: Path) -> str:
    """The cdk CLI to run: a project's ``node_modules/.bin/cdk`` beside ``cdk_out`` or the
    current folder (or a parent of either), else ``cdk`` on ``PATH``; a clear error otherwise."""
    for start in (Path(cdk_out).resolve(), Path.cwd().resolve()):
        for folder in (start, *start.parents):
            candidate = folder / "node_modules" / ".bin" / "cdk"
            if candidate.is_file():
                return shlex.quote(str(candidate))
    on_path = shutil.which("cdk")
    if on_path:
        return shlex.quote(on_path)
    raise DemoError(
        f"no cdk CLI found (node_modules/.bin/cdk beside {cdk_out} or the current folder, or cdk on PATH): "
        "install it (`make install` in the project, or `npm install -g aws-cdk`), name it with --cdk-command, "
        "or use --deployer boto3"
    )


def _environment(templates: list[StackTemplate], stack_name: str) -> tuple[str, str]:
    """The account and region the stack is synthesized for; env-agnostic stacks get the local
    account and us-east-1."""
    for stack in templates:
        if stack.name == stack_name:
            return stack.account or LOCAL_ACCOUNT, stack.region or "us-east-1"
    return LOCAL_ACCOUNT, "us-east-1"


def _stacks(templates: list[StackTemplate], cdk_out: Path, target: str | None) -> list[str]:
    """The stacks of ``templates`` (read from ``cdk_out``) to deploy, in dependency order; the
    last is the one the demo operates on: ``target``, else the stack no other stack depends on."""
    stacks = deployment_order(templates)
    names = [s.name for s in stacks]
    if target is None:
        needed = {d for s in stacks for d in s.dependencies}
        roots = [n for n in names if n not in needed]
        if len(roots) != 1:
            raise DemoError(f"{cdk_out} holds stacks {', '.join(names)}: choose one with --stack")
        target = roots[0]
    if target not in names:
        raise DemoError(f"stack {target!r} is not in {cdk_out} ({', '.join(names)})")
    by_name = {s.name: s for s in stacks}
    wanted: set[str] = set()
    pending = [target]
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending.extend(by_name[name].dependencies)
    return [n for n in names if n in wanted]


def _deploy(
    cdk_out: Path,
    stack_names: list[str],
    aws: LocalAws,
    session: _LocalSession,
    deployer: str,
    cdk_command: str,
    say: Say,
    bootstrap: bool = True,
) -> dict[str, str]:
    """Deploy (create or update) ``stack_names`` in order; return the outputs of the last."""
    if deployer == "boto3":
        outputs: dict[str, str] = {}
        for name in stack_names:
            outputs = deploy_stack(cdk_out, name, session=session).outputs  # type: ignore[arg-type]
            say(f"           boto3 CloudFormation: {name} deployed")
        return outputs
    if deployer != "cdk":
        raise DemoError(f"deployer={deployer!r}: 'cdk' or 'boto3'")
    env = _cdk_env(aws)
    command = shlex.split(cdk_command)
    flags = ["--no-notices", "--app", str(cdk_out)]
    if bootstrap:
        _run(command + ["bootstrap", f"aws://{aws.account}/{aws.region_name}", *flags], env, "cdk bootstrap", say)
    with tempfile.TemporaryDirectory() as tmp:
        outputs_file = Path(tmp) / "outputs.json"
        _run(
            command
            + [
                "deploy",
                *stack_names,
                *flags,
                "--require-approval",
                "never",
                "--outputs-file",
                str(outputs_file),
            ],
            env,
            "cdk deploy",
            say,
        )
        return json.loads(outputs_file.read_text())[stack_names[-1]]


def _cdk_env(aws: LocalAws) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return (
        env
        | DUMMY_CREDENTIALS
        | {
            "AWS_ACCESS_KEY_ID": access_key_for(aws.account),  # names the account to the local AWS
            "AWS_ENDPOINT_URL": aws.endpoint_url,
            "AWS_REGION": aws.region_name,
            "AWS_DEFAULT_REGION": aws.region_name,
            "CDK_DISABLE_CLI_TELEMETRY": "true",
        }
    )


def _run(command: list[str], env: dict[str, str], what: str, say: Say) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    except FileNotFoundError as error:
        raise DemoError(
            f"{what}: {command[0]} not found ({error}); install the cdk CLI (`make install`, or `npm install -g aws-cdk`), "
            "name it with --cdk-command, or use --deployer boto3"
        ) from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise DemoError(f"{what} failed (exit {done.returncode}):\n{tail}")
    say(f"           {what}: ok")


class _LocalSession:
    """A boto3 session with dummy credentials whose clients all talk to the local endpoint."""

    def __init__(self, aws: LocalAws) -> None:
        self._session = boto3.Session(
            aws_access_key_id=access_key_for(aws.account), aws_secret_access_key=DUMMY_ACCESS_KEY, region_name=aws.region_name
        )
        self._endpoint_url = aws.endpoint_url
        self.region_name = aws.region_name

    def client(self, service_name: str, **kwargs: Any) -> Any:
        """A client for ``service_name`` on the local endpoint."""
        return self._session.client(service_name, endpoint_url=self._endpoint_url, **kwargs)


def _read_cluster(emr: Any, result: DemoResult) -> None:
    # Follow the cluster until it has started and run its start-up steps (STARTING, BOOTSTRAPPING,
    # RUNNING take a few seconds at the local time scale).
    cluster = _follow_cluster(emr, result.cluster_id, until={"WAITING", *(ENDED_STATES - {"TERMINATING"})})
    result.cluster = cluster
    result.states["after deploy"] = cluster["Status"]["State"]
    result.fleets = emr.list_instance_fleets(ClusterId=result.cluster_id)["InstanceFleets"]
    name = cluster.get("SecurityConfiguration")
    if name:
        described = emr.describe_security_configuration(Name=name)
        result.security_configuration = json.loads(described["SecurityConfiguration"])
    result.scaling_before = emr.get_managed_scaling_policy(ClusterId=result.cluster_id).get("ManagedScalingPolicy", {})
    result.bootstrap_actions = [a["Name"] for a in emr.list_bootstrap_actions(ClusterId=result.cluster_id)["BootstrapActions"]]
    result.startup_steps = [f"{s['Name']}: {s['Status']['State']}" for s in emr.list_steps(ClusterId=result.cluster_id)["Steps"]]


def _follow_cluster(emr: Any, cluster_id: str, until: set[str]) -> dict[str, Any]:
    """Poll DescribeCluster until the cluster reaches one of ``until`` (or the timeout)."""
    deadline = time.monotonic() + POLL_TIMEOUT_SECONDS
    while True:
        cluster = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
        if cluster["Status"]["State"] in until or time.monotonic() > deadline:
            return cluster
        time.sleep(POLL_SECONDS)


def _show_cluster(result: DemoResult, say: Say) -> None:
    c = result.cluster
    say(
        f"           {c['Name']} {c['Id']}: {c['Status']['State']}, {c['ReleaseLabel']}, "
        + ", ".join(a["Name"] for a in c.get("Applications", []))
    )
    for fleet in result.fleets:
        types = ", ".join(s["InstanceType"] for s in fleet.get("InstanceTypeSpecifications", []))
        say(
            f"           fleet {fleet['InstanceFleetType']:<6} on-demand {fleet.get('TargetOnDemandCapacity', 0)}, "
            f"spot {fleet.get('TargetSpotCapacity', 0)}: {types}"
        )
    encryption = result.security_configuration.get("EncryptionConfiguration", {})
    say(
        f"           security configuration {c.get('SecurityConfiguration')}: at rest {encryption.get('EnableAtRestEncryption')}, "
        f"in transit {encryption.get('EnableInTransitEncryption')}, IMDSv2 "
        f"{'required' if result.security_configuration.get('InstanceMetadataServiceConfiguration') else 'optional'}"
    )
    say(
        f"           bootstrap actions: {', '.join(result.bootstrap_actions) or 'none'}; "
        f"start-up steps: {', '.join(result.startup_steps) or 'none'}"
    )
    limits = result.scaling_before.get("ComputeLimits", {})
    say(
        f"           managed scaling {limits.get('MinimumCapacityUnits')}-{limits.get('MaximumCapacityUnits')} {limits.get('UnitType')}; "
        f"logs {c.get('LogUri')}"
    )


def _run_step(emr: Any, result: DemoResult, say: Say) -> None:
    [step_id] = emr.add_job_flow_steps(JobFlowId=result.cluster_id, Steps=[DEMO_STEP])["StepIds"]
    result.demo_step_id = step_id
    state = ""
    deadline = time.monotonic() + POLL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        new = emr.describe_step(ClusterId=result.cluster_id, StepId=step_id)["Step"]["Status"]["State"]
        if new != state:
            state = new
            result.step_states.append(state)
            say(f"           step {step_id}: {state}")
        if state in TERMINAL_STEP_STATES:
            break
        time.sleep(POLL_SECONDS)
    if state != "COMPLETED":
        raise DemoError(f"step {step_id} ended {state or 'nowhere'}, expected COMPLETED")
    result.states["after step"] = emr.describe_cluster(ClusterId=result.cluster_id)["Cluster"]["Status"]["State"]


def _show_pi(session: _LocalSession, result: DemoResult, say: Say) -> None:
    """The π the SparkPi step printed to its stdout log (steps run for real only)."""
    log_uri = result.cluster.get("LogUri")
    if not log_uri or not result.demo_step_id:
        return
    stdout = read_step_log(session.client("s3"), log_uri, result.cluster_id, result.demo_step_id, "stdout")
    result.pi = next((line for line in stdout.splitlines() if line.startswith("Pi is roughly")), "")
    if result.pi:
        say(f"           {result.pi}   (its stdout.gz in {log_uri})")


def _edited_copy(cdk_out: Path, target: Path, stack_name: str, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of ``cdk_out`` whose stack template has its EMR cluster edited by ``edit``."""
    shutil.copytree(cdk_out, target)
    path = target / f"{stack_name}.template.json"
    template = json.loads(path.read_text())
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::EMR::Cluster":
            edit(resource["Properties"])
    old_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text(json.dumps(template, indent=1))
    new_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    # The template is a file asset named by its hash: a new hash, or the CLI skips the upload.
    for manifest in (target / f"{stack_name}.assets.json", target / "manifest.json"):
        if manifest.exists():
            manifest.write_text(manifest.read_text().replace(old_hash, new_hash))
    return target


def _update_scaling(
    cdk_out: Path,
    scaled: Path,
    stack_names: list[str],
    aws: LocalAws,
    session: _LocalSession,
    deployer: str,
    cdk_command: str,
    result: DemoResult,
    say: Say,
) -> None:
    before = dict(result.scaling_before.get("ComputeLimits") or {})
    if not before:
        say("           the cluster has no managed-scaling policy: nothing to change")
        return

    def raise_maximum(properties: dict[str, Any]) -> None:
        properties["ManagedScalingPolicy"]["ComputeLimits"]["MaximumCapacityUnits"] = int(before["MaximumCapacityUnits"]) + 4

    _edited_copy(cdk_out, scaled, stack_names[-1], raise_maximum)
    outputs = _deploy(scaled, stack_names, aws, session, deployer, cdk_command, say, bootstrap=False)
    emr = session.client("emr")
    result.cluster_after_update = outputs["ClusterId"]
    result.scaling_after = emr.get_managed_scaling_policy(ClusterId=result.cluster_after_update)["ManagedScalingPolicy"]
    result.states["after scaling"] = emr.describe_cluster(ClusterId=result.cluster_after_update)["Cluster"]["Status"]["State"]
    same = "same cluster" if result.cluster_after_update == result.cluster_id else "NEW cluster"
    say(
        f"           maximum {before['MaximumCapacityUnits']} → {result.scaling_after['ComputeLimits']['MaximumCapacityUnits']} "
        f"units; {same} {result.cluster_after_update}, still {result.states['after scaling']}"
    )
    if result.cluster_after_update != result.cluster_id:
        raise DemoError(f"the managed-scaling update replaced cluster {result.cluster_id}: expected an in-place update")


def _guard_replacement(cdk_out: Path, upgraded: Path, stack_name: str, result: DemoResult, say: Say) -> None:
    release = result.cluster.get("ReleaseLabel", "")
    major, minor, patch = (int(part) for part in release.removeprefix("emr-").split("."))
    newer = f"emr-{major}.{minor + 1}.{patch}"

    def upgrade(properties: dict[str, Any]) -> None:
        properties["ReleaseLabel"] = newer

    _edited_copy(cdk_out, upgraded, stack_name, upgrade)
    report = compare_paths(cdk_out, upgraded)
    result.blocked_changes = [f"{c.logical_id}.{c.path}: {c.behaviour.value}" for c in report.blocking]
    say(f"           cdk-emr diff-safety {cdk_out.name} <upgraded {release} → {newer}>:")
    for change in report.blocking:
        say(f"             BLOCKED {change.logical_id}.{change.path} ({change.old} → {change.new}): {change.reason}")
    if not report.blocking:
        raise DemoError("diff-safety did not flag the release upgrade as a replacement")
    say("           not deployed: the running cluster and its HDFS data stay")


def _destroy(
    cdk_out: Path,
    stack_names: list[str],
    aws: LocalAws,
    session: _LocalSession,
    deployer: str,
    cdk_command: str,
    result: DemoResult,
    say: Say,
) -> None:
    s3 = session.client("s3")
    data_bucket = result.outputs.get("DataBucketName")
    if data_bucket:
        s3.put_object(Bucket=data_bucket, Key="results/sparkpi.txt", Body=(result.pi or "pi is roughly 3.14").encode() + b"\n")
    if result.cluster.get("TerminationProtected"):
        say("           termination protection is on (prod profile): the stack and its cluster are kept")
        result.states["at the end"] = session.client("emr").describe_cluster(ClusterId=result.cluster_id)["Cluster"]["Status"][
            "State"
        ]
        return
    if deployer == "cdk":
        command = shlex.split(cdk_command) + ["destroy", *reversed(stack_names), "--force", "--no-notices", "--app", str(cdk_out)]
        _run(command, _cdk_env(aws), "cdk destroy", say)
    else:
        cloudformation = session.client("cloudformation")
        for name in reversed(stack_names):
            cloudformation.delete_stack(StackName=name)
            say(f"           boto3 CloudFormation: {name} deleted")
    emr = session.client("emr")
    result.states["at the end"] = _follow_cluster(emr, result.cluster_id, until=ENDED_STATES - {"TERMINATING"})["Status"]["State"]
    say(f"           cluster {result.cluster_id}: {result.states['at the end']}")
    for bucket in sorted(b["Name"] for b in s3.list_buckets()["Buckets"]):
        if bucket.startswith("cdk-hnb659fds-"):
            continue  # the bootstrap stack's asset bucket
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        result.retained[f"s3://{bucket}"] = keys
        say(
            f"           retained bucket s3://{bucket}: {len(keys)} object(s) {', '.join(keys[:3])}{' …' if len(keys) > 3 else ''}"
        )
    kms = session.client("kms")
    aliases = {a["TargetKeyId"]: a["AliasName"] for a in kms.list_aliases()["Aliases"] if a.get("TargetKeyId")}
    for key_id in sorted(k["KeyId"] for k in kms.list_keys()["Keys"]):
        result.retained[f"kms:{key_id}"] = [aliases.get(key_id, "")]
        say(f"           retained KMS key {key_id} {aliases.get(key_id, '')}".rstrip())


def _show_summary(result: DemoResult, say: Say, seconds: float) -> None:
    say("")
    say(f"Summary ({seconds:.1f}s): stack {result.stack}, cluster {result.cluster_id}")
    for moment, state in result.states.items():
        say(f"  cluster state {moment:<14} {state}")
    say(f"  demo step                    {' → '.join(result.step_states)}{f'  ({result.pi})' if result.pi else ''}")
    if result.data is not None:
        say(
            f"  data stage                   {result.data.raw_lines} raw lines → ETL step {result.data.step_state} → "
            f"{sum(result.data.rows_per_day.values())} curated rows in {len(result.data.rows_per_day)} day partitions"
        )
    say(f"  steps                        {result.step_execution}")
    say(f"  stack outputs                {', '.join(f'{k}={v}' for k, v in result.outputs.items())}")
    if result.cluster_after_update:
        same = "same cluster id" if result.cluster_after_update == result.cluster_id else "replaced"
        say(f"  second deploy (scaling)      {same} {result.cluster_after_update}")
    if result.blocked_changes:
        say(f"  stopped by diff-safety       {', '.join(result.blocked_changes)}")
    if result.retained:
        say(f"  retained after destroy       {', '.join(result.retained)}")
