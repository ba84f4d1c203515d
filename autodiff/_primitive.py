"""Primitives: the registry of differentiable operations and the one function that
runs them.

A primitive is declared once, in one statement::

    sin = primitive(
        "sin", torch_name="Sin",
        forward=lambda xp, x: xp.sin(x),
        vjp=lambda g, ans, x: g * cos(x),
        jvp="elementwise",
    )

``forward`` computes on backend arrays through the Array API namespace ``xp``;
each vjp rule maps the output cotangent ``g`` (and the output ``ans``, the inputs
and the keyword parameters) to one input's cotangent, written with autodiff's own
ops so that gradients of gradients need no extra code. Everything else, the public
function, the ``grad_fn`` name, the conformance tests and the docs table, is
derived from the registry.
"""

from __future__ import annotations

import dis
import inspect
import numbers
import traceback
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from . import _forward, _mode, _rules
from ._graph import SCALAR, AccumulateGrad, Node, NodeExtra
from ._tensor import Tensor

__all__ = ["Primitive", "REGISTRY", "primitive", "apply"]

JVP_KINDS = ("elementwise", "linear", "multilinear")

#: how recording makes a node: a plain ``Node`` (see ``Node``), without calling a class
new_node = object.__new__


class Primitive:
    """The record of one differentiable operation."""

    __slots__ = ("name", "forward", "vjps", "array_vjps", "backend_array_vjps", "jvp",
                 "node_name", "saves_inputs",
                 "saves_output",
                 "differentiable", "namespace", "moves", "scalar_free_nodes", "op", "static_node",
                 "_node_classes", "xp_rules",
                 "__weakref__")

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        vjps: tuple[Callable[..., Any] | None, ...] | None,
        jvp: str | Callable[..., Any] | None,
        node_name: str | Callable[..., str],
        namespace: str,
        moves: bool = False,
        scalar_free_nodes: tuple[str, ...] = (),
        array_vjps: tuple[Callable[..., Any] | None, ...] | None = None,
    ) -> None:
        self.name = name
        self.forward = forward
        self.vjps = vjps or ()
        if array_vjps is not None and len(array_vjps) != len(self.vjps):
            raise ValueError(f"primitive {name!r}: array_vjp needs one rule per vjp rule "
                             f"({len(self.vjps)}), got {len(array_vjps)}")
        #: the same rules on backend arrays, ``rule(xp, g, ans, *inputs, **params)``: a
        #: first-order backward pass (no ``create_graph``) runs these without the per-op
        #: cost of autodiff ops; the conformance suite checks them against ``vjps``
        self.array_vjps = array_vjps
        #: a backend's own array rules for this primitive, by backend name (None when
        #: no backend has any): see ``adopt_array_rules``
        self.backend_array_vjps: dict[str, tuple[Callable[..., Any] | None, ...]] | None = None
        self.jvp = jvp
        self.node_name = node_name
        self.differentiable = bool(vjps)
        self.namespace = namespace
        # Which inputs (and whether the output) each rule reads: only those are kept
        # alive by the graph, and only for the rules whose input needs a gradient.
        #: rules written once against a namespace (``rule(xp, g, ans, *inputs)``): they
        #: run on arrays in a first-order pass and on tensors when recording
        self.xp_rules = any(_rules.is_xp_rule(rule) for rule in self.vjps)
        if self.xp_rules:
            if array_vjps is not None:
                raise ValueError(f"primitive {name!r}: a rule written against xp runs on "
                                 "arrays already; declare no array_vjp")
            self.array_vjps = self.vjps
            declared = [_rules.reads(rule) for rule in self.vjps]
            self.saves_output = tuple(reads_output for reads_output, _ in declared)
            arity = frozenset(range(len(self.vjps)))
            self.saves_inputs = tuple(arity & positions for _, positions in declared)
        else:
            self._disassembled(array_vjps)
        #: True for a transfer, whose output lives on backend ``params["target"]``
        self.moves = moves
        #: node names whose Python-number arguments are not edges in PyTorch
        #: (``x ** 2`` has one edge, ``x + 2`` two); see ``Node.next_functions``
        self.scalar_free_nodes = frozenset(scalar_free_nodes)
        self._node_classes: dict[str, type[Node]] = {}
        #: the node class when the name does not depend on the call
        self.static_node = self.node_class((), {}) if isinstance(node_name, str) else None
        self.op: Callable[..., Tensor]

    def _disassembled(self, array_vjps: tuple[Callable[..., Any] | None, ...] | None) -> None:
        both = tuple(zip(self.vjps, array_vjps or (None,) * len(self.vjps), strict=True))
        self.saves_output = tuple(
            any(rule is not None and "ans" in _used_arguments(rule) for rule in pair)
            for pair in both)
        arity = frozenset(range(len(self.vjps)))
        self.saves_inputs = tuple(
            arity & (_input_positions(rule) | _input_positions(array_rule, skip=3))
            for rule, array_rule in both)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    def adopt_array_rules(self, backend: str, rules: tuple[Callable[..., Any] | None, ...]
                          ) -> None:
        """Run ``rules`` instead of ``array_vjps`` on backend ``backend``: a backend's
        faster rules (``Backend.array_rules``). They may read only what the generic
        rules read, since only that is saved for backward."""
        where = f"backend {backend!r}: array rules for primitive {self.name!r}"
        if self.array_vjps is None:
            raise ValueError(f"{where}: the primitive has no array_vjp to stand in for")
        if len(rules) != len(self.array_vjps):
            raise ValueError(f"{where}: expected one rule per input ({len(self.array_vjps)})"
                             f", got {len(rules)}")
        for index, (rule, generic) in enumerate(zip(rules, self.array_vjps, strict=True)):
            if (rule is None) != (generic is None):
                raise ValueError(f"{where}: input {index} has a rule in one and not the other")
            if rule is not None and generic is not None and not _reads_within(
                    rule, generic, self.xp_rules):
                raise ValueError(f"{where}: rule {index} reads an input or the output that "
                                 "the primitive's own rule does not, and so does not save")
        if self.backend_array_vjps is None:
            self.backend_array_vjps = {}
        self.backend_array_vjps[backend] = tuple(
            None if rule is None else _falling_back(rule, generic)
            for rule, generic in zip(rules, self.array_vjps, strict=True))

    def node_class(self, args: tuple[Any, ...], params: Mapping[str, Any]) -> type[Node]:
        """The ``grad_fn`` class for this call (PyTorch names some per overload)."""
        name = self.node_name if isinstance(self.node_name, str) else self.node_name(
            *args, **params)
        cls = self._node_classes.get(name)
        if cls is None:
            cls = type(name, (Node,), {"__slots__": (), "prim": self,
                                       "scalar_edges": name not in self.scalar_free_nodes})
            self._node_classes[name] = cls
        return cls


