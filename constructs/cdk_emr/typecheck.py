"""Types at the public boundary: every argument is checked against its type hint.

One mechanism for every public construct, value object and helper: :func:`typed` wraps a
function (or a class's ``__init__`` and public methods, or a dataclass's generated ``__init__``)
and, before the body runs,

- checks each argument against its annotation, recursively (``task[1].instance_types[3]``);
- converts the strings a Python user naturally writes through the type's own parser
  (``"emr-7.9.0"`` → ``ReleaseLabel.of``, ``"Spark"`` → ``Application.SPARK``,
  ``"CONTINUE"`` → ``ActionOnFailure.CONTINUE``), with the parser's own validation;
- treats a single object where a sequence is expected, and a ``str`` where a sequence of strings
  is expected, as errors: they are never iterated;
- refuses ``True`` for an ``int`` and ``2.5`` for an ``int``; lets unresolved CDK tokens pass
  where their encoded type (string, number, list) is expected;
- reports every mismatch of one call together, as one :class:`EmrValidationError` naming the
  parameter, the value, its type and the type expected.

Why a walker of our own rather than a checker library alone: jsii pins ``typeguard==2.13.3``,
which accepts any value for a jsii interface (``"vpc-1"`` passes as ``ec2.IVpc``: interfaces are
``typing.Protocol`` classes it does not check) and a ``str`` as ``Sequence[str]``; beartype
checks one random item per container by default and cannot ``isinstance`` jsii's non-runtime
protocols. Neither converts strings. typeguard's ``check_type`` (already installed, pinned by
jsii) remains the check for the hint forms this module does not model (``Callable``, ``type[...]``,
``TypedDict``, ...).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any, TypeVar

from cdk_emr.validation import EmrValidationError, Violation

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

_STRING_PARSERS: dict[type, Callable[[str], Any]] = {}
_SEQUENCE_ORIGINS = {Sequence, list, tuple, Iterable, typing.Sequence, typing.List, typing.Tuple, typing.Iterable}  # noqa: UP006
_MAPPING_ORIGINS = {Mapping, dict, typing.Mapping, typing.Dict}  # noqa: UP006


def register_string_form(cls: type, parser: Callable[[str], Any], example: str) -> None:
    """Let ``cls`` parameters accept a string, converted by ``parser`` (which may raise ValueError).

    ``example`` shows the form in error messages (``'emr-7.9.0'``).
    """
    _STRING_PARSERS[cls] = parser
    _EXAMPLES[cls] = example


_EXAMPLES: dict[type, str] = {}


class _Mismatch(Exception):
    """Internal: one or more arguments (or items of them) do not fit their hints."""

    def __init__(self, violations: list[Violation], *, parsed: bool = False) -> None:
        super().__init__(violations)
        self.violations = violations
        self.parsed = parsed
        """True when the value had the right type but its type's parser refused it."""

    @property
    def depth(self) -> int:
        return max(v.property.count("[") + v.property.count(".") for v in self.violations)


def _mismatch(path: str, value: Any, expected: str) -> _Mismatch:
    return _Mismatch([Violation(path, _Brief.of(value), f"expected {expected}, got {_type_name(value)}")])


class _Brief:
    """A long value as ``InstanceFleet(...)`` in a message; short values show as they are."""

    MAX_REPR = 60

    def __init__(self, value: Any) -> None:
        self.value = value

    @classmethod
    def of(cls, value: Any) -> Any:
        return value if len(repr(value)) <= cls.MAX_REPR else cls(value)

    def __repr__(self) -> str:
        return f"{type(self.value).__name__}(...)"


def _type_name(value: Any) -> str:
    if value is None:
        return "None"
    cls = type(value)
    return cls.__name__ if cls.__module__ in ("builtins", "__main__") else f"{cls.__module__.split('.')[0]}.{cls.__qualname__}"


