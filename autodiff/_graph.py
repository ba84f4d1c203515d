"""The recorded graph and the backward pass.

Every differentiable op that ran with grad mode on leaves a ``Node`` on its output
(``tensor.grad_fn``); a leaf that requires grad is reached through an
``AccumulateGrad`` node. Backward walks the nodes in dependency order without
recursion, so a 100,000-op chain is as easy as a short one.
"""

from __future__ import annotations

import math
import re
import sys
import weakref
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from . import _mode
from ._rules import array_namespace, tensor_namespace

if TYPE_CHECKING:
    from ._primitive import Primitive
    from ._tensor import Tensor

# Ops the engine itself needs (reducing a broadcast cotangent, casting it) are bound
# here where the package is assembled, so that this module imports no op module.
ops = SimpleNamespace()

#: marks a Python-number argument in ``Node._meta``
SCALAR = object()

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


INPLACE_HINT = (
    "Hint: enable anomaly detection to find the operation that failed to compute its "
    "gradient, with autodiff.autograd.set_detect_anomaly(True)."
)
_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def modified_message(array: Any, backend: Any, producer: str | None, version: int,
                     expected: int) -> str:
    """PyTorch's error for a saved tensor written in place before backward."""
    kind = _TYPE_NAMES.get(backend.dtype_name(array.dtype), "")
    shape = ", ".join(str(extent) for extent in array.shape)
    where = "" if producer is None else f", which is output 0 of {_op_name(producer)},"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [autodiff.{kind}Tensor [{shape}]]{where} is at version "
            f"{version}; expected version {expected} instead. {INPLACE_HINT}")


def _op_name(node_name: str) -> str:
    return re.sub(r"Backward\d*$", "", node_name)


class Handle:
    """What ``register_hook`` returns: ``remove()`` takes the hook away."""

    __slots__ = ("_hooks", "_key")
    _next_key = 0

    def __init__(self, hooks: dict[int, Callable[..., Any]], hook: Callable[..., Any]) -> None:
        Handle._next_key += 1
        self._hooks, self._key = hooks, Handle._next_key
        hooks[self._key] = hook

    def remove(self) -> None:
        self._hooks.pop(self._key, None)

    def __enter__(self) -> Handle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class NodeExtra:
    """What few nodes carry, kept out of the common node: hooks, the forward trace
    anomaly mode records, and the version of an in-place write to the saved output."""

    __slots__ = ("pre_hooks", "hooks", "tensor_hooks", "post_accumulate_hooks", "trace",
                 "dirty", "out_tangents", "retained")

    def __init__(self) -> None:
        self.pre_hooks: dict[int, Callable[..., Any]] = {}
        self.hooks: dict[int, Callable[..., Any]] = {}
        #: hooks registered on the output tensor (``register_hook``): they run before
        #: ``pre_hooks`` and before a retained ``.grad`` is filled
        self.tensor_hooks: dict[int, Callable[..., Any]] = {}
        self.post_accumulate_hooks: dict[int, Callable[..., Any]] = {}
        self.trace: str | None = None
        self.dirty: int | None = None
        #: forward-mode tangents of the saved output (its ``_tangents``), so that a rule
        #: reading ``ans`` in a backward pass run under a dual level sees them
        #: (forward-over-reverse: ``jacfwd(jacrev(f))``)
        self.out_tangents: dict[int, Any] | None = None
        #: the output tensor that asked to keep its gradient (``retain_grad``)
        self.retained: weakref.ref[Tensor] | None = None


class _Hookable:
    """``register_hook`` / ``register_prehook`` on a node (PyTorch's Node API)."""

    __slots__ = ()
    _extra: NodeExtra | None

    def extra(self) -> NodeExtra:
        if self._extra is None:
            self._extra = NodeExtra()  # type: ignore[misc]
        return self._extra

    def register_hook(self, fn: Callable[..., Any]) -> Handle:
        """``fn(grad_inputs, grad_outputs)`` after the node ran; it may return new
        ``grad_inputs`` (a tuple)."""
        return Handle(self.extra().hooks, fn)

    def register_prehook(self, fn: Callable[..., Any]) -> Handle:
        """``fn(grad_outputs)`` before the node runs; it may return new ``grad_outputs``."""
        return Handle(self.extra().pre_hooks, fn)


