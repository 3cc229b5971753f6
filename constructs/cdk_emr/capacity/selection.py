"""Instance types by release: which families a release offers, and Graviton-first type lists.

Mixing architectures: AWS documents more than one architecture in a cluster through per-type
custom AMIs (EMR Management Guide, "Working with Amazon Linux AMIs"); we found no statement
that one fleet may mix Graviton and x86 types on EMR's default AMI. So the lists built here
are single-architecture: Graviton when the release offers a Graviton family of the size,
otherwise x86.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdk_emr.capacity.fleets import InstanceFleet
from cdk_emr.capacity.groups import InstanceGroup
from cdk_emr.capacity.instance_specs import INSTANCE_SPECS
from cdk_emr.release import Feature, ReleaseLabel, feature_windows, supports
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator

FAMILY_CLASSES = ("m", "r", "c")
"""General purpose (4 GiB per vCPU), memory optimized (8), compute optimized (2)."""
GRAVITON_GENERATIONS = ("7g", "6g")
X86_GENERATIONS = ("6i", "5")

_FAMILY_FEATURES: dict[str, Feature] = {
    "m5": Feature.M5_R5_C5_INSTANCES,
    "r5": Feature.M5_R5_C5_INSTANCES,
    "c5": Feature.M5_R5_C5_INSTANCES,
    "m6i": Feature.M6I_R6I_C6I_INSTANCES,
    "r6i": Feature.M6I_R6I_C6I_INSTANCES,
    "c6i": Feature.M6I_R6I_C6I_INSTANCES,
    "m6g": Feature.M6G_INSTANCES,
    "r6g": Feature.C6G_R6G_INSTANCES,
    "c6g": Feature.C6G_R6G_INSTANCES,
    "m7g": Feature.M7G_R7G_INSTANCES,
    "r7g": Feature.M7G_R7G_INSTANCES,
    "c7g": Feature.C7G_INSTANCES,
}


@typed
def release_offers(release: ReleaseLabel, instance_type: str) -> bool | None:
    """Whether ``release`` offers the family of ``instance_type``; None for untabulated families."""
    feature = _FAMILY_FEATURES.get(instance_type.split(".", 1)[0])
    return None if feature is None else supports(release, feature)


def family_releases(instance_type: str) -> str | None:
    """The releases offering the family of ``instance_type``, in words, for error messages."""
    feature = _FAMILY_FEATURES.get(instance_type.split(".", 1)[0])
    return None if feature is None else feature_windows(feature)


def check_release_support(v: Validator, prop: str, node: InstanceFleet | InstanceGroup, release: ReleaseLabel) -> None:
    """Record on ``v`` what ``release`` cannot run in ``node`` (``prop``: "core", "task[0]", ...).

    Families we do not tabulate pass; so does everything on a release that offers it.
    """
    for name in node.instance_type_names:
        v.check(
            release_offers(release, name) is not False,
            f"{prop}.instance_types",
            name,
            f"a family that {release} offers ({name.split('.', 1)[0]}: {family_releases(name)})",
        )
    if isinstance(node, InstanceFleet) and node.has_allocation_strategy:
        feature = Feature.FLEET_ALLOCATION_STRATEGIES
        v.check(
            supports(release, feature),
            f"{prop}.spot/on_demand_options",
            release.label,
            f"a release with {feature.value} ({feature_windows(feature)}), or an on-demand fleet without options",
        )


@typed
def graviton_first(
    size: str = "xlarge", *, families: Sequence[str] = ("m",), release: ReleaseLabel = ReleaseLabel.LATEST
) -> list[str]:
    """Instance types of ``size`` for ``release``: Graviton when it can, newest generation first.

    ``families`` are classes in order of preference: ``"m"`` (general purpose), ``"r"`` (memory)
    and ``"c"`` (compute). For each, the Graviton families the release offers (m7g, then m6g);
    when the release offers no Graviton family in that size (before emr-5.30.0, 6.0.x, or a
    size Graviton lacks such as 24xlarge), the x86 ones instead (m6i, then m5). For example
    ``graviton_first("2xlarge", families=("m", "r"))`` is ``["m7g.2xlarge", "m6g.2xlarge",
    "r7g.2xlarge", "r6g.2xlarge"]`` and on emr-6.5.0 ``["m6g.2xlarge", "r6g.2xlarge"]``.
    The list is never mixed-architecture (see the module notes).
    """
    v = Validator("graviton_first")
    classes = list(families) if not isinstance(families, str) else [families]
    v.check(
        len(classes) > 0 and set(classes) <= set(FAMILY_CLASSES) and len(set(classes)) == len(classes),
        "families",
        families,
        f"one or more distinct classes of {FAMILY_CLASSES}",
    )
    v.raise_if_any()
    for generations in (GRAVITON_GENERATIONS, X86_GENERATIONS):
        types = [
            name
            for cls in classes
            for generation in generations
            if (name := f"{cls}{generation}.{size}") in INSTANCE_SPECS and release_offers(release, name)
        ]
        if types:
            return types
    sizes = sorted({name.split(".", 1)[1] for name in INSTANCE_SPECS}, key=lambda s: (len(s), s))
    v.check(
        False,
        "size",
        size,
        f"a size that {release} offers in {'/'.join(classes)} families ({', '.join(sizes)}), or give the instance types yourself",
    )
    v.raise_if_any()
    return []