def describe(hint: Any) -> str:
    """A hint in words a user recognizes: ``ReleaseLabel or a string such as 'emr-7.9.0'``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(a) for a in typing.get_args(hint))
    if hint is type(None):
        return "None"
    if origin in _SEQUENCE_ORIGINS:
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        return f"a list of {describe(args[0])}" if args else "a list"
    if origin in _MAPPING_ORIGINS:
        args = typing.get_args(hint)
        return f"a dict of {describe(args[0])} to {describe(args[1])}" if args else "a dict"
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in typing.get_args(hint))
    if isinstance(hint, type):
        name = hint.__name__
        if hint.__module__.startswith("aws_cdk."):
            name = f"{hint.__module__.rsplit('.', 1)[-1].replace('aws_', '')}.{name}"
        if issubclass(hint, Enum):
            values = ", ".join(repr(m.value) for m in list(hint)[:6]) + (", ..." if len(hint) > 6 else "")
            return f"{name} (or its value: {values})"
        if hint in _EXAMPLES:
            return f"{name} (or a string such as {_EXAMPLES[hint]!r})"
        return {"bool": "True or False", "int": "an int", "float": "a number", "str": "a string"}.get(name, name)
    return str(hint)


def conform(value: Any, hint: Any, path: str) -> Any:
    """``value`` converted to fit ``hint``; raises ``_Mismatch`` with every item that does not."""
    if hint is Any or hint is object:
        return value
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _conform_union(value, hint, path)
    if hint is type(None) or hint is None:
        if value is None:
            return None
        raise _mismatch(path, value, "None")
    if value is None:
        raise _mismatch(path, value, describe(hint))
    if origin in _SEQUENCE_ORIGINS:
        return _conform_sequence(value, hint, origin, path)
    if origin in _MAPPING_ORIGINS:
        return _conform_mapping(value, hint, path)
    if origin is typing.Literal:
        if value in typing.get_args(hint):
            return value
        raise _mismatch(path, value, describe(hint))
    if isinstance(hint, type) and origin is None:
        return _conform_class(value, hint, path)
    return _fallback(value, hint, path)


def _conform_union(value: Any, hint: Any, path: str) -> Any:
    members = typing.get_args(hint)
    for member in members:  # an exact fit wins over a conversion
        if _fits_without_conversion(value, member):
            return conform(value, member, path)
    failures: list[_Mismatch] = []
    for member in members:
        try:
            return conform(value, member, path)
        except _Mismatch as failure:
            failures.append(failure)
    for failure in failures:  # "cheapest" for an optional enum: say what the enum accepts
        if failure.parsed:
            raise failure
    deepest = max(failures, key=lambda f: f.depth)
    if deepest.depth > path.count("[") + path.count("."):  # a container matched; an item inside did not
        raise deepest
    raise _mismatch(path, value, describe(hint))


def _fits_without_conversion(value: Any, hint: Any) -> bool:
    if hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    if origin in _SEQUENCE_ORIGINS:
        return isinstance(value, (list, tuple))
    if origin in _MAPPING_ORIGINS:
        return isinstance(value, Mapping)
    if isinstance(hint, type) and origin is None and not _is_jsii_interface(hint):
        if hint in (int, float) and isinstance(value, bool):
            return False
        return isinstance(value, hint)
    return False


def _conform_sequence(value: Any, hint: Any, origin: Any, path: str) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        expected = describe(hint)
        if isinstance(value, str):
            expected += f", e.g. [{value!r}] — a string is not split into items"
        else:
            expected += ", e.g. [value] — a single value is not a list"
        raise _mismatch(path, value, expected)
    args = typing.get_args(hint)
    fixed = origin in (tuple, typing.Tuple) and args and args[-1] is not Ellipsis  # noqa: UP006
    if fixed and len(args) != len(value):
        raise _mismatch(path, value, f"{len(args)} items")
    violations: list[Violation] = []
    items = []
    for i, item in enumerate(value):
        item_hint = (args[i] if fixed else args[0]) if args else Any
        try:
            items.append(conform(item, item_hint, f"{path}[{i}]"))
        except _Mismatch as failure:
            violations.extend(failure.violations)
    if violations:
        raise _Mismatch(violations)
    return list(items) if origin in (list, typing.List) else tuple(items)  # noqa: UP006


def _conform_mapping(value: Any, hint: Any, path: str) -> Any:
    if not isinstance(value, Mapping):
        raise _mismatch(path, value, describe(hint))
    args = typing.get_args(hint) or (Any, Any)
    violations: list[Violation] = []
    result = {}
    for key, item in value.items():
        try:
            result[conform(key, args[0], f"{path}[{key!r}]")] = conform(item, args[1], f"{path}[{key!r}]")
        except _Mismatch as failure:
            violations.extend(failure.violations)
    if violations:
        raise _Mismatch(violations)
    return result


def _conform_class(value: Any, hint: type, path: str) -> Any:
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise _mismatch(path, value, "True or False")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and _is_token(value):
            return value
        raise _mismatch(path, value, "an int" + (" (a whole number)" if isinstance(value, float) else ""))
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        raise _mismatch(path, value, "a number")
    if issubclass(hint, Enum):
        return _conform_enum(value, hint, path)
    if _is_jsii_interface(hint):
        if _implements(value, hint):
            return value
        raise _mismatch(path, value, describe(hint))
    if getattr(hint, "_is_protocol", False):
        if _has_members(value, hint):
            return value
        raise _mismatch(path, value, f"an object with {', '.join(_protocol_members(hint))} ({hint.__name__})")
    if isinstance(value, hint):
        return value
    parser = _STRING_PARSERS.get(hint)
    if parser is not None and isinstance(value, str):
        try:
            return parser(value)
        except EmrValidationError as error:
            raise _Mismatch([Violation(path, value, v.allowed) for v in error.violations], parsed=True) from None
        except ValueError as error:
            raise _Mismatch([Violation(path, value, str(error))], parsed=True) from None
    raise _mismatch(path, value, describe(hint))


def _conform_enum(value: Any, enum: type[Enum], path: str) -> Any:
    """An enum member, or its value as a string (``"Spark"``) through the enum's own parser."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            raise _Mismatch([Violation(path, value, "one of " + ", ".join(repr(m.value) for m in enum))], parsed=True) from None
    raise _mismatch(path, value, describe(enum))


