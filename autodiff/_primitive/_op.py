"""``primitive()``, and the op function it makes: every operation's hot path."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from .. import _forward, _mode, _rules
from .._convert import python_scalar
from .._rules import REGISTRY
from .._tensor import Tensor
from ._declare import JVP_KINDS, Primitive
from ._record import record, record_one, record_two

#: What ``primitive`` returns: the function that applies the op.
Op = Callable[..., Tensor]


def primitive(
    name: str,
    *,
    forward: Callable[..., Any],
    vjp: Callable[..., Any] | tuple[Callable[..., Any] | None, ...] | None = None,
    jvp: str | Callable[..., Any] | None = None,
    torch_name: str | Callable[..., str] | None = None,
    namespace: str = "autodiff",
    scalar_free_nodes: tuple[str, ...] = (),
    moves: bool = False,
    doc: str | None = None,
    holomorphic: bool = False,
) -> Callable[..., Tensor]:
    """Declare a primitive and return the function that applies it.

    ``vjp`` is one rule per input (a single rule for a one-input op), ``None`` for
    an input that gets no gradient; leaving it out declares a non-differentiable op
    whose outputs never have a ``grad_fn``. A rule is ``rule(xp, g, ans, *inputs,
    **params)``, written against the namespace ``xp`` (arrays in a first-order pass,
    tensors when recording); a parameter named ``_...`` is one it does not read.
    ``torch_name`` is PyTorch's node stem (``"Mul"`` gives ``MulBackward0``) or a
    callable returning the full node name from the call's arguments;
    ``scalar_free_nodes`` names the nodes whose Python numbers PyTorch leaves out of
    ``next_functions``. ``namespace`` is where the public function lives; ``moves``
    marks a transfer, whose output belongs to the backend passed as ``target=``.
    ``doc`` is the public function's docstring, with an example (the suite runs it);
    without it the function says what primitive it is. ``holomorphic`` declares rules
    written ``g * f'(z)`` for a complex ``z`` (no conjugate): the engine conjugates them
    into PyTorch's convention, ``g * conj(f'(z))``, when the cotangent is complex.

    >>> import autodiff as ad
    >>> from autodiff import primitive
    >>> cube = primitive("cube_demo", forward=lambda xp, x: x * x * x,
    ...                  vjp=lambda xp, g, _ans, x: 3 * g * x * x, jvp="elementwise",
    ...                  namespace="demo")
    >>> x = ad.tensor(2.0, requires_grad=True)
    >>> cube(x).backward(); x.grad
    tensor(12.)
    """
    if name in REGISTRY:
        raise ValueError(f"primitive {name!r} is already registered")
    if isinstance(jvp, str) and jvp not in JVP_KINDS:
        raise ValueError(f"primitive {name!r}: jvp must be one of {JVP_KINDS} or a callable")
    rules = (vjp,) if callable(vjp) else vjp
    stem = torch_name or "".join(part.capitalize() for part in name.split("_"))
    node_name = stem if callable(stem) else f"{stem}Backward0"
    prim = Primitive(name, forward, rules, jvp, node_name, namespace, moves, scalar_free_nodes,
                     holomorphic)
    prim.op = make_op(prim)
    if doc is not None:
        prim.op.__doc__ = doc
    REGISTRY[name] = prim
    _rules.registered(prim)
    return prim.op


_SCALARS = frozenset((int, float, bool, complex))


def _scalar_argument(prim: Primitive, value: Any) -> Any:
    """A non-Python number (such as numpy.float64) as the Python number it stands for;
    anything else is refused with the op's name rather than failing deep in a library."""
    number = python_scalar(value)
    if number is not None:
        return number
    raise TypeError(f"{prim.name}: expected Tensors or Python numbers, got "
                    f"{type(value).__name__}; wrap arrays with autodiff.tensor(...)")


def _mixing_error(prim: Primitive, first: Tensor, second: Tensor) -> ValueError:
    return ValueError(
        f"{prim.name}: expected all tensors on one backend and device, got "
        f"{first._describe_place()} and {second._describe_place()}; move one with .to(...)"
    )


