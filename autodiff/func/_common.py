"""What the transforms share: argument checks, each call's own copies of its inputs,
structured outputs, and stacking results."""

from __future__ import annotations

from typing import Any

from .. import _mode
from .._graph import AccumulateGrad
from .._pytree import TreeSpec, tree_flatten, tree_unflatten
from .._tensor import Tensor
from ..ops.joining import stack
from ..ops.manipulation import _reshape

_GRAD = "grad_and_value(f)(*args)"
_VJP = "vjp(f, *primals)"


# -- the inputs of one transform call ---------------------------------------------
def _argnums(argnums: Any, count: int) -> tuple[int, ...]:
    """The positions ``argnums`` names, checked as ``torch.func`` checks them."""
    many = isinstance(argnums, tuple)
    if not many and not isinstance(argnums, int):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    positions = argnums if many else (argnums,)
    if not positions:
        raise RuntimeError("argnums must be non-empty")
    for position in positions:
        if not isinstance(position, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        if not -count <= position < count:
            raise RuntimeError(f"Got argnum={position}, but only {count} positional inputs")
    normal = tuple(position % count for position in positions)
    if len(set(normal)) != len(normal):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return normal


class _Inputs:
    """The differentiated inputs of one call: the leaves of ``args[argnums]``
    replaced by this call's own copies (a fresh leaf, or an alias node on an input
    an outer computation differentiates)."""

    def __init__(self, args: tuple[Any, ...], positions: tuple[int, ...]) -> None:
        self.outer_grad = _mode.state.enabled
        self.aliased = False
        self.own: set[int] = set()  # ids of this call's AccumulateGrad nodes
        self.tensors: list[Tensor] = []
        self.specs: list[TreeSpec] = []
        self.counts: list[int] = []
        new_args = list(args)
        for position in positions:
            leaves, spec = tree_flatten(args[position])
            copies = [self._track(leaf) for leaf in leaves]
            self.tensors.extend(copies)
            self.specs.append(spec)
            self.counts.append(len(copies))
            new_args[position] = tree_unflatten(copies, spec)
        self.args = tuple(new_args)

    def _track(self, value: Any) -> Tensor:
        if not isinstance(value, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(value)}")
        if self.outer_grad and value._requires_grad:
            self.aliased = True
            with _mode.enable_grad():
                return _reshape(value, shape=value.shape, source=value.shape,
                                node="AliasBackward0")
        leaf = value.detach().requires_grad_()
        if value._tangents:  # a dual input stays dual (jacfwd over jacrev)
            leaf._tangents = dict(value._tangents)
        self.own.add(id(leaf._accumulator()))
        return leaf

    def reaches_outside(self, roots: list[Tensor]) -> bool:
        """Whether the graph of ``roots`` reaches a tensor requiring grad that this call
        did not create (so an outer computation may differentiate the results)."""
        if self.aliased:
            return True
        stack: list[Any] = [root._grad_fn or root._accumulator() for root in roots
                            if root._requires_grad]
        seen = {id(node) for node in stack}
        while stack:
            node = stack.pop()
            if isinstance(node, AccumulateGrad):
                if id(node) not in self.own:
                    return True
                continue
            for edge in node._edges:
                if edge is not None and id(edge) not in seen:
                    seen.add(id(edge))
                    stack.append(edge)
        return False

    def regroup(self, flat: list[Any], many: bool) -> Any:
        """Per-leaf results grouped back as ``args[argnums]`` are."""
        groups, start = [], 0
        for spec, count in zip(self.specs, self.counts, strict=True):
            groups.append(tree_unflatten(flat[start:start + count], spec))
            start += count
        return tuple(groups) if many else groups[0]


def _zeros_like(x: Tensor) -> Tensor:
    return Tensor._wrap(x._backend.xp.zeros_like(x._array), x._backend)


def _lower(tree: Any, keep: bool) -> Any:
    """What a transform returns: its tensors detached unless an outer computation can
    differentiate them."""
    if keep:
        return tree
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([_detach(leaf) if isinstance(leaf, Tensor) else leaf
                           for leaf in leaves], spec)


def _detach(tensor: Tensor) -> Tensor:
    """Cut from the reverse graph, keeping forward-mode tangents."""
    detached = tensor.detach()
    detached._tangents = tensor._tangents
    return detached


def _split_aux(result: Any, has_aux: bool, api: str) -> tuple[Any, Any]:
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    output, aux = result
    for leaf in tree_flatten(aux)[0]:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(leaf)}")
    return output, aux


def _tensor_leaves(tree: Any, api: str, what: str) -> tuple[list[Tensor], TreeSpec]:
    leaves, spec = tree_flatten(tree)
    for leaf in leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"{api}: expected {what} to return only tensors, got "
                               f"unsupported type {type(leaf)}")
        if not leaf.dtype.is_differentiable:
            raise RuntimeError(f"vjp(f, ...): All outputs of f must be floating-point or "
                               f"complex Tensors, got Tensor with dtype {leaf.dtype!r}")
    return leaves, spec


# -- reverse mode -------------------------------------------------------------------


def _stack(tensors: list[Tensor]) -> Tensor:
    """Stack on a new first axis: ``autodiff.stack`` when the result must carry a graph
    or tangents, the backend's own stack otherwise (one copy instead of a tree of
    concatenations)."""
    if any(t._requires_grad or t._tangents for t in tensors):
        return stack(tensors)
    first = tensors[0]
    return Tensor._wrap(first._backend.xp.stack([t._array for t in tensors]), first._backend)


def _basis(like: Tensor, index: int) -> Tensor:
    """The one-hot cotangent or tangent with ``like``'s shape and a 1 at flat ``index``."""
    xp, size = like._backend.xp, like.numel()
    flat = xp.reshape(xp.eye(1, size, k=index, dtype=like._array.dtype), like.shape)
    return Tensor._wrap(flat, like._backend)