class Node(_Hookable):
    """The backward function of one recorded op (PyTorch's ``grad_fn``).

    Each primitive gets a subclass named as PyTorch names its node
    (``MulBackward0``), so ``type(y.grad_fn).__name__`` reads the same. The engine
    records every node as a plain ``Node``, though, and a node takes its named class
    (``_kind``) only when it is handed out (``named``): Python specialises an
    attribute access to one class, and the engine's loops, which read a dozen fields
    of every node, would otherwise meet a different class at each op.
    """

    # The edges (the nodes the cotangents go on to, None where none is wanted) live in
    # the node's own fields rather than in a tuple: a tuple of nodes is one more object
    # per op for Python's cyclic GC, whose full collections a long graph sets off.
    __slots__ = ("_arity", "_edge0", "_edge1", "_more", "_inputs", "_meta", "_out",
                 "_params", "_backend", "_freed", "_holds", "_versions", "_extra", "_prim",
                 "_kind", "_uses", "__weakref__")
    scalar_edges: bool
    _arity: int  # how many edges: _edge0 is set from 1 on, _edge1 from 2, _more from 3
    _edge0: Node | AccumulateGrad | None
    _edge1: Node | AccumulateGrad | None
    _more: tuple[Node | AccumulateGrad | None, ...]
    _prim: Primitive | None
    #: how many edges of recorded nodes lead here (see ``run_backward``)
    _uses: int
    #: the class the node takes when handed out (see ``named``)
    _kind: type[Node]

    _inputs: tuple[Any, ...]
    _meta: tuple[Any, ...]
    _out: Any
    _params: Mapping[str, Any]
    _backend: Any
    _freed: bool
    _holds: bool
    #: versions of the saved tensors in ``_inputs`` when recorded (None: none saved)
    _versions: tuple[int | None, ...] | None

    @property
    def _edges(self) -> tuple[Node | AccumulateGrad | None, ...]:
        """The edges as a tuple, one per input."""
        arity = self._arity
        if arity == 1:
            return (self._edge0,)
        if arity == 2:
            return (self._edge0, self._edge1)
        return (self._edge0, self._edge1, *self._more) if arity else ()

    @_edges.setter
    def _edges(self, edges: tuple[Node | AccumulateGrad | None, ...]) -> None:
        for edge in edges:
            if edge is not None:
                edge._consumed_by(self)
        arity = self._arity = len(edges)
        self._edge0 = edges[0] if arity else None
        self._edge1 = edges[1] if arity > 1 else None
        self._more = tuple(edges[2:])

    def _consumed_by(self, node: Node) -> Node:
        """Count an edge of ``node`` leading here (the recorders count inline)."""
        self._uses += 1
        return self

    @property
    def prim(self) -> Primitive:
        """The primitive this node differentiates."""
        return self._prim  # type: ignore[return-value]

    def name(self) -> str:
        return self._kind.__name__

    @property
    def next_functions(self) -> tuple[tuple[Node | AccumulateGrad | None, int], ...]:
        """One ``(node, 0)`` per differentiable argument, as PyTorch lists them:
        arguments without a rule (a condition, a weight) are not edges, and Python
        numbers are ``(None, 0)`` or absent depending on the node."""
        scalar_edges = self._kind.scalar_edges
        return tuple(
            (named(edge), 0)
            # a call may pass fewer positional inputs than the primitive has rules
            for edge, rule, meta in zip(self._edges, self.prim.vjps, self._meta, strict=False)
            if rule is not None and (scalar_edges or meta is not SCALAR)
        )

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"

    def run(self, grad: Tensor, tensor_type: type[Tensor], create_graph: bool,
            retain_graph: bool) -> list[Tensor | None]:
        """Cotangents for each input, reduced to that input's shape and dtype."""
        if (self._prim.array_vjps is not None and not create_graph  # type: ignore[union-attr]
                and not _mode.state.forward_levels):
            if self._extra is not None:
                self._check_saved()
            backend = self._backend
            return [None if array is None else tensor_type._wrap(array, backend)
                    for array in self.run_arrays(grad._array, retain_graph)]
        results = self._run_rules(grad, tensor_type, create_graph)
        if not retain_graph and self._holds:
            self._release()
        return results

    def run_arrays(self, g: Any, retain_graph: bool) -> list[Any]:
        """``run`` in a first-order pass, whose cotangents are backend arrays. A
        primitive's array rules run on the cotangent array and no tensor is made;
        without them the cotangent is wrapped for the rules and their results
        unwrapped (``_wrapped_pass``). The engine's hottest call, so
        ``_check_runnable`` and ``_release`` are inline, one edge is unrolled, and a
        node with extras (checked by ``run``) never comes here from the engine."""
        prim = self._prim
        rules: tuple[Callable[..., Any], ...] | None = prim.array_vjps  # type: ignore[union-attr,assignment]
        if rules is None:
            return self._wrapped_pass(g, retain_graph)
        if prim.backend_array_vjps is not None:  # type: ignore[union-attr]
            rules = prim.backend_array_vjps.get(self._backend.name, rules)  # type: ignore[union-attr]
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        inputs: Sequence[Any] = self._inputs
        versions = self._versions
        if versions is not None and len(versions) == 1:  # one saved tensor, unrolled
            value = inputs[0]
            if value._version != versions[0]:
                self._check_saved()  # raises PyTorch's error
            inputs = (value._array,)
        elif versions is not None:  # it saved tensors: check and unwrap them in one loop
            arrays = list(inputs)
            for index, version in enumerate(versions):
                if version is not None:
                    value = arrays[index]
                    if value._version != version:
                        self._check_saved()  # raises PyTorch's error
                    arrays[index] = value._array
            inputs = arrays
        backend, params, out = self._backend, self._params, self._out
        xp, array_type = array_namespace(backend), backend.array_type
        arity = self._arity
        # one edge (one input, or a tensor and a number): its rule alone, unrolled
        if arity == 1 or (arity == 2 and self._edge1 is None):
            if params:
                array = rules[0](xp, g, out, *inputs, **params)
            elif arity == 1:  # no star call: it builds a list and a tuple per node
                array = rules[0](xp, g, out, inputs[0])
            else:
                array = rules[0](xp, g, out, inputs[0], inputs[1])
            # _fit_array, its checks inline; a dtype is first compared by identity, which
            # spares numpy's dtype comparison (a conversion of the other operand) per node
            if array is not None:
                meta = self._meta[0]
                if (array.__class__ is not array_type or array.shape != meta[0]
                        or ((dtype := array.dtype) is not meta[1] and dtype != meta[1])):
                    array = _fit_array(array, meta, backend)
            results = [array] if arity == 1 else [array, None]
        else:
            results = []
            edges = (self._edge0, self._edge1) if arity == 2 else self._edges
            # no ``strict=``: a keyword costs zip a parse per call on this hot path
            for edge, rule, meta in zip(edges, rules, self._meta):  # noqa: B905
                if edge is None:
                    results.append(None)
                    continue
                array = rule(xp, g, out, *inputs, **params) if params else rule(
                    xp, g, out, *inputs)
                if array is not None and (
                        array.__class__ is not array_type or array.shape != meta[0]
                        or ((dtype := array.dtype) is not meta[1] and dtype != meta[1])):
                    array = _fit_array(array, meta, backend)
                results.append(array)
        if not retain_graph and self._holds:
            self._inputs = ()
            self._out = None
            self._freed = True
        return results

    def _wrapped_pass(self, g: Any, retain_graph: bool) -> list[Any]:
        """``run_arrays`` through the tensor rules: wrap, run, unwrap."""
        return _to_arrays(self.run(_as_tensor(g, self._backend), ops.Tensor, False,
                                   retain_graph))

    def _check_runnable(self) -> None:
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        if self._versions is not None or self._extra is not None:
            self._check_saved()

    def _release(self) -> None:
        """Drop the saved values once backward no longer needs them."""
        self._inputs = ()
        self._out = None
        self._freed = True

    def _run_rules(self, grad: Tensor, tensor_type: type[Tensor],
                   create_graph: bool) -> list[Tensor | None]:
        """The vjp rules, written with autodiff ops (differentiable themselves)."""
        self._check_runnable()
        ans = None
        if self._out is not None:
            ans = tensor_type._wrap(self._out, self._backend)
            if create_graph:  # d(ans)/d(inputs) must be part of the new graph
                ans._grad_fn = self
                ans._requires_grad = True
            if self._extra is not None:
                ans._tangents = self._extra.out_tangents
        inputs, params = self._inputs, self._params
        xp = tensor_namespace() if self._prim.xp_rules else None  # type: ignore[union-attr]
        results: list[Tensor | None] = []
        for edge, rule, meta in zip(self._edges, self._prim.vjps,  # type: ignore[union-attr]
                                    self._meta, strict=False):
            if edge is None:
                results.append(None)
                continue
            if xp is not None:
                cotangent = rule(xp, grad, ans, *inputs, **params)  # type: ignore[misc]
            else:
                cotangent = rule(grad, ans, *inputs, **params) if params else rule(  # type: ignore[misc]
                    grad, ans, *inputs)
            if cotangent is not None:
                array = cotangent._array
                if array.shape != meta[0] or array.dtype != meta[1]:
                    cotangent = _fit(cotangent, meta)
            results.append(cotangent)
        return results

    def _check_saved(self) -> None:
        """Refuse to run on saved values that an in-place write has changed."""
        extra = self._extra
        if extra is not None and extra.dirty is not None and self._out is not None:
            raise RuntimeError(modified_message(self._out, self._backend, self.name(),
                                                extra.dirty, 0))
        for tensor, version in zip(self._inputs, self._versions or (), strict=False):
            if version is not None and tensor._version != version:
                producer = tensor._grad_fn
                raise RuntimeError(modified_message(
                    tensor._array, tensor._backend,
                    None if producer is None else producer.name(), tensor._version, version))


