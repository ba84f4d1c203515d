"""``einsum``, PyTorch's string form: operands as arguments or one list, ``...`` for
broadcast dimensions, an implicit output (the letters used once, in order) without
``->``; and the sublist form (integers for letters, ``...`` as Ellipsis).

Each operand first loses its repeated letters (a diagonal) and the letters no one
else needs (a sum); then operands are contracted pairwise through one batched
``matmul`` each, in a greedy order (pairs sharing a letter, smallest result first).
It never multiplies out a broadcast of every index and sums afterwards. A composite:
gradients of any order come from matmul, the view ops, diagonal and sum.
"""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Tensor
from .linalg import matmul
from .linalg_diag import _torch_diagonal
from .manipulation import broadcast_to, permute_dims, reshape
from .reductions import sum as _sum

__all__ = ["einsum"]
#: PyTorch has no Tensor method for einsum
NOT_METHODS = ("einsum",)


def _parse(equation: str, operands: list[Tensor]) -> tuple[list[list[str]], list[str]]:
    """Each operand's index letters and the output's, with '...' expanded into letters of
    its own (upper-case Greek, which PyTorch's letters a-z, A-Z never use)."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise ValueError("einsum(): more operands were provided than specified in the "
                         "equation" if len(operands) > len(terms) else
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


def _sizes(tensors: list[Tensor], parsed: list[list[str]]) -> dict[str, int]:
    """Each letter's size; a size of 1 broadcasts against any other, as in PyTorch."""
    sizes: dict[str, int] = {}
    for k, (t, letters) in enumerate(zip(tensors, parsed, strict=True)):
        for c, n in zip(letters, t.shape, strict=True):
            if c not in sizes or sizes[c] == 1:
                sizes[c] = n
            elif n not in (1, sizes[c]):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} "
                                   f"which does not broadcast with previously seen size "
                                   f"{sizes[c]}")
    return sizes


def _next_pair(terms: list[tuple[Tensor, list[str]]], out: list[str],
               sizes: dict[str, int]) -> tuple[int, int]:
    """Greedy order: the pair sharing letters whose result is smallest goes first."""
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
    return chosen[1], chosen[2]


def _letter(index: Any) -> str:
    if index is Ellipsis:
        return "..."
    if not 0 <= index < 52:
        raise ValueError(f"einsum(): subscript in subscript list is not within the valid "
                         f"range [0, 52), got {index}")
    return chr(ord("a") + index) if index < 26 else chr(ord("A") + index - 26)


def _from_sublists(args: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """PyTorch's sublist form as an equation and its operands."""
    pairs = len(args) // 2
    operands = tuple(args[2 * i] for i in range(pairs))
    terms = ["".join(_letter(i) for i in args[2 * k + 1]) for k in range(pairs)]
    equation = ",".join(terms)
    if len(args) % 2:
        equation += "->" + "".join(_letter(i) for i in args[-1])
    return equation, operands


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, PyTorch's string form: ``einsum("ij,jk->ik", a, b)`` or with
    the operands as one list; ``...`` stands for broadcast dimensions; without ``->``
    the output holds the letters used once, in alphabetical order. The sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` works too.

    >>> import autodiff as ad
    >>> a, b = ad.ones(2, 3), ad.ones(3, 4)
    >>> ad.einsum("ij,jk->ik", a, b).shape, ad.einsum("ii", ad.eye(3))
    ((2, 4), tensor(3.))
    """
    if isinstance(equation, Tensor):  # the sublist form: op, [0, 1], op, [1, 2], [0, 2]
        equation, operands = _from_sublists((equation, *operands))
    elif len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): expected the equation as a string, got "
                        f"{type(equation).__name__}")
    tensors = list(operands)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"einsum(): expected operand {i} to be a Tensor, got "
                            f"{type(t).__name__}")
    if not tensors:
        raise ValueError("einsum(): must provide at least one operand")
    parsed, out = _parse(equation, tensors)
    sizes = _sizes(tensors, parsed)
    terms: list[tuple[Tensor, list[str]]] = []
    for i, (t, letters) in enumerate(zip(tensors, parsed, strict=True)):
        others = {c for j, ls in enumerate(parsed) if j != i for c in ls}
        terms.append(_single(t, letters, others | set(out)))
    while len(terms) > 1:
        i, j = _next_pair(terms, out, sizes)
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
