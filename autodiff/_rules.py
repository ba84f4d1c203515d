"""The namespace a derivative rule computes with, and what a rule reads.

A vjp rule is written once, against a namespace ``xp``::

    vjp=lambda xp, g, _ans, x: g * xp.cos(x)

The engine calls it with a backend's namespace and backend arrays in a first-order
backward pass (fast: no Tensor is made), and with autodiff's own namespace and
Tensors when ``create_graph=True`` or a forward-mode level is open, so that the
rule's own operations are recorded and gradients of gradients come for free.

Both namespaces offer the Array API standard's functions under their standard names,
and ``xp.prim``: every registered primitive by its registered name (its forward on
arrays, or the op itself on tensors), for the few non-standard operations a rule needs
(``xp.prim.getitem``, ``xp.prim.diag_embed``).

What a rule reads is declared by its signature: a parameter whose name starts with
``_`` is one the rule does not read, so the graph does not keep that input (or the
output, for ``_ans``) alive for it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

__all__ = ["REGISTRY", "RuleNamespace", "array_namespace", "reads", "set_tensor_namespace",
           "tensor_namespace", "positionwise", "writes_into"]


class RuleNamespace:
    """The ``xp`` a rule receives: plain attributes (a dict lookup, as on a module),
    the standard's functions and ``prim``, the registered primitives."""

    prim: Any

    if TYPE_CHECKING:  # its attributes are the namespace's functions
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, functions: Mapping[str, Any], prim: Any) -> None:
        self.__dict__.update(functions)
        self.prim = prim

    def __repr__(self) -> str:
        return f"<rule namespace over {self.__dict__.get('__name__', '?')}>"


class _Primitives:
    """``xp.prim``: attribute per registered primitive."""

    def __init__(self, functions: Mapping[str, Any]) -> None:
        self.__dict__.update(functions)


#: the registered primitives, name to ``Primitive``: this lowest layer owns the table and
#: ``autodiff._primitive`` registers into it
REGISTRY: dict[str, Any] = {}
#: the backends whose rule namespace is made (each keeps it as ``rule_namespace``, which
#: the engine reads once per node), to bring it up to date as primitives are registered
_bound_backends: list[Any] = []
_tensor_namespace: list[RuleNamespace] = []


def registered(prim: Any) -> None:
    """``prim`` was registered: the namespaces made before it gain it."""
    for backend in _bound_backends:
        setattr(backend.rule_namespace.prim, prim.name,
                functools.partial(prim.forward, backend.xp))
    for namespace in _tensor_namespace:
        setattr(namespace.prim, prim.name, prim.op)


def array_namespace(backend: Any) -> RuleNamespace:
    """The ``xp`` of a first-order pass on ``backend``'s arrays.

    >>> from backends import load_backend
    >>> xp = array_namespace(load_backend("numpy"))
    >>> float(xp.cos(xp.asarray(0.0))), xp.prim.getitem is not None
    (1.0, True)
    """
    if backend.rule_namespace is not None:
        return backend.rule_namespace
    xp = backend.xp
    functions = {name: getattr(xp, name) for name in dir(xp) if not name.startswith("__")}
    for extension in ("linalg", "fft"):  # some libraries load these on first access
        if extension not in functions and (module := getattr(xp, extension, None)):
            functions[extension] = module
    functions["__name__"] = getattr(xp, "__name__", type(xp).__name__)
    prims = _Primitives({name: functools.partial(prim.forward, xp)
                         for name, prim in REGISTRY.items()})
    backend.rule_namespace = namespace = RuleNamespace(functions, prims)
    _bound_backends.append(backend)
    return namespace


def set_tensor_namespace(module: Any) -> None:
    """Make ``module`` (the assembled ``autodiff`` namespace) what rules compute with
    on tensors."""
    _tensor_module[:] = [module]
    _tensor_namespace.clear()


_tensor_module: list[Any] = []


def namespace_module() -> Any:
    """The ``autodiff`` module (a tensor's ``__array_namespace__``)."""
    if not _tensor_module:
        raise RuntimeError("autodiff is not assembled: import autodiff first")
    return _tensor_module[0]


