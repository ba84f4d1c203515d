"""Reverse-mode transforms: ``grad``, ``grad_and_value``, ``value_and_grad``, ``vjp``,
``jacrev``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _mode
from .._pytree import tree_flatten, tree_unflatten
from .._tensor import Tensor
from ..autograd import grad as _autograd_grad
from ._common import (
    _GRAD,
    _VJP,
    _argnums,
    _basis,
    _Inputs,
    _lower,
    _split_aux,
    _stack,
    _tensor_leaves,
    _zeros_like,
)

__all__ = ["grad", "grad_and_value", "jacrev", "value_and_grad", "vjp"]


def _cotangents(outputs: list[Tensor], inputs: _Inputs, seeds: list[Tensor],
                create_graph: bool, retain_graph: bool) -> list[Tensor]:
    """The vector-Jacobian product of ``outputs`` (seeded with ``seeds``) for each of
    the call's inputs; zeros for an input the outputs do not depend on."""
    live = [(out, seed) for out, seed in zip(outputs, seeds, strict=True) if out._requires_grad]
    found: tuple[Any, ...] = (None,) * len(inputs.tensors)
    if live:
        found = _autograd_grad([out for out, _ in live], inputs.tensors,
                               [seed for _, seed in live], retain_graph=retain_graph,
                               create_graph=create_graph, allow_unused=True)
    return [_zeros_like(x) if g is None else g for g, x in zip(found, inputs.tensors,
                                                              strict=True)]


def _grad_and_value(f: Callable[..., Any], argnums: Any, has_aux: bool,
                    args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, Any]:
    many = isinstance(argnums, tuple)
    inputs = _Inputs(args, _argnums(argnums, len(args)))
    with _mode.enable_grad():
        output, aux = _split_aux(f(*inputs.args, **kwargs), has_aux, _GRAD)
    if not isinstance(output, Tensor):
        raise RuntimeError(f"{_GRAD}: Expected f(*args) to return a Tensor, got {type(output)}")
    if output.ndim != 0:
        raise RuntimeError(f"{_GRAD}: Expected f(*args) to return a scalar Tensor, got tensor "
                           f"with {output.ndim} dims. Maybe you wanted to use the vjp or "
                           "jacrev APIs instead?")
    outside = inputs.reaches_outside([output])
    keep = outside and inputs.outer_grad
    seed = Tensor._wrap(output._backend.xp.ones_like(output._array), output._backend)
    grads = _cotangents([output], inputs, [seed], create_graph=keep, retain_graph=outside)
    return inputs.regroup(grads, many), _lower(output, keep), _lower(aux, keep)


