"""``cdk-emr codegen`` keeps what a template references by value: pseudo parameters (``!Sub``,
``Fn::Join``) become ``Aws.*`` tokens, a security configuration named by its name is imported,
not recreated, and Kerberos settings (cross-realm trust, AD join, external KDC) come from the
security configuration's JSON with their passwords as imported secrets.

Every template here is generated, run (``python FILE`` semantics) and synthesized in one child
process per test module; expected values are the source template's, evaluated for one deployment
(:func:`test_codegen_roundtrip.evaluated`, CloudFormation User Guide "Pseudo parameters reference").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
import yaml
from test_codegen_roundtrip import RUNNER, differences, evaluated

from cdk_emr import EmrCluster, EmrSecurityConfiguration, EmrValidationError, Kerberos, ReleaseLabel
from cdk_emr.ops.codegen import CodegenError, generate
from cdk_emr.ops.codegen_read import read_cluster

PSEUDO = """
Resources:
  Cluster:
    Type: AWS::EMR::Cluster
    Properties:
      Name: !Sub analytics-${AWS::Region}
      ReleaseLabel: emr-7.5.0
      ServiceRole: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/EMR_DefaultRole
      JobFlowRole: !Join ["", ["arn:", !Ref AWS::Partition, ":iam::", !Ref AWS::AccountId, ":instance-profile/EMR_EC2_DefaultRole"]]
      LogUri: !Sub s3://logs-${AWS::AccountId}-${AWS::Region}/emr/
      Configurations:
        - Classification: spark-defaults
          ConfigurationProperties:
            spark.hadoop.fs.s3.endpoint: !Sub s3.${AWS::Region}.${AWS::URLSuffix}
      Tags:
        - Key: region
          Value: !Ref AWS::Region
      Instances:
        MasterInstanceGroup: {InstanceCount: 1, InstanceType: m5.xlarge}
        CoreInstanceGroup: {InstanceCount: 2, InstanceType: m5.xlarge}
"""

# The CloudFormation User Guide's "Create a cluster with Kerberos authentication" example
# (awsdocs/aws-cloudformation-user-guide @ 19dc52cd, doc_source/aws-resource-elasticmapreduce-cluster.md):
# its security configuration and KerberosAttributes, with the example's plain-text passwords as
# Secrets Manager references (cdk_emr refuses plain-text passwords) and an AD join user added
# (EMR API KerberosAttributes: ADDomainJoinUser/ADDomainJoinPassword).
CROSS_REALM = """
Resources:
  cluster:
    Type: AWS::EMR::Cluster
    Properties:
      Name: CFNtest2
      ReleaseLabel: emr-6.15.0
      JobFlowRole: EMR_EC2_DefaultRole
      ServiceRole: EMR_DefaultRole
      KerberosAttributes:
        CrossRealmTrustPrincipalPassword: "{{resolve:secretsmanager:cross-realm-trust}}"
        KdcAdminPassword: "{{resolve:secretsmanager:kdc-admin}}"
        Realm: EC2.INTERNAL
        ADDomainJoinUser: join-user
        ADDomainJoinPassword: "{{resolve:secretsmanager:ad-join}}"
      SecurityConfiguration: !Ref securityConfiguration
      Instances:
        MasterInstanceGroup: {InstanceCount: 1, InstanceType: m5.xlarge, Market: ON_DEMAND, Name: cfnMaster}
        CoreInstanceGroup: {InstanceCount: 1, InstanceType: m5.xlarge, Market: ON_DEMAND, Name: cfnCore}
  securityConfiguration:
    Type: AWS::EMR::SecurityConfiguration
    Properties:
      SecurityConfiguration:
        AuthenticationConfiguration:
          KerberosConfiguration:
            Provider: ClusterDedicatedKdc
            ClusterDedicatedKdcConfiguration:
              TicketLifetimeInHours: 24
              CrossRealmTrustConfiguration:
                Realm: AD.DOMAIN.COM
                Domain: ad.domain.com
                AdminServer: ad.domain.com
                KdcServer: ad.domain.com