REGISTRY: dict[str, Primitive] = {}
_rules.bind_registry(REGISTRY)

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
    array_vjp: Callable[..., Any] | tuple[Callable[..., Any] | None, ...] | None = None,
) -> Callable[..., Tensor]:
    """Declare a primitive and return the function that applies it.

    ``vjp`` is one rule per input (a single rule for a one-input op), ``None`` for
    an input that gets no gradient; leaving it out declares a non-differentiable op
    whose outputs never have a ``grad_fn``. ``torch_name`` is PyTorch's node stem
    (``"Mul"`` gives ``MulBackward0``) or a callable returning the full node name
    from the call's arguments; ``scalar_free_nodes`` names the nodes whose Python
    numbers PyTorch leaves out of ``next_functions``. ``namespace`` is where the
    public function lives; ``moves`` marks a transfer, whose output belongs to the
    backend passed as ``target=``. ``array_vjp`` optionally gives the same rules on
    backend arrays (``rule(xp, g, ans, *inputs, **params)``) for the hot elementwise
    ops: a backward pass that builds no graph runs them instead, skipping the per-op
    cost of autodiff's own ops, and the conformance suite checks that both agree.

    >>> import autodiff as ad
    >>> from autodiff import primitive
    >>> cube = primitive("cube_demo", forward=lambda xp, x: x * x * x,
    ...                  vjp=lambda g, ans, x: 3 * g * x * x, jvp="elementwise",
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
    array_rules = (array_vjp,) if callable(array_vjp) else array_vjp
    prim = Primitive(name, forward, rules, jvp, node_name, namespace, moves, scalar_free_nodes,
                     array_rules)
    REGISTRY[name] = prim
    _rules.registered()

    prim.op = _make_op(prim)
    return prim.op


def _reads_within(rule: Callable[..., Any], generic: Callable[..., Any], declared: bool
                  ) -> bool:
    """Whether a backend's ``rule`` reads no more than the primitive's own ``generic``."""
    if declared:
        (own_output, own_inputs), (output, inputs) = _rules.reads(rule), _rules.reads(generic)
        return own_inputs <= inputs and (output or not own_output)
    return (_input_positions(rule, skip=3) <= _input_positions(generic, skip=3)
            and ("ans" not in _used_arguments(rule) or "ans" in _used_arguments(generic)))


def _falling_back(own: Callable[..., Any], generic: Callable[..., Any] | None
                  ) -> Callable[..., Any]:
    """A backend's rule, and the primitive's own where it returns NotImplemented (for
    arguments it does not take: another dtype, a broadcast)."""
    def rule(xp: Any, g: Any, ans: Any, *inputs: Any, **params: Any) -> Any:
        result = own(xp, g, ans, *inputs, **params)
        if result is NotImplemented:
            return generic(xp, g, ans, *inputs, **params)  # type: ignore[misc]
        return result

    rule.backend_rule = own  # type: ignore[attr-defined]
    return rule


def _used_arguments(rule: Callable[..., Any]) -> set[str]:
    """Names of the rule's parameters that its body reads (conservatively all of them
    when the rule is not plain Python code)."""
    code = getattr(rule, "__code__", None)
    if code is None:
        return {"ans", "*"}
    names = set(code.co_cellvars)
    for instruction in dis.get_instructions(code):
        if instruction.opname.startswith(("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")):
            value = instruction.argval
            names.update(value if isinstance(value, tuple) else (value,))
    return names


def _input_positions(rule: Callable[..., Any] | None, skip: int = 2) -> frozenset[int]:
    """Positions (among the op's inputs) of the inputs a rule reads; the inputs follow
    ``skip`` leading parameters (``g, ans``, or ``xp, g, ans`` for an array rule)."""
    if rule is None:
        return frozenset()
    try:
        parameters = list(inspect.signature(rule).parameters.values())
    except (TypeError, ValueError):
        return frozenset(range(64))
    used = _used_arguments(rule)
    positions = set()
    for index, parameter in enumerate(parameters[skip:]):
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL or "*" in used:
            return frozenset(range(64))
        if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and parameter.name in used:
            positions.add(index)
    return frozenset(positions)


_SCALARS = frozenset((int, float, bool, complex))


def _scalar_argument(prim: Primitive, value: Any) -> Any:
    """A non-Python number (such as numpy.float64) as the Python number it stands for;
    anything else is refused with the op's name rather than failing deep in a library."""
    if isinstance(value, numbers.Number):
        for kind in (bool, int, float, complex):
            if isinstance(value, numbers.Integral if kind is int else kind):
                return kind(value)  # type: ignore[arg-type]
        return complex(value)  # type: ignore[call-overload]
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


def _make_op(prim: Primitive) -> Callable[..., Tensor]:
    """The function that applies ``prim``: the hot path of every operation, so its
    lookups are bound once here rather than made per call, and the two commonest
    calls (one tensor; a tensor and a tensor or Python number on a single-device
    backend) skip the general argument loop."""
    state = _mode.state
    departures = _mode.departures
    anomaly = _mode.anomaly
    new = object.__new__
    tensor_type = Tensor
    scalars = _SCALARS
    differentiable = prim.differentiable
    # a call on one tensor records through _record_one when its input has a rule
    one_recordable = differentiable and prim.vjps[0] is not None
    # and a call on a tensor and a tensor or Python number through _record_two
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
        departed = departures.count  # a thread left the default modes: read its own
        # integer and bool outputs never join the graph (PyTorch's rule)
        if needs_grad and differentiable and (not departed or state.enabled) and (
                out.dtype in backend.differentiable_dtypes):
            if anomaly.enabled:
                node = _record(prim, args, params, backend, out)
            elif count == 1 and one_recordable:
                node = _record_one(prim, first, params, out)  # type: ignore[arg-type]
            elif pair and two_recordable:
                node = _record_two(prim, first, second, params, out)  # type: ignore[arg-type]
            else:
                node = _record(prim, args, params, backend, out)
            # what every recorder leaves to complete, inline: the hot path
            node._params = params
            node._backend = backend
            node._freed = False
            result._grad_fn = node
            result._requires_grad = True
        if departed and differentiable and state.forward_levels:
            _forward.propagate(prim, args, params, result)
        return result

    public = op
    if _takes_params(prim):
        def op_with_params(*args: Any, **params: Any) -> Tensor:
            return op(*args, _params=params)

        public = op_with_params
    else:  # what help() shows: the inputs alone
        public.__signature__ = _INPUTS_ONLY  # type: ignore[attr-defined]
    public.__name__ = public.__qualname__ = prim.name
    public.__doc__ = f"The ``{prim.name}`` primitive."
    public.primitive = prim  # type: ignore[attr-defined]
    return public


_INPUTS_ONLY = inspect.Signature(
    [inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL, annotation="Tensor")],
    return_annotation="Tensor")

