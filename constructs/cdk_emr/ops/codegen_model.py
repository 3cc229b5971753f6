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
from cdk_emr.ops.codegen_context import CodegenError, Interpolated, _Context, configurations, flag, template_of, text
from cdk_emr.ops.codegen_read import ClusterSource
from cdk_emr.ops.codegen_write import Call, Module, Raw
from cdk_emr.release import Feature, ReleaseLabel, feature_windows, supports

__all__ = ["HANDLED", "CodegenError", "build_module"]

# Jars that cdk_emr's step classes render (EMR Management Guide, "Run commands and scripts on a cluster").
COMMAND_RUNNER = "command-runner.jar"


def build_module(source: ClusterSource, stack_name: str) -> Module:
    """The module that rebuilds ``source`` with :class:`cdk_emr.EmrCluster`."""
    module = Module(
        origin=source.origin,
        stack_name=stack_name,
        cluster=Call("EmrCluster", [Raw("self"), source.logical_id]),
        environment=source.environment,
    )
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
        kwargs={"min_capacity": int(limits["MinimumCapacityUnits"]), "max_capacity": int(limits["MaximumCapacityUnits"])},
    )
    for cfn, kw in (
        ("MaximumOnDemandCapacityUnits", "max_on_demand_capacity"),
        ("MaximumCoreCapacityUnits", "max_core_capacity"),
    ):
        if cfn in limits:
            scaling.kwargs[kw] = int(limits[cfn])
    if "UnitType" in limits:
        scaling.kwargs["unit"] = Call("ScalingUnit", [limits["UnitType"]])
    if "ScalingStrategy" in policy:
        c.use("ScalingStrategy")
        scaling.kwargs["strategy"] = Call("ScalingStrategy", [policy["ScalingStrategy"]])
    if "UtilizationPerformanceIndex" in policy:
        scaling.kwargs["utilization_performance_index"] = int(policy["UtilizationPerformanceIndex"])
    call.kwargs["managed_scaling"] = scaling


def _auto_termination(c: _Context, call: Call, value: Any) -> None:
    policy = c.resolve(value, "AutoTerminationPolicy")
    c.use("AutoTermination")
    c.module.cdk_imports.add("Duration")
    idle = Call("Duration.seconds", [int(policy["IdleTimeout"])])
    call.kwargs["auto_termination"] = Call("AutoTermination", kwargs={"idle_timeout": idle})


def _steps(c: _Context, call: Call, value: Any) -> None:
    call.kwargs["steps"] = [_step(c, step) for step in c.resolve(value, "Steps")]


def _step(c: _Context, step: dict[str, Any]) -> Call:
    jar_step = step["HadoopJarStep"]
    kwargs: dict[str, Any] = {"name": step["Name"]}
    if "ActionOnFailure" in step:
        c.use("ActionOnFailure")
        kwargs["action_on_failure"] = Raw(f"ActionOnFailure.{step['ActionOnFailure']}")
    args = [text(a) for a in jar_step.get("Args", [])]
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
            kwargs["args"] = [text(a) for a in script["Args"]]
        actions.append(Call("BootstrapAction", kwargs=kwargs))
    call.kwargs["bootstrap_actions"] = actions


def _tags(c: _Context, call: Call, value: Any) -> None:
    call.kwargs["tags"] = {t["Key"]: text(t["Value"]) for t in c.resolve(value, "Tags")}


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
        method = "from_role_arn" if _ARN.match(template_of(name)) else "from_role_name"
        role = c.setup(_snake(id), Call(f"iam.Role.{method}", [Raw("self"), id, name], {"mutable": False}))
        call.kwargs[keyword] = role

    return write


