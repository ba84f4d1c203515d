"""The initialisations of ``autodiff.nn.init`` that shape their draws: ``trunc_normal_``
(rejection sampling), ``orthogonal_`` (a QR factorization) and ``sparse_`` (a random
set of zeros in each column). Each runs on whole tensors through the backend's
namespace, never element by element.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from .. import _mode
from .._tensor import Tensor
from ..ops.elementwise import where
from ..ops.linalg_spectral import qr
from ..ops.linalg_spellings import diagonal

__all__ = ["orthogonal_", "sparse_", "trunc_normal_"]


def _check_tensor(name: str, tensor: Any) -> None:
    """The initialisers fill autodiff tensors: anything else is refused by name."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{name}: expected an autodiff Tensor, got {type(tensor).__name__}")


def _norm_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Any = None) -> Tensor:
    """Fill with samples from N(mean, std²) truncated to [a, b] (``a`` and ``b`` are
    values, not numbers of standard deviations, as in PyTorch).

    >>> import autodiff as ad
    >>> g = ad.Generator().manual_seed(0)
    >>> w = ad.nn.init.trunc_normal_(ad.empty(10_000), std=0.02, a=-0.04, b=0.04, generator=g)
    >>> bool((w.abs() <= 0.04).all()), round(float(w.std()) / 0.02, 1)
    (True, 0.9)
    """
    _check_tensor("trunc_normal_", tensor)
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    with _mode.no_grad():
        mass = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std)
        if mass > 0.3:
            result = _normal_rejection(tensor, mean, std, a, b, generator)
        else:
            result = _uniform_rejection(tensor, mean, std, a, b, generator)
        if result is not tensor:
            tensor.copy_(result)
    return tensor


def _normal_rejection(tensor: Tensor, mean: float, std: float, a: float, b: float,
                      generator: Any) -> Tensor:
    """Most of the mass is inside [a, b]: draw normals and redraw those outside."""
    # the bounds as the tensor's dtype holds them, so a value equal to a rounded bound
    # is kept
    lo, hi = (tensor.new_tensor(bound).item() for bound in (a, b))
    result = tensor.normal_(mean, std, generator=generator)
    while True:
        outside = (result < lo) | (result > hi)
        if not bool(outside.any()):
            return result
        fresh = tensor.new_empty(tensor.shape).normal_(mean, std, generator=generator)
        result = where(outside, fresh, result)


def _uniform_rejection(tensor: Tensor, mean: float, std: float, a: float, b: float,
                       generator: Any) -> Tensor:
    """Little of the mass is inside [a, b]: propose uniformly on [a, b], accept with the
    normal density over its peak there; redraw the rejected until none is left."""
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def rejected(candidates: Tensor) -> Tensor:
        log_ratio = -0.5 * ((candidates - mean) / std) ** 2 - log_peak
        return tensor.new_empty(tensor.shape).uniform_(generator=generator).log() > log_ratio

    result = tensor.uniform_(a, b, generator=generator)
    pending = rejected(result)
    while bool(pending.any()):
        candidates = tensor.new_empty(tensor.shape).uniform_(a, b, generator=generator)
        result = where(pending, candidates, result)
        pending = pending & rejected(candidates)
    return result


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Any = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix times ``gain`` (Saxe et al.); dimensions after
    the first are flattened. Q of the QR factorization of a normal draw, its columns' signs
    fixed so that Q is uniform over the orthogonal group.

    >>> import autodiff as ad
    >>> w = ad.nn.init.orthogonal_(ad.empty(3, 5))
    >>> bool(ad.allclose(w @ w.T, ad.eye(3), atol=1e-5))
    True
    """
    _check_tensor("orthogonal_", tensor)
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    with _mode.no_grad():
        flattened = tensor.new_empty((rows, cols)).normal_(0, 1, generator=generator)
        if rows < cols:
            flattened = flattened.T
        q, r = qr(flattened)
        q = q * diagonal(r).sign()
        if rows < cols:
            q = q.T
        return tensor.copy_(q.reshape(tensor.shape) * gain)


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01,
            generator: Any = None) -> Tensor:
    """Fill a 2-D tensor with N(0, std²) samples, then zero ``ceil(sparsity * rows)``
    entries, at random rows, in each column (Martens).

    >>> import autodiff as ad
    >>> w = ad.nn.init.sparse_(ad.empty(10, 4), sparsity=0.3)
    >>> (w == 0).sum(0)
    tensor([3, 3, 3, 3])
    """
    _check_tensor("sparse_", tensor)
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    with _mode.no_grad():
        tensor.normal_(0, std, generator=generator)
        if num_zeros > 0:
            # each column's rows in a random order (PyTorch draws a randperm per column):
            # the first num_zeros of that order are zeroed, all columns at once
            keys = tensor.new_empty((rows, cols)).uniform_(generator=generator)
            ranks = keys.argsort(dim=0).argsort(dim=0)
            tensor.copy_(where(ranks < num_zeros, 0.0, tensor))
    return tensor
