"""``autodiff.utils.checkpoint``: trade compute for memory (PyTorch's
``torch.utils.checkpoint``).

``checkpoint(fn, *args)`` returns ``fn(*args)`` but keeps none of ``fn``'s
intermediate values for backward: only its inputs (and the random generators'
state). Backward runs ``fn`` again, with grad enabled, and backpropagates through
that recomputation. Checkpointing each block of a deep computation keeps one
block's activations alive at a time instead of all of them.

How it plugs into the graph: the outputs get one node (``CheckpointFunctionBackward``)
whose edges are where ``fn``'s graph meets the rest of the graph: the tensor
arguments, and the tensors ``fn`` reads from elsewhere (a module's weights in a
closure, say). In the default ``use_reentrant=False`` mode the forward runs with
grad enabled to find those edges, as PyTorch's non-reentrant variant records its
graph, and then drops that graph: nothing but the inputs outlives the call, so the
peak memory is one block's activations either way. In recomputation, ``fn``'s graph
is cut at the same edges (``_Barrier`` nodes), so backpropagating through it never
runs a node outside the block, then reconnected, so that a graph built with
``create_graph=True`` reaches the real inputs (double backward works).

``use_reentrant=True`` is PyTorch's older variant: the forward runs under no-grad,
only tensor arguments are edges, and tensors ``fn`` closes over receive their
gradient by accumulation into ``.grad`` during ``backward()`` (so not through
``autograd.grad``), and ``create_graph`` does not reach the real inputs.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from .. import _backend, _mode
from .._graph import AccumulateGrad, Node, modified_message, named, run_backward
from .._pytree import tree_flatten, tree_unflatten
from .._tensor import Tensor
from ..autograd import grad as _autograd_grad
from ..autograd._custom import CustomNode, FunctionOutput, Tagged

__all__ = ["checkpoint"]

Edge = Node | AccumulateGrad


class _Barrier(CustomNode):
    """An identity node standing for one edge of a checkpoint inside ``fn``'s graph:
    without edges while the recomputation is differentiated (so that stops there),
    then connected to the real edge."""

    __slots__ = ()

    def run(self, grad: Tensor, tensor_type: type[Tensor], create_graph: bool,
            retain_graph: bool) -> list[Tensor | None]:
        return [grad] * len(self._edges)


def _stand_in(array: Any, backend: Any) -> tuple[Tensor, _Barrier]:
    """A tensor on ``array`` whose ``grad_fn`` is a fresh, unconnected barrier."""
    barrier = _Barrier()
    barrier._start((), backend)
    tensor = Tensor._wrap(array, backend)
    tensor._grad_fn, tensor._requires_grad = barrier, True
    return tensor, barrier


def _node_of(tensor: Tensor) -> Edge:
    return tensor._grad_fn or tensor._accumulator()


@contextlib.contextmanager
def _rng_state(states: dict[Any, Any] | None) -> Iterator[None]:
    """Run with the generators as ``states`` found them, then put them back."""
    if not states:
        yield
        return
    current = {backend: backend.get_rng_state() for backend in states}
    for backend, state in states.items():
        backend.set_rng_state(state)
    try:
        yield
    finally:
        for backend, state in current.items():
            backend.set_rng_state(state)


class CheckpointFunctionBackward(CustomNode):
    """The node of a checkpointed call: recomputes ``fn`` and differentiates it."""

    __slots__ = ("_fn", "_args", "_kwargs", "_rng", "_frontier", "_output_meta", "_reentrant",
                 "_arg_versions")
    _fn: Callable[..., Any]
    _args: tuple[Any, ...]
    _kwargs: dict[str, Any]
    _rng: dict[Any, Any] | None
    #: per edge: the position of the argument it stands for, or the outside node
    _frontier: tuple[int | Edge, ...]
    _output_meta: tuple[Any, ...]
    _reentrant: bool
    _arg_versions: tuple[int | None, ...]

    def _check_inputs(self) -> None:
        """The saved inputs must not have been written in place since (PyTorch's check
        on saved tensors): the recomputation would silently use the new values."""
        for arg, version in zip(self._args, self._arg_versions, strict=True):
            if version is not None and arg._version != version:
                producer = arg._grad_fn
                raise RuntimeError(modified_message(
                    arg._array, arg._backend, None if producer is None else producer.name(),
                    arg._version, version))

    def run(self, grad: Any, tensor_type: type[Tensor], create_graph: bool,
            retain_graph: bool) -> list[Tensor | None]:
        grads = grad.grads if isinstance(grad, Tagged) else [grad]
        self._check_inputs()
        if self._reentrant:
            return self._run_reentrant(grads, create_graph)
        args = list(self._args)
        targets: list[Tensor] = []
        barriers: list[_Barrier] = []
        cuts: dict[int, _Barrier] = {}
        for edge in self._frontier:  # one barrier per edge, in the edges' order
            if isinstance(edge, int):
                target, barrier = _stand_in(args[edge]._array, args[edge]._backend)
                args[edge] = target
            else:
                target, barrier = _stand_in(None, self._backend)
                cuts[id(edge)] = barrier
            targets.append(target)
            barriers.append(barrier)
        with _rng_state(self._rng), _mode.enable_grad():
            outputs = self._outputs(self._fn(*args, **self._kwargs))
        for index, out in enumerate(outputs):  # an output that is an outside tensor
            if out is not None and out._requires_grad and id(_node_of(out)) in cuts:
                outputs[index] = _stand_in(out._array, out._backend)[0]
                outputs[index]._grad_fn = cuts[id(_node_of(out))]  # type: ignore[union-attr]
        _cut(outputs, cuts)
        live = [(out, g) for out, g in zip(outputs, grads, strict=True)
                if out is not None and g is not None and out._requires_grad]
        found: tuple[Tensor | None, ...] = (None,) * len(targets)
        if live:
            found = _autograd_grad([out for out, _ in live], targets, [g for _, g in live],
                                   retain_graph=create_graph, create_graph=create_graph,
                                   allow_unused=True)
        for barrier, real in zip(barriers, self._edges, strict=True):
            barrier._edges = (real,)  # a graph built from the recomputation goes on
        return list(found)

    def _run_reentrant(self, grads: list[Any], create_graph: bool) -> list[Tensor | None]:
        args = list(self._args)
        leaves = {}
        for position in self._frontier:
            assert isinstance(position, int)
            leaves[position] = args[position] = args[position].detach().requires_grad_()
        with _rng_state(self._rng), _mode.enable_grad():
            outputs = self._outputs(self._fn(*args, **self._kwargs))
        live = [(out, g) for out, g in zip(outputs, grads, strict=True)
                if out is not None and g is not None and out._requires_grad]
        if live:  # accumulates into every leaf reached, the arguments' copies included
            run_backward([out for out, _ in live], [g for _, g in live], create_graph,
                         create_graph)
        return [leaves[position]._grad for position in self._frontier]  # type: ignore[index]

    def _outputs(self, result: Any) -> list[Tensor | None]:
        leaves = tree_flatten(result)[0]
        shapes = [leaf.shape if isinstance(leaf, Tensor) else None for leaf in leaves]
        if shapes != [None if meta is None else meta[0] for meta in self._output_meta]:
            raise RuntimeError("checkpoint: recomputed outputs have different shapes than "
                               f"during the forward pass: {shapes} against "
                               f"{[None if m is None else m[0] for m in self._output_meta]}; "
                               "the checkpointed function must compute the same thing when "
                               "run again")
        return [leaf if isinstance(leaf, Tensor) else None for leaf in leaves]

    @property
    def next_functions(self) -> tuple[tuple[Edge | None, int], ...]:
        return tuple((named(edge), 0) for edge in self._edges)


def _cut(outputs: list[Tensor | None], cuts: dict[int, _Barrier]) -> None:
    """Point every edge of the graph of ``outputs`` that reaches a node in ``cuts`` to
    that node's barrier instead (the graph was just recomputed: its nodes are new)."""
    stack: list[Any] = [out._grad_fn for out in outputs if out is not None and out._grad_fn]
    seen = {id(node) for node in stack}
    while stack:
        node = stack.pop()
        if isinstance(node, (AccumulateGrad, _Barrier)):
            continue
        edges = node._edges
        if any(edge is not None and id(edge) in cuts for edge in edges):
            node._edges = tuple(cuts.get(id(edge), edge) if edge is not None else None
                                for edge in edges)
        for edge in node._edges:
            if edge is not None and id(edge) not in seen and id(edge) not in cuts:
                seen.add(id(edge))
                stack.append(edge)


