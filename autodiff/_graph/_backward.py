"""The backward pass: Kahn's algorithm with cotangent accumulation.

Pop a ready node, run its rules, hand each edge its cotangent (summed with what earlier
consumers sent), count the edge down, and push it once all its cotangents are in. No
recursion, so a 100,000-op chain is as easy as a short one; every cost is linear.
What is not plain (leaves, targets, hooks, anomaly) is in ``_special``, the counting in
``_counting``, the two currencies of cotangents (arrays, tensors) in ``_cotangents``.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import _mode
from ._counting import Dependencies, on_paths_to
from ._leaf import AccumulateGrad
from ._special import visit

if TYPE_CHECKING:
    from .._tensor import Tensor


class Pass:
    """One backward pass: its options, its targets and what it captures."""

    __slots__ = ("tensor_type", "create_graph", "retain_graph", "arrays", "inputs",
                 "capture", "catch", "captured", "needed", "shared")

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
        #: the ids of cotangent arrays that the pass did not make for one edge alone (the
        #: seeds, a cotangent a rule passed on unchanged or a hook returned): a leaf's
        #: first ``.grad`` copies these and takes over the others (a stale id only
        #: costs a copy)
        self.shared: set[int] = set()


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
    tracer = _mode.tracing.active if _mode.traces.count else None
    # autodiff.compile records a plain pass through this same loop: its recording runs
    # each node and adds each pair of cotangents, as this loop would, recording them
    # (None: the pass runs unrecorded; the trace has ended)
    recording = tracer.backward(roots, grads, retain_graph, create_graph, inputs,
                                capture) if tracer is not None else None
    visit_node = visit if recording is None else recording.visit
    add = operator.add if recording is None else recording.add
    run = Pass(type(roots[0]), create_graph, retain_graph, inputs, capture)
    start: list[Any] = [root._grad_fn or root._accumulator() for root in roots]
    _catch_targets(run, inputs if capture is None else capture, start)
    needed = run.needed
    counts = Dependencies(start, needed)
    arrays, shared, tensor_type = run.arrays, run.shared, run.tensor_type
    pending: dict[Any, Any] = {}  # node -> the sum of the cotangents it has received
    for node, seed in zip(start, grads, strict=True):
        shared.add(id(seed._array))  # the caller's: never taken over
        value = seed._array if arrays else seed
        pending[node] = value if node not in pending else add(pending[node], value)
    ready = counts.ready_at_start(start)
    remaining, single = counts.remaining, counts.single
    # no targets: a node without extras takes the direct path (a recorded pass never)
    plain = not run.catch and recording is None

    # As PyTorch's backward, no warning for an infinity or a nan a rule computes (the
    # gradient of sqrt at 0): the backend's silence, entered once a pass. Measured on
    # numpy: 0.9 us a pass (a tiny backward x1.05, a 1,000-op chain's x1.004); entered
    # once a node instead, it made that chain's backward x1.7
    silent = roots[0]._backend.silent_float_errors()
    silent.__enter__()
    previous_mode = _mode.state.enabled
    _mode.state.enabled = create_graph  # the rules record only under create_graph
    # The fast path, measured (W1: 19% of a tiny op's backward): a node that readies
    # just one node hands it its cotangent directly (``handed``) and runs it next,
    # without the trip through ``pending`` and ``ready`` (in a chain, every node).
    node, handed = (ready.pop() if ready else None), None
    try:
        while node is not None:
            grad = pending.pop(node, None) if handed is None else handed
            if plain and grad is not None and node._extra is None and (
                    node.__class__ is not AccumulateGrad):
                cotangents = node.run_arrays(grad, retain_graph) if arrays else node.run(
                    grad, tensor_type, create_graph, retain_graph)
            else:
                cotangents = visit_node(run, node, grad)
            arity = node._arity
            edges = (node._edge0,) if arity == 1 else (node._edge0, node._edge1) if (
                arity == 2) else node._edges
            following = handed = None  # the last node this one readies, and its cotangent
            # one cotangent per edge (no ``strict=``: a keyword costs zip a parse per call)
            for edge, cotangent in zip(edges, cotangents):  # noqa: B905
                if edge is None or (needed is not None and edge not in needed):
                    continue
                if cotangent is grad:  # passed on unchanged: not the pass's alone
                    shared.add(id(cotangent))
                uses = edge._uses
                if uses != single:  # several consumers: sum into pending, count down
                    if cotangent is not None:
                        earlier = pending.get(edge)
                        pending[edge] = cotangent if earlier is None else add(earlier,
                                                                              cotangent)
                        cotangent = None
                    left = remaining[edge] = remaining.get(edge, uses) - 1
                    if left:
                        continue
                if following is not None:  # readied before: it waits its turn
                    ready.append(following)
                    if handed is not None:
                        pending[following] = handed
                following, handed = edge, cotangent
            grad = cotangents = cotangent = None  # hold nothing handed on
            if following is not None:
                node = following
                if handed is None:  # its cotangent (if any) waits in pending
                    handed = pending.pop(node, None)
            elif ready:
                node = ready.pop()
            else:
                ready = counts.unstick()
                remaining, single = counts.remaining, counts.single
                node = ready.pop() if ready else None
    finally:
        silent.__exit__(None, None, None)
        _mode.state.enabled = previous_mode
    return run.captured


def _catch_targets(run: Pass, targets: Sequence[Tensor] | None, start: list[Any]) -> None:
    """Mark the nodes of ``targets`` (``inputs`` or ``capture``) and, with targets, the
    nodes on a path to one: only those run (as PyTorch prunes), and what lies beyond
    is neither computed, nor hooked, nor freed."""
    if targets is None:
        return
    for index, tensor in enumerate(targets):
        run.catch[tensor._grad_fn or tensor._accumulator()] = index
        if run.capture is None and tensor._grad_fn is not None:
            tensor.retain_grad()  # a non-leaf named in backward(inputs=...), as PyTorch
    run.needed = on_paths_to(start, run.catch)