def named(node: Any) -> Any:
    """``node`` in its named class (``MulBackward0``), as it is handed out: by
    ``Tensor.grad_fn`` and ``next_functions``. The engine records plain nodes."""
    if node is not None and node.__class__ is Node:
        node.__class__ = node._kind
    return node


def _fit(cotangent: Tensor, meta: tuple[tuple[int, ...], Any]) -> Tensor:
    """Reduce a broadcast cotangent to its input's shape and cast it to its dtype."""
    shape, dtype = meta
    if cotangent._array.shape != shape:
        cotangent = ops.sum_to_shape(cotangent, shape)
    if cotangent._array.dtype != dtype:
        if cotangent.dtype.kind == "complex floating" and not _is_complex(cotangent, dtype):
            cotangent = ops.real(cotangent)  # a real input's gradient is the real part
        cotangent = ops.astype_native(cotangent, dtype)
    return cotangent


def _fit_array(array: Any, meta: tuple[tuple[int, ...], Any], backend: Any) -> Any:
    """``_fit`` for an array rule's result, which may also be a numpy scalar. A
    cotangent broadcast up to its input (a reduction's) is made dense: a broadcast
    view would send numpy's matmul to its slow non-BLAS loop, and ``.grad`` would
    copy it anyway."""
    if array.__class__ is not backend.array_type:  # numpy returns scalars from 0-d math
        array = backend.coerce(array)
    if array.shape != meta[0] or array.dtype != meta[1]:
        grows = math.prod(array.shape) < math.prod(meta[0])
        array = _fit(ops.Tensor._wrap(array, backend), meta)._array
        if grows:
            array = backend.copy(array)
    return array