def _walk(leaves: list[Any]) -> tuple[dict[int, weakref.ref[Any]], dict[int, list[int]],
                                       set[int]]:
    """Weak references to every node of the graph of ``leaves`` (down to leaves and
    barriers), each node's parents by id, and the roots' ids. Its own frame holds the
    nodes, so that they are all released when it returns."""
    refs: dict[int, weakref.ref[Any]] = {}
    parents: dict[int, list[int]] = {}
    stack: list[Any] = [_node_of(leaf) for leaf in leaves
                        if isinstance(leaf, Tensor) and leaf._requires_grad]
    refs.update((id(root), weakref.ref(root)) for root in stack)
    roots = set(refs)
    while stack:
        node = stack.pop()
        if isinstance(node, (AccumulateGrad, _Barrier)):
            continue
        for edge in node._edges:
            if edge is None:
                continue
            parents.setdefault(id(edge), []).append(id(node))
            if id(edge) not in refs:
                refs[id(edge)] = weakref.ref(edge)
                stack.append(edge)
    return refs, parents, roots


def _discover(fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any],
              arguments: dict[int, int]) -> tuple[Any, list[int | Edge]]:
    """Run ``fn`` recording its graph and find where that graph meets the outside: the
    arguments' stand-ins and every node that outlives the graph once it is dropped.
    Returns the outputs, detached, and those edges (argument positions or nodes)."""
    with _mode.enable_grad():
        result = fn(*args, **kwargs)
    leaves, spec = tree_flatten(result)
    del result
    refs, parents, roots = _walk(leaves)
    detached = [Tensor._wrap(leaf._array, leaf._backend) if isinstance(leaf, Tensor) else leaf
                for leaf in leaves]
    leaves.clear()  # the recorded graph dies here, but for what the outside holds
    frontier: list[int | Edge] = []
    for key, ref in refs.items():
        node = ref()
        if node is None:
            continue
        if key in arguments:
            frontier.append(arguments[key])
        elif key in roots or any(refs[parent]() is None for parent in parents.get(key, ())):
            frontier.append(node)
    return tree_unflatten(detached, spec), frontier


