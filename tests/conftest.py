"""Shared fixtures: the app synthesized once per test session, and offline AWS credentials."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

REPO = Path(__file__).resolve().parent.parent
# The pinned Node.js LTS (package.json) for everything the tests spawn: the jsii runtime behind
# aws_cdk, the cdk CLI and node itself (the Makefile does the same for `make test`).
PINNED_NODE_BIN = REPO / "node_modules" / ".bin"
if (PINNED_NODE_BIN / "node").exists() and not os.environ.get("PATH", "").startswith(str(PINNED_NODE_BIN)):
    os.environ["PATH"] = f"{PINNED_NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
# moto loads its catalogue of ~1,300 public AMIs (each with a snapshot and a volume) every time
# an EC2 backend is made or reset: at every ``mock_aws()`` start and stop and every local
# server's reset, about 0.3 s of CPU each. Only tests that launch an instance from Amazon's
# catalogue need it; they ask for it with the ``amazon_amis`` fixture. ``make demo`` and
# ``cdk-emr local`` are untouched (the variable is set for the test process only).
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"


class _PathList(list):  # type: ignore[type-arg]
    """Search paths that stay a set: each boto3 Session appends its data directory again."""

    def append(self, path: Any) -> None:
        if path not in self:
            super().append(path)

    def extend(self, paths: Any) -> None:
        for path in paths:
            self.append(path)


def _share_botocore_loader() -> None:
    """One botocore data loader per process for every Session the tests make.

    Each boto3/botocore Session makes its own loader and decodes the same JSON again (the
    endpoints, the partitions, each service's model and rule set: about 0.1-0.3 s of CPU per
    Session), and the code under test makes a fresh Session per command, as a user's process
    does once. The files are read-only package data and botocore already hands the same
    decoded objects to every client of one Session, so sharing the loader across Sessions
    changes no behaviour, only how often the files are parsed.
    """
    import botocore.loaders
    import botocore.session

    loaders: dict[Any, botocore.loaders.Loader] = {}
    create_loader = botocore.loaders.create_loader

    def shared_loader(search_path_string: Any = None) -> botocore.loaders.Loader:
        if search_path_string not in loaders:
            paths = _PathList(create_loader(search_path_string).search_paths)
            loaders[search_path_string] = botocore.loaders.Loader(extra_search_paths=paths, include_default_search_paths=False)
        return loaders[search_path_string]

    botocore.session.create_loader = shared_loader


_share_botocore_loader()


@dataclass(frozen=True)
class SynthesizedApp:
    """One profile of the app, synthesized: the output directory, the stack and its template."""

    profile: str
    outdir: Path
    stack_name: str
    template: dict[str, Any]
    assembly: Any
    templates: dict[str, dict[str, Any]]
    """Every stack of the app by name (the platform stack and, for prod, its KDC stack)."""

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Resources of one type in the platform stack, by logical id."""
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == resource_type}

    def all_resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Resources of one type in every stack of the app, by ``stack/logical id``."""
        return {
            f"{stack}/{k}": v
            for stack, template in self.templates.items()
            for k, v in template["Resources"].items()
            if v["Type"] == resource_type
        }


def synth_profile(profile: str, outdir: Path) -> SynthesizedApp:
    """Synthesize the app for ``profile`` the way app.py does (nag included) into ``outdir``."""
    import aws_cdk as cdk

    from stacks.app_builder import build_app

    context = json.loads((REPO / "cdk.json").read_text())["context"]
    context["profile"] = profile
    app = cdk.App(outdir=str(outdir), context=context)
    stack = build_app(app, profile_name=profile, env=cdk.Environment(account=LOCAL_ACCOUNT, region=LOCAL_REGION))
    assembly = app.synth()
    template = assembly.get_stack_by_name(stack.stack_name).template
    templates = {s.stack_name: s.template for s in assembly.stacks}
    return SynthesizedApp(profile, outdir, stack.stack_name, template, assembly, templates)


@pytest.fixture(scope="session")
def dev_app(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedApp:
    """The dev profile, synthesized once per session."""
    return synth_profile("dev", tmp_path_factory.mktemp("cdk.out-dev"))


@pytest.fixture(scope="session")
def batch_app(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedApp:
    """The fault-tolerant batch profile, synthesized once per session."""
    return synth_profile("batch", tmp_path_factory.mktemp("cdk.out-batch"))


@pytest.fixture(scope="session")
def prod_app(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedApp:
    """The prod profile, synthesized once per session."""
    return synth_profile("prod", tmp_path_factory.mktemp("cdk.out-prod"))


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials and region so that boto3 never reaches a real account."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": LOCAL_REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    yield


@pytest.fixture(scope="module")
def amazon_amis() -> Iterator[None]:
    """moto's catalogue of Amazon's public AMIs, for the EC2 backends made while a module runs
    (tests that launch instances from ``describe_images(Owners=["amazon"])`` or from the SSM
    parameters naming the latest Amazon Linux)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "true")
        yield
