"""``cdk-emr codegen`` round trip: corpus template -> generated module -> synthesized cluster.

Each file of ``codegen_corpus/`` is a cluster written from an AWS documentation example (its
source is cited at its top), not produced by our code. The test generates its module, runs it
(``python FILE`` semantics, ``CDK_OUTDIR`` set) and compares the synthesized
``AWS::EMR::Cluster`` properties with the source's. All modules run in one child process, once
per test module (one jsii start): about 1-2 s per cluster.

Normalisation (what cdk_emr's defaults add, nothing else):

- properties the source lacks and cdk_emr sets by default (:data:`CDK_EMR_DEFAULTS`): its
  security configuration, log bucket and log key, idle auto-termination, its EMR-managed security
  groups, keep-alive, unhealthy-node replacement, and EMR's own defaults step concurrency 1,
  visible-to-all-users and no termination protection (EMR API RunJobFlow), Hadoop and Spark when the source
  names no applications, and a subnet of cdk_emr's VPC when the source names none;
- the ``for-use-with-amazon-emr-managed-policies=true`` tag cdk_emr puts on its clusters, when the source lacks it (the
  EMR managed policies v2 require it: EMR Management Guide, "IAM service roles used by Amazon EMR");
- a role the source names by name is compared by the name at the end of the synthesized ARN
  (EMR accepts a role's name or ARN: CloudFormation ``AWS::EMR::Cluster.ServiceRole``);
- an instance group's ``Market: ON_DEMAND`` when the source leaves it out (EMR's default market,
  EMR API ``InstanceGroupConfig.Market``);
- an instance group's friendly ``Name`` the source leaves out (cdk_emr names its groups);
- tags compared as a set (CDK renders them sorted by key); an instance profile given by ARN
  compared with the name cdk_emr renders (EMR accepts either: RunJobFlow ``JobFlowRole``);
- ``EbsOptimized: true`` on an ``EbsConfiguration`` whose source leaves it out: cdk_emr always
  writes it (``InstanceTypeConfig.ebs_optimized`` has no "absent"); the corpus's instance types
  are EBS-optimized by default anyway (EC2 User Guide, "Amazon EBS-optimized instance types");
- a fleet's ``OnDemandSpecification: {AllocationStrategy: lowest-price}`` cdk_emr writes next to
  a spot specification when the source has none: lowest-price is EMR's default
  (EMR API ``OnDemandProvisioningSpecification.AllocationStrategy``);
- an instance type's ``WeightedCapacity: 1`` the source leaves out: EMR's default weight
  (EMR API ``InstanceTypeConfig.WeightedCapacity``: "If not specified, the default value is 1");
- the ``SpotSpecification`` cdk_emr gives a fleet with spot capacity and no specification
  (:data:`CDK_EMR_SPOT_DEFAULT`; the generated code says so next to the fleet);
- the allocation strategy ``price-capacity-optimized`` cdk_emr writes into a spot specification
  that names none (``SpotOptions.allocation_strategy`` has no "absent"; the generated code says so);
- a fleet's friendly ``Name`` the source leaves out (cdk_emr names its fleets);
- a ``String`` template parameter's value (``'false'``, ``'32'``) against the boolean or number
  CloudFormation converts it to for the property;
- references to other resources of the template (``Ref``, ``Fn::GetAtt`` ...) on both sides: the
  source's roles, instance profiles and security configurations that are resources of its template
  become cdk_emr's own (the generated code says so), so a reference is compared with a reference;
- a fleet's target capacity 0 the source leaves out (EMR API ``InstanceFleetConfig``: "If not
  specified or set to 0, only On-Demand Instances are provisioned").

Every other property must be equal.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdk_emr.ops.codegen import generate
from cdk_emr.ops.codegen_read import read_cluster

CORPUS = Path(__file__).parent / "codegen_corpus"
SOURCES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".json", ".yaml", ".yml"))
MANAGED_TAG = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}
CDK_EMR_DEFAULTS = {
    "SecurityConfiguration",
    "LogUri",
    "LogEncryptionKmsKeyId",
    "AutoTerminationPolicy",
    "StepConcurrencyLevel",
    "VisibleToAllUsers",
    "Applications",
    "Instances.EmrManagedMasterSecurityGroup",
    "Instances.EmrManagedSlaveSecurityGroup",
    "Instances.ServiceAccessSecurityGroup",
    "Instances.KeepJobFlowAliveWhenNoSteps",
    "Instances.UnhealthyNodeReplacement",
    "Instances.TerminationProtected",
    "Instances.Ec2SubnetId",
    "Instances.Ec2SubnetIds",
}
"""Properties cdk_emr adds when the source lacks them (the module docstring says why each)."""

CDK_EMR_SPOT_DEFAULT = {
    "AllocationStrategy": "price-capacity-optimized",
    "TimeoutAction": "SWITCH_TO_ON_DEMAND",
    "TimeoutDurationMinutes": 10,
}
"""The spot specification cdk_emr gives a fleet with spot capacity and none of its own (said in the generated code)."""

RUNNER = """
import os, runpy, sys
import aws_cdk

