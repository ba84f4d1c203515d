"""The nodes of a backward pass that are not plain: a leaf's accumulation, a target's
capture, a retained gradient, hooks and anomaly detection. The engine's loop runs a
plain node itself and hands every other one to ``visit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .. import _mode
from ._cotangents import Tagged, as_tensor, to_arrays
from ._leaf import AccumulateGrad, accumulate_into
from ._node import Node, NodeExtra

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ._backward import Pass


def run_hooks(hooks: dict[int, Callable[..., Any]], grad: Tensor) -> Tensor:
    """Tensor hooks in registration order; a hook returning a tensor replaces the grad."""
    for hook in list(hooks.values()):
        replaced = hook(grad)
        if replaced is not None:
            grad = replaced
    return grad


def run_node_with_extras(node: Node, extra: NodeExtra, incoming: Tensor,
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


def visit(run: Pass, node: Any, incoming: Any) -> Sequence[Any]:
    """One node of the backward pass in general: tensor hooks, a captured or retained
    gradient, a leaf's accumulation, pruning to the targets, node hooks and anomaly
    checks (the engine's loop runs a plain node itself). ``incoming`` and the result
    are in the pass's currency: backend arrays in a first-order pass."""
    owned = False
    if incoming is not None and run.arrays:
        owned = id(incoming) not in run.shared and incoming.__class__ is not Tagged
        incoming = as_tensor(incoming, node._backend, run.tensor_type)
    extra = node._extra
    if extra is not None and incoming is not None and extra.tensor_hooks:
        hooked = run_hooks(extra.tensor_hooks, incoming)
        owned = owned and hooked is incoming  # a hook's tensor may be held elsewhere
        incoming = hooked
    capture, catch, create_graph = run.capture, run.catch, run.create_graph
    if incoming is not None and capture is not None and node in catch:
        run.captured[catch[node]] = incoming
    if node.__class__ is AccumulateGrad:
        wanted = run.inputs is None or node in catch
        leaf = node.variable
        if incoming is not None and capture is None and wanted and leaf is not None:
            accumulate_into(leaf, incoming, create_graph, owned)
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
        results = run_node_with_extras(node, extra, incoming, run.tensor_type, create_graph,
                                        run.retain_graph)
    if not run.arrays:
        return results
    arrays = to_arrays(results, run.tensor_type)
    if node.foreign_results or extra is not None and (
            extra.hooks or extra.pre_hooks or extra.tensor_hooks):
        # a custom node's code, or a hook, may have returned what someone else holds
        run.shared.update(id(array) for array in arrays if array is not None)
    return arrays
