"""PyTorch's products: einsum, mm/bmm/mv, the add* family (addmm, addmv, addbmm,
baddbmm, addr, addcmul, addcdiv), lerp, inner, kron, vdot, ger, chain_matmul.

All are composites of matmul, tensordot, multiply and the view ops, so their gradients
(of any order) come from those primitives. ``einsum`` contracts its operands pairwise
through batched ``matmul``, in a greedy order that keeps the intermediates smallest;
it never multiplies out a broadcast of every index and sums afterwards.
"""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Tensor
from .elementwise import add, multiply
from .linalg import matmul, outer, tensordot
from .linalg_diag import _torch_diagonal
from .manipulation import broadcast_to, permute_dims, reshape
from .reductions import sum as _sum

__all__ = ["addbmm", "addcdiv", "addcmul", "addmm", "addmv", "addr", "baddbmm", "bmm",
           "chain_matmul", "einsum", "ger", "inner", "kron", "lerp", "mm", "mv", "vdot"]
#: PyTorch has no Tensor method for these
NOT_METHODS = ("chain_matmul", "einsum")


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
        return product
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
    return add(input, multiply(weight, end - input))


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


# -- einsum ---------------------------------------------------------------------------------
def _parse(equation: str, operands: list[Tensor]) -> tuple[list[list[str]], list[str]]:
    """Each operand's index letters and the output's, with '...' expanded into letters of
    its own (upper-case Greek, which PyTorch's letters a-z, A-Z never use)."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum(): more operands were provided than specified in the "
                         f"equation" if len(operands) > len(terms) else
                         "einsum(): fewer operands were provided than specified in the "
                         "equation")
    ellipsis_dims = 0
    parsed: list[list[str]] = []
    for term, x in zip(terms, operands, strict=True):
        named = term.replace("...", "")
        if not all(c.isalpha() and c.isascii() for c in named):
            raise ValueError(f"einsum(): invalid subscript given in the equation: {term!r}")
        if "..." in term:
            extra = x.ndim - len(named)
            if extra < 0:
                raise ValueError(f"einsum(): the number of subscripts in the equation "
                                 f"({len(named)}) is more than the number of dimensions "
                                 f"({x.ndim}) for operand")
            ellipsis_dims = max(ellipsis_dims, extra)
            head, _, tail = term.partition("...")
            letters = [*head, *[chr(0x391 + ellipsis_dims - extra + i) for i in range(extra)],
                       *tail]
        else:
            if len(term) != x.ndim:
                raise ValueError(f"einsum(): the number of subscripts in the equation "
                                 f"({len(term)}) does not match the number of dimensions "
                                 f"({x.ndim}) for operand and no ellipsis was given")
            letters = list(term)
        parsed.append(letters)
    ell = [chr(0x391 + i) for i in range(ellipsis_dims)]
    if arrow:
        if "..." in rhs:
            head, _, tail = rhs.partition("...")
            out = [*head, *ell, *tail]
        else:
            out = list(rhs)
        seen = {c for letters in parsed for c in letters}
        for c in out:
            if c not in seen:
                raise ValueError(f"einsum(): output subscript {c} does not appear in the "
                                 "equation for any input operand")
        if len(set(out)) != len(out):
            raise ValueError("einsum(): output subscript appears more than once in the output")
    else:
        counts: dict[str, int] = {}
        for letters in parsed:
            for c in letters:
                counts[c] = counts.get(c, 0) + 1
        out = ell + sorted(c for c, n in counts.items() if n == 1 and c not in ell)
    return parsed, out


def _single(x: Tensor, letters: list[str], keep: set[str]) -> tuple[Tensor, list[str]]:
    """Take the diagonal of repeated letters and sum letters no one else needs."""
    letters = list(letters)
    while len(set(letters)) != len(letters):
        c = next(c for c in letters if letters.count(c) > 1)
        i = letters.index(c)
        j = letters.index(c, i + 1)
        x = _torch_diagonal(x, 0, i, j)  # the diagonal becomes the last axis
        letters = [d for k, d in enumerate(letters) if k not in (i, j)] + [c]
    drop = tuple(k for k, c in enumerate(letters) if c not in keep)
    if drop:
        x = _sum(x, axis=drop)
        letters = [c for k, c in enumerate(letters) if k not in drop]
    return x, letters


def _pair(a: Tensor, la: list[str], b: Tensor, lb: list[str], keep: set[str],
          sizes: dict[str, int]) -> tuple[Tensor, list[str]]:
    """Contract two operands with one batched matmul: (batch, a-only, summed) @
    (batch, summed, b-only)."""
    batch = [c for c in la if c in lb and c in keep]
    summed = [c for c in la if c in lb and c not in keep]
    only_a = [c for c in la if c not in lb]
    only_b = [c for c in lb if c not in la]

    def arrange(x: Tensor, letters: list[str], order: list[str]) -> Tensor:
        perm = tuple(letters.index(c) for c in order)
        if perm != tuple(range(len(perm))):
            x = permute_dims(x, perm)
        target = tuple(sizes[c] for c in order)
        return x if x.shape == target else broadcast_to(x, target)

    a = arrange(a, la, batch + only_a + summed)
    b = arrange(b, lb, batch + summed + only_b)
    nb = math.prod(sizes[c] for c in batch)
    m = math.prod(sizes[c] for c in only_a)
    k = math.prod(sizes[c] for c in summed)
    n = math.prod(sizes[c] for c in only_b)
    product = matmul(reshape(a, (nb, m, k)), reshape(b, (nb, k, n)))
    out = batch + only_a + only_b
    return reshape(product, tuple(sizes[c] for c in out)), out


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, PyTorch's string form: ``einsum("ij,jk->ik", a, b)`` or with
    the operands as one list; ``...`` stands for broadcast dimensions; without ``->``
    the output holds the letters used once, in alphabetical order.

    >>> import autodiff as ad
    >>> a, b = ad.ones(2, 3), ad.ones(3, 4)
    >>> ad.einsum("ij,jk->ik", a, b).shape, ad.einsum("ii", ad.eye(3))
    ((2, 4), tensor(3.))
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError("einsum(): the sublist form is not supported; give the equation as "
                        f"a string, got {type(equation).__name__}")
    tensors = list(operands)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"einsum(): expected operand {i} to be a Tensor, got "
                            f"{type(t).__name__}")
    if not tensors:
        raise ValueError("einsum(): must provide at least one operand")
    parsed, out = _parse(equation, tensors)
    sizes: dict[str, int] = {}
    for t, letters in zip(tensors, parsed, strict=True):
        for c, n in zip(letters, t.shape, strict=True):
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes "
                                   f"(original->remapped): subscript {c} has size "
                                   f"{sizes[c]} and {n}")
            sizes[c] = max(sizes.get(c, 1), n)
    terms: list[tuple[Tensor, list[str]]] = []
    for i, (t, letters) in enumerate(zip(tensors, parsed, strict=True)):
        others = {c for j, ls in enumerate(parsed) if j != i for c in ls}
        terms.append(_single(t, letters, others | set(out)))
    while len(terms) > 1:
        # greedy: the pair sharing letters whose result is smallest goes first
        chosen: tuple[tuple[int, int], int, int] | None = None
        for i in range(len(terms)):
            for j in range(i + 1, len(terms)):
                rest = {c for k, (_, ls) in enumerate(terms) if k not in (i, j) for c in ls}
                union = set(terms[i][1]) | set(terms[j][1])
                cost = math.prod(sizes[c] for c in union if c in rest or c in out)
                shares = bool(set(terms[i][1]) & set(terms[j][1]))
                key = (0 if shares else 1, cost)
                if chosen is None or key < chosen[0]:
                    chosen = (key, i, j)
        assert chosen is not None
        _, i, j = chosen
        (a, la), (b, lb) = terms[i], terms[j]
        rest = {c for k, (_, ls) in enumerate(terms) if k not in (i, j) for c in ls}
        merged = _pair(a, la, b, lb, rest | set(out), sizes)
        terms = [t for k, t in enumerate(terms) if k not in (i, j)] + [merged]
    result, letters = _single(*terms[0], set(out))
    perm = tuple(letters.index(c) for c in out)
    if perm != tuple(range(len(perm))):
        result = permute_dims(result, perm)
    target = tuple(sizes[c] for c in out)
    return result if result.shape == target else broadcast_to(result, target)