def _job_flow_role(c: _Context, call: Call, value: Any) -> None:
    if c.is_resource_reference(value):
        c.module.notes.append("JobFlowRole: the template's instance profile is replaced by cdk_emr's EmrInstanceRole profile.")
        return
    name = c.resolve(value, "JobFlowRole")
    c.module.cdk_imports.add("aws_iam")
    method = "from_instance_profile_arn" if _ARN.match(template_of(name)) else "from_instance_profile_name"
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
        method = "from_key_arn" if _ARN.match(template_of(arn)) else "from_lookup"
        if method == "from_lookup":
            raise CodegenError(f"{id}: {arn!r} is not a key ARN; codegen imports keys by ARN")
        call.kwargs[keyword] = c.setup(_snake(id), Call(f"kms.Key.{method}", [Raw("self"), id, arn]))

    return write


def _log_uri(c: _Context, call: Call, value: Any) -> None:
    if c.is_resource_reference(value):
        c.module.notes.append("LogUri: the template's log bucket is replaced by cdk_emr's (encrypted, retained, versioned).")
        return
    uri = template_of(c.resolve(value, "LogUri"))
    match = re.match(r"^s3n?://([^/]+)/?(.*)$", uri)
    if match is None:
        raise CodegenError(f"LogUri: {uri!r} is not an s3://bucket/prefix URI")
    c.module.cdk_imports.add("aws_s3")
    bucket = Interpolated.of(match[1])
    call.kwargs["log_bucket"] = c.setup("log_bucket", Call("s3.Bucket.from_bucket_name", [Raw("self"), "LogBucket", bucket]))
    call.kwargs["log_prefix"] = Interpolated.of(match[2])


def _security_configuration(c: _Context, call: Call, value: Any) -> None:
    """A template's own security configuration becomes cdk_emr's; one named by literal name is
    imported by that name (``EmrSecurityConfiguration.from_security_configuration_name``)."""
    if c.is_resource_reference(value):
        c.module.notes.append(
            "SecurityConfiguration: the template's is replaced by cdk_emr's EmrSecurityConfiguration "
            "(KMS at rest, TLS in transit; with the source's Kerberos settings when it has them)."
        )
        return
    name = c.resolve(value, "SecurityConfiguration")
    c.use("EmrSecurityConfiguration")
    document = c.source.security_configurations.get(template_of(name))
    key_arn = _kms_key_arn(document) if document is not None else None
    comments = {}
    if key_arn is not None:
        c.module.cdk_imports.add("aws_kms")
        key = c.setup(
            "security_configuration_key", Call("kms.Key.from_key_arn", [Raw("self"), "SecurityConfigurationKey", key_arn])
        )
    else:
        c.use("create_emr_key")
        key = c.setup("encryption_key", Call("create_emr_key", [Raw("self"), "Key"]))
        comments["encryption_key"] = (
            f"encryption_key: the key security configuration {template_of(name)!r} encrypts with is not in the source;\n"
            "pass it (kms.Key.from_key_arn(...)) so the cluster's roles can use it: cdk_emr's own key meanwhile"
        )
    imported = Call(
        "EmrSecurityConfiguration.from_security_configuration_name",
        [Raw("self"), "SecurityConfiguration", name],
        {"encryption_key": key},
        comments,
    )
    if document is not None and document.get("InstanceMetadataServiceConfiguration", {}).get(
        "MinimumInstanceMetadataServiceVersion"
    ) in (2, "2"):
        imported.kwargs["require_imdsv2"] = True
    c.imported_security_configuration = imported
    call.kwargs["security_configuration"] = c.setup("security_configuration", imported)