class App(aws_cdk.App):  # the node process reads CDK_OUTDIR once: give each module's App its outdir
    def __init__(self, **kwargs):
        super().__init__(**{"outdir": os.environ["CDK_OUTDIR"], **kwargs})

aws_cdk.App = App
for module, outdir in zip(sys.argv[1::2], sys.argv[2::2]):
    os.environ["CDK_OUTDIR"] = outdir
    runpy.run_path(module, run_name="__main__")
"""
"""Runs every generated module in one process, as ``CDK_OUTDIR=OUT python MODULE`` would
(``test_cli_codegen.py`` runs one module exactly that way)."""


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each corpus file's synthesized cluster properties, by file name (one child process)."""
    work = tmp_path_factory.mktemp("codegen")
    argv: list[str] = []
    for source in SOURCES:
        module = work / f"{source.stem}.py"
        module.write_text(generate(source), encoding="utf-8")
        argv += [str(module), str(work / f"{source.stem}.out")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", RUNNER, *argv], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    clusters = {}
    for source in SOURCES:
        outdir = work / f"{source.stem}.out"
        (template_file,) = outdir.glob("*.template.json")
        template = json.loads(template_file.read_text())
        (cluster,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]
        clusters[source.name] = cluster["Properties"]
    return clusters


def test_the_corpus_is_varied() -> None:
    """At least 15 clusters, fleets and groups both, each citing its documentation source."""
    assert len(SOURCES) >= 15
    texts = [s.read_text() for s in SOURCES]
    assert all("Source:" in t for t in texts)
    assert any("InstanceFleet" in t for t in texts) and any("InstanceGroup" in t for t in texts)


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_round_trip_keeps_every_property(source: Path, synthesized: dict[str, dict[str, Any]]) -> None:
    cluster = read_cluster(source)
    expected = resolve_parameters(cluster.properties, cluster.template)
    actual = normalise(expected, copy.deepcopy(synthesized[source.name]))
    assert differences(evaluated(actual), evaluated(expected)) == []


def test_defaults_an_old_release_cannot_have_are_dropped_and_said(synthesized: dict[str, dict[str, Any]]) -> None:
    """emr-5.20.0 (the Release Guide's SDK example) has no auto-termination (5.30.0+) and starts
    nodes with IMDSv1 on (IMDSv2-only from 5.23.1/5.27.1/5.32.0; EMR Management Guide): the
    generated code drops both cdk_emr defaults, each with its reason, and still synthesizes."""
    text = generate(CORPUS / "rg_hive_configuration_sdk.yaml")
    assert "auto_termination=None: emr-5.20.0 has no auto-termination" in text
    assert "require_imdsv2=False: emr-5.20.0 starts its nodes with IMDSv1 on" in text
    assert "AutoTerminationPolicy" not in synthesized["rg_hive_configuration_sdk.yaml"]


def differences(actual: Any, expected: Any, path: str = "") -> list[str]:
    """Each path where ``actual`` differs from ``expected``, with both values."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        return [
            d
            for key in sorted(set(actual) | set(expected))
            for d in differences(actual.get(key), expected.get(key), f"{path}.{key}")
        ]
    if isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
        return [d for i, (a, e) in enumerate(zip(actual, expected, strict=False)) for d in differences(a, e, f"{path}[{i}]")]
    if isinstance(expected, str) and isinstance(actual, (bool, int)) and str(actual).lower() == expected.lower():
        return []  # a String parameter CloudFormation converts to the property's type ('false', '32')
    return [] if actual == expected else [f"{path}: synthesized {actual!r}, source {expected!r}"]


def resolve_parameters(value: Any, template: dict[str, Any]) -> Any:
    """``Ref`` to a template parameter replaced by the parameter's ``Default``."""
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in template.get("Parameters", {}):
            return template["Parameters"][value["Ref"]]["Default"]
        return {k: resolve_parameters(v, template) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_parameters(v, template) for v in value]
    return value


def normalise(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """``actual`` without what cdk_emr adds by default (see the module docstring)."""
    for path in CDK_EMR_DEFAULTS:
        outer, _, inner = path.rpartition(".")
        source_side = expected.get(outer, {}) if outer else expected
        synth_side = actual.get(outer, {}) if outer else actual
        if inner not in source_side:
            synth_side.pop(inner, None)
    if "Tags" in actual and MANAGED_TAG not in expected.get("Tags", []):
        actual["Tags"] = [t for t in actual["Tags"] if t != MANAGED_TAG]
        if not actual["Tags"] and "Tags" not in expected:
            del actual["Tags"]
    for side in (expected, actual):  # a set of tags (CloudFormation Tag): CDK renders them in its own order
        if "Tags" in side:
            side["Tags"] = sorted(side["Tags"], key=lambda t: t["Key"])
    profile = expected.get("JobFlowRole")
    if isinstance(profile, str) and profile.startswith("arn:") and actual.get("JobFlowRole") == profile.rsplit("/", 1)[-1]:
        actual["JobFlowRole"] = profile  # an instance profile's name or ARN (EMR API RunJobFlow JobFlowRole)
    for role in ("ServiceRole", "AutoScalingRole", "JobFlowRole"):
        if isinstance(expected.get(role), str) and not expected[role].startswith("arn:"):
            arn = actual.get(role)
            if isinstance(arn, dict) and "Fn::Join" in arn and str(arn["Fn::Join"][1][-1]).endswith(f"/{expected[role]}"):
                actual[role] = expected[role]
    instances, source_instances = actual.get("Instances", {}), expected.get("Instances", {})
    for key in ("MasterInstanceGroup", "CoreInstanceGroup"):
        _default_market(source_instances.get(key), instances.get(key))
    for source_group, group in zip(
        source_instances.get("TaskInstanceGroups", []), instances.get("TaskInstanceGroups", []), strict=False
    ):
        _default_market(source_group, group)
    _ebs_optimized(source_instances, instances)
    fleets = [(source_instances.get(k), instances.get(k)) for k in ("MasterInstanceFleet", "CoreInstanceFleet")]
    fleets += list(zip(source_instances.get("TaskInstanceFleets", []), instances.get("TaskInstanceFleets", []), strict=False))
    for source_fleet, fleet in fleets:
        _on_demand_default(source_fleet, fleet)
        if fleet is not None and source_fleet is not None and "Name" not in source_fleet:
            fleet.pop("Name", None)  # a friendly name cdk_emr gives each fleet
        for target in ("TargetOnDemandCapacity", "TargetSpotCapacity"):
            if fleet is not None and source_fleet is not None and target not in source_fleet and fleet.get(target) == 0:
                del fleet[target]
        for source_type, synthesized_type in zip(
            (source_fleet or {}).get("InstanceTypeConfigs", []), (fleet or {}).get("InstanceTypeConfigs", []), strict=False
        ):
            if "WeightedCapacity" not in source_type and synthesized_type.get("WeightedCapacity") == 1:
                del synthesized_type["WeightedCapacity"]
    return actual


def _ebs_optimized(source: Any, synthesized: Any) -> None:
    """Drop ``EbsOptimized: true`` where the source's ``EbsConfiguration`` leaves it out."""
    if isinstance(source, dict) and isinstance(synthesized, dict):
        if "EbsOptimized" not in source and synthesized.get("EbsOptimized") is True and "EbsBlockDeviceConfigs" in synthesized:
            del synthesized["EbsOptimized"]
        for key in source.keys() & synthesized.keys():
            _ebs_optimized(source[key], synthesized[key])
    elif isinstance(source, list) and isinstance(synthesized, list):
        for a, b in zip(source, synthesized, strict=False):
            _ebs_optimized(a, b)


def _on_demand_default(source_fleet: dict[str, Any] | None, fleet: dict[str, Any] | None) -> None:
    """Drop an ``OnDemandSpecification`` of EMR's default strategy the source leaves out."""
    if source_fleet is None or fleet is None:
        return
    launch = fleet.get("LaunchSpecifications", {})
    source_launch = source_fleet.get("LaunchSpecifications", {})
    if "SpotSpecification" not in source_launch and launch.get("SpotSpecification") == CDK_EMR_SPOT_DEFAULT:
        del launch["SpotSpecification"]
    source_spot, spot = source_launch.get("SpotSpecification") or {}, launch.get("SpotSpecification") or {}
    if source_spot and "AllocationStrategy" not in source_spot and spot.get("AllocationStrategy") == "price-capacity-optimized":
        del spot["AllocationStrategy"]  # cdk_emr's default strategy, said in the generated code
    if "OnDemandSpecification" not in source_launch and launch.get("OnDemandSpecification") == {
        "AllocationStrategy": "lowest-price"
    }:
        del launch["OnDemandSpecification"]
    if "LaunchSpecifications" in fleet and not launch:
        del fleet["LaunchSpecifications"]


def _default_market(source_group: dict[str, Any] | None, group: dict[str, Any] | None) -> None:
    if source_group is None or group is None:
        return
    if "Market" not in source_group and group.get("Market") == "ON_DEMAND":
        del group["Market"]
    if "Name" not in source_group:  # a friendly name cdk_emr gives each group ("Primary", "Core", "Task")
        group.pop("Name", None)


INTRINSICS = {"Ref", "Fn::GetAtt", "Fn::Join", "Fn::Sub", "Fn::ImportValue", "Fn::Select"}

PSEUDO_PARAMETERS = {
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "111122223333",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "Stack",
}
"""One deployment's pseudo-parameter values (CloudFormation User Guide, "Pseudo parameters
reference"); both sides are evaluated with the same values."""

REFERENCE = "<reference>"


def evaluated(value: Any) -> Any:
    """``value`` as CloudFormation resolves it in one deployment (:data:`PSEUDO_PARAMETERS`):
    ``Ref`` to a pseudo parameter, ``Fn::Sub`` and ``Fn::Join`` of such and literals become their
    string; a reference to a resource (``Ref``, ``Fn::GetAtt``, ``Fn::ImportValue``) becomes
    ``"<reference>"``, and so does any string built from one."""
    if isinstance(value, list):
        return [evaluated(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1 or next(iter(value)) not in {"Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::Join", "Fn::Sub"}:
        return {k: evaluated(v) for k, v in value.items()}
    ((key, arg),) = value.items()
    if key == "Ref":
        return PSEUDO_PARAMETERS.get(arg, REFERENCE)
    if key in ("Fn::GetAtt", "Fn::ImportValue"):
        return REFERENCE
    if key == "Fn::Join":
        parts = [evaluated(part) for part in arg[1]]
        return REFERENCE if REFERENCE in parts else arg[0].join(str(p) for p in parts)
    text, variables = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})
    names = re.findall(r"\$\{([^}!]+)\}", text)
    values = {n: evaluated(variables[n]) if n in variables else PSEUDO_PARAMETERS.get(n, REFERENCE) for n in names}
    if REFERENCE in values.values():
        return REFERENCE
    return re.sub(r"\$\{([^}!]+)\}", lambda m: str(values[m[1]]), text)


def references_masked(value: Any) -> Any:
    """``value`` with every intrinsic function (a reference to another resource) as ``"<reference>"``."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in INTRINSICS:
            return "<reference>"
        return {k: references_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [references_masked(v) for v in value]
    return value


def _synthesized_cluster(module_text: str, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run a generated module as ``CDK_OUTDIR=OUT python MODULE``: its cluster and its template."""
    module = tmp_path / "cluster.py"
    module.write_text(module_text, encoding="utf-8")
    outdir = tmp_path / "out"
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, str(module)], env=env, check=True, capture_output=True, timeout=300)
    (template_file,) = outdir.glob("*.template.json")
    template = json.loads(template_file.read_text())
    (cluster,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]
    return cluster, template


