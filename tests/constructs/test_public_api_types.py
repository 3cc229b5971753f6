"""Every public callable checks its arguments' types: wrong types for every parameter at once
raise one EmrValidationError that names each parameter, never a raw Python or jsii error."""

from __future__ import annotations

import inspect
import typing
from enum import Enum

import aws_cdk as cdk
import pytest

import cdk_emr
from cdk_emr import EmrValidationError


class Wrong:
    """A value of a type no public parameter accepts."""

    def __repr__(self) -> str:
        return "Wrong()"


def _public_callables() -> list[tuple[str, typing.Callable[..., typing.Any]]]:
    found: list[tuple[str, typing.Callable[..., typing.Any]]] = []
    for name in cdk_emr.__all__:
        value = getattr(cdk_emr, name)
        if isinstance(value, type):
            if issubclass(value, (Enum, BaseException)) or value.__module__ == "cdk_emr.validation":
                continue
            if getattr(value, "_is_protocol", False) or inspect.isabstract(value):
                continue
            if "__init__" in vars(value) or hasattr(value, "__dataclass_fields__"):
                found.append((name, value))
            for attr, member in vars(value).items():
                if attr.startswith("_") or isinstance(member, property):
                    continue
                if isinstance(member, (staticmethod, classmethod)) or inspect.isfunction(member):
                    found.append((f"{name}.{attr}", getattr(value, attr)))
        elif callable(value):
            found.append((name, value))
    return found


def _checked_parameters(func: typing.Callable[..., typing.Any]) -> list[str]:
    signature = inspect.signature(func)
    names = []
    for parameter in signature.parameters.values():
        if parameter.name in ("self", "cls") or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.annotation in (inspect.Parameter.empty, "Any", "object", typing.Any, object):
            continue
        names.append(parameter.name)
    return names


CALLABLES = [
    (name, func) for name, func in _public_callables() if _checked_parameters(func.__init__ if isinstance(func, type) else func)
]


def test_the_walk_finds_the_public_api():
    names = {n for n, _ in CALLABLES}
    assert {"EmrCluster", "InstanceFleet", "InstanceFleet.on_demand", "SparkStep", "EmrMonitoring", "graviton_first"} <= names
    assert len(CALLABLES) > 60


@pytest.mark.parametrize(("name", "func"), CALLABLES, ids=[n for n, _ in CALLABLES])
def test_wrong_types_for_every_parameter_raise_one_validation_error(name, func):
    target = func.__init__ if isinstance(func, type) else func
    parameters = _checked_parameters(target)
    if not parameters:
        pytest.skip(f"{name} takes no typed parameters")
    arguments = dict.fromkeys(parameters, Wrong())
    if isinstance(func, type) or not isinstance(
        inspect.getattr_static(_owner(name), _attr(name), None), (staticmethod, classmethod)
    ):
        receiver = _receiver(name)
        call = func if receiver is None else getattr(receiver, _attr(name))
    else:
        call = func
    with pytest.raises(EmrValidationError) as raised:
        call(**arguments)
    named = {v.property.split("[")[0].split(".")[0] for v in raised.value.violations}
    assert named == set(parameters), f"{name}: {raised.value}"
    for violation in raised.value.violations:
        assert "expected" in violation.allowed and "Wrong" in violation.allowed


def _owner(name: str) -> typing.Any:
    return getattr(cdk_emr, name.split(".")[0])


def _attr(name: str) -> str:
    return name.split(".")[1] if "." in name else "__init__"


_RECEIVERS: dict[str, typing.Any] = {}


def _receiver(name: str) -> typing.Any:
    """An instance for a method call (None for constructors and functions)."""
    if "." not in name:
        return None
    owner = name.split(".")[0]
    if owner not in _RECEIVERS:
        _RECEIVERS[owner] = _build(owner)
    return _RECEIVERS[owner]


def _build(owner: str) -> typing.Any:
    app = cdk.App()
    stack = cdk.Stack(app, "Api", env=cdk.Environment(account="123456789012", region="us-east-1"))
    factories: dict[str, typing.Callable[[], typing.Any]] = {
        "EmrCluster": lambda: cdk_emr.EmrCluster(stack, "C"),
        "InstanceFleet": lambda: cdk_emr.InstanceFleet.on_demand(["m7g.xlarge"], 1),
        "InstanceGroup": lambda: cdk_emr.InstanceGroup.on_demand("m7g.xlarge", 1),
        "Configuration": lambda: cdk_emr.Configuration("spark-defaults", {"a": "b"}),
        "ReleaseLabel": lambda: cdk_emr.ReleaseLabel.LATEST,
        "ScriptSource": lambda: cdk_emr.ScriptSource.from_s3_uri("s3://my-bucket/job.py"),
        "Kerberos": lambda: cdk_emr.Kerberos.cluster_dedicated_kdc(),
        "EmrSecurityGroups": lambda: cdk_emr.EmrSecurityGroups(stack, "Groups", vpc=cdk.aws_ec2.Vpc(stack, "Vpc")),
        "EmrDataLake": lambda: cdk_emr.EmrDataLake(stack, "Lake", database_name="sales"),
        "GeneratedTlsCertificates": lambda: cdk_emr.GeneratedTlsCertificates(
            stack, "Tls", bucket=cdk.aws_s3.Bucket(stack, "B", encryption=cdk.aws_s3.BucketEncryption.KMS)
        ),
        "TransientClusterWorkflow": lambda: cdk_emr.TransientClusterWorkflow(
            stack,
            "W",
            cluster=cdk_emr.EmrCluster(stack, "T", launch=False),
            steps=[cdk_emr.CommandStep(name="s", command=["true"])],
        ),
        "EmrPlatform": lambda: cdk_emr.EmrPlatform(stack, "Platform"),
        "EmrKey": lambda: cdk_emr.EmrKey(stack, "K", purpose=cdk_emr.KeyPurpose.DATA, description="data"),
        "ManagedPolicyRole": lambda: cdk_emr.ManagedPolicyRole(
            stack, "R", assumed_by=cdk.aws_iam.ServicePrincipal("ec2.amazonaws.com")
        ),
    }
    if owner not in factories:
        pytest.skip(f"no instance of {owner} is built for its methods")
    return factories[owner]()


def test_no_bare_python_exception_is_raised_by_the_construct_side() -> None:
    """Mistakes surface as EmrValidationError: the construct side raises no bare ValueError,
    TypeError, IndexError or KeyError (ops/, local/ and cli/ have their own error types)."""
    import re
    from pathlib import Path

    root = Path(cdk_emr.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] in ("ops", "local", "cli"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"raise (ValueError|TypeError|IndexError|KeyError)\(", line) and "Mapping protocol" not in line:
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