def _is_complex(tensor: Tensor, native: Any) -> bool:
    return tensor._backend.dtype_name(native).startswith("complex")


class Tagged:
    """The cotangents of a multi-output Function's outputs, by position; the engine
    adds two of them when several paths reach the Function."""

    __slots__ = ("grads",)

    def __init__(self, grads: list[Tensor | None]) -> None:
        self.grads = grads

    def __add__(self, other: Tagged) -> Tagged:
        return Tagged([a if b is None else b if a is None else a + b
                        for a, b in zip(self.grads, other.grads, strict=True)])


def _as_tensor(cotangent: Any, backend: Any) -> Any:
    """A first-order pass's cotangent (a backend array) as a tensor; tagged ones pass."""
    if cotangent.__class__ is Tagged:
        return cotangent
    return ops.Tensor._wrap(cotangent, backend)


def _to_arrays(cotangents: Sequence[Any]) -> list[Any]:
    """Tensors as their arrays (what a first-order pass carries); None and tagged
    cotangents pass."""
    tensor = ops.Tensor
    return [value._array if isinstance(value, tensor) else value for value in cotangents]


class AccumulateGrad(_Hookable):
    """The node that adds a cotangent into a leaf tensor's ``.grad``.

    The leaf owns its node and the node refers back weakly, so there is no cycle;
    a leaf nobody holds any more simply receives nothing.
    """

    __slots__ = ("_variable", "_backend", "_extra", "_consumers", "_prune_at", "__weakref__")

    def __init__(self, variable: Tensor) -> None:
        self._variable = weakref.ref(variable)
        #: the leaf's backend, to wrap a first-order pass's cotangent array for hooks
        self._backend = variable._backend
        self._extra: NodeExtra | None = None
        #: a weak reference per edge leading here (see ``_uses``)
        self._consumers: list[weakref.ref[Node]] = []
        self._prune_at = 16

    def _consumed_by(self, node: Node) -> AccumulateGrad:
        """Count an edge of ``node`` leading here, for as long as ``node`` lives."""
        consumers = self._consumers
        consumers.append(weakref.ref(node))
        if len(consumers) >= self._prune_at:  # forget dead ones now and then
            self._consumers = consumers = [ref for ref in consumers if ref() is not None]
            self._prune_at = 2 * len(consumers) + 16
        return self

    @property
    def _uses(self) -> int:
        """How many edges of nodes still alive lead here. A node counts its uses for
        good (see ``run_backward``), but a leaf outlives the graphs made from it, one a
        step in a training loop, and counting their edges for good would hold back its
        accumulation in every later pass."""
        live = [ref for ref in self._consumers if ref() is not None]
        self._consumers = live
        return len(live)

    @property
    def variable(self) -> Tensor | None:
        return self._variable()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    next_functions: tuple[()] = ()
    #: a leaf's node has no edges (read by the backward loop)
    _edges: tuple[()] = ()
    _arity = 0

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