def _authentication(cluster: dict[str, Any], template: dict[str, Any]) -> Any:
    """The ``AuthenticationConfiguration`` of the security configuration the cluster references."""
    target = cluster["Properties"]["SecurityConfiguration"]["Ref"]
    return template["Resources"][target]["Properties"]["SecurityConfiguration"].get("AuthenticationConfiguration")


def test_the_dev_app_cluster_round_trips(dev_app: Any, tmp_path: Path) -> None:
    """The app's own dev cluster (cdk.out): literal values equal, references stay references
    (to the resources cdk_emr creates again). One synth of the generated module (~5 s)."""
    cluster, template = _synthesized_cluster(generate(dev_app.outdir), tmp_path)
    (source,) = dev_app.resources("AWS::EMR::Cluster").values()
    actual = normalise(source["Properties"], copy.deepcopy(cluster["Properties"]))
    assert differences(evaluated(actual), evaluated(source["Properties"])) == []
    assert _authentication(cluster, template) == _authentication(source, dev_app.template)


def test_the_prod_app_cluster_round_trips(prod_app: Any, tmp_path: Path) -> None:
    """The app's prod cluster: Kerberos through the KDC stack's cluster (an external KDC whose
    host and admin-password secret are that stack's exports). The generated code imports both
    (``Fn.import_value``), so the KerberosAttributes and the security configuration's
    ``ExternalKdcConfiguration`` synthesize to the same values."""
    # The prod platform's first team cluster (analytics, the HA cluster with three primaries).
    logical_id = next(iter(prod_app.resources("AWS::EMR::Cluster")))
    text = generate(prod_app.outdir, cluster=f"{prod_app.stack_name}/{logical_id}")
    cluster, template = _synthesized_cluster(text, tmp_path)
    source = prod_app.resources("AWS::EMR::Cluster")[logical_id]
    actual = normalise(source["Properties"], copy.deepcopy(cluster["Properties"]))
    assert differences(evaluated(actual), evaluated(source["Properties"])) == []
    assert cluster["Properties"]["KerberosAttributes"] == source["Properties"]["KerberosAttributes"]
    assert _authentication(cluster, template) == _authentication(source, prod_app.template)