def grad_and_value(f: Callable[..., Any], argnums: Any = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """``f``'s gradient and value as ``torch.func.grad_and_value``: ``(grad, value)``,
    or ``(grad, (value, aux))`` with ``has_aux``.

    >>> import autodiff as ad
    >>> ad.func.grad_and_value(lambda x: (x * x).sum())(ad.tensor([1.0, 2.0]))
    (tensor([2., 4.]), tensor(5.))
    """
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gradient, value, aux = _grad_and_value(f, argnums, has_aux, args, kwargs)
        return (gradient, (value, aux)) if has_aux else (gradient, value)

    return wrapper


def value_and_grad(f: Callable[..., Any], argnums: Any = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """``f``'s value and gradient: ``(value, grad)``, or ``((value, aux), grad)`` with
    ``has_aux`` (JAX's order; ``grad_and_value`` gives PyTorch's).

    >>> import autodiff as ad
    >>> ad.func.value_and_grad(lambda x: (x * x).sum())(ad.tensor([1.0, 2.0]))
    (tensor(5.), tensor([2., 4.]))
    """
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gradient, value, aux = _grad_and_value(f, argnums, has_aux, args, kwargs)
        return ((value, aux), gradient) if has_aux else (value, gradient)

    return wrapper


def grad(f: Callable[..., Any], argnums: Any = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The function computing the gradient of the scalar function ``f`` with respect to
    the argument(s) ``argnums`` (an int, or a tuple giving a tuple of gradients; an
    argument may be a tuple, list or dict of tensors). With ``has_aux``, ``f`` returns
    ``(output, aux)`` and the result is ``(grad, aux)``.

    >>> import autodiff as ad
    >>> ad.func.grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(
    ...     ad.tensor([1.0, 2.0]), ad.tensor([3.0, 4.0]))
    (tensor([3., 4.]), tensor([1., 2.]))
    """
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gradient, _, aux = _grad_and_value(f, argnums, has_aux, args, kwargs)
        return (gradient, aux) if has_aux else gradient

    return wrapper


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """``(output, vjp_fn)`` (``(output, vjp_fn, aux)`` with ``has_aux``): ``vjp_fn(v)``
    is the tuple of vector-Jacobian products of ``f`` at ``primals`` with cotangents
    ``v`` (shaped as the output), one per primal; it may be called many times.

    >>> import autodiff as ad
    >>> out, vjp_fn = ad.func.vjp(ad.sin, ad.tensor([0.0, 1.0]))
    >>> vjp_fn(ad.ones(2))
    (tensor([1.0000, 0.5403]),)
    """
    inputs = _Inputs(primals, tuple(range(len(primals))))
    with _mode.enable_grad():
        result, aux = _split_aux(f(*inputs.args), has_aux, _VJP)
    outputs, out_spec = _tensor_leaves(result, _VJP, "f(*primals)")
    outside = inputs.reaches_outside(outputs)
    keep = outside and inputs.outer_grad

    def vjp_fn(cotangents: Any, retain_graph: bool = True, create_graph: bool | None = None
               ) -> tuple[Any, ...]:
        seeds, spec = tree_flatten(cotangents)
        if spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function. cotangents: "
                               f"{spec}, primal output: {out_spec}")
        if create_graph is None:
            create_graph = _mode.state.enabled and (keep or any(
                isinstance(seed, Tensor) and seed._requires_grad for seed in seeds))
        grads = _cotangents(outputs, inputs, seeds, create_graph, retain_graph)
        return inputs.regroup(grads, many=True)

    if has_aux:
        return _lower(result, keep), vjp_fn, _lower(aux, keep)
    return _lower(result, keep), vjp_fn


def jacrev(f: Callable[..., Any], argnums: Any = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The Jacobian of ``f`` by reverse mode, one backward pass per output element: for
    an output of shape ``S`` and an input of shape ``T`` a tensor of shape ``S + T``;
    a tuple/dict output gives the same structure, and a tuple ``argnums`` a tuple per
    output. With ``has_aux`` the result is ``(jacobian, aux)``.

    >>> import autodiff as ad
    >>> ad.func.jacrev(lambda x: x ** 2)(ad.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    def wrapper(*args: Any) -> Any:
        many = isinstance(argnums, tuple)
        inputs = _Inputs(args, _argnums(argnums, len(args)))
        with _mode.enable_grad():
            result, aux = _split_aux(f(*inputs.args), has_aux, _VJP)
        outputs, out_spec = _tensor_leaves(result, _VJP, "f(*primals)")
        outside = inputs.reaches_outside(outputs)
        keep = outside and inputs.outer_grad
        blocks = []
        for position, out in enumerate(outputs):
            zero = [_zeros_like(other) for other in outputs]
            rows: list[list[Tensor]] = [[] for _ in inputs.tensors]
            for index in range(out.numel()):
                seeds = list(zero)
                seeds[position] = _basis(out, index)
                last = position == len(outputs) - 1 and index == out.numel() - 1
                grads = _cotangents(outputs, inputs, seeds, create_graph=keep,
                                    retain_graph=outside or not last)
                for row, g in zip(rows, grads, strict=True):
                    row.append(g)
            jac = [_stack(row).reshape(out.shape + x.shape) if row else Tensor._wrap(
                x._backend.xp.zeros(out.shape + x.shape, dtype=x._array.dtype), x._backend)
                for row, x in zip(rows, inputs.tensors, strict=True)]
            blocks.append(inputs.regroup(jac, many))
        jacobian = tree_unflatten(blocks, out_spec)
        return (jacobian, _lower(aux, keep)) if has_aux else jacobian

    return wrapper
