"""Distances and normalization of vectors, as ``torch.nn.functional``:
``cosine_similarity``, ``pairwise_distance``, ``pdist`` and ``normalize``; composites
of ``linalg.vector_norm`` (whose gradient at a zero vector is 0, as PyTorch's)."""

from __future__ import annotations

from .._tensor import Tensor
from ._loss_util import ad, check_tensors, clamp_min_no_grad

__all__ = ["cosine_similarity", "normalize", "pairwise_distance", "pdist"]
NOT_METHODS = tuple(__all__)


def _norm(x: Tensor, p: float, axis: int, keepdims: bool = False) -> Tensor:
    return ad().linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=p)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``, broadcast
    (``torch.nn.functional.cosine_similarity``): each is divided by its norm, clamped
    at ``eps`` with the gradient of the unclamped norm, as PyTorch clamps it.

    >>> import autodiff as ad
    >>> ad.nn.functional.cosine_similarity(ad.tensor([[1.0, 0.0]]), ad.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    check_tensors("cosine_similarity", x1=x1, x2=x2)
    for x in (x1, x2):
        if x.dtype.kind == "complex floating":
            raise RuntimeError("expected common dtype to be floating point, yet common dtype "
                               "is ComplexDouble")
    xp = ad()
    x1, x2 = xp.broadcast_tensors(x1, x2)
    n1 = clamp_min_no_grad(_norm(x1, 2, dim, keepdims=True), eps)
    n2 = clamp_min_no_grad(_norm(x2, 2, dim, keepdims=True), eps)
    return xp.sum((x1 / n1) * (x2 / n2), axis=dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dimension, broadcast
    (``torch.nn.functional.pairwise_distance``).

    >>> import autodiff as ad
    >>> ad.nn.functional.pairwise_distance(ad.tensor([[3.0, 4.0]]), ad.tensor([[0.0, 0.0]]),
    ...                                    eps=0.0)
    tensor([5.])
    """
    check_tensors("pairwise_distance", x1=x1, x2=x2)
    ndim = max(x1.ndim, x2.ndim)
    if ndim == 0:
        return ad().abs(x1 - x2 + eps)
    return _norm(x1 - x2 + eps, p, -1, keepdims=keepdim)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm distance between each pair of rows of an (N, M) tensor, the upper
    triangle of the distance matrix row by row, N (N - 1) / 2 values
    (``torch.nn.functional.pdist``).

    >>> import autodiff as ad
    >>> ad.nn.functional.pdist(ad.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
    tensor([5.0000, 1.0000, 4.2426])
    """
    check_tensors("pdist", input=input)
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if input.dtype.kind != "real floating":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    xp = ad()
    rows = input.shape[0]
    first = [i for i in range(rows) for _ in range(i + 1, rows)]
    second = [j for i in range(rows) for j in range(i + 1, rows)]
    index = xp.asarray(first, dtype=xp.int64, device=input.device)
    other = xp.asarray(second, dtype=xp.int64, device=input.device)
    difference = xp.take(input, index, axis=0) - xp.take(input, other, axis=0)
    return _norm(difference, p, -1)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """``input`` divided by its ``p``-norm along ``dim``, clamped below at ``eps``
    (``torch.nn.functional.normalize``).

    >>> import autodiff as ad
    >>> ad.nn.functional.normalize(ad.tensor([[3.0, 4.0]]))
    tensor([[0.6000, 0.8000]])
    """
    check_tensors("normalize", input=input)
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor")
    denominator = ad().clip(_norm(input, p, dim, keepdims=True), min=eps)
    return input / denominator