def _kms_key_arn(document: dict[str, Any]) -> str | None:
    """The KMS key ARN a security configuration's at-rest encryption names (S3, then local disks)."""
    at_rest = (document.get("EncryptionConfiguration") or {}).get("AtRestEncryptionConfiguration") or {}
    for part in ("S3EncryptionConfiguration", "LocalDiskEncryptionConfiguration"):
        key = (at_rest.get(part) or {}).get("AwsKmsKey")
        if isinstance(key, str) and _ARN.match(key) and ":key/" in key:
            return key
    return None


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
    """``KerberosAttributes`` and the security configuration's ``KerberosConfiguration`` -> ``Kerberos``.

    The KDC's kind, a cross-realm trust's realm and servers live in the security configuration
    (EMR Management Guide, "Kerberos architecture options"); the realm and the passwords in the
    cluster's ``KerberosAttributes`` (EMR API, ``KerberosAttributes``). Passwords are Secrets
    Manager references (``{{resolve:secretsmanager:...}}``), imported, never written out.
    """
    attributes = value if isinstance(value, dict) else {}
    unknown = sorted(set(attributes) - set(_KERBEROS_ATTRIBUTES))
    if unknown:
        raise CodegenError(f"KerberosAttributes: codegen cannot write {', '.join(unknown)} yet")
    document = _security_document(c)
    if document is None and isinstance(c.source.properties.get("SecurityConfiguration"), str):
        c.module.notes.append(
            "KerberosAttributes: security configuration "
            f"{c.source.properties['SecurityConfiguration']!r} is not in the source, so its KDC is taken as the "
            "cluster's own (Kerberos.cluster_dedicated_kdc); for an external KDC write Kerberos.external_kdc(...), "
            "or run codegen on the cluster id to read it."
        )
    kerberos = ((document or {}).get("AuthenticationConfiguration") or {}).get("KerberosConfiguration") or {}
    provider = kerberos.get("Provider", "ClusterDedicatedKdc")
    c.use("Kerberos")
    realm = c.resolve(attributes["Realm"], "KerberosAttributes.Realm")
    admin_password = _secret(c, attributes.get("KdcAdminPassword"), "KdcAdminPassword")
    if provider == "ExternalKdc":
        external = kerberos.get("ExternalKdcConfiguration") or {}
        unsupported = sorted(set(external) - {"KdcServerType", "AdminServer", "KdcServer"})
        if unsupported or external.get("KdcServerType", "Single") != "Single":
            raise CodegenError(
                f"KerberosConfiguration.ExternalKdcConfiguration: cdk_emr writes a single external KDC, "
                f"not {', '.join(unsupported) or external.get('KdcServerType')}"
            )
        if admin_password is None:
            raise CodegenError(
                "KerberosAttributes.KdcAdminPassword: an external KDC's admin password must be the KDC's own; "
                "the source references no secret holding it (for a cluster id: --kdc-admin-password-secret)"
            )
        result = Call(
            "Kerberos.external_kdc",
            kwargs={
                "realm": realm,
                "kdc_server": _host(c, external.get("KdcServer"), 88, "KdcServer"),
                "admin_server": _host(c, external.get("AdminServer"), 749, "AdminServer"),
                "admin_password": admin_password,
            },
        )
    elif provider == "ClusterDedicatedKdc":
        dedicated = kerberos.get("ClusterDedicatedKdcConfiguration") or {}
        kwargs: dict[str, Any] = {"realm": realm}
        if admin_password is not None:
            kwargs["admin_password"] = admin_password
        elif "KdcAdminPassword" not in attributes:
            c.module.notes.append(
                "KdcAdminPassword: the source names no secret (the EMR API never returns it); cdk_emr generates one "
                "for the new cluster's KDC (--kdc-admin-password-secret names an existing one)."
            )
        if "TicketLifetimeInHours" in dedicated:
            kwargs["ticket_lifetime_hours"] = int(c.resolve(dedicated["TicketLifetimeInHours"], "TicketLifetimeInHours"))
        trust = dedicated.get("CrossRealmTrustConfiguration")
        if trust is None and "CrossRealmTrustPrincipalPassword" in attributes:
            raise CodegenError(
                "KerberosAttributes.CrossRealmTrustPrincipalPassword: the trust's realm, domain and servers live in the "
                "security configuration, which the source does not hold; run codegen on the cluster id (j-...) to read it"
            )
        if trust is not None:
            kwargs["cross_realm_trust"] = _cross_realm_trust(c, trust, attributes)
        elif "ADDomainJoinUser" in attributes or "ADDomainJoinPassword" in attributes:
            raise CodegenError(
                "KerberosAttributes.ADDomainJoinUser: an AD domain join belongs to a cross-realm trust, and the "
                "source's security configuration has none (or the source does not hold it)"
            )
        result = Call("Kerberos.cluster_dedicated_kdc", kwargs=kwargs)
    else:
        raise CodegenError(f"KerberosConfiguration.Provider: {provider!r} is neither ClusterDedicatedKdc nor ExternalKdc")
    imported = c.imported_security_configuration
    if imported is not None:
        imported.kwargs["kerberos"] = result
        # the import now uses the secrets set up above: it moves after them
        c.module.setup.sort(key=lambda entry: entry[1] is imported)
    else:
        call.kwargs["kerberos"] = result


