"""Recording: the graph node an op leaves on its output when a gradient is needed.

Three recorders build the same node: one for a call on one tensor, one for a tensor and
a tensor or Python number (the commonest calls, without the general loop), and one
for everything else (and for anomaly mode, which keeps the forward call's stack).
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from typing import Any

from .. import _mode
from .._graph import SCALAR, AccumulateGrad, Node, NodeExtra
from .._tensor import Tensor
from ._declare import Primitive

#: how recording makes a node: a plain ``Node`` (see ``Node``), without calling a class
new_node = object.__new__

def anomaly_trace() -> NodeExtra:
    """The forward call's stack, kept on the node in anomaly mode."""
    extra = NodeExtra()
    frames = traceback.format_stack()[:-3]  # without the engine's own frames
    extra.trace = "".join(frames[-8:])
    return extra


def record_one(prim: Primitive, x: Tensor, params: Mapping[str, Any], out: Any) -> Node:
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


def record_two(prim: Primitive, a: Tensor, b: Any, params: Mapping[str, Any],
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


def record(prim: Primitive, args: tuple[Any, ...], params: Mapping[str, Any],
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
    node._extra = anomaly_trace() if _mode.anomaly.enabled else None
    return node