"""

# A security configuration named by its name, with an external KDC whose admin password is a
# secret named by ARN (EMR Management Guide, "External KDC"; the secret's complete ARN form).
NAMED = """
Resources:
  Cluster:
    Type: AWS::EMR::Cluster
    Properties:
      Name: named-configuration
      ReleaseLabel: emr-7.5.0
      ServiceRole: EMR_DefaultRole
      JobFlowRole: EMR_EC2_DefaultRole
      SecurityConfiguration: corp-emr-kerberos
      KerberosAttributes:
        Realm: CORP.EXAMPLE.COM
        KdcAdminPassword: "{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:111122223333:secret:kdc-AbCdEf:SecretString:::}}"
      Instances:
        MasterInstanceGroup: {InstanceCount: 1, InstanceType: m5.xlarge}
        CoreInstanceGroup: {InstanceCount: 2, InstanceType: m5.xlarge}
"""

SOURCES = {"pseudo": PSEUDO, "cross_realm": CROSS_REALM, "named": NAMED}


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each source's generated text and synthesized template (one child process)."""
    work = tmp_path_factory.mktemp("references")
    argv: list[str] = []
    texts = {}
    for name, text in SOURCES.items():
        source = work / f"{name}.yaml"
        source.write_text(text, encoding="utf-8")
        texts[name] = generate(source)
        (work / f"{name}.py").write_text(texts[name], encoding="utf-8")
        argv += [str(work / f"{name}.py"), str(work / f"{name}.out")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", RUNNER, *argv], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    out = {}
    for name in SOURCES:
        (template_file,) = (work / f"{name}.out").glob("*.template.json")
        out[name] = (texts[name], json.loads(template_file.read_text()))
    return out


def _cluster(template: dict[str, Any]) -> dict[str, Any]:
    (cluster,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]
    return cluster["Properties"]


def _source(name: str, tmp_path: Path) -> dict[str, Any]:
    """The source cluster's properties, short forms in long form (as codegen reads them)."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(SOURCES[name], encoding="utf-8")
    return read_cluster(path).properties


def test_pseudo_parameters_synthesize_to_the_same_values(synthesized: dict[str, Any], tmp_path: Path) -> None:
    """``!Sub``/``Fn::Join`` with AWS::Region, AccountId, Partition and URLSuffix: the generated
    code writes ``Aws.REGION``... and every such value evaluates equal in a deployment."""
    text, template = synthesized["pseudo"]
    assert 'f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/EMR_DefaultRole"' in text
    assert 'f"logs-{Aws.ACCOUNT_ID}-{Aws.REGION}"' in text
    source, actual = evaluated(_source("pseudo", tmp_path)), evaluated(_cluster(template))
    for key in ("Name", "ServiceRole", "LogUri", "Configurations"):
        assert differences(actual[key], source[key]) == [], key
    # an instance profile's ARN or name (EMR API RunJobFlow JobFlowRole): cdk_emr writes the name
    assert actual["JobFlowRole"] == source["JobFlowRole"].rsplit("/", 1)[-1] == "EMR_EC2_DefaultRole"
    assert {"Key": "region", "Value": "eu-west-1"} in actual["Tags"]


def test_a_cross_realm_trust_and_ad_join_round_trip(synthesized: dict[str, Any]) -> None:
    text, template = synthesized["cross_realm"]
    assert "CrossRealmTrust(" in text and 'ad_domain_join_user="join-user"' in text
    attributes = _cluster(template)["KerberosAttributes"]
    assert attributes["Realm"] == "EC2.INTERNAL" and attributes["ADDomainJoinUser"] == "join-user"
    for key, secret in (
        ("KdcAdminPassword", "kdc-admin"),
        ("CrossRealmTrustPrincipalPassword", "cross-realm-trust"),
        ("ADDomainJoinPassword", "ad-join"),
    ):  # the same secret, by the name-based ARN CDK writes for Secret.from_secret_name_v2
        assert evaluated(attributes[key]).endswith(f":secret:{secret}:SecretString:::}}}}"), key
    (configuration,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::SecurityConfiguration"]
    source = yaml.safe_load(CROSS_REALM.replace("!Ref securityConfiguration", "x"))["Resources"]["securityConfiguration"]
    expected = source["Properties"]["SecurityConfiguration"]["AuthenticationConfiguration"]
    assert configuration["Properties"]["SecurityConfiguration"]["AuthenticationConfiguration"] == expected


def test_a_security_configuration_named_by_name_is_imported_not_recreated(synthesized: dict[str, Any], tmp_path: Path) -> None:
    text, template = synthesized["named"]
    assert "EmrSecurityConfiguration.from_security_configuration_name(" in text
    assert "kms.Key.from_key_arn(...)" in text  # the key it encrypts with is not in a template: said, with the change
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::EMR::SecurityConfiguration"]
    cluster = _cluster(template)
    assert cluster["SecurityConfiguration"] == "corp-emr-kerberos"
    assert cluster["KerberosAttributes"] == _source("named", tmp_path)["KerberosAttributes"]


def test_from_security_configuration_name_references_by_name() -> None:
    """The public import: no resource, the name on the cluster, Kerberos attributes from ``kerberos``."""
    app = cdk.App()
    stack = cdk.Stack(app, "Imported", env=cdk.Environment(account="111122223333", region="eu-west-1"))
    from aws_cdk import aws_kms as kms  # noqa: PLC0415

    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    configuration = EmrSecurityConfiguration.from_security_configuration_name(
        stack,
        "SecurityConfiguration",
        "corp-emr",
        encryption_key=key,
        kerberos=Kerberos.cluster_dedicated_kdc(realm="CORP.EXAMPLE.COM"),
    )
    EmrCluster(stack, "Cluster", release_label=ReleaseLabel.EMR_7_5_0, security_configuration=configuration)
    template = app.synth().get_stack_by_name("Imported").template
    types = [r["Type"] for r in template["Resources"].values()]
    assert "AWS::EMR::SecurityConfiguration" not in types
    (cluster,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::EMR::Cluster"]
    assert cluster["SecurityConfiguration"] == "corp-emr"
    assert cluster["KerberosAttributes"]["Realm"] == "CORP.EXAMPLE.COM"


def test_an_imported_security_configuration_needs_a_valid_name() -> None:
    stack = cdk.Stack(cdk.App(), "Bad")
    from aws_cdk import aws_kms as kms  # noqa: PLC0415

    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    with pytest.raises(EmrValidationError, match="security_configuration_name"):
        EmrSecurityConfiguration.from_security_configuration_name(stack, "S", "", encryption_key=key)


def test_an_external_kdc_without_its_password_secret_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "external.json"
    source.write_text(
        json.dumps(
            {
                "Resources": {
                    "Config": {
                        "Type": "AWS::EMR::SecurityConfiguration",
                        "Properties": {
                            "SecurityConfiguration": {
                                "AuthenticationConfiguration": {
                                    "KerberosConfiguration": {
                                        "Provider": "ExternalKdc",
                                        "ExternalKdcConfiguration": {
                                            "KdcServerType": "Single",
                                            "KdcServer": "kdc.example.com:88",
                                            "AdminServer": "kdc.example.com:749",
                                        },
                                    }
                                }
                            }
                        },
                    },
                    "C": {
                        "Type": "AWS::EMR::Cluster",
                        "Properties": {
                            "SecurityConfiguration": {"Ref": "Config"},
                            "KerberosAttributes": {"Realm": "EC2.INTERNAL"},
                        },
                    },
                }
            }
        )
    )
    with pytest.raises(CodegenError, match="an external KDC's admin password must be the KDC's own"):
        generate(source)


@pytest.mark.parametrize(
    ("template", "python"),
    [
        ("plain", "plain"),
        # Fn::Sub's escape: ${!Literal} is the text ${Literal} (User Guide, Fn::Sub)
        ("a-${!Literal}", "a-${Literal}"),
        ("logs-${AWS::AccountId}-${!x}", 'f"logs-{Aws.ACCOUNT_ID}-${{x}}"'),
        ("${Fn::ImportValue:Kdc:Dns}", "Fn.import_value('Kdc:Dns')"),
    ],
)
def test_interpolated_strings_are_written_as_python_that_synthesizes_them(template: str, python: str) -> None:
    from cdk_emr.ops.codegen_context import Interpolated  # noqa: PLC0415

    value = Interpolated.of(template)
    assert (value.text if isinstance(value, Interpolated) else value) == python