def apply(prim: Primitive, args: tuple[Any, ...], params: Mapping[str, Any]) -> Tensor:
    """Run ``prim`` on ``args`` and record it for backward when a gradient is needed."""
    return prim.op(*args, **params)


def _gather(prim: Primitive, args: tuple[Any, ...]) -> tuple[Any, bool, list[Any]]:
    """The backend, whether a gradient is needed, and the backend arrays (Python
    numbers as they are) of a call's positional arguments: the general case."""
    backend = None
    first = None
    needs_grad = False
    arrays = []
    for arg in args:
        if isinstance(arg, Tensor):
            if backend is None:
                backend, first = arg._backend, arg
            elif arg._backend is not backend or (
                    backend.multi_device
                    and backend.device_index(arg._array)
                    != backend.device_index(first._array)):  # type: ignore[union-attr]
                raise _mixing_error(prim, first, arg)  # type: ignore[arg-type]
            if arg._requires_grad:
                needs_grad = True
            arrays.append(arg._array)
        elif arg is None or type(arg) in _SCALARS:
            arrays.append(arg)
        else:
            arrays.append(_scalar_argument(prim, arg))
    if backend is None:
        raise TypeError(f"{prim.name}: expected at least one autodiff Tensor argument, "
                        f"got {', '.join(type(a).__name__ for a in args)}")
    return backend, needs_grad, arrays


def make_op(prim: Primitive) -> Callable[..., Tensor]:  # noqa: C901 - hot path
    """The function that applies ``prim``: the hot path of every operation, so its
    lookups are bound once here rather than made per call, and the two commonest
    calls (one tensor; a tensor and a tensor or Python number on a single-device
    backend) skip the general argument loop."""
    state = _mode.state
    departures = _mode.departures
    anomaly = _mode.anomaly
    tracing, traces = _mode.tracing, _mode.traces
    new = object.__new__
    tensor_type = Tensor
    scalars = _SCALARS
    differentiable = prim.differentiable
    # a call on one tensor records through record_one when its input has a rule
    one_recordable = differentiable and prim.vjps[0] is not None
    # and a call on a tensor and a tensor or Python number through record_two
    two_recordable = differentiable and len(prim.vjps) >= 2
    moves = prim.moves

    # ``_params`` rather than ``**params``: Python makes a new dict on every call of a
    # function taking ``**params``, even an empty one, and the commonest ops take
    # none; those with parameters are called through ``op_with_params`` below
    def op(*args: Any, _params: Mapping[str, Any] = _NO_PARAMS) -> Tensor:
        params = _params
        count = len(args)
        first: Any = args[0] if count else None
        forward = prim.forward  # read per call: a forward may be replaced (an override)
        pair = False  # a tensor and a tensor or Python number (the second fast path)
        # the two commonest calls pass their arrays positionally: a star call costs
        # as much as a small op's own bookkeeping
        if count == 1 and isinstance(first, tensor_type):
            backend = first._backend
            needs_grad = first._requires_grad
            out = forward(backend.xp, first._array, **params) if params else forward(
                backend.xp, first._array)
        else:
            second = args[1] if count == 2 else None
            if count == 2 and isinstance(first, tensor_type):
                backend = first._backend
                if type(second) in scalars:  # no devices to compare
                    needs_grad = first._requires_grad
                    pair = True
                    other = second
                elif isinstance(second, tensor_type) and second._backend is backend and (
                        not backend.multi_device):
                    needs_grad = first._requires_grad or second._requires_grad
                    pair = True
                    other = second._array
            if pair:
                out = forward(backend.xp, first._array, other, **params) if params else (
                    forward(backend.xp, first._array, other))
            else:
                backend, needs_grad, arrays = _gather(prim, args)
                # what is recorded holds the numbers as converted, never a numpy scalar
                args = tuple(arg if isinstance(arg, tensor_type) else array
                             for arg, array in zip(args, arrays, strict=True))
                out = forward(backend.xp, *arrays, **params) if params else forward(
                    backend.xp, *arrays)
        if moves:
            backend = params["target"]
        if out.__class__ is not backend.array_type:  # numpy returns scalars from 0-d math
            out = backend.coerce(out)
        # Tensor._wrap, inline: this is every op's hot path
        result = new(tensor_type)
        result._array = out
        result._backend = backend
        result._grad_fn = None
        result._requires_grad = False
        result._grad = None
        result._acc = None
        result._version = 0
        result._tangents = None
        result._view = None
        departed = departures.count  # a thread left the default modes: read its own
        # integer and bool outputs never join the graph (PyTorch's rule)
        if needs_grad and differentiable and (not departed or state.enabled) and (
                out.dtype in backend.differentiable_dtypes):
            if anomaly.enabled:
                node = record(prim, args, params, backend, out)
            elif count == 1 and one_recordable:
                node = record_one(prim, first, params, out)
            elif pair and two_recordable:
                node = record_two(prim, first, second, params, out)
            else:
                node = record(prim, args, params, backend, out)
            # what every recorder leaves to complete, inline: the hot path
            node._params = params
            node._backend = backend
            node._freed = False
            result._grad_fn = node
            result._requires_grad = True
        if departed:
            if differentiable and state.forward_levels:
                _forward.propagate(prim, args, params, result)
            if traces.count and tracing.active is not None:  # autodiff.compile records it
                tracing.active.op(prim, forward, args, params, result)
        return result

    public = op
    if _takes_params(prim):
        def op_with_params(*args: Any, **params: Any) -> Tensor:
            return op(*args, _params=params)

        public = op_with_params
    public.__signature__ = _signature(prim)  # type: ignore[attr-defined]
    public.__name__ = public.__qualname__ = prim.name
    public.__doc__ = _docstring(prim)
    public.primitive = prim  # type: ignore[attr-defined]
    return public


