"""``AWS::EMR::Cluster`` properties -> the ``EmrCluster(...)`` call that synthesizes them.

Each CloudFormation property maps to the typed API path :mod:`cdk_emr.coverage` names for it
(``AWS::EMR::Cluster.ReleaseLabel`` -> ``EmrCluster.release_label`` ...); :data:`HANDLED` lists
the cluster properties written here, and a property outside it stops codegen with an error that
names it, so nothing is dropped silently. Literal ids and names (roles, subnets, security
groups, buckets, keys) stay references: imported, never recreated. Values that reference other
resources of the template keep cdk_emr's own construct for that role, with a comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from cdk_emr.ops.codegen_capacity import instances
from cdk_emr.ops.codegen_context import ARN as _ARN
from cdk_emr.ops.codegen_context import CodegenError, _Context, configurations
from cdk_emr.ops.codegen_read import ClusterSource
from cdk_emr.ops.codegen_write import Call, Module, Raw

__all__ = ["HANDLED", "CodegenError", "build_module"]

# Jars that cdk_emr's step classes render (EMR Management Guide, "Run commands and scripts on a cluster").
COMMAND_RUNNER = "command-runner.jar"


def build_module(source: ClusterSource, stack_name: str) -> Module:
    """The module that rebuilds ``source`` with :class:`cdk_emr.EmrCluster`."""
    module = Module(origin=source.origin, stack_name=stack_name, cluster=Call("EmrCluster", [Raw("self"), source.logical_id]))
    context = _Context(source, module)
    unknown = sorted(set(source.properties) - set(HANDLED))
    if unknown:
        raise CodegenError(f"{source.logical_id}: codegen cannot write {', '.join(unknown)} yet")
    cluster = module.cluster
    for name in HANDLED:
        if name in source.properties:
            HANDLED[name](context, cluster, source.properties[name])
    _secure_defaults(context, cluster)
    return module


# --- one function per AWS::EMR::Cluster property -------------------------------------------------


def _name(c: _Context, call: Call, value: Any) -> None:
    call.kwargs["cluster_name"] = c.resolve(value, "Name")


def _release(c: _Context, call: Call, value: Any) -> None:
    c.use("ReleaseLabel")
    call.kwargs["release_label"] = Call("ReleaseLabel.of", [c.resolve(value, "ReleaseLabel")])


def _applications(c: _Context, call: Call, value: Any) -> None:
    c.use("Application")
    apps = c.resolve(value, "Applications")
    extra = sorted({k for app in apps for k in app} - {"Name"})
    if extra:
        raise CodegenError(f"Applications: {', '.join(extra)} are not written by codegen (see docs/coverage.md)")
    call.kwargs["applications"] = [Call("Application", [app["Name"]]) for app in apps]


def _configurations(c: _Context, call: Call, value: Any) -> None:
    call.kwargs["configurations"] = configurations(c, c.resolve(value, "Configurations"))


def _managed_scaling(c: _Context, call: Call, value: Any) -> None:
    policy = c.resolve(value, "ManagedScalingPolicy")
    limits = policy.get("ComputeLimits", {})
    c.use("ManagedScaling", "ScalingUnit")
    scaling = Call(
        "ManagedScaling",
        kwargs={"min_capacity": limits["MinimumCapacityUnits"], "max_capacity": limits["MaximumCapacityUnits"]},
    )
    for cfn, kw in (
        ("MaximumOnDemandCapacityUnits", "max_on_demand_capacity"),
        ("MaximumCoreCapacityUnits", "max_core_capacity"),
    ):
        if cfn in limits:
            scaling.kwargs[kw] = limits[cfn]
    if "UnitType" in limits:
        scaling.kwargs["unit"] = Call("ScalingUnit", [limits["UnitType"]])
    if "ScalingStrategy" in policy:
        c.use("ScalingStrategy")
        scaling.kwargs["strategy"] = Call("ScalingStrategy", [policy["ScalingStrategy"]])
    if "UtilizationPerformanceIndex" in policy:
        scaling.kwargs["utilization_performance_index"] = policy["UtilizationPerformanceIndex"]
    call.kwargs["managed_scaling"] = scaling


def _auto_termination(c: _Context, call: Call, value: Any) -> None:
    policy = c.resolve(value, "AutoTerminationPolicy")
    c.use("AutoTermination")
    c.module.cdk_imports.add("Duration")
    idle = Call("Duration.seconds", [policy["IdleTimeout"]])
    call.kwargs["auto_termination"] = Call("AutoTermination", kwargs={"idle_timeout": idle})


def _steps(c: _Context, call: Call, value: Any) -> None:
    call.kwargs["steps"] = [_step(c, step) for step in c.resolve(value, "Steps")]


def _step(c: _Context, step: dict[str, Any]) -> Call:
    jar_step = step["HadoopJarStep"]
    kwargs: dict[str, Any] = {"name": step["Name"]}
    if "ActionOnFailure" in step:
        c.use("ActionOnFailure")
        kwargs["action_on_failure"] = Raw(f"ActionOnFailure.{step['ActionOnFailure']}")
    args = [str(a) for a in jar_step.get("Args", [])]
    if jar_step["Jar"] == COMMAND_RUNNER and not jar_step.get("MainClass") and not jar_step.get("StepProperties") and args:
        c.use("CommandStep")
        return Call("CommandStep", kwargs={**kwargs, "command": args})
    c.use("JarStep", "ScriptSource")
    kwargs["jar"] = Call("ScriptSource.from_s3_uri", [jar_step["Jar"]])
    if jar_step.get("MainClass"):
        kwargs["main_class"] = jar_step["MainClass"]
    if args:
        kwargs["args"] = args
    if jar_step.get("StepProperties"):
        kwargs["properties"] = {p["Key"]: p["Value"] for p in jar_step["StepProperties"]}
    return Call("JarStep", kwargs=kwargs)


def _bootstrap_actions(c: _Context, call: Call, value: Any) -> None:
    c.use("BootstrapAction", "ScriptSource")
    actions = []
    for action in c.resolve(value, "BootstrapActions"):
        script = action["ScriptBootstrapAction"]
        kwargs: dict[str, Any] = {"name": action["Name"], "script": Call("ScriptSource.from_s3_uri", [script["Path"]])}
        if script.get("Args"):
            kwargs["args"] = [str(a) for a in script["Args"]]
        actions.append(Call("BootstrapAction", kwargs=kwargs))
    call.kwargs["bootstrap_actions"] = actions


def _tags(c: _Context, call: Call, value: Any) -> None:
    call.kwargs["tags"] = {t["Key"]: str(t["Value"]) for t in c.resolve(value, "Tags")}


def _plain(keyword: str, convert: Callable[[Any], Any] = lambda v: v) -> Callable[[_Context, Call, Any], None]:
    def write(c: _Context, call: Call, value: Any) -> None:
        call.kwargs[keyword] = convert(c.resolve(value, keyword))

    return write


def _scale_down(c: _Context, call: Call, value: Any) -> None:
    c.use("ScaleDownBehavior")
    call.kwargs["scale_down_behavior"] = Raw(f"ScaleDownBehavior.{c.resolve(value, 'ScaleDownBehavior')}")


def _role(keyword: str, id: str) -> Callable[[_Context, Call, Any], None]:
    def write(c: _Context, call: Call, value: Any) -> None:
        if c.is_resource_reference(value):
            call.comments[keyword] = f"{keyword}: the source's {id} is a resource of its template; cdk_emr creates its own"
            c.module.notes.append(f"{id}: the template's role is replaced by cdk_emr's (least-privilege) role.")
            return
        name = c.resolve(value, id)
        c.module.cdk_imports.add("aws_iam")
        method = "from_role_arn" if _ARN.match(name) else "from_role_name"
        role = c.setup(_snake(id), Call(f"iam.Role.{method}", [Raw("self"), id, name], {"mutable": False}))
        call.kwargs[keyword] = role

    return write


def _job_flow_role(c: _Context, call: Call, value: Any) -> None:
    if c.is_resource_reference(value):
        c.module.notes.append("JobFlowRole: the template's instance profile is replaced by cdk_emr's EmrInstanceRole profile.")
        return
    name = c.resolve(value, "JobFlowRole")
    c.module.cdk_imports.add("aws_iam")
    method = "from_instance_profile_arn" if _ARN.match(name) else "from_instance_profile_name"
    call.kwargs["instance_profile"] = c.setup(
        "instance_profile", Call(f"iam.InstanceProfile.{method}", [Raw("self"), "InstanceProfile", name])
    )


def _key(keyword: str, id: str) -> Callable[[_Context, Call, Any], None]:
    def write(c: _Context, call: Call, value: Any) -> None:
        if c.is_resource_reference(value):
            c.module.notes.append(f"{id}: the template's key is replaced by cdk_emr's own (rotated, retained).")
            return
        arn = c.resolve(value, id)
        c.module.cdk_imports.add("aws_kms")
        method = "from_key_arn" if _ARN.match(arn) else "from_lookup"
        if method == "from_lookup":
            raise CodegenError(f"{id}: {arn!r} is not a key ARN; codegen imports keys by ARN")
        call.kwargs[keyword] = c.setup(_snake(id), Call(f"kms.Key.{method}", [Raw("self"), id, arn]))

    return write


def _log_uri(c: _Context, call: Call, value: Any) -> None:
    if c.is_resource_reference(value):
        c.module.notes.append("LogUri: the template's log bucket is replaced by cdk_emr's (encrypted, retained, versioned).")
        return
    uri = c.resolve(value, "LogUri")
    match = re.match(r"^s3n?://([^/]+)/?(.*)$", uri)
    if match is None:
        raise CodegenError(f"LogUri: {uri!r} is not an s3://bucket/prefix URI")
    c.module.cdk_imports.add("aws_s3")
    call.kwargs["log_bucket"] = c.setup("log_bucket", Call("s3.Bucket.from_bucket_name", [Raw("self"), "LogBucket", match[1]]))
    call.kwargs["log_prefix"] = match[2]


def _security_configuration(c: _Context, call: Call, value: Any) -> None:
    name = value if isinstance(value, str) else None
    if c.is_resource_reference(value):
        c.module.notes.append(
            "SecurityConfiguration: the template's is replaced by cdk_emr's EmrSecurityConfiguration "
            "(KMS at rest, TLS in transit; with the source's Kerberos realm when it has one)."
        )
        return
    c.module.notes.append(
        "SecurityConfiguration: cdk_emr cannot import an existing security configuration by name"
        + (f" ({name!r})" if name else "")
        + "; the cluster gets cdk_emr's EmrSecurityConfiguration (at-rest and in-transit encryption) instead."
    )
    call.comments["security_configuration"] = (
        f"security_configuration: the source's is {name!r}; cdk_emr cannot import one by name, so its own\n"
        "EmrSecurityConfiguration (KMS at rest, TLS in transit) is used: pass an EmrSecurityConfiguration to change it"
        if name
        else "security_configuration: the source's is a resource of its template; cdk_emr creates its own EmrSecurityConfiguration"
    )


def _custom_ami(c: _Context, call: Call, value: Any) -> None:
    call.kwargs["custom_ami"] = c.resolve(value, "CustomAmiId")


def _placement_groups(c: _Context, call: Call, value: Any) -> None:
    configs = c.resolve(value, "PlacementGroupConfigs")
    if configs == [{"InstanceRole": "MASTER", "PlacementStrategy": "SPREAD"}]:
        call.kwargs["spread_primary_nodes"] = True
    elif configs:
        raise CodegenError(
            f"PlacementGroupConfigs: {configs!r}; cdk_emr offers a SPREAD group for the primary nodes only (spread_primary_nodes)"
        )


def _kerberos(c: _Context, call: Call, value: Any) -> None:
    """``KerberosAttributes`` -> ``kerberos=Kerberos.cluster_dedicated_kdc(...)``.

    The KDC's kind lives in the security configuration (EMR Management Guide, "Kerberos
    architecture options"): read from it when it is a resource of the template.
    """
    attributes = value if isinstance(value, dict) else {}
    unsupported = sorted(set(attributes) - {"Realm", "KdcAdminPassword"})
    if unsupported:
        raise CodegenError(
            f"KerberosAttributes: codegen does not write {', '.join(unsupported)} yet (cross-realm trust, AD join)"
        )
    provider = _kdc_provider(c)
    if provider != "ClusterDedicatedKdc":
        raise CodegenError(f"KerberosAttributes: codegen writes a cluster-dedicated KDC only, not {provider}")
    c.use("Kerberos")
    kwargs: dict[str, Any] = {"realm": c.resolve(attributes["Realm"], "KerberosAttributes.Realm")}
    password = attributes.get("KdcAdminPassword")
    if c.is_resource_reference(password):
        c.module.notes.append("KdcAdminPassword: the template's secret is replaced by a secret cdk_emr generates.")
    elif password is not None:
        reference = re.match(
            r"^\{\{resolve:secretsmanager:([^:}]+(?::[^:}]+){0,6}?)(?::SecretString.*)?\}\}$",
            str(c.resolve(password, "KdcAdminPassword")),
        )
        if reference is None:
            raise CodegenError(
                "KerberosAttributes.KdcAdminPassword: a plain-text password; keep it in Secrets Manager and reference it"
            )
        c.module.cdk_imports.add("aws_secretsmanager")
        secret_id = reference[1]
        method = "from_secret_complete_arn" if _ARN.match(secret_id) else "from_secret_name_v2"
        kwargs["admin_password"] = c.setup(
            "kdc_admin_password", Call(f"secretsmanager.Secret.{method}", [Raw("self"), "KdcAdminPassword", secret_id])
        )
    if "SecurityConfiguration" not in c.source.properties or c.is_resource_reference(
        c.source.properties["SecurityConfiguration"]
    ):
        call.kwargs["kerberos"] = Call("Kerberos.cluster_dedicated_kdc", kwargs=kwargs)
    else:
        raise CodegenError(
            "KerberosAttributes: with a security configuration named by literal name, codegen cannot keep its Kerberos settings"
        )


def _kdc_provider(c: _Context) -> str:
    """The KDC provider of the template's security configuration (default: cluster-dedicated)."""
    reference = c.source.properties.get("SecurityConfiguration")
    resources = c.source.template.get("Resources") or {}
    target = reference.get("Ref") if isinstance(reference, dict) else None
    resource = resources.get(target) if isinstance(target, str) else None
    if not isinstance(resource, dict):
        return "ClusterDedicatedKdc"
    document = (resource.get("Properties") or {}).get("SecurityConfiguration")
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return "ClusterDedicatedKdc"
    kerberos = ((document or {}).get("AuthenticationConfiguration") or {}).get("KerberosConfiguration") or {}
    return str(kerberos.get("Provider", "ClusterDedicatedKdc"))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


