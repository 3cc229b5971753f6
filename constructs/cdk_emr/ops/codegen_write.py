"""Python source text for ``cdk-emr codegen``: expressions, calls and the module around them.

The model (:mod:`cdk_emr.ops.codegen_model`) builds :class:`Call` trees of literal values; this
module prints them as formatted Python (4-space indents, one keyword per line when a call does
not fit on one line, trailing commas), so the generated module reads like hand-written code.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LINE = 110


@dataclass(frozen=True)
class Raw:
    """Python source used as is (a name, an enum member, ``self``)."""

    text: str


@dataclass
class Call:
    """``name(arg, kw=value, ...)``; ``comments`` print above the keyword they name, or after
    the keywords when the keyword is left out (a default kept)."""

    name: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


def render(value: Any, indent: int = 0, column: int | None = None) -> str:
    """``value`` as Python source in a block indented by ``indent``, starting at ``column``."""
    flat = _flat(value)
    start = indent if column is None else column
    if start + len(flat) <= LINE and not _has_comments(value):
        return flat
    pad = " " * (indent + 4)
    inner = indent + 4
    if isinstance(value, Call):
        lines = [f"{value.name}("]
        lines += [f"{pad}{render(arg, inner)}," for arg in value.args]
        for key, item in value.kwargs.items():
            if key in value.comments:
                lines += [f"{pad}# {line}" for line in value.comments[key].splitlines()]
            lines.append(f"{pad}{key}={render(item, inner, inner + len(key) + 1)},")
        for key, comment in value.comments.items():  # comments on what is left at its default
            if key not in value.kwargs:
                lines += [f"{pad}# {line}" for line in comment.splitlines()]
        return "\n".join(lines) + "\n" + " " * indent + ")"
    if isinstance(value, Mapping):
        lines = ["{"] + [
            f"{pad}{_literal(key)}: {render(item, inner, inner + len(_literal(key)) + 2)}," for key, item in value.items()
        ]
        return "\n".join(lines) + "\n" + " " * indent + "}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        lines = ["["] + [f"{pad}{render(item, inner)}," for item in value]
        return "\n".join(lines) + "\n" + " " * indent + "]"
    return flat  # a long string literal: Python has no shorter form


def _literal(value: Any) -> str:
    """A literal as ruff formats it (double-quoted strings)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _flat(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Call):
        parts = [_flat(a) for a in value.args] + [f"{k}={_flat(v)}" for k, v in value.kwargs.items()]
        return f"{value.name}({', '.join(parts)})"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_literal(k)}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return _literal(value)


def _has_comments(value: Any) -> bool:
    if isinstance(value, Call):
        return bool(value.comments) or any(map(_has_comments, [*value.args, *value.kwargs.values()]))
    if isinstance(value, Mapping):
        return any(map(_has_comments, value.values()))
    if isinstance(value, Sequence) and not isinstance(value, str):
        return any(map(_has_comments, value))
    return False


@dataclass
class Module:
    """The generated module: imports, the imported resources, and the ``EmrCluster``."""

    origin: str
    stack_name: str
    cluster: Call
    imports: set[str] = field(default_factory=set)
    """Names from ``cdk_emr``."""
    cdk_imports: set[str] = field(default_factory=set)
    """Modules of ``aws_cdk`` (``aws_iam as iam`` ...) and ``Duration``."""
    setup: list[tuple[str, Any]] = field(default_factory=list)
    """``name = expression`` lines before the cluster (imported roles, subnets ...)."""
    notes: list[str] = field(default_factory=list)
    """Lines for the module docstring."""
    environment: tuple[str, str] | None = None
    """The stack's account and region (the source cluster's), when known."""


def render_module(module: Module) -> str:
    """The whole Python module."""
    body = [f"        {name} = {render(expression, 8, 8 + len(name) + 3)}" for name, expression in module.setup]
    body.append(f"        self.cluster = {render(module.cluster, 8, 8 + len('self.cluster = '))}")
    # pseudo parameters and other stacks' exports (Interpolated strings)
    tokens = {name for name, use in (("Aws", "Aws."), ("Fn", "Fn.import_value(")) if any(use in line for line in body)}
    if module.environment is not None:
        tokens.add("Environment")
    aws_cdk = sorted({"App", "Stack", *tokens, *(n for n in module.cdk_imports if not n.startswith("aws_"))})
    aliases = sorted(n for n in module.cdk_imports if n.startswith("aws_"))
    lines = ['"""' + f"The EMR cluster of {module.origin}, written with cdk_emr by `cdk-emr codegen`."]
    if module.notes:
        lines.append("")
        for note in module.notes:
            lines += textwrap.wrap(note, width=LINE - 4, subsequent_indent="  ", break_on_hyphens=False)
    lines += [
        "",
        "Run `python THIS_FILE` to synthesize it (into CDK_OUTDIR, like app.py), or add the stack to your app.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        f"from aws_cdk import {', '.join(aws_cdk)}",
    ]
    lines += [f"from aws_cdk import {alias} as {alias.removeprefix('aws_').replace('ec2', 'ec2')}" for alias in aliases]
    lines += [_import_line("cdk_emr", sorted(module.imports | {"EmrCluster"})), "from constructs import Construct", ""]
    lines += ["", f"class {_class_name(module.stack_name)}(Stack):", '    """The cluster and the resources it references."""', ""]
    lines += [
        "    def __init__(self, scope: Construct, id: str, **kwargs) -> None:",
        "        super().__init__(scope, id, **kwargs)",
    ]
    lines += body
    lines += [
        "",
        "",
        'if __name__ == "__main__":',
        "    app = App()  # writes to CDK_OUTDIR when set, else cdk.out",
        f"    {_class_name(module.stack_name)}(app, {_literal(module.stack_name)}{_environment(module)})",
        "    app.synth()",
        "",
    ]
    return "\n".join(lines)


def _environment(module: Module) -> str:
    """``, env=Environment(...)``: the source cluster's account and region (grants on its keys
    and secrets stay in that account), or nothing when the source does not say."""
    if module.environment is None:
        return ""
    account, region = module.environment
    return f", env=Environment(account={_literal(account)}, region={_literal(region)})"


def _import_line(package: str, names: list[str]) -> str:
    """``from package import a, b``, in parentheses one name a line when it is too long."""
    line = f"from {package} import {', '.join(names)}"
    if len(line) <= LINE:
        return line
    return f"from {package} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def _class_name(stack_name: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in stack_name).split()
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Emr"
    name = name if name[0].isalpha() else f"Emr{name}"
    return name if name.endswith("Stack") else f"{name}Stack"
