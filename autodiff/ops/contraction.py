"""PyTorch's products: mm/bmm/mv, the add* family (addmm, addmv, addbmm,
baddbmm, addr, addcmul, addcdiv), lerp, inner, kron, vdot, ger, chain_matmul.

All are composites of matmul, tensordot, multiply and the view ops, so their gradients
(of any order) come from those primitives.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from .elementwise import add, multiply, where
from .linalg import matmul, outer, tensordot
from .manipulation import reshape

__all__ = ["addbmm", "addcdiv", "addcmul", "addmm", "addmv", "addr", "baddbmm", "bmm",
           "chain_matmul", "ger", "inner", "kron", "lerp", "mm", "mv", "vdot"]
#: PyTorch has no Tensor method for these
NOT_METHODS = ("chain_matmul",)


def _check(op: str, name: str, x: Any, ndim: int) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected {name} to be a Tensor, got {type(x).__name__}")
    if x.ndim != ndim:
        raise RuntimeError(f"{name} must be a {'matrix' if ndim == 2 else f'{ndim}D tensor'}"
                           f", got a {x.ndim}-D tensor ({op})")


def _scaled(x: Tensor, factor: Any) -> Tensor:
    return x if isinstance(factor, (int, float)) and factor == 1 else multiply(x, factor)


def _combine(op: str, x: Tensor, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    """``beta * x + alpha * product``; with beta == 0, x is ignored (nan and inf in it
    do not propagate), as in PyTorch."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected input to be a Tensor, got {type(x).__name__}")
    product = _scaled(product, alpha)
    if isinstance(beta, (int, float)) and beta == 0:
        # a zero gradient for x, and no nan or inf of x in the value
        from .creation import zeros

        ignore = zeros(product.shape, dtype="bool", backend=product._backend,
                       device=product.device if product._backend.multi_device else None)
        return where(ignore, x, product)
    return add(_scaled(x, beta), product)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors.

    >>> import autodiff as ad
    >>> ad.mm(ad.ones(2, 3), ad.ones(3, 1))
    tensor([[3.],
            [3.]])
    """
    _check("mm", "self", input, 2)
    _check("mm", "mat2", mat2, 2)
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x"
                           f"{input.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
    return matmul(input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors with the same batch size.

    >>> import autodiff as ad
    >>> ad.bmm(ad.ones(4, 2, 3), ad.ones(4, 3, 5)).shape
    (4, 2, 5)
    """
    _check("bmm", "batch1", input, 3)
    _check("bmm", "batch2", mat2, 3)
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    return matmul(input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product.

    >>> import autodiff as ad
    >>> ad.mv(ad.tensor([[1.0, 2.0], [3.0, 4.0]]), ad.tensor([1.0, 1.0]))
    tensor([3., 7.])
    """
    _check("mv", "self", input, 2)
    _check("mv", "vec", vec, 1)
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat "
                           f"({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})")
    return matmul(input, vec)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1,
          alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``.

    >>> import autodiff as ad
    >>> ad.addmm(ad.ones(2), ad.ones(2, 3), ad.ones(3, 2), beta=0.5, alpha=2)
    tensor([[6.5000, 6.5000],
            [6.5000, 6.5000]])
    """
    return _combine("addmm", input, mm(mat1, mat2), beta, alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``.

    >>> import autodiff as ad
    >>> ad.addmv(ad.ones(2), ad.ones(2, 3), ad.ones(3))
    tensor([4., 4.])
    """
    return _combine("addmv", input, mv(mat, vec), beta, alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``.

    >>> import autodiff as ad
    >>> ad.addr(ad.zeros(2, 2), ad.tensor([1.0, 2.0]), ad.tensor([1.0, 3.0]))
    tensor([[1., 3.],
            [2., 6.]])
    """
    _check("addr", "vec1", vec1, 1)
    _check("addr", "vec2", vec2, 1)
    return _combine("addr", input, outer(vec1, vec2), beta, alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)``, batch by batch.

    >>> import autodiff as ad
    >>> ad.baddbmm(ad.zeros(3, 2, 2), ad.ones(3, 2, 4), ad.ones(3, 4, 2)).shape
    (3, 2, 2)
    """
    return _combine("baddbmm", input, bmm(batch1, batch2), beta, alpha)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
           alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * sum_b (batch1[b] @ batch2[b])``.

    >>> import autodiff as ad
    >>> ad.addbmm(ad.zeros(2, 2), ad.ones(3, 2, 4), ad.ones(3, 4, 2))
    tensor([[12., 12.],
            [12., 12.]])
    """
    bmm(batch1, batch2)  # the checks
    # one contraction over the batch and inner axes, not a stack of products summed
    return _combine("addbmm", input, tensordot(batch1, batch2, axes=((0, 2), (0, 1))),
                    beta, alpha)


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 * tensor2``.

    >>> import autodiff as ad
    >>> ad.addcmul(ad.ones(2), ad.tensor([1.0, 2.0]), ad.tensor([3.0, 4.0]), value=0.5)
    tensor([2.5000, 5.0000])
    """
    return add(input, _scaled(multiply(tensor1, tensor2), value))


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``.

    >>> import autodiff as ad
    >>> ad.addcdiv(ad.ones(2), ad.tensor([1.0, 2.0]), ad.tensor([4.0, 4.0]), value=2)
    tensor([1.5000, 2.0000])
    """
    for name, t in (("tensor1", tensor1), ("tensor2", tensor2)):
        if isinstance(t, Tensor) and t.dtype.kind in ("signed integer", "unsigned integer",
                                                       "bool"):
            raise RuntimeError("Integer division with addcdiv is no longer supported, and in "
                               "a future release addcdiv will perform a true division of "
                               f"tensor1 and tensor2 ({name} is {t.dtype.name}).")
    return add(input, _scaled(tensor1 / tensor2, value))


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``.

    >>> import autodiff as ad
    >>> ad.lerp(ad.tensor([0.0, 1.0]), ad.tensor([10.0, 3.0]), 0.5)
    tensor([5., 2.])
    """
    # PyTorch's two-sided formula: exact at both ends (lerp(a, b, 1) is b, bit for bit)
    diff = end - input
    if not isinstance(weight, Tensor):
        if abs(weight) < 0.5:
            return add(input, multiply(weight, diff))
        return end - multiply(diff, 1 - weight)
    from .elementwise import abs as abs_

    return where(abs_(weight) < 0.5, input + weight * diff, end - diff * (1 - weight))


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum of products over the last axes (a product with a 0-d tensor scales).

    >>> import autodiff as ad
    >>> ad.inner(ad.ones(2, 3), ad.ones(4, 3)).shape
    (2, 4)
    """
    if input.ndim == 0 or other.ndim == 0:
        return multiply(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, axes=((input.ndim - 1,), (other.ndim - 1,)))


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """``sum(conj(input) * other)`` of two 1-D tensors.

    >>> import autodiff as ad
    >>> ad.vdot(ad.tensor([1.0, 2.0]), ad.tensor([3.0, 4.0]))
    tensor(11.)
    """
    from .complex import conj
    from .linalg import dot

    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D "
                           "tensors")
    return dot(conj(input) if input.dtype.kind == "complex floating" else input, other)


def ger(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product (PyTorch's old name for ``outer``).

    >>> import autodiff as ad
    >>> ad.ger(ad.tensor([1.0, 2.0]), ad.tensor([3.0])).shape
    (2, 1)
    """
    return outer(input, vec2)


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: blocks ``input[i, j] * other``.

    >>> import autodiff as ad
    >>> ad.kron(ad.eye(2), ad.tensor([[1.0, 2.0]]))
    tensor([[1., 2., 0., 0.],
            [0., 0., 1., 2.]])
    """
    ndim = max(input.ndim, other.ndim)
    a_shape = (1,) * (ndim - input.ndim) + input.shape
    b_shape = (1,) * (ndim - other.ndim) + other.shape
    # interleave: a as (a0, 1, a1, 1, ...), b as (1, b0, 1, b1, ...)
    a = reshape(input, tuple(s for n in a_shape for s in (n, 1)))
    b = reshape(other, tuple(s for n in b_shape for s in (1, n)))
    return reshape(multiply(a, b), tuple(m * n for m, n in zip(a_shape, b_shape, strict=True)))


def chain_matmul(*matrices: Tensor) -> Tensor:
    """The product of 2-D matrices (deprecated in PyTorch for ``linalg.multi_dot``).

    >>> import autodiff as ad
    >>> ad.chain_matmul(ad.eye(2), ad.ones(2, 3), ad.ones(3, 1)).shape
    (2, 1)
    """
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    result = matrices[0]
    _check("chain_matmul", "matrices[0]", result, 2)
    for matrix in matrices[1:]:
        result = mm(result, matrix)
    return result