def _fallback(value: Any, hint: Any, path: str) -> Any:
    from typeguard import check_type

    try:
        check_type(path, value, hint)
    except TypeError as error:
        raise _Mismatch([Violation(path, value, str(error))]) from None
    return value


def _is_token(value: Any) -> bool:
    from cdk_emr.validation import is_token

    return is_token(value)


def _is_jsii_interface(hint: type) -> bool:
    """jsii interfaces (``ec2.IVpc``) are ``typing.Protocol`` classes carrying a jsii type name."""
    return bool(getattr(hint, "_is_protocol", False)) and hasattr(hint, "__jsii_type__")


def _implements(value: Any, interface: type) -> bool:
    """Whether ``value`` is known to implement the jsii ``interface`` (unknown jsii objects pass).

    jsii records the interfaces a class implements in ``__jsii_ifaces__`` (set by the public
    ``@jsii.implements`` decorator); an interface inherits from the interfaces it extends.
    Objects returned by imports (``Vpc.from_vpc_attributes``) are proxies whose interfaces are
    only known to the kernel: they pass, as they would in TypeScript's structural typing.
    """
    if isinstance(value, (str, bytes, int, float, bool, list, tuple, dict, set)) or value is None:
        return False
    cls = type(value)
    if interface in cls.__mro__:
        return True
    declared = [i for klass in cls.__mro__ for i in getattr(klass, "__jsii_ifaces__", ())]
    if declared:
        return any(interface in getattr(i, "__mro__", (i,)) for i in declared)
    jsii_type = getattr(cls, "__jsii_type__", None)
    if jsii_type is not None:
        return True  # an interface proxy of the kernel's: its full interface list is not visible here
    return cls.__module__.startswith("jsii.")


def _protocol_members(protocol: type) -> list[str]:
    members = set(getattr(protocol, "__annotations__", {}))
    members.update(n for n, v in vars(protocol).items() if not n.startswith("_") and (callable(v) or isinstance(v, property)))
    return sorted(members)


def _has_members(value: Any, protocol: type) -> bool:
    """A structural check of one of our own protocols, without running properties."""
    for name in _protocol_members(protocol):
        try:
            inspect.getattr_static(value, name)
        except AttributeError:
            return False
    return True


class _LazyExports(Mapping[str, Any]):
    """Names a module imports only for type checkers (``if TYPE_CHECKING``), from ``cdk_emr``'s
    exports; names the module itself defines resolve from its globals first."""

    def __init__(self, module_globals: Mapping[str, Any]) -> None:
        self._globals = module_globals

    def __getitem__(self, name: str) -> Any:
        import cdk_emr

        if name in self._globals or name not in cdk_emr.__all__:
            raise KeyError(name)  # the Mapping protocol's own signal, never seen by users
        return getattr(cdk_emr, name)

    def __iter__(self) -> typing.Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


# ----- the decorator ----------------------------------------------------------------------


def typed(target: Any = None, *, subject: str | None = None) -> Any:
    """Check (and convert) the arguments of a function, or of a class's public API.

    On a function: every annotated parameter. On a class: ``__init__`` (a dataclass's generated
    one too) and every public method, static method and class method defined in the class body.
    Apply it above ``@dataclass``.
    """
    if target is None:
        return functools.partial(typed, subject=subject)
    if isinstance(target, type):
        return _typed_class(target)
    return _typed_function(target, subject or target.__qualname__)