HANDLED: dict[str, Callable[[_Context, Call, Any], None]] = {
    "Name": _name,
    "ReleaseLabel": _release,
    "Applications": _applications,
    "Configurations": _configurations,
    "Instances": instances,
    "ManagedScalingPolicy": _managed_scaling,
    "AutoTerminationPolicy": _auto_termination,
    "Steps": _steps,
    "BootstrapActions": _bootstrap_actions,
    "Tags": _tags,
    "StepConcurrencyLevel": _plain("step_concurrency_level", int),
    "EbsRootVolumeSize": _plain("ebs_root_volume_size_gib", int),
    "EbsRootVolumeIops": _plain("ebs_root_volume_iops", int),
    "EbsRootVolumeThroughput": _plain("ebs_root_volume_throughput_mib", int),
    "OSReleaseLabel": _plain("os_release_label"),
    "VisibleToAllUsers": _plain("visible_to_all_users", bool),
    "AdditionalInfo": _plain("additional_info"),
    "CustomAmiId": _custom_ami,
    "ScaleDownBehavior": _scale_down,
    "ServiceRole": _role("service_role", "ServiceRole"),
    "AutoScalingRole": _role("auto_scaling_role", "AutoScalingRole"),
    "JobFlowRole": _job_flow_role,
    "LogUri": _log_uri,
    "LogEncryptionKmsKeyId": _key("log_encryption_key", "LogEncryptionKmsKeyId"),
    "SecurityConfiguration": _security_configuration,
    "KerberosAttributes": _kerberos,
    "PlacementGroupConfigs": _placement_groups,
}
"""The ``AWS::EMR::Cluster`` properties codegen writes, in the order it writes them."""


def _secure_defaults(c: _Context, call: Call) -> None:
    """Say which of cdk_emr's defaults the source lacks, next to the change that drops each."""
    props = c.source.properties
    if "AutoTerminationPolicy" not in props:
        call.comments["auto_termination"] = (
            "cdk_emr default kept: terminate after one idle hour (the source has no AutoTerminationPolicy);\n"
            "auto_termination=None keeps the cluster running"
        )
        call.kwargs["auto_termination"] = Raw("AutoTermination()")
        c.use("AutoTermination")
    if "LogUri" not in props:
        c.module.notes.append(
            "LogUri: the source has none; cdk_emr keeps logs in its encrypted, retained bucket (no option drops it)."
        )
    if "SecurityConfiguration" not in props:
        c.module.notes.append(
            "SecurityConfiguration: the source has none; cdk_emr adds its EmrSecurityConfiguration "
            "(KMS at rest, TLS in transit; no option drops it)."
        )