def accumulate_into(tensor: Tensor, grad: Tensor, create_graph: bool) -> None:
    """Add ``grad`` into ``tensor.grad`` as PyTorch does.

    Without create_graph the existing ``.grad`` object keeps its identity (the sum
    replaces its array), so a reference taken before a second backward sees the sum.
    """
    if create_graph:
        tensor._grad = grad if tensor._grad is None else tensor._grad + grad
        return
    if tensor._grad is None:
        # As PyTorch's AccumulateGrad: the incoming gradient's memory is taken over
        # when nothing else refers to it (the slot, the local name and getrefcount's
        # argument), and copied otherwise, so that .grad can be written in place
        # (``x.grad.zero_()``) without touching another tensor or a read-only view.
        array, backend = grad._array, grad._backend
        if sys.getrefcount(array) > 3 or not backend.exclusive(array):
            array = backend.copy(array)
        tensor._grad = type(grad)._wrap(array, backend)
    else:
        tensor._grad._array = tensor._grad._array + grad._array


def _run_hooks(hooks: dict[int, Callable[..., Any]], grad: Tensor) -> Tensor:
    """Tensor hooks in registration order; a hook returning a tensor replaces the grad."""
    for hook in list(hooks.values()):
        replaced = hook(grad)
        if replaced is not None:
            grad = replaced
    return grad


