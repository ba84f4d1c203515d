"""Graph nodes: the backward function of one recorded op (``Node``), and what few
nodes carry besides (``NodeExtra``: hooks, anomaly's trace).

A node runs its primitive's vjp rules, each written once against a namespace ``xp``:
on backend arrays in a first-order pass (``run_arrays``), on tensors through autodiff's
own namespace when the pass records (``run_tensors``), so that gradients of gradients
need no other code.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import _mode
from .._rules import argument_names, array_namespace, namespace_module, tensor_namespace
from ._cotangents import fit_array, fit_tensor
from ._messages import FREED_MESSAGE, modified_message

if TYPE_CHECKING:
    from .._primitive import Primitive
    from .._tensor import Tensor
    from ._leaf import AccumulateGrad

#: marks a Python-number argument in ``Node._meta``
SCALAR = object()


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
    #: True where ``run`` may return arrays that others hold (a custom node's, which
    #: the loop hands to ``_special.visit``): a leaf
    #: copies them rather than take them over
    foreign_results = False
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

    @property
    def saved_values(self) -> dict[str, Any]:
        """What the node keeps for its backward pass, by name (what PyTorch's
        ``_saved_*`` attributes show), to read only: saved inputs (tensors) and Python
        numbers under the op's argument names, ``result`` for a saved output (a tensor
        viewing it), then the op's keyword parameters. Empty once backward freed them.

        >>> import autodiff as ad
        >>> x = ad.tensor([1.0, 2.0], requires_grad=True)
        >>> x.sum(0, keepdim=True).grad_fn.saved_values
        {'axis': (0,), 'keepdims': True}
        """
        if self._freed:
            return {}
        rules = self._prim.vjps if self._prim is not None else ()
        rule = next((rule for rule in rules if rule is not None), None)
        names = argument_names(rule, len(self._inputs))
        saved = {name: value for name, value in zip(names, self._inputs, strict=True)
                 if value is not None}
        if self._out is not None:
            moves = self._prim is not None and self._prim.moves
            backend = self._params["target"] if moves else self._backend
            saved["result"] = namespace_module().Tensor._wrap(self._out, backend)
        for key, value in self._params.items():
            saved.setdefault(key, value)
        return saved

    @property
    def retained_output(self) -> Tensor | None:
        """The output tensor that keeps its gradient (``retain_grad``), while it lives."""
        extra = self._extra
        return None if extra is None or extra.retained is None else extra.retained()

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"

    def run(self, grad: Tensor, tensor_type: type[Tensor], create_graph: bool,
            retain_graph: bool) -> list[Tensor | None]:
        """Cotangents for each input as tensors, reduced to that input's shape and
        dtype: on arrays unless the pass records (``create_graph``, forward mode)."""
        if create_graph or _mode.state.forward_levels:
            results = self.run_tensors(grad, tensor_type, create_graph)
            if not retain_graph and self._holds:
                self._release()
            return results
        if self._extra is not None:
            self._check_saved()
        backend = self._params["source"] if self._prim.moves else self._backend  # type: ignore[union-attr]
        return [None if array is None else tensor_type._wrap(array, backend)
                for array in self.run_arrays(grad._array, retain_graph)]

    def run_arrays(self, g: Any, retain_graph: bool) -> list[Any]:  # noqa: C901 - hot path
        """``run`` in a first-order pass, whose cotangents are backend arrays: the
        rules run on arrays and no tensor is made. The engine's hottest call, so
        ``_check_saved`` is reached only on a version mismatch, ``_release`` is inline,
        one edge is unrolled, and a node with extras never comes here from the engine
        loop (``run`` checks its saved values first)."""
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        prim: Any = self._prim  # a primitive's node (custom nodes have their own)
        backend = self._backend
        rules = prim.vjps
        if prim.backend_vjps is not None:
            rules = prim.backend_vjps.get(backend.name, rules)
        # rules written g * f'(z) run conjugated on a complex cotangent: one set test
        # per node of such a primitive (a dtype already seen real), none for the others
        if prim.holomorphic and g.dtype not in backend.real_dtypes and complex_dtype(
                backend, g.dtype):
            rules = prim.conjugated(rules)
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
        params, out = self._params, self._out
        xp = backend.rule_namespace or array_namespace(backend)
        array_type = backend.array_type
        if prim.moves:  # a transfer: its cotangent goes back to the source backend
            backend = params["source"]
            array_type = backend.array_type
        arity = self._arity
        # one edge (one input, or a tensor and a number): its rule alone, unrolled
        if arity == 1 or (arity == 2 and self._edge1 is None):
            if params:
                array = rules[0](xp, g, out, *inputs, **params)
            elif arity == 1:  # no star call: it builds a list and a tuple per node
                array = rules[0](xp, g, out, inputs[0])
            else:
                array = rules[0](xp, g, out, inputs[0], inputs[1])
            # fit_array's checks inline; a dtype is first compared by identity, which
            # spares numpy's dtype comparison (a conversion of the other operand) per node
            if array is not None:
                meta = self._meta[0]
                if (array.__class__ is not array_type or array.shape != meta[0]
                        or ((dtype := array.dtype) is not meta[1] and dtype != meta[1])):
                    array = fit_array(array, meta, backend)
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
                    array = fit_array(array, meta, backend)
                results.append(array)
        if not retain_graph and self._holds:
            self._inputs = ()
            self._out = None
            self._freed = True
        return results

    def run_tensors(self, grad: Tensor, tensor_type: type[Tensor],
                    create_graph: bool) -> list[Tensor | None]:
        """The rules on tensors, through autodiff's namespace: what they compute is
        recorded (under ``create_graph``), so it can be differentiated again."""
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        if self._versions is not None or self._extra is not None:
            self._check_saved()
        ans = None
        if self._out is not None:
            ans = tensor_type._wrap(self._out, self._backend)
            if create_graph:  # d(ans)/d(inputs) must be part of the new graph
                ans._grad_fn = self
                ans._requires_grad = True
            if self._extra is not None:
                ans._tangents = self._extra.out_tangents
        inputs, params = self._inputs, self._params
        xp = tensor_namespace()
        prim: Any = self._prim
        rules = prim.vjps
        if prim.holomorphic and complex_dtype(grad._backend, grad._array.dtype):
            rules = prim.conjugated(rules)
        results: list[Tensor | None] = []
        for edge, rule, meta in zip(self._edges, rules, self._meta, strict=False):
            cotangent = None
            if edge is not None:
                cotangent = rule(xp, grad, ans, *inputs, **params)
                if cotangent is not None:
                    cotangent = fit_tensor(cotangent, meta)
            results.append(cotangent)
        return results

    def _release(self) -> None:
        """Drop the saved values once backward no longer needs them."""
        self._inputs = ()
        self._out = None
        self._freed = True

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


#: bound on a backend's ``real_dtypes`` (a set of the dtypes themselves: hashing a numpy
#: dtype costs less than ``id`` and a dict), since a library may make a dtype per array
_REAL_LIMIT = 64


def complex_dtype(backend: Any, dtype: Any) -> bool:
    """Whether ``dtype`` (a backend's native dtype) is complex; real ones are remembered
    so that the engine's test per node is one set lookup."""
    known = backend.real_dtypes
    if dtype in known:
        return False
    if backend.dtype_name(dtype).startswith("complex"):
        return True
    if len(known) >= _REAL_LIMIT:
        known.clear()
    known.add(dtype)
    return False


def named(node: Any) -> Any:
    """``node`` in its named class (``MulBackward0``), as it is handed out: by
    ``Tensor.grad_fn`` and ``next_functions``. The engine records plain nodes."""
    if node is not None and node.__class__ is Node:
        node.__class__ = node._kind
    return node