def tensor_namespace() -> RuleNamespace:
    """The ``xp`` of a pass that records (``create_graph=True``, forward mode)."""
    if _tensor_namespace:
        return _tensor_namespace[0]
    if not _tensor_module:
        raise RuntimeError("autodiff is not assembled: import autodiff first")
    module = _tensor_module[0]
    functions = {name: getattr(module, name) for name in dir(module)
                 if not name.startswith("__")}
    functions["__name__"] = module.__name__
    prims = _Primitives({name: prim.op for name, prim in REGISTRY.items()})
    namespace = RuleNamespace(functions, prims)
    _tensor_namespace.append(namespace)
    return namespace


def is_xp_rule(rule: Callable[..., Any] | None) -> bool:
    """Whether ``rule`` takes the namespace first (``rule(xp, g, ans, *inputs)``)."""
    if rule is None:
        return False
    try:
        parameters = list(inspect.signature(rule).parameters)
    except (TypeError, ValueError):
        return False
    return bool(parameters) and parameters[0] == "xp"


#: what ``reads`` answers for a rule whose signature cannot be read: everything
_ALL = frozenset(range(256))


def reads(rule: Callable[..., Any] | None, leading: int = 2) -> tuple[bool, frozenset[int]]:
    """Whether ``rule`` reads the output, and the positions of the inputs it reads:
    its parameters after the ``leading`` ones (``xp, g``) are ``ans`` and then the
    inputs, and a name starting with ``_`` is one it does not read.

    >>> reads(lambda xp, g, _ans, _a, b: g * b)
    (False, frozenset({1}))
    """
    if rule is None:
        return False, frozenset()
    try:
        parameters = list(inspect.signature(rule).parameters.values())[leading:]
    except (TypeError, ValueError):
        return True, _ALL
    if not parameters:
        return False, frozenset()
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    reads_output = not parameters[0].name.startswith("_")
    positions: set[int] = set()
    for index, parameter in enumerate(parameters[1:]):
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return reads_output, _ALL
        if parameter.kind in positional and not parameter.name.startswith("_"):
            positions.add(index)
    return reads_output, frozenset(positions)


def argument_names(rule: Callable[..., Any] | None, count: int) -> list[str]:
    """Names for a primitive's ``count`` positional inputs, read from a vjp rule's
    signature (``rule(xp, g, ans, *inputs)``, a leading ``_`` dropped), or ``input0``,
    ``input1``... where the signature does not name them all.

    >>> argument_names(lambda xp, g, _ans, _a, b: g * b, 2)
    ['a', 'b']
    """
    fallback = [f"input{index}" for index in range(count)]
    if rule is None:
        return fallback
    try:
        parameters = list(inspect.signature(rule).parameters.values())[3:3 + count]
    except (TypeError, ValueError):
        return fallback
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if len(parameters) < count or any(p.kind not in positional for p in parameters):
        return fallback
    return [parameter.name.lstrip("_") or f"input{index}"
            for index, parameter in enumerate(parameters)]


def writes_into(position: int, into: Any) -> Any:
    """Declare ``into`` the in-place form of the function it decorates: the same
    arithmetic, its result written into the array at argument ``position`` (which
    ``autodiff.compile``'s replay passes where that array dies there; see
    ``autodiff/compile/_inplace.py``).

    >>> import numpy as np
    >>> @writes_into(0, lambda a, b: a.__iadd__(b))
    ... def plus(a, b):
    ...     return a + b
    >>> a = np.ones(2)
    >>> plus.inplace[1](a, 1.0) is a, a
    (True, array([2., 2.]))
    """
    def declare(fn: Any) -> Any:
        fn.inplace = (position, into)
        return fn

    return declare


def positionwise(fn: Any) -> Any:
    """Declare ``fn`` positionwise and exact: each element of its result is one exactly
    rounded operation (``+``, ``*``, ``/``, ``sqrt``, ``max``) on the elements at the
    same position of its array arguments, 0-d ones broadcast. Called on slices of its
    arguments it gives the same bits, so ``autodiff.compile`` may run a chain of such
    calls over large arrays block by block (``autodiff/compile/_blocked.py``).

    >>> import numpy as np
    >>> double = positionwise(lambda xp, x: x * 2.0)
    >>> x = np.arange(6.0)
    >>> double.positionwise, bool((double(np, x[2:4]) == double(np, x)[2:4]).all())
    (True, True)
    """
    fn.positionwise = True
    return fn