#: the parameters of a call that passes none (shared, so read-only)
_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


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


def _anomaly_trace() -> NodeExtra:
    """The forward call's stack, kept on the node in anomaly mode."""
    extra = NodeExtra()
    frames = traceback.format_stack()[:-3]  # without the engine's own frames
    extra.trace = "".join(frames[-8:])
    return extra


def _record_one(prim: Primitive, x: Tensor, params: Mapping[str, Any], out: Any) -> Node:
    """``_record`` for a call on one tensor that requires grad, outside anomaly mode:
    the same node, built without the general loop."""
    rule_saves = prim.saves_inputs[0]
    node = new_node(Node)
    node._kind = prim.static_node or prim.node_class((x,), params)
    node._prim = prim
    node._arity = 1
    node._uses = 0
    producer = x._grad_fn
    if producer is None:  # a leaf: its accumulator counts the uses of live nodes
        node._edge0 = x._accumulator()._consumed_by(node)
    else:
        producer._uses += 1
        node._edge0 = producer
    array = x._array
    meta = ((array.shape, array.dtype),)
    metas = x._backend.node_metas
    node._meta = metas.get(meta) or _shared(metas, meta)
    if rule_saves:  # the rule reads the input: keep it, and its version
        node._inputs = (x,)
        node._versions = (x._version,)
        node._holds = True
    else:
        node._inputs = (None,)
        node._versions = None
        node._holds = prim.saves_output[0]
    node._out = out if prim.saves_output[0] else None
    node._extra = None
    return node