def _typed_class(cls: C) -> C:
    for name, member in list(vars(cls).items()):
        if name != "__init__" and (name.startswith("_") or isinstance(member, property)):
            continue
        if isinstance(member, staticmethod):
            setattr(cls, name, staticmethod(_typed_function(member.__func__, f"{cls.__name__}.{name}")))
        elif isinstance(member, classmethod):
            setattr(cls, name, classmethod(_typed_function(member.__func__, f"{cls.__name__}.{name}")))
        elif inspect.isfunction(member):
            label = cls.__name__ if name == "__init__" else f"{cls.__name__}.{name}"
            setattr(cls, name, _typed_function(member, label, owner=cls))
    return cls


def _typed_function(func: F, label: str, owner: type | None = None) -> F:
    if getattr(func, "__cdk_emr_typed__", False):
        return func
    signature = inspect.signature(func)
    hints: dict[str, Any] | None = None
    # A value object's rules have no side effects: they may still run when some fields have the
    # wrong type, so that one error reports every rule (a construct's body never runs then).
    value_object = owner is not None and dataclasses.is_dataclass(owner) and func.__name__ == "__init__"

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal hints
        if hints is None:
            hints = _hints(func, owner)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise EmrValidationError(label, [Violation("arguments", _shown(args, kwargs), str(error))]) from None
        violations: list[Violation] = []
        raw = dict(bound.arguments)
        for name, value in list(bound.arguments.items()):
            hint = hints.get(name)
            if hint is None or name in ("self", "cls"):
                continue
            kind = signature.parameters[name].kind
            try:
                if kind is inspect.Parameter.VAR_POSITIONAL:
                    bound.arguments[name] = tuple(conform(v, hint, f"{name}[{i}]") for i, v in enumerate(value))
                elif kind is inspect.Parameter.VAR_KEYWORD:
                    bound.arguments[name] = {k: conform(v, hint, k) for k, v in value.items()}
                else:
                    bound.arguments[name] = conform(value, hint, name)
            except _Mismatch as failure:
                violations.extend(failure.violations)
        if violations:
            if value_object:
                violations += _value_rules_of_the_rest(func, signature, raw, bound, violations)
            raise EmrValidationError(_subject(label, owner, bound), violations)
        return func(*bound.args, **bound.kwargs)

    wrapper.__cdk_emr_typed__ = True  # type: ignore[attr-defined]
    return typing.cast(F, wrapper)


def _value_rules_of_the_rest(
    func: Callable[..., Any],
    signature: inspect.Signature,
    raw: dict[str, Any],
    converted: inspect.BoundArguments,
    type_violations: list[Violation],
) -> list[Violation]:
    """The value rules a dataclass reports for the fields whose types were right.

    Fields of the wrong type keep the value given; rules about them are dropped (their type
    problem is already reported), and any error a wrong type causes inside the rules is ignored.
    """
    wrong = {_parameter_of(v) for v in type_violations}
    mixed = inspect.BoundArguments(
        signature, {name: (raw[name] if name in wrong else value) for name, value in converted.arguments.items()}
    )
    try:
        func(*mixed.args, **mixed.kwargs)
    except EmrValidationError as error:
        return [v for v in error.violations if _parameter_of(v) not in wrong]
    except Exception:  # noqa: BLE001 - a wrong type breaking a rule: already reported as a type problem
        return []
    return []


def _parameter_of(violation: Violation) -> str:
    """``task`` for ``task[1].instance_types[3]``."""
    return violation.property.split("[")[0].split(".")[0]


def _hints(func: Callable[..., Any], owner: type | None) -> dict[str, Any]:
    """The resolved annotations of ``func`` (dataclass ``__init__`` included)."""
    namespace = getattr(func, "__globals__", {})
    if owner is not None and dataclasses.is_dataclass(owner):
        import sys

        namespace = vars(sys.modules[owner.__module__])
    return typing.get_type_hints(func, globalns=namespace, localns=_LazyExports(namespace))  # type: ignore[arg-type]


def _subject(label: str, owner: type | None, bound: inspect.BoundArguments) -> str:
    """``EmrCluster Stack/Cluster`` for a construct, else the class or function name."""
    scope, construct_id = bound.arguments.get("scope"), bound.arguments.get("id")
    path = getattr(getattr(scope, "node", None), "path", None) if scope is not None else None
    if isinstance(path, str) and isinstance(construct_id, str):
        return f"{label} {path}/{construct_id}" if path else f"{label} {construct_id}"
    return label


def _shown(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    shown = [repr(a) for a in args[1:]] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return ", ".join(shown)
