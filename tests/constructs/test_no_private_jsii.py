"""No module uses private members of jsii or aws-cdk-lib objects: they change between
aws-cdk-lib releases (``_values`` of structs, ``_render_properties``/``_cfn_properties`` of L1s)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRIVATE = re.compile(r"\.(_values|_render_properties|_cfn_properties|_to_cloud_formation)\b")


def test_no_private_jsii_members_in_the_package_or_the_app() -> None:
    sources = [*(REPO / "constructs" / "cdk_emr").rglob("*.py"), *(REPO / "stacks").rglob("*.py"), REPO / "app.py"]
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PRIVATE.search(line)
    ]
    assert offenders == []