def _run_node_with_extras(node: Node, extra: NodeExtra, incoming: Tensor,
                          tensor_type: type[Tensor], create_graph: bool,
                          retain_graph: bool) -> list[Tensor | None]:
    """A node run with its pre- and post-hooks, and under anomaly detection."""
    for hook in list(extra.pre_hooks.values()):
        replaced = hook((incoming,))
        if replaced is not None:
            (incoming,) = replaced
    try:
        cotangents = node.run(incoming, tensor_type, create_graph, retain_graph)
    except Exception as error:
        if extra.trace is not None:
            error.add_note(f"Error detected in {node.name()}. The forward call that created "
                           f"it:\n{extra.trace}")
        raise
    for hook in list(extra.hooks.values()):
        replaced = hook(tuple(cotangents), (incoming,))
        if replaced is not None:
            if len(replaced) != len(cotangents):  # as PyTorch checks a node hook's result
                raise RuntimeError(
                    f"hook '{getattr(hook, '__name__', hook)}' has returned an incorrect "
                    f"number of values (got {len(replaced)}, but expected "
                    f"{len(cotangents)}): return one gradient, or None, per input of "
                    f"{node.name()}")
            cotangents = list(replaced)
    if extra.trace is not None and _mode.anomaly.check_nan:
        for index, cotangent in enumerate(cotangents):
            if cotangent is not None and _has_nan(cotangent):
                raise RuntimeError(
                    f"Function '{node.name()}' returned nan values in its {index}th output. "
                    f"The forward call that created it:\n{extra.trace}")
    return cotangents


def _has_nan(tensor: Tensor) -> bool:
    xp = tensor._backend.xp
    array = tensor._array
    return bool(xp.any(xp.isnan(array)))


def _on_paths_to(start: Sequence[Any], targets: dict[Any, int]) -> set[Any]:
    """The nodes from which some target can be reached (targets included), found by a
    post-order walk without recursion."""
    needed: set[Any] = set()
    done: set[Any] = set()
    for root in start:
        if root in done:
            continue
        stack: list[tuple[Any, int]] = [(root, 0)]
        while stack:
            node, position = stack[-1]
            edges = node._edges  # a leaf's node has none
            while position < len(edges) and (edges[position] is None
                                             or edges[position] in done):
                position += 1
            if position < len(edges):
                stack[-1] = (node, position + 1)
                stack.append((edges[position], 0))
                continue
            stack.pop()
            done.add(node)
            if node in targets or any(edge in needed for edge in edges if edge is not None):
                needed.add(node)
    return needed


def _count_dependencies(start: Sequence[Any], needed: set[Any] | None) -> dict[Any, int]:
    """How many consumers will send each node a cotangent: a node runs once all have.
    The nodes in ``start`` are counted too (0 when no other reaches them), so that one
    reached from another is walked once."""
    dependencies: dict[Any, int] = dict.fromkeys(start, 0)
    stack = list(dependencies)
    node = stack.pop() if stack else None
    while node is not None:  # the stack's top kept in ``node``, as in run_backward
        arity = node._arity
        edges = (node._edge0,) if arity == 1 else (node._edge0, node._edge1) if (
            arity == 2) else node._edges
        following = None
        for edge in edges:
            if edge is None or (needed is not None and edge not in needed):
                continue
            if edge in dependencies:
                dependencies[edge] += 1
            else:
                dependencies[edge] = 1
                if following is not None:
                    stack.append(following)
                following = edge
        node = following if following is not None else stack.pop() if stack else None
    return dependencies


def _unstick(dependencies: dict[Any, int], ready: list[Any],
             needed: set[Any] | None) -> Any:
    """The next node to run once none is ready in a pass that counts recorded uses:
    None when the pass is done, else one of the nodes awaiting cotangents that will
    never come (a consumer outside the pass was counted). Every node yet to run is
    reachable from those, so counting the graph from them makes ``dependencies``
    exact for the rest of the pass."""
    waiting = [node for node, remaining in dependencies.items() if remaining > 0]
    if not waiting:
        return None
    dependencies.clear()
    dependencies.update(_count_dependencies(waiting, needed))
    ready.extend(node for node in waiting if not dependencies[node])
    return ready.pop()