def checkpoint(function: Callable[..., Any], *args: Any, use_reentrant: bool = False,
               preserve_rng_state: bool = True, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, keeping only the inputs for backward, which
    recomputes ``function`` (see the module docstring). Random numbers drawn inside
    come out the same in the recomputation when ``preserve_rng_state`` (the default).

    >>> import autodiff as ad
    >>> from autodiff.utils.checkpoint import checkpoint
    >>> x = ad.tensor([0.5, 1.0], requires_grad=True)
    >>> y = checkpoint(lambda t: t.tanh().tanh(), x); y
    tensor([0.4318, 0.6420], grad_fn=<CheckpointFunctionBackward>)
    >>> y.sum().backward(); x.grad
    tensor([0.6398, 0.2469])
    """
    if not _mode.state.enabled or (_mode.state.forward_levels and any(
            isinstance(arg, Tensor) and arg._tangents for arg in args)):
        return function(*args, **kwargs)  # nothing to save (or forward mode: plain call)
    if use_reentrant and kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    tensors = [arg for arg in args if isinstance(arg, Tensor)]
    rng = None
    if preserve_rng_state:
        backends = {_backend.get_backend(), *(tensor._backend for tensor in tensors)}
        rng = {backend: backend.get_rng_state() for backend in backends}
    stand_ins = list(args)
    arguments: dict[int, int] = {}
    if use_reentrant:
        with _mode.no_grad():
            result = function(*args, **kwargs)
        frontier: list[int | Edge] = [i for i, arg in enumerate(args)
                                      if isinstance(arg, Tensor) and arg._requires_grad]
    else:
        for position, arg in enumerate(args):
            if isinstance(arg, Tensor) and arg._requires_grad:
                stand_ins[position], barrier = _stand_in(arg._array, arg._backend)
                arguments[id(barrier)] = position
        result, frontier = _discover(function, stand_ins, kwargs, arguments)
    leaves, spec = tree_flatten(result)
    if not frontier:
        return result
    node = CheckpointFunctionBackward()
    first = next((leaf for leaf in leaves if isinstance(leaf, Tensor)), None)
    backend = first._backend if first is not None else _backend.get_backend()
    node._start(tuple(args[edge]._grad_fn or args[edge]._accumulator()
                      if isinstance(edge, int) else edge for edge in frontier), backend)
    node._fn, node._args, node._kwargs = function, tuple(args), kwargs
    node._arg_versions = tuple(arg._version if isinstance(arg, Tensor) else None
                               for arg in args)
    node._rng, node._frontier, node._reentrant = rng, tuple(frontier), use_reentrant
    node._output_meta = tuple((leaf.shape, leaf.dtype) if isinstance(leaf, Tensor) else None
                              for leaf in leaves)
    differentiable = [i for i, leaf in enumerate(leaves)
                      if isinstance(leaf, Tensor) and leaf.dtype.is_differentiable]
    single = isinstance(result, Tensor)
    outputs = []
    for index, leaf in enumerate(leaves):
        if index in differentiable:
            leaf = Tensor._wrap(leaf._array, leaf._backend)
            if single:
                leaf._grad_fn = node
            else:
                slot = _output_class()()
                slot._start((node,), leaf._backend)
                slot._ctx, slot._index = node, index
                leaf._grad_fn = slot
            leaf._requires_grad = True
        outputs.append(leaf)
    return tree_unflatten(outputs, spec)


_OUTPUT_CLASS: list[type[FunctionOutput]] = []


def _output_class() -> type[FunctionOutput]:
    if not _OUTPUT_CLASS:
        _OUTPUT_CLASS.append(type("CheckpointFunctionBackward", (FunctionOutput,),
                                  {"__slots__": ()}))
    return _OUTPUT_CLASS[0]