_NOTHING: frozenset[int] = frozenset()

_METAS_LIMIT = 4096  # distinct shapes beyond this start a backend's cache afresh


def _shared(metas: dict[tuple[Any, ...], tuple[Any, ...]],
            meta: tuple[Any, ...]) -> tuple[Any, ...]:
    """The shared copy of ``meta`` (a node's ``(shape, dtype)`` per input) in a
    backend's ``node_metas``. A dtype keeps a tuple holding it tracked by Python's
    cyclic GC, so per-node copies made every long graph (W3's 100,000 ops) pay for
    several more full collections; shared ones cost nothing."""
    shared = metas.get(meta)
    if shared is None:
        if len(metas) >= _METAS_LIMIT:
            metas.clear()
        shared = metas[meta] = meta
    return shared


def _record_two(prim: Primitive, a: Tensor, b: Any, params: Mapping[str, Any],
                out: Any) -> Node:
    """``_record`` for a call on a tensor and a tensor or Python number, outside
    anomaly mode: the same node, built without the general loop."""
    rules, saves_inputs, saves_output = prim.vjps, prim.saves_inputs, prim.saves_output
    node = new_node(Node)
    node._kind = prim.static_node or prim.node_class((a, b), params)
    node._prim = prim
    keep = _NOTHING
    keep_output = False
    if a._requires_grad and rules[0] is not None:
        array = a._array
        producer = a._grad_fn
        if producer is None:
            edge_a: Node | AccumulateGrad | None = a._accumulator()._consumed_by(node)
        else:
            producer._uses += 1
            edge_a = producer
        meta_a: Any = (array.shape, array.dtype)
        keep, keep_output = saves_inputs[0], saves_output[0]
    else:
        edge_a, meta_a = None, None
    b_tensor = isinstance(b, Tensor)
    if b_tensor and b._requires_grad and rules[1] is not None:
        array = b._array
        producer = b._grad_fn
        if producer is None:
            edge_b: Node | AccumulateGrad | None = b._accumulator()._consumed_by(node)
        else:
            producer._uses += 1
            edge_b = producer
        meta_b: Any = (array.shape, array.dtype)
        keep = keep | saves_inputs[1]
        keep_output = keep_output or saves_output[1]
    else:
        edge_b = None
        meta_b = None if b_tensor else SCALAR
    save_a = 0 in keep
    save_b = b_tensor and 1 in keep
    node._arity = 2
    node._uses = 0
    node._edge0 = edge_a
    node._edge1 = edge_b
    meta = (meta_a, meta_b)
    metas = a._backend.node_metas
    node._meta = metas.get(meta) or _shared(metas, meta)
    node._inputs = (a if save_a else None, b if save_b or not b_tensor else None)
    node._versions = (a._version if save_a else None, b._version if save_b else None) if (
        save_a or save_b) else None
    node._holds = save_a or save_b or keep_output
    node._out = out if keep_output else None
    node._extra = None
    return node