class _Pass:
    """One backward pass: its options, its targets and what it captures."""

    __slots__ = ("tensor_type", "create_graph", "retain_graph", "arrays", "inputs",
                 "capture", "catch", "captured", "needed")

    def __init__(self, tensor_type: type[Tensor], create_graph: bool, retain_graph: bool,
                 inputs: Sequence[Tensor] | None, capture: Sequence[Tensor] | None) -> None:
        self.tensor_type = tensor_type
        self.create_graph = create_graph
        self.retain_graph = retain_graph
        #: a first-order pass carries cotangents as backend arrays: nothing it computes
        #: is differentiated again, so no tensor needs to be made for them
        self.arrays = not create_graph and not _mode.state.forward_levels
        self.inputs = inputs
        self.capture = capture
        #: the node of each target (``inputs`` or ``capture``) to its position
        self.catch: dict[Any, int] = {}
        self.captured: list[Tensor | None] = [None] * (len(capture) if capture else 0)
        #: with targets, the nodes on a path to one of them (None: every node)
        self.needed: set[Any] | None = None


def _visit(run: _Pass, node: Any, incoming: Any) -> Sequence[Any]:
    """One node of the backward pass in general: tensor hooks, a captured or retained
    gradient, a leaf's accumulation, pruning to the targets, node hooks and anomaly
    checks (the engine's loop runs a plain node itself). ``incoming`` and the result
    are in the pass's currency: backend arrays in a first-order pass."""
    if incoming is not None and run.arrays:
        # rebinding the argument leaves the tensor the array's only holder, so that
        # a leaf's .grad may take the array over (see accumulate_into)
        incoming = _as_tensor(incoming, node._backend)
    extra = node._extra
    if extra is not None and incoming is not None:
        incoming = _run_hooks(extra.tensor_hooks, incoming)
    capture, catch, create_graph = run.capture, run.catch, run.create_graph
    if incoming is not None and capture is not None and node in catch:
        run.captured[catch[node]] = incoming
    if node.__class__ is AccumulateGrad:
        wanted = run.inputs is None or node in catch
        leaf = node.variable
        if incoming is not None and capture is None and wanted and leaf is not None:
            accumulate_into(leaf, incoming, create_graph)
            if extra is not None:
                for hook in list(extra.post_accumulate_hooks.values()):
                    hook(leaf)
        return ()
    if incoming is not None and extra is not None and extra.retained is not None and (
            capture is None):
        retained = extra.retained()
        if retained is not None:
            accumulate_into(retained, incoming, create_graph)
    needed = run.needed
    if incoming is None or (needed is not None and not any(
            edge in needed for edge in node._edges if edge is not None)):
        # nothing to send, or a target nothing beyond is wanted from
        return [None] * node._arity
    if extra is None:
        results = node.run(incoming, run.tensor_type, create_graph, run.retain_graph)
    else:
        results = _run_node_with_extras(node, extra, incoming, run.tensor_type, create_graph,
                                        run.retain_graph)
    return _to_arrays(results) if run.arrays else results


