"""Forward-mode AD: tangents carried by tensors and pushed through each op's jvp rule.

A tensor made dual at a level (``forward_ad.make_dual``) carries a tangent for that
level; every op that runs while the level is open computes its output's tangent from
its inputs' tangents with the jvp its primitive declares:

* ``"elementwise"``: the Jacobian is diagonal, so the tangent is the sum of the vjp
  rules applied to the input tangents (``g * cos(x)`` with ``g = t``);
* ``"linear"``: the op applied to the tangents (zeros where an input has none);
* ``"multilinear"``: the sum over inputs of the op with that input replaced by its
  tangent;
* a callable ``jvp(tangents, ans, *inputs, **params)``.

The rules are written with autodiff ops, so a tangent computed while reverse mode
records has a graph of its own (``jacfwd(jacrev(f))``), and while one level's rule
runs, the other open levels keep propagating (nested ``jvp``). A level's tangents
are keyed by the level's number, which is never reused: once the level closes they
are simply never looked up again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import _mode
from ._rules import tensor_namespace

if TYPE_CHECKING:
    from ._primitive import Primitive
    from ._tensor import Tensor

state = _mode.state


def tangent_of(tensor: Tensor, level: int) -> Tensor | None:
    tangents = tensor._tangents
    return None if tangents is None else tangents.get(level)


def propagate(prim: Primitive, args: tuple[Any, ...], params: Mapping[str, Any],
              result: Tensor) -> None:
    """Give ``result`` a tangent at every open level where an input has one."""
    from ._tensor import Tensor

    if not result.dtype.is_differentiable:  # integer outputs carry no tangent
        return
    levels = state.forward_levels
    for level in levels:
        tangents = tuple(
            arg._tangents.get(level) if isinstance(arg, Tensor) and arg._tangents else None
            for arg in args)
        if all(tangent is None for tangent in tangents):
            continue
        if prim.jvp is None:
            raise NotImplementedError(
                f"{prim.name}: no jvp rule is declared, so it cannot be used in forward-mode "
                "AD; declare jvp= in its primitive(...)")
        others = tuple(other for other in levels if other != level)
        state.forward_levels = others  # the rule's own ops must not re-enter this level
        try:
            # with other levels open, the output must carry their tangents too
            ans = prim.op(*args, **params) if others else result
            tangent = _rule(prim, tangents, ans, args, params)
        finally:
            state.forward_levels = levels
        if tangent is not None:
            set_tangent(result, fit(tangent, result), level)
    node = result._grad_fn
    if result._tangents and node is not None and node._out is not None:
        # a rule reading ``ans`` in a backward run under a dual level must see them
        node.extra().out_tangents = result._tangents


def _rule(prim: Primitive, tangents: tuple[Tensor | None, ...], ans: Tensor,
          args: tuple[Any, ...], params: Mapping[str, Any]) -> Tensor | None:
    kind = prim.jvp
    if callable(kind):
        return kind(tangents, ans, *args, **params)
    rules = prim.vjps
    if kind == "elementwise":
        total = None
        for index, tangent in enumerate(tangents):
            if tangent is None or rules[index] is None:
                continue
            part = rules[index](tensor_namespace(), tangent, ans, *args, **params)  # type: ignore[misc]
            total = part if total is None else total + part
        return total
    if kind == "linear":
        replaced = [
            _tangent_or_zeros(arg, tangent) if index < len(rules) and rules[index] else arg
            for index, (arg, tangent) in enumerate(zip(args, tangents, strict=True))]
        return prim.op(*replaced, **params)
    # multilinear: one term per input that has a tangent
    total = None
    for index, tangent in enumerate(tangents):
        if tangent is None or rules[index] is None:
            continue
        replaced = list(args)
        replaced[index] = tangent
        part = prim.op(*replaced, **params)
        total = part if total is None else total + part
    return total


def _tangent_or_zeros(arg: Any, tangent: Tensor | None) -> Any:
    """An input of a linear op in the tangent computation: its tangent, or zero (a
    Python number in a linear slot is an offset, as 2.5 in ``x + 2.5``)."""
    from ._tensor import Tensor

    if tangent is not None:
        return tangent
    if isinstance(arg, Tensor):
        return tensor_namespace().zeros_like(arg)
    return arg if arg is None else 0


def fit(tangent: Tensor, like: Tensor) -> Tensor:
    """A tangent with the shape and dtype of its primal (a rule may broadcast)."""
    xp = tensor_namespace()
    if tangent.shape != like.shape:
        tangent = xp.broadcast_to(tangent, like.shape)
    if tangent._array.dtype != like._array.dtype:
        tangent = xp.prim.astype(tangent, dtype=like.dtype.name)
    return tangent


def set_tangent(tensor: Tensor, tangent: Tensor, level: int) -> None:
    if tensor._tangents is None:
        tensor._tangents = {level: tangent}
    else:
        tensor._tangents[level] = tangent
