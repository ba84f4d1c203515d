"""Forward-mode transforms: ``jvp``, ``jacfwd``, and ``hessian`` (forward over
reverse)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._pytree import TreeSpec, tree_flatten, tree_unflatten
from .._tensor import Tensor
from ..autograd import forward_ad
from ..ops.manipulation import permute_dims
from ._common import _argnums, _basis, _split_aux, _stack, _tensor_leaves, _zeros_like
from ._reverse import jacrev

__all__ = ["hessian", "jacfwd", "jvp"]


_JVP = "jvp(f, primals, tangents)"


def jvp(f: Callable[..., Any], primals: Any, tangents: Any, has_aux: bool = False) -> Any:
    """Forward mode: ``(output, jvp_out)`` (``(output, jvp_out, aux)`` with ``has_aux``),
    where ``jvp_out`` is the Jacobian of ``f`` at ``primals`` applied to ``tangents``
    (both tuples with one entry per argument of ``f``), computed with dual tensors in
    one evaluation of ``f``.

    >>> import autodiff as ad
    >>> ad.func.jvp(ad.sin, (ad.tensor([0.0, 1.0]),), (ad.tensor([1.0, 2.0]),))
    (tensor([0.0000, 0.8415]), tensor([1.0000, 1.0806]))
    """
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals to be a tuple. E.g. it should be valid "
                           "to call f(*primals).")
    primal_leaves, primal_spec = tree_flatten(primals)
    tangent_leaves, tangent_spec = tree_flatten(tangents)
    if primal_spec != tangent_spec:
        raise RuntimeError(f"{_JVP}: Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, "
                           "tangents also must be. Got primals with structure "
                           f"{primal_spec} and tangents with structure {tangent_spec}")
    for what, leaves in (("primals", primal_leaves), ("tangents", tangent_leaves)):
        for leaf in leaves:
            if not isinstance(leaf, Tensor):
                raise RuntimeError(f"{_JVP}: Expected {what} to only contain Tensors, got "
                                   f"{type(leaf)}")
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(p, t) for p, t in zip(primal_leaves, tangent_leaves,
                                                             strict=True)]
        result, aux = _split_aux(f(*tree_unflatten(duals, primal_spec)), has_aux, _JVP)
        outputs, out_spec = _tensor_leaves(result, _JVP, "f(*primals)")
        unpacked = [forward_ad.unpack_dual(out) for out in outputs]
    values = tree_unflatten([u.primal for u in unpacked], out_spec)
    jvps = tree_unflatten([_zeros_like(u.primal) if u.tangent is None else u.tangent
                           for u in unpacked], out_spec)
    return (values, jvps, aux) if has_aux else (values, jvps)


def jacfwd(f: Callable[..., Any], argnums: Any = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The Jacobian of ``f`` by forward mode, one evaluation of ``f`` per input element
    (cheaper than ``jacrev`` for functions with more outputs than inputs); shapes and
    structure as ``jacrev``.

    >>> import autodiff as ad
    >>> ad.func.jacfwd(lambda x: x ** 2)(ad.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    def wrapper(*args: Any) -> Any:
        many = isinstance(argnums, tuple)
        positions = _argnums(argnums, len(args))
        groups = [tree_flatten(args[position]) for position in positions]
        leaves = [leaf for group, _ in groups for leaf in group]
        for leaf in leaves:
            if not isinstance(leaf, Tensor):
                raise ValueError(f"Thing passed to transform API must be Tensor, got "
                                 f"{type(leaf)}")
        # columns[k][j][i]: the tangent of output i along element j of input leaf k
        columns: list[list[list[Tensor]]] = [[] for _ in leaves]
        outputs: list[Tensor] | None = None
        for k, x in enumerate(leaves):
            for j in range(x.numel()):
                with forward_ad.dual_level():
                    flat = list(leaves)
                    flat[k] = forward_ad.make_dual(x, _basis(x, j))
                    result, aux = _split_aux(f(*_rebuild(args, positions, groups, flat)),
                                             has_aux, _JVP)
                    outputs, out_spec = _tensor_leaves(result, _JVP, "f(*primals)")
                    columns[k].append([_tangent(out) for out in outputs])
        if outputs is None:  # every input is empty: one plain call for the outputs
            result, aux = _split_aux(f(*args), has_aux, _JVP)
            outputs, out_spec = _tensor_leaves(result, _JVP, "f(*primals)")
        blocks = []
        for i, out in enumerate(outputs):
            jac = []
            for x, column in zip(leaves, columns, strict=True):
                if not column:
                    jac.append(Tensor._wrap(x._backend.xp.zeros(
                        out.shape + x.shape, dtype=out._array.dtype), x._backend))
                    continue
                stacked = _stack([tangents[i] for tangents in column])  # (n, *out.shape)
                moved = permute_dims(stacked, (*range(1, stacked.ndim), 0))
                jac.append(moved.reshape(out.shape + x.shape))
            blocks.append(_regroup(jac, groups, many))
        jacobian = tree_unflatten(blocks, out_spec)
        return (jacobian, aux) if has_aux else jacobian

    return wrapper


def _rebuild(args: tuple[Any, ...], positions: tuple[int, ...],
             groups: list[tuple[list[Any], TreeSpec]], flat: list[Any]) -> list[Any]:
    """``args`` with the leaves of ``args[positions]`` replaced by ``flat``."""
    rebuilt, start = list(args), 0
    for position, (group, spec) in zip(positions, groups, strict=True):
        rebuilt[position] = tree_unflatten(flat[start:start + len(group)], spec)
        start += len(group)
    return rebuilt


def _regroup(flat: list[Any], groups: list[tuple[list[Any], TreeSpec]], many: bool) -> Any:
    regrouped, start = [], 0
    for group, spec in groups:
        regrouped.append(tree_unflatten(flat[start:start + len(group)], spec))
        start += len(group)
    return tuple(regrouped) if many else regrouped[0]


def _tangent(out: Tensor) -> Tensor:
    tangent = forward_ad.unpack_dual(out).tangent
    return _zeros_like(out) if tangent is None else tangent


def hessian(f: Callable[..., Any], argnums: Any = 0) -> Callable[..., Any]:
    """The Hessian of the scalar function ``f``: ``jacfwd(jacrev(f))`` (forward mode
    over reverse mode, as ``torch.func.hessian``).

    >>> import autodiff as ad
    >>> ad.func.hessian(lambda x: (x ** 3).sum())(ad.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(f, argnums), argnums)