_KERBEROS_ATTRIBUTES = (
    "Realm",
    "KdcAdminPassword",
    "CrossRealmTrustPrincipalPassword",
    "ADDomainJoinUser",
    "ADDomainJoinPassword",
)
"""``AWS::EMR::Cluster.KerberosAttributes`` (CloudFormation resource schema)."""


def _cross_realm_trust(c: _Context, trust: dict[str, Any], attributes: dict[str, Any]) -> Call:
    """``CrossRealmTrustConfiguration`` and the trust's passwords -> ``CrossRealmTrust(...)``."""
    c.use("CrossRealmTrust")
    principal_password = _secret(c, attributes.get("CrossRealmTrustPrincipalPassword"), "CrossRealmTrustPrincipalPassword")
    if principal_password is None:
        raise CodegenError(
            "KerberosAttributes.CrossRealmTrustPrincipalPassword: a cross-realm trust needs its password's secret "
            "(for a cluster id: --cross-realm-trust-password-secret)"
        )
    kwargs: dict[str, Any] = {
        "realm": c.resolve(trust["Realm"], "CrossRealmTrustConfiguration.Realm"),
        "domain": c.resolve(trust["Domain"], "CrossRealmTrustConfiguration.Domain"),
        "admin_server": c.resolve(trust["AdminServer"], "CrossRealmTrustConfiguration.AdminServer"),
        "kdc_server": c.resolve(trust["KdcServer"], "CrossRealmTrustConfiguration.KdcServer"),
        "principal_password": principal_password,
    }
    if "ADDomainJoinUser" in attributes:
        kwargs["ad_domain_join_user"] = c.resolve(attributes["ADDomainJoinUser"], "KerberosAttributes.ADDomainJoinUser")
        kwargs["ad_domain_join_password"] = _secret(c, attributes.get("ADDomainJoinPassword"), "ADDomainJoinPassword")
    return Call("CrossRealmTrust", kwargs=kwargs)


_DYNAMIC_REFERENCE = re.compile(r"^\{\{resolve:secretsmanager:(.+?)(:SecretString(?::[^:}]*){0,3})?\}\}$")
"""A Secrets Manager dynamic reference (CloudFormation User Guide, "Get values stored in other
services using dynamic references"): ``{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}``."""


def _secret(c: _Context, value: Any, name: str) -> Raw | None:
    """A password attribute as an imported secret; None when absent or a secret of the template
    (cdk_emr then generates its own, said in the notes). A plain-text password stops codegen."""
    if value is None:
        return None
    if c.is_resource_reference(value) and not c.is_export(value):
        c.module.notes.append(f"{name}: the template's secret is replaced by a secret cdk_emr generates.")
        return None
    reference = _DYNAMIC_REFERENCE.match(template_of(c.resolve(value, f"KerberosAttributes.{name}")))
    if reference is None:
        raise CodegenError(f"KerberosAttributes.{name}: a plain-text password; keep it in Secrets Manager and reference it")
    if (reference[2] or "").removeprefix(":SecretString").strip(":"):
        raise CodegenError(f"KerberosAttributes.{name}: a secret's JSON key or version; cdk_emr references the whole secret")
    c.module.cdk_imports.add("aws_secretsmanager")
    secret_id = Interpolated.of(reference[1])
    if isinstance(secret_id, Interpolated) or _COMPLETE_SECRET_ARN.match(secret_id):
        method = "from_secret_complete_arn"
    else:
        method = "from_secret_partial_arn" if _ARN.match(secret_id) else "from_secret_name_v2"
    return c.setup(_snake(name), Call(f"secretsmanager.Secret.{method}", [Raw("self"), name, secret_id]))


