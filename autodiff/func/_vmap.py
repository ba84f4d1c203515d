"""``vmap``: map a function over an axis of its inputs, as ``torch.func.vmap`` does.

This is the simple, correct version: it calls the function once per index of the
mapped axis and stacks the results (differentiably, in both modes), so it saves
writing the loop, not time. PyTorch batches the operations instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._pytree import tree_flatten, tree_unflatten
from .._tensor import Tensor
from ..ops.manipulation import permute_dims
from ._common import _stack

__all__ = ["vmap"]


def _per_leaf(dims: Any, tree: Any, what: str, prefix: str) -> list[Any]:
    """One dim per leaf of ``tree`` from ``dims``: an int or None for every leaf, or a
    tree of them shaped as ``tree`` (or as a prefix of it)."""
    leaves, spec = tree_flatten(tree)
    if dims is None or isinstance(dims, int):
        return [dims] * len(leaves)
    if isinstance(dims, (tuple, list, dict)) and isinstance(tree, type(dims)) and len(
            dims) == len(tree):
        keys: Any = dims.keys() if isinstance(dims, dict) else range(len(dims))
        if isinstance(dims, dict) and set(dims) != set(tree):
            _incompatible(dims, tree, what, prefix)
        return [d for key in keys for d in _per_leaf(dims[key], tree[key], what, prefix)]
    return _incompatible(dims, tree, what, prefix)


def _incompatible(dims: Any, tree: Any, what: str, prefix: str) -> list[Any]:
    dims_spec = tree_flatten(dims)[1]
    raise ValueError(f"{prefix}: {what}_dims is not compatible with the structure of "
                     f"`{what}puts`. {what}_dims has structure {dims_spec} but {what}puts "
                     f"has structure {tree_flatten(tree)[1]}.")


def vmap(  # noqa: C901 - checks each of its options in turn
    func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0,
    randomness: str = "error", *, chunk_size: int | None = None,
) -> Callable[..., Any]:
    """``func`` mapped over axis ``in_dims`` of its inputs, the results stacked on axis
    ``out_dims`` of its outputs (``torch.func.vmap``'s arguments; ``None`` for an input
    that is not mapped). It loops: ``func`` runs once per index, random operations
    draw independently each time, and an output with ``out_dims=None`` is taken from
    the first call. ``vmap(grad(f))`` gives per-sample gradients.

    >>> import autodiff as ad
    >>> xs = ad.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> ad.func.vmap(lambda x: (x * x).sum())(xs)
    tensor([ 5., 25.])
    >>> ad.func.vmap(ad.func.grad(lambda x: (x * x).sum()))(xs)
    tensor([[2., 4.],
            [6., 8.]])
    """
    name = getattr(func, "__name__", "func")

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        prefix = f"vmap({name}, in_dims={in_dims!r}, ...)(<inputs>)"
        if not isinstance(in_dims, (int, tuple)):
            raise ValueError(f"{prefix}: expected `in_dims` to be int or a (potentially "
                             "nested) tuple matching the structure of inputs, got: "
                             f"{type(in_dims)}.")
        leaves, spec = tree_flatten(args)
        dims = _per_leaf(in_dims, args, "in", prefix)
        sizes = []
        for leaf, dim in zip(leaves, dims, strict=True):
            if dim is None:
                continue
            if not isinstance(leaf, Tensor):
                raise ValueError(f"{prefix}: Got in_dim={dim} for an input but the input is "
                                 f"of type {type(leaf)}. We cannot vmap over non-Tensor "
                                 "arguments, please use None as the respective in_dim")
            if not -leaf.ndim <= dim < leaf.ndim:
                raise ValueError(f"{prefix}: Got in_dim={dim} for some input, but that input "
                                 f"is a Tensor of dimensionality {leaf.ndim} so expected "
                                 f"in_dim to satisfy {-leaf.ndim} <= in_dim < {leaf.ndim}.")
            sizes.append(leaf.shape[dim])
        if not sizes:
            raise ValueError("vmap: Expected at least one Tensor to vmap over")
        if len(set(sizes)) > 1:
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                             f"dimension, got sizes {sizes} for the mapped dimension")
        if sizes[0] == 0:
            raise ValueError(f"{prefix}: the mapped dimension is empty; this vmap calls "
                             f"{name} once per index and needs at least one")
        calls = []
        for index in range(sizes[0]):
            sliced = [leaf if dim is None else leaf[(slice(None),) * (dim % leaf.ndim)
                                                    + (index,)]
                      for leaf, dim in zip(leaves, dims, strict=True)]
            calls.append(func(*tree_unflatten(sliced, spec), **kwargs))
        return _stack_outputs(calls, name)

    def _stack_outputs(calls: list[Any], name: str) -> Any:
        outputs, out_spec = tree_flatten(calls[0])
        if not (out_dims is None or isinstance(out_dims, (int, tuple, list, dict))):
            raise ValueError(f"vmap({name}, ..., out_dims={out_dims!r}): `out_dims` must be "
                             "an int, None or a python collection of ints representing where "
                             "in the outputs the vmapped dimension should appear.")
        where = _per_leaf(out_dims, calls[0], "out",
                          f"vmap({name}, ..., out_dims={out_dims!r})(<inputs>)")
        per_call = [tree_flatten(result)[0] for result in calls]
        stacked = []
        for position, (first, dim) in enumerate(zip(outputs, where, strict=True)):
            if not isinstance(first, Tensor):
                raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got "
                                 f"type {type(first)}. Did you mean to set out_dims= to None "
                                 "for output?")
            if dim is None:
                stacked.append(first)
                continue
            if not -first.ndim - 1 <= dim <= first.ndim:
                raise IndexError(f"Dimension out of range (expected to be in range of "
                                 f"[{-first.ndim - 1}, {first.ndim}], but got {dim})")
            column = _stack([leaves[position] for leaves in per_call])
            axis = dim % (first.ndim + 1)
            order = (*range(1, axis + 1), 0, *range(axis + 1, first.ndim + 1))
            stacked.append(permute_dims(column, order) if axis else column)
        return tree_unflatten(stacked, out_spec)

    return wrapper

