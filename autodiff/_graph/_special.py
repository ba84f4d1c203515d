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


def hook_name(hook: Any) -> str:
    """A hook's name as PyTorch's messages give it (``<unknown>`` for a callable object
    or a ``functools.partial``, which have no ``__name__``)."""
    name = getattr(hook, "__name__", None)
    return name if isinstance(name, str) else "<unknown>"


def _type_of(tensor: Tensor, place: bool) -> str:
    return f"{tensor.dtype.name} on {tensor._describe_place()}" if place else (
        tensor.dtype.name)


def checked(hook: Any, original: Any, result: Any, tensor_type: type[Tensor]) -> Any:
    """``result``, which ``hook`` returned to replace the gradient ``original``, once
    it passed PyTorch's checks (``check_single_result``): None keeps ``original``;
    otherwise a tensor of ``original``'s dtype, backend, device and shape."""
    if result is None:
        return original
    if original is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    if not isinstance(result, tensor_type):
        raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")
    if not isinstance(original, tensor_type):  # a multi-output Function's tagged grads
        return result
    moved = result._backend is not original._backend or result.device != original.device
    if moved or result._array.dtype != original._array.dtype:
        raise RuntimeError(f"hook '{hook_name(hook)}' has changed the type of value (was "
                           f"{_type_of(original, moved)} got {_type_of(result, moved)})")
    if result.shape != original.shape:
        raise RuntimeError(f"hook '{hook_name(hook)}' has changed the size of value")
    return result


def checked_tuple(hook: Any, originals: Sequence[Any], results: Any,
                  tensor_type: type[Tensor], node: Any) -> list[Any]:
    """What a node's pre- or post-hook returned to replace ``originals`` (a tuple),
    checked as PyTorch checks it (``check_result``): a tuple of as many values, each
    None (no gradient) or passing ``checked``."""
    if not isinstance(results, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(results).__name__}'")
    if len(results) != len(originals):
        raise RuntimeError(
            f"hook '{hook_name(hook)}' has returned an incorrect number of values (got "
            f"{len(results)}, but expected {len(originals)}): return one gradient, or "
            f"None, per input of {node.name()}")
    return [None if result is None else checked(hook, original, result, tensor_type)
            for original, result in zip(originals, results, strict=True)]


def run_hooks(hooks: dict[int, Callable[..., Any]], grad: Tensor,
              tensor_type: type[Tensor]) -> Tensor:
    """Tensor hooks in registration order; a hook returning a tensor replaces the grad
    (one of the same shape, dtype and place, as PyTorch checks)."""
    for hook in list(hooks.values()):
        grad = checked(hook, grad, hook(grad), tensor_type)
    return grad


def run_pre_hooks(node: Any, extra: NodeExtra, incoming: Any,
                  tensor_type: type[Tensor]) -> Any:
    """A node's pre-hooks, each ``hook((grad,))``, returning None or a new 1-tuple."""
    for hook in list(extra.pre_hooks.values()):
        replaced = hook((incoming,))
        if replaced is not None:
            (incoming,) = checked_tuple(hook, (incoming,), replaced, tensor_type, node)
    return incoming


def run_node_with_extras(node: Node, extra: NodeExtra, incoming: Tensor,
                          tensor_type: type[Tensor], create_graph: bool,
                          retain_graph: bool) -> list[Tensor | None]:
    """A node run with its pre- and post-hooks, and under anomaly detection."""
    incoming = run_pre_hooks(node, extra, incoming, tensor_type)
    if incoming is None:  # a pre-hook took the gradient away
        return [None] * node._arity
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
            cotangents = checked_tuple(hook, cotangents, replaced, tensor_type, node)
    if extra.trace is not None and _mode.anomaly.check_nan:
        for index, cotangent in enumerate(cotangents):
            if cotangent is not None and _has_nan(cotangent):
                raise RuntimeError(
                    f"Function '{node.name()}' returned nan values in its {index}th output. "
                    f"The forward call that created it:\n{extra.trace}")
    return cotangents


def _after_accumulation(node: AccumulateGrad, extra: NodeExtra, leaf: Tensor,
                        incoming: Tensor, tensor_type: type[Tensor]) -> None:
    """A leaf's post-accumulate-grad hooks, ``hook(leaf)``, then its node's hooks,
    ``hook((), (grad,))``: what they return is only checked, as PyTorch checks it."""
    for hook in list(extra.post_accumulate_hooks.values()):
        checked(hook, leaf, hook(leaf), tensor_type)
    for hook in list(extra.hooks.values()):
        replaced = hook((), (incoming,))
        if replaced is not None:
            checked_tuple(hook, (), replaced, tensor_type, node)


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
        hooked = run_hooks(extra.tensor_hooks, incoming, run.tensor_type)
        owned = owned and hooked is incoming  # a hook's tensor may be held elsewhere
        incoming = hooked
    capture, catch, create_graph = run.capture, run.catch, run.create_graph
    if incoming is not None and capture is not None and node in catch:
        run.captured[catch[node]] = incoming
    if node.__class__ is AccumulateGrad:
        wanted = run.inputs is None or node in catch
        leaf = node.variable
        if incoming is not None and capture is None and wanted and leaf is not None:
            if extra is not None and extra.pre_hooks:
                incoming = run_pre_hooks(node, extra, incoming, run.tensor_type)
                owned = False
                if incoming is None:
                    return ()
            accumulate_into(leaf, incoming, create_graph, owned, node.lock)
            if extra is not None:
                _after_accumulation(node, extra, leaf, incoming, run.tensor_type)
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
