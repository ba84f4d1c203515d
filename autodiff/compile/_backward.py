"""The backward pass recorded: the engine's own loop (``_graph._backward``) runs it, in
eager's order, so that every sum is taken in the same order and the replay equals eager
bit for bit, and calls a ``Recording`` for each node and each cotangent sum: each
node's rules, each sum and each ``.grad`` accumulation are recorded as instructions on
arrays.

Only a plain first-order pass is recorded: a node with hooks, a retained gradient or
anomaly mode ends the trace before the pass starts (it then runs eagerly, unrecorded).
A custom ``Function``'s node runs its ``backward`` on tensors, as eager runs it, and
the trace records the operations it calls; one that computes on raw arrays hands the
pass arrays the trace did not make, which ends it there.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any

from .. import _mode
from .._graph import AccumulateGrad, Node
from .._graph._cotangents import fit_array
from .._graph._node import complex_dtype
from .._graph._special import visit
from .._rules import array_namespace, writes_into
from ..autograd._custom import FunctionOutput, Tagged
from ..autograd.function import BackwardCFunction
from ._program import Const, GraphBreak, Ref

#: the recorder (``_recorder.Recorder``, which imports this module)
Recorder = Any

if TYPE_CHECKING:
    from .._tensor import Tensor


def _check_plain(start: list[Any]) -> None:
    """Raise GraphBreak (through the recorder) unless every node is one it records."""
    seen: set[int] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node._extra is not None and not _only_dirty(node._extra):
            raise GraphBreak("backward through a node with hooks or a retained grad")
        if node.__class__ is AccumulateGrad:
            continue
        if isinstance(node, (BackwardCFunction, FunctionOutput)):
            stack.extend(node._edges)  # its backward's ops are recorded as they run
            continue
        if node.__class__ is not Node or node._prim is None:
            raise GraphBreak(f"backward through {type(node).__name__} (a custom Function?)")
        if node._freed:
            raise GraphBreak("backward through a freed graph")
        for saved, version in zip(node._inputs, node._versions or (), strict=False):
            if version is not None and saved._version != version:
                raise GraphBreak("a saved tensor was modified in place")
        arity = node._arity
        stack.extend((node._edge0,) if arity == 1 else (node._edge0, node._edge1)
                     if arity == 2 else node._edges)


def _only_dirty(extra: Any) -> bool:
    """Whether a node's extras only mark its saved output as written over since (an
    in-place write into its result): the node runs as eager runs it, which refuses
    where that output is still saved (``_run_node``)."""
    return not (extra.pre_hooks or extra.hooks or extra.tensor_hooks
                or extra.post_accumulate_hooks or extra.retained is not None
                or extra.trace is not None or extra.out_tangents is not None)


def node_plan(node: Node, g: Any) -> tuple[Any, Any, tuple[Any, ...]]:
    """What ``node.run_arrays`` would call, fixed at trace time: the namespace, the
    backend the cotangents are fitted to, and per edge ``(rule, meta)`` or None (the
    backend's own rules, conjugated on a complex cotangent)."""
    prim: Any = node._prim
    backend = node._backend
    rules = prim.vjps
    if prim.backend_vjps is not None:
        rules = prim.backend_vjps.get(backend.name, rules)
    if prim.holomorphic and complex_dtype(backend, g.dtype):
        rules = prim.conjugated(rules)
    xp = backend.rule_namespace or array_namespace(backend)
    if prim.moves:
        backend = node._params["source"]
    arity = node._arity
    edges = (node._edge0,) if arity == 1 else (node._edge0, node._edge1) if (
        arity == 2) else node._edges
    plan = tuple(None if edge is None else (rule, meta)
                 for edge, rule, meta in zip(edges, rules, node._meta))  # noqa: B905
    return xp, backend, plan


def run_rules(xp: Any, backend: Any, plan: tuple[Any, ...], g: Any, out: Any,
              inputs: list[Any], params: Any) -> tuple[list[Any], list[Any]]:
    """The cotangents (as ``run_arrays`` gives them) and each rule's own result."""
    array_type = backend.array_type
    results: list[Any] = []
    raws: list[Any] = []
    for item in plan:
        if item is None:
            results.append(None)
            raws.append(None)
            continue
        rule, meta = item
        array = raw = rule(xp, g, out, *inputs, **params)
        if array is not None and (
                array.__class__ is not array_type or array.shape != meta[0]
                or ((dtype := array.dtype) is not meta[1] and dtype != meta[1])):
            array = fit_array(array, meta, backend)
        results.append(array)
        raws.append(raw)
    return results, raws


def accumulate(leaf: Tensor, array: Any, owned: bool, backend: Any) -> Any:
    """``accumulate_into`` on arrays (first-order): the new ``.grad`` array."""
    grad = leaf._grad
    if grad is None:
        if not (owned and backend.exclusive(array)):
            array = backend.copy(array)
        leaf._grad = type(leaf)._wrap(array, backend)
        return array
    grad._array = total = grad._array + array
    return total


def _recording(rec: Recorder) -> bool:
    """Whether the trace still records: a break in the middle of the pass stops the
    recording, and the pass goes on computing what eager would."""
    return _mode.tracing.active is rec


def _run_node(rec: Recorder, node: Node, g: Any, retain_graph: bool) -> list[Any]:
    if node._extra is not None:  # as Node.run: a written-over saved output refuses
        node._check_saved()
    xp, backend, plan = node_plan(node, g)
    saved = [value._array if value is not None and hasattr(value, "_array") else value
             for value in node._inputs]
    results, raws = run_rules(xp, backend, plan, g, node._out, saved, node._params or {})
    if _recording(rec):
        rec.guarded(_record_node, rec, node, xp, backend, plan, g, results, raws)
    if not retain_graph and node._holds:  # what run_arrays does after its rules
        node._inputs = ()
        node._out = None
        node._freed = True
    return results


def _record_node(rec: Recorder, node: Node, xp: Any, backend: Any, plan: tuple[Any, ...],
                 g: Any, results: list[Any], raws: list[Any]) -> None:
    """One instruction per rule, the rule itself (no wrapper: the replay's cost is
    its calls), and one more where its result had to be fitted to its input (a
    broadcast summed away, a dtype cast): a decision fixed by the guarded shapes."""
    args: list[Any] = [Const(xp), rec.array(g),
                       Const(None) if node._out is None else rec.array(node._out)]
    for value in node._inputs:
        args.append(rec.slot(value) if hasattr(value, "_array") else Const(value))
    name = node.name()
    params = dict(node._params or {})
    # a move's rule returns its source backend's arrays (then fitted): not reused
    owner = None if node._prim is not None and node._prim.moves else backend
    for item, result, raw in zip(plan, results, raws, strict=True):
        if item is None:
            continue
        rule, meta = item
        rec.emit(name, rule, args, params, [raw], backend=owner, pure=True)
        if raw is not result:
            rec.emit("fit", fit_array, [rec.array(raw), Const(meta), Const(backend)], None,
                     [result], backend=backend, pure=True)


@writes_into(0, operator.iadd)
def _sum(earlier: Any, cotangent: Any) -> Any:
    """Two cotangents of one input added, as the engine adds them."""
    return earlier + cotangent


def _add(rec: Recorder, earlier: Any, cotangent: Any) -> Any:
    total = _sum(earlier, cotangent)
    if _recording(rec):
        rec.guarded(lambda: rec.emit("add", _sum, [
            rec.array(earlier), rec.array(cotangent)], None, [total],
            backend=rec.owners.get(rec.array(earlier)), pure=True))
    return total


def _leaf(rec: Recorder, node: AccumulateGrad, grad: Any, shared: set[int]) -> None:
    leaf = node.variable
    if grad is None or leaf is None:
        return
    owned = id(grad) not in shared
    backend = leaf._backend
    existing = leaf._grad
    before = None if existing is None else existing._array
    with node.lock:
        total = accumulate(leaf, grad, owned, backend)
    if _recording(rec):
        rec.guarded(_record_leaf, rec, leaf, grad, owned, total, existing, before)


def _record_leaf(rec: Recorder, leaf: Tensor, grad: Any, owned: bool, total: Any,
                 existing: Tensor | None, before: Any) -> None:
    rec.grad_known.add(id(leaf))
    ref = rec.ref(leaf)
    rec.grads_set[id(leaf)] = leaf._grad
    # a hook registered on the leaf after the trace would not run in a replay
    rec.program.guards.append((f"({ref}._acc is None or {ref}._acc._extra is None)",
                               f"{ref} has no hooks"))
    pending = rec.writes.get(id(existing)) if existing is not None else None
    if pending is not None:
        # the .grad was written in this call (zero_grad(set_to_none=False)): a replay
        # writes it back at its end, so the sum reads the written array's slot rather
        # than the tensor, and the write-back takes the sum
        rec.emit("AccumulateGrad", _accumulated, [rec.array(before), rec.array(grad)], None,
                 [total],
                 backend=leaf._backend, pure=True)
        pending[1] = rec.array(total)
        return
    rec.emit("AccumulateGrad", accumulate, [
        Ref(rec.ref(leaf)), rec.array(grad), Const(owned), Const(leaf._backend)], None, [total])


def _accumulated(grad: Any, new: Any) -> Any:
    """``accumulate``'s sum, on the ``.grad`` array's slot (a new array, as eager's)."""
    return grad + new


class Recording:
    """What the engine's backward loop (``_graph._backward.run_backward``) calls in
    place of its own steps while a pass is recorded: each node (a leaf's accumulation,
    a node's rules) and each sum of two cotangents, computed as eager computes them and
    recorded. After a graph break mid-pass they compute without recording."""

    __slots__ = ("rec",)

    def __init__(self, rec: Recorder) -> None:
        self.rec = rec

    def visit(self, run: Any, node: Any, grad: Any) -> Any:
        if node.__class__ is AccumulateGrad:
            _leaf(self.rec, node, grad, run.shared)
            return ()
        if grad is None:
            return [None] * node._arity
        if node._prim is None:  # a custom Function's: its Python runs on tensors, as
            return visit(run, node, grad)  # eager's, and the trace records its ops
        return _run_node(self.rec, node, grad, run.retain_graph)

    def add(self, earlier: Any, cotangent: Any) -> Any:
        if isinstance(earlier, Tagged):  # a multi-output Function's: tensors, whose
            return earlier + cotangent  # sums the trace records as the ops they are
        return _add(self.rec, earlier, cotangent)


def start_recording(rec: Recorder, roots: Any, grads: Any) -> Recording:
    """The recording of a plain first-order pass from ``roots``: raises GraphBreak,
    before the pass has any effect, where a node is one it cannot record."""
    _check_plain([root._grad_fn or root._accumulator() for root in roots])
    for seed in grads:
        rec.slot(seed)
    rec.backward_runs += 1
    return Recording(rec)