_COMPLETE_SECRET_ARN = re.compile(r"^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:.+-[A-Za-z0-9]{6}$")
"""A secret's complete ARN ends in the 6 random characters Secrets Manager appends to its name."""


def _host(c: _Context, value: Any, default_port: int, name: str) -> Any:
    """An external KDC's ``host:port`` as cdk_emr takes it: the host, without the standard port."""
    if value is None:
        raise CodegenError(f"ExternalKdcConfiguration.{name}: required with an external KDC")
    address = c.resolve(value, f"ExternalKdcConfiguration.{name}")
    text_form = template_of(address)
    if text_form.endswith(f":{default_port}"):
        return Interpolated.of(text_form.removesuffix(f":{default_port}"))
    if isinstance(address, Interpolated):
        raise CodegenError(
            f"ExternalKdcConfiguration.{name}: {text_form!r}; a computed host takes the standard port {default_port}"
        )
    return address


def _security_document(c: _Context) -> dict[str, Any] | None:
    """The cluster's security configuration JSON: its template resource's, or the one the source
    read by name (the EMR API); None when the source does not hold it."""
    reference = c.source.properties.get("SecurityConfiguration")
    if isinstance(reference, str):
        return c.source.security_configurations.get(reference)
    resources = c.source.template.get("Resources") or {}
    target = reference.get("Ref") if isinstance(reference, dict) else None
    resource = resources.get(target) if isinstance(target, str) else None
    if not isinstance(resource, dict):
        return None
    document = (resource.get("Properties") or {}).get("SecurityConfiguration")
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as error:
            raise CodegenError(f"SecurityConfiguration {target}: its JSON does not parse: {error}") from None
    return document if isinstance(document, dict) else None


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
    "VisibleToAllUsers": _plain("visible_to_all_users", lambda v: flag(v, "VisibleToAllUsers")),
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
    """Say which of cdk_emr's defaults the source lacks, next to the change that drops each; a
    default the source's release cannot have (release gates of :mod:`cdk_emr.release`) is dropped,
    said the same way."""
    props = c.source.properties
    release = _release_of(c)
    if "AutoTerminationPolicy" not in props:
        if release is not None and not supports(release, Feature.AUTO_TERMINATION):
            call.comments["auto_termination"] = (
                f"auto_termination=None: {release.label} has no auto-termination "
                f"({feature_windows(Feature.AUTO_TERMINATION)}),\nso cdk_emr's idle default cannot be kept"
            )
            call.kwargs["auto_termination"] = Raw("None")
        else:
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
        if release is not None and not supports(release, Feature.IMDSV2_ONLY):
            c.use("EmrSecurityConfiguration", "create_emr_key")
            key = c.setup("encryption_key", Call("create_emr_key", [Raw("self"), "Key"]))
            call.kwargs["encryption_key"] = key
            call.kwargs["security_configuration"] = c.setup(
                "security_configuration",
                Call(
                    "EmrSecurityConfiguration",
                    [Raw("self"), "SecurityConfiguration"],
                    {"encryption_key": key, "require_imdsv2": False},
                    {
                        "require_imdsv2": f"require_imdsv2=False: {release.label} starts its nodes with IMDSv1 on "
                        f"\n({feature_windows(Feature.IMDSV2_ONLY)} do not), so cdk_emr's IMDSv2 default cannot be kept"
                    },
                ),
            )


def _release_of(c: _Context) -> ReleaseLabel | None:
    """The source's release, when it is a literal cdk_emr can read."""
    try:
        return ReleaseLabel.of(str(c.resolve(c.source.properties.get("ReleaseLabel"), "ReleaseLabel")))
    except (CodegenError, ValueError):
        return None
