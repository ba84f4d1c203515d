"""``autodiff.func``: functional transforms, as PyTorch's ``torch.func``.

``grad(f)`` is a function computing the gradient of ``f``; ``vjp``, ``jacrev``
(reverse mode), ``jvp``, ``jacfwd`` (forward mode) and ``hessian`` complete the
set. Transforms nest freely (``grad(grad(f))``, ``jacfwd(jacrev(f))``) and compose
with ``backward()``: a transform's results stay differentiable by whatever
differentiates around it.

How nesting works on a single autograd graph (PyTorch uses "levels" instead): each
call differentiates with respect to its own copy of each input: a fresh leaf, or,
when the input is already part of a graph some outer computation differentiates,
an alias node on it. The cotangent is captured at that copy, so what ``f`` computes
from the original tensor by another route (a closure, an outer transform's input)
is a constant to this transform and a variable to the outer one, which is what
levels give. A graph of the gradient computation is built (``create_graph``) only
when some outer computation can differentiate the results, that is when ``f``'s
graph reaches a tensor requiring grad that the transform did not create, and grad
mode is on outside; the results then require grad, otherwise they are constants.

>>> import autodiff as ad
>>> from autodiff import func
>>> x = ad.tensor(2.0)
>>> func.grad(lambda x: x ** 3)(x)
tensor(12.)
>>> func.grad(func.grad(lambda x: x ** 3))(x)
tensor(12.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _mode
from ._graph import AccumulateGrad
from ._pytree import TreeSpec, tree_flatten, tree_unflatten
from ._tensor import Tensor
from .autograd import forward_ad
from .autograd import grad as _autograd_grad
from .autograd.function import Function
from .ops.manipulation import _reshape, permute_dims

__all__ = ["grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "value_and_grad",
           "vjp"]

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


class _Stack(Function):
    """Stack equally shaped tensors on a new first axis (differentiable, both modes)."""

    @staticmethod
    def forward(ctx: Any, *tensors: Tensor) -> Tensor:
        first = tensors[0]
        return Tensor._wrap(first._backend.xp.stack([t._array for t in tensors]),
                            first._backend)

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> tuple[Tensor, ...]:
        return tuple(g[index] for index in range(g.shape[0]))

    @staticmethod
    def jvp(ctx: Any, *tangents: Tensor) -> Tensor:
        return _stack(list(tangents))


def _stack(tensors: list[Tensor]) -> Tensor:
    if any(t._requires_grad or t._tangents for t in tensors):
        return _Stack.apply(*tensors)  # type: ignore[no-any-return]
    first = tensors[0]
    return Tensor._wrap(first._backend.xp.stack([t._array for t in tensors]), first._backend)


def _basis(like: Tensor, index: int) -> Tensor:
    """The one-hot cotangent or tangent with ``like``'s shape and a 1 at flat ``index``."""
    xp, size = like._backend.xp, like.numel()
    flat = xp.reshape(xp.eye(1, size, k=index, dtype=like._array.dtype), like.shape)
    return Tensor._wrap(flat, like._backend)


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