def _signature(prim: Primitive) -> inspect.Signature:
    """What ``help()`` and the typed method declarations show for a primitive's op: its
    forward's inputs (positional: tensors or Python numbers) and keyword parameters."""
    try:
        parameters = list(inspect.signature(prim.forward).parameters.values())[1:]
    except (TypeError, ValueError):
        parameters = []
    kind = inspect.Parameter
    inputs = len(prim.vjps) if prim.differentiable else sum(
        parameter.kind in (kind.POSITIONAL_ONLY, kind.POSITIONAL_OR_KEYWORD)
        and parameter.default is kind.empty for parameter in parameters)
    shown = []
    for index, parameter in enumerate(parameters):
        if parameter.kind in (kind.VAR_POSITIONAL, kind.VAR_KEYWORD):
            shown.append(parameter.replace(annotation="Any"))
        elif index < inputs:
            shown.append(parameter.replace(kind=kind.POSITIONAL_ONLY, annotation="Tensor | complex",
                                           default=kind.empty))
        else:
            shown.append(parameter.replace(kind=kind.KEYWORD_ONLY, annotation="Any"))
    return inspect.Signature(shown, return_annotation="Tensor")


#: the parameters of a call that passes none (shared, so read-only)
_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


def _docstring(prim: Primitive) -> str:
    if not prim.differentiable:
        return f"The ``{prim.name}`` primitive (not differentiable)."
    node = "" if prim.static_node is None else f"; its node is ``{prim.static_node.__name__}``"
    return f"The ``{prim.name}`` primitive (differentiable{node})."


def _takes_params(prim: Primitive) -> bool:
    """Whether calls of ``prim`` may pass keyword parameters: all may but those of a
    differentiable primitive whose forward takes ``xp`` and one input per rule."""
    try:
        parameters = list(inspect.signature(prim.forward).parameters.values())
    except (TypeError, ValueError):
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return not (prim.differentiable and len(parameters) == 1 + len(prim.vjps)
                and all(parameter.kind in positional for parameter in parameters))