def run_backward(
    roots: Sequence[Tensor],
    grads: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
    capture: Sequence[Tensor] | None = None,
) -> list[Tensor | None]:
    """Propagate ``grads`` from ``roots`` back through the graph.

    Leaves accumulate into ``.grad`` (only those in ``inputs`` when it is given);
    with ``capture`` nothing accumulates and the cotangents reaching the captured
    tensors are returned instead (``autograd.grad``).
    """
    tensor_type = type(roots[0])
    run = _Pass(tensor_type, create_graph, retain_graph, inputs, capture)
    start: list[Any] = [root._grad_fn or root._accumulator() for root in roots]
    targets = inputs if capture is None else capture
    catch = run.catch
    if targets is not None:
        for index, tensor in enumerate(targets):
            catch[tensor._grad_fn or tensor._accumulator()] = index
            if capture is None and tensor._grad_fn is not None:
                tensor.retain_grad()  # a non-leaf named in backward(inputs=...), as PyTorch
    # With targets, only the nodes on a path to one of them run (as PyTorch prunes):
    # what lies beyond is neither computed, nor hooked, nor freed.
    needed = run.needed = None if targets is None else _on_paths_to(start, catch)

    # How many cotangents each node still awaits. A plain pass counts down from each
    # node's recorded uses as cotangents arrive, with no walk of the graph beforehand:
    # a node used once is ready when its one cotangent comes, and only nodes used more
    # often are counted in ``dependencies``. A recorded count is never too low (every
    # edge counts itself when made) but is too high when a consumer is outside this
    # pass (a graph dropped or kept apart, a leaf reused): such a node waits until
    # nothing else is ready, and then the rest of the graph is counted exactly
    # (_unstick). A pass with targets, or with a root that is another node's input,
    # counts its graph first, as PyTorch always does.
    exact = needed is not None or any(node._uses for node in start)
    dependencies = _count_dependencies(
        start if needed is None else [node for node in start if node in needed], needed
    ) if exact else {}
    single = 0 if exact else 1  # the uses that bypass ``dependencies`` (0: none do)
    arrays = run.arrays
    pending: dict[Any, Any] = {}
    for node, seed in zip(start, grads, strict=True):
        value = seed._array if arrays else seed
        earlier = pending.get(node)
        pending[node] = value if earlier is None else earlier + value
    ready = [node for node in dict.fromkeys(start) if not dependencies.get(node)
             and (needed is None or node in needed)]

    plain = not catch  # no targets: every node takes the fast path below unless it is special
    previous_mode = _mode.state.enabled
    _mode.state.enabled = create_graph
    # ``ready`` is a stack whose top is kept in ``node``: in a chain each node readies
    # the next, and pushing and popping it would resize the list at every node. A node
    # readied by its one consumer takes its cotangent from it (``handed``) rather than
    # through ``pending``, where only cotangents to be summed or left waiting go.
    node = ready.pop() if ready else None
    handed = None
    try:
        while True:
            while node is not None:
                if handed is None:
                    grad = pending.pop(node, None)
                else:
                    grad, handed = handed, None
                # a node with extras (hooks, a retained gradient, anomaly's trace) or a
                # leaf's goes through _visit
                if (plain and node._extra is None and node.__class__ is not AccumulateGrad
                        and grad is not None):
                    if arrays:
                        cotangents = node.run_arrays(grad, retain_graph)
                    else:
                        cotangents = node.run(grad, tensor_type, create_graph, retain_graph)
                else:
                    # the cotangent is passed straight from the dict, which then holds
                    # it alone: see _visit
                    pending[node] = grad
                    grad = None
                    cotangents = _visit(run, node, pending.pop(node))
                arity = node._arity
                edges = (node._edge0,) if arity == 1 else (node._edge0, node._edge1) if (
                    arity == 2) else node._edges
                following = None  # the last node this one readies: the stack's next top
                # one cotangent per edge (no ``strict=``: a keyword costs zip a parse per call)
                for edge, cotangent in zip(edges, cotangents):  # noqa: B905
                    if edge is None or (needed is not None and edge not in needed):
                        continue
                    uses = edge._uses
                    if uses != single:  # several consumers (or exact counts): sum, count down
                        if cotangent is not None:
                            earlier = pending.get(edge)
                            pending[edge] = cotangent if earlier is None else earlier + cotangent
                            cotangent = None
                        remaining = dependencies[edge] = dependencies.get(edge, uses) - 1
                        if remaining:
                            continue
                    if following is not None:
                        ready.append(following)
                        if handed is not None:
                            pending[following] = handed
                    following, handed = edge, cotangent
                # hold no cotangent here once it is handed on: a leaf's .grad takes an array
                # over only when nothing else refers to it (accumulate_into)
                grad = cotangents = cotangent = edges = None
                node = following if following is not None else ready.pop() if ready else None
            if single == 0 or (node := _unstick(dependencies, ready, needed)) is None:
                break
            single = 0  # counted exactly from here on
    finally:
        _mode.state.enabled = previous_mode
    return run.captured