def _record(prim: Primitive, args: tuple[Any, ...], params: Mapping[str, Any],
            backend: Any, out: Any) -> Node:
    """The graph node of a call, made in general (the op completes it): an edge, an
    input record and, where a rule reads it, a saved input per positional argument."""
    rules = prim.vjps
    count = len(args)
    if count > len(rules):
        raise TypeError(f"{prim.name}: called with {count} positional arguments but "
                        f"declared with {len(rules)} vjp rules; pass the extra ones as "
                        "keyword parameters, or declare a rule (or None) for each")
    node = new_node(Node)
    node._kind = prim.static_node or prim.node_class(args, params)
    node._prim = prim
    node._uses = 0
    edges: list[Any] = []
    meta: list[Any] = []
    inputs: list[Any] = []  # Python numbers as given; tensors only where a rule reads them
    keep: frozenset[int] | None = None  # positions of inputs some needed rule reads
    keep_output = False
    saves_inputs, saves_output = prim.saves_inputs, prim.saves_output
    index = 0
    for arg in args:
        if isinstance(arg, Tensor):
            inputs.append(None)
            if arg._requires_grad and rules[index] is not None:
                edges.append(arg._grad_fn or arg._acc or arg._accumulator())
                array = arg._array
                meta.append((array.shape, array.dtype))
                positions = saves_inputs[index]
                if positions:
                    keep = positions if keep is None else keep | positions
                if saves_output[index]:
                    keep_output = True
            else:
                edges.append(None)
                meta.append(None)
        else:
            inputs.append(arg)
            edges.append(None)
            meta.append(None if arg is None else SCALAR)
        index += 1
    holds = keep_output
    versions: list[int | None] | None = None
    if keep is not None:
        for position in keep:
            arg = args[position]
            if isinstance(arg, Tensor):
                if versions is None:
                    versions = [None] * count
                inputs[position] = arg
                versions[position] = arg._version
                holds = True
    # what an in-place write must not change before backward
    node._versions = None if versions is None else tuple(versions)
    node._inputs = tuple(inputs)
    node._edges = tuple(edges)
    # a transfer's input is on another backend: only single-backend calls are shared
    node._meta = tuple(meta) if prim.moves else _shared(backend.node_metas, tuple(meta))
    # only a node that holds saved tensors refuses a second backward once freed
    node._holds = holds
    node._out = out if keep_output else None
    node._extra = _anomaly_trace() if _mode.anomaly.enabled else None
    return node
