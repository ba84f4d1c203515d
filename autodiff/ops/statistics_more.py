"""PyTorch's statistics and distances: cdist, dist, renorm, cov, corrcoef, std_mean,
var_mean, nansum, nanmean, quantile, nanquantile, trapezoid/trapz,
cumulative_trapezoid.

Composites of the reduction, sorting and indexing primitives. Where a composite would
divide by zero at a valid input (cdist's square root at a zero distance) it masks the
input first, so the gradient there is PyTorch's 0, not nan.
"""

from __future__ import annotations

import math
import operator
from typing import Any

from .. import _mode
from .._tensor import Tensor
from ._helpers import raise_if
from .comparison import isnan
from .complex import conj
from .creation import full, full_like
from .cumulative import cumulative_sum
from .elementwise import multiply, sqrt, where
from .indexing import getitem, take_along_axis
from .linalg import matmul, vector_norm
from .linalg_diag import diagonal
from .manipulation import expand_dims, moveaxis, reshape, squeeze
from .piecewise import ceil, clip, floor
from .piecewise import round as round_half_even
from .reductions import mean, sum
from .sorting import sort
from .statistical import std, var

__all__ = ["cdist", "corrcoef", "cov", "cumulative_trapezoid", "dist", "nanmean", "nansum",
           "nanquantile", "quantile", "renorm", "std_mean", "trapezoid", "trapz", "var_mean"]
#: PyTorch has no Tensor method for these
NOT_METHODS = ("cdist", "cumulative_trapezoid", "std_mean", "trapezoid", "trapz", "var_mean")


def _safe_sqrt(x: Tensor) -> Tensor:
    """``sqrt(x)`` for x >= 0 with gradient 0 (not inf) at 0."""
    positive = x > 0
    return where(positive, sqrt(where(positive, x, 1.0)), 0.0)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """p-norm distances between the rows of ``x1`` (..., P, M) and of ``x2`` (..., R, M).

    >>> import autodiff as ad
    >>> ad.cdist(ad.tensor([[0.0, 0.0]]), ad.tensor([[3.0, 4.0], [0.0, 1.0]]))
    tensor([[5., 1.]])
    """
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
             "donot_use_mm_for_euclid_dist")
    if compute_mode not in modes:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D"
                           if x1.ndim < 2 else
                           f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    big = x1.shape[-2] > 25 or x2.shape[-2] > 25
    if p == 2 and (compute_mode == modes[1] or (compute_mode == modes[0] and big)):
        # |a|^2 + |b|^2 - 2 a.b: one matmul instead of a (P, R, M) difference
        sq1 = sum(x1 * x1, axis=-1, keepdims=True)
        sq2 = expand_dims(sum(x2 * x2, axis=-1), axis=-2)
        squared = sq1 + sq2 - 2 * matmul(x1, x2.mT)
        return _safe_sqrt(clip(squared, min=0.0))
    diff = expand_dims(x1, axis=-2) - expand_dims(x2, axis=-3)
    if p == 0:
        return sum((diff != 0).astype(x1.dtype), axis=-1)
    return vector_norm(diff, axis=-1, ord=p)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of ``input - other`` (broadcast), as a 0-d tensor.

    >>> import autodiff as ad
    >>> ad.dist(ad.tensor([0.0, 0.0]), ad.tensor([3.0, 4.0]))
    tensor(5.)
    """
    diff = input - other
    if p == 0:
        return sum((diff != 0).astype(diff.dtype))
    return vector_norm(diff, ord=p)


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice along ``dim`` whose p-norm exceeds ``maxnorm`` scaled down to it.

    >>> import autodiff as ad
    >>> ad.renorm(ad.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported, got p={p}")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    axis = operator.index(dim) % max(input.ndim, 1)
    others = tuple(i for i in range(input.ndim) if i != axis)
    norms = vector_norm(input, axis=others, keepdims=True, ord=p)
    # PyTorch's factor: maxnorm / (norm + 1e-7) where the norm exceeds maxnorm
    return input * where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """The covariance of the variables in the rows of ``input`` (observations in the
    columns), with frequency and analytic weights as ``numpy.cov``.

    >>> import autodiff as ad
    >>> ad.cov(ad.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got "
                           f"an input with {input.ndim} dimensions")
    x = reshape(input, (1, -1)) if input.ndim < 2 else input
    n = x.shape[1]
    w: Tensor | None = None
    for name, weights in (("fweights", fweights), ("aweights", aweights)):
        if weights is None:
            continue
        if weights.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but "
                               f"got {name} with {weights.ndim} dimensions")
        if weights.numel() != n:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                               f"observations in the input but got {weights.numel()} != {n}")
        integral = weights.dtype.kind in ("signed integer", "unsigned integer")
        if integral != (name == "fweights") or weights.dtype.kind == "complex floating":
            wanted = "integral" if name == "fweights" else "floating point"
            raise RuntimeError(f"cov(): expected {name} to have {wanted} dtype but got "
                               f"{name} with {weights.dtype} dtype")
        if integral:  # integer frequencies take the float dtype of the computation
            weights = weights.astype(x.dtype if aweights is None else aweights.dtype)
        # analytic weights keep their dtype: PyTorch sums and normalizes in it
        w = weights if w is None else w * weights
    if w is None:
        avg = mean(x, axis=1, keepdims=True)
        w_sum: Any = n
        norm: Any = n - correction
    else:
        w_sum = sum(w)
        avg = sum(x * w, axis=1, keepdims=True) / w_sum
        if correction == 0:
            norm = w_sum
        elif aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * sum(w * aweights) / w_sum
    centered = x - avg
    weighted = centered if w is None else centered * w
    transposed = centered.mT
    if transposed.dtype.kind == "complex floating":
        transposed = conj(transposed)
    divisor = clip(norm, min=0) if isinstance(norm, Tensor) else max(norm, 0)
    out = matmul(weighted, transposed) / divisor
    # as PyTorch: one variable gives a 0-d covariance
    return squeeze(out) if 1 in out.shape else out


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the variables in the rows, clipped to [-1, 1].

    >>> import autodiff as ad
    >>> ad.corrcoef(ad.tensor([[0.0, 1.0, 2.0], [2.0, 1.5, 0.0]]))
    tensor([[ 1.0000, -0.9608],
            [-0.9608,  1.0000]])
    """
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = sqrt(diagonal(c))
    return clip(c / d[:, None] / d[None, :], min=-1.0, max=1.0)


def _dim_args(name: str, dim: Any, unbiased: Any, correction: Any) -> tuple[Any, Any]:
    if isinstance(dim, bool):  # std_mean(x, False): the unbiased flag
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None else int(bool(unbiased))
    return dim, correction


def std_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``dim``, unbiased by default (PyTorch's).

    >>> import autodiff as ad
    >>> ad.std_mean(ad.tensor([1.0, 2.0, 3.0]))
    (tensor(1.), tensor(2.))
    """
    dim, correction = _dim_args("std_mean", dim, unbiased, correction)
    return (std(input, axis=dim, correction=correction, keepdims=keepdim),
            mean(input, axis=dim, keepdims=keepdim))


def var_mean(input: Tensor, dim: Any = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``dim``, unbiased by default (PyTorch's).

    >>> import autodiff as ad
    >>> ad.var_mean(ad.tensor([1.0, 2.0, 3.0]))
    (tensor(1.), tensor(2.))
    """
    dim, correction = _dim_args("var_mean", dim, unbiased, correction)
    return (var(input, axis=dim, correction=correction, keepdims=keepdim),
            mean(input, axis=dim, keepdims=keepdim))


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *,
           dtype: Any = None) -> Tensor:
    """The sum with nan counted as zero (its gradient there is zero).

    >>> import autodiff as ad
    >>> ad.nansum(ad.tensor([1.0, float("nan"), 2.0]))
    tensor(3.)
    """
    cleaned = where(isnan(input), 0.0, input) if "floating" in input.dtype.kind else input
    return sum(cleaned, axis=dim, keepdims=keepdim, dtype=dtype)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *,
            dtype: Any = None) -> Tensor:
    """The mean of the values that are not nan (nan where all are).

    >>> import autodiff as ad
    >>> ad.nanmean(ad.tensor([1.0, float("nan"), 2.0]))
    tensor(1.5000)
    """
    if "floating" not in input.dtype.kind:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex "
                           f"dtype but got {input.dtype.name}")
    count = sum((~isnan(input)).astype(input.dtype), axis=dim, keepdims=keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(op: str, input: Tensor, q: Any, dim: Any, keepdim: bool,
              interpolation: str, ignore_nan: bool) -> Tensor:
    if interpolation not in _MODES:
        raise ValueError(f"{op}() interpolation must be one of linear, lower, higher, "
                         f"midpoint or nearest. Got {interpolation}")
    if "real floating" != input.dtype.kind:
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor)
    qs = q if isinstance(q, Tensor) else full((), float(q), dtype=input.dtype,
                                               backend=input._backend)
    if qs.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
    with _mode.no_grad():
        raise_if(((qs < 0) | (qs > 1)).any(), RuntimeError,
                 f"{op}() q values must be in the range [0, 1]")
    if qs.dtype != input.dtype:
        raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor")
    scalar_q = scalar_q or qs.ndim == 0
    qs = reshape(qs, (-1,))
    if dim is None:
        x, axis = reshape(input, (-1,)), 0
    else:
        axis = operator.index(dim) % max(input.ndim, 1)
        x = input if input.ndim else reshape(input, (1,))
    if x.shape[axis] == 0:
        raise IndexError(f"{op}() input tensor must be non-empty")
    x = moveaxis(x, axis, -1)
    ordered = sort(x, axis=-1)  # numpy's order: nan last
    with _mode.no_grad():
        nans = isnan(x)
        size = x.shape[-1]
        valid = size - sum(nans.astype(input.dtype), axis=-1, keepdims=True) \
            if ignore_nan else full_like(x[..., :1], float(size))
        pos = qs * clip(valid - 1, min=0)  # (..., Q)
        low, high = floor(pos), ceil(pos)
        if interpolation == "nearest":  # round half to even, as PyTorch's round
            low = high = round_half_even(pos)
        lo_i, hi_i = low.astype("int64"), high.astype("int64")
    v_lo = take_along_axis(ordered, lo_i, axis=-1)
    v_hi = take_along_axis(ordered, hi_i, axis=-1)
    if interpolation in ("lower", "nearest"):
        out = v_lo
    elif interpolation == "higher":
        out = v_hi
    elif interpolation == "midpoint":
        out = (v_lo + v_hi) * 0.5
    else:
        # the weight keeps q's gradient, as PyTorch's lerp does: d/dq = (n - 1) * gap
        out = v_lo + (qs * clip(valid - 1, min=0) - low) * (v_hi - v_lo)
    with _mode.no_grad():
        empty = (valid == 0) if ignore_nan else nans.any(axis=-1, keepdims=True)
    out = where(empty, math.nan, out)
    out = moveaxis(out, -1, 0)  # (Q, ...)
    if keepdim:
        if dim is None:
            out = reshape(out, (out.shape[0],) + (1,) * input.ndim)
        elif input.ndim:
            out = expand_dims(out, axis=axis + 1)
    return getitem(out, 0) if scalar_q else out


def quantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The ``q``-th quantiles (``q`` a number or a 1-D tensor, its axis first) over
    ``dim`` (all values by default); nan if a slice holds a nan.

    >>> import autodiff as ad
    >>> ad.quantile(ad.tensor([0.0, 1.0, 2.0, 10.0]), 0.5)
    tensor(1.5000)
    """
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


def nanquantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """``quantile`` ignoring nan values (nan where a slice holds nothing else).

    >>> import autodiff as ad
    >>> ad.nanquantile(ad.tensor([0.0, float("nan"), 2.0]), 0.5)
    tensor(1.)
    """
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


def _trapezoid_parts(y: Tensor, x: Any, dx: Any, dim: int) -> Tensor:
    axis = operator.index(dim) % max(y.ndim, 1)
    n = y.shape[axis]
    head = (slice(None),) * axis
    pairs = (getitem(y, (*head, slice(1, None))) + getitem(y, (*head, slice(None, n - 1))))
    if x is None:
        return pairs * (0.5 * (1.0 if dx is None else dx))
    if not isinstance(x, Tensor):
        raise TypeError(f"trapezoid: expected x to be a Tensor, got {type(x).__name__}")
    if x.ndim == 1:
        if x.shape[0] != n:
            raise RuntimeError(f"trapezoid: There must be one `x` value for each sample "
                               f"point, got {x.shape[0]} and {n}")
        steps = x[1:] - x[:-1]
        steps = reshape(steps, (-1,) + (1,) * (y.ndim - axis - 1))
    else:
        xa = operator.index(dim) % x.ndim
        xh = (slice(None),) * xa
        steps = getitem(x, (*xh, slice(1, None))) - getitem(x, (*xh, slice(None, -1)))
    return multiply(pairs, steps) * 0.5


def trapezoid(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The trapezoidal rule along ``dim``: sample points ``x`` (1-D or y's shape), or a
    constant spacing ``dx`` (1 by default).

    >>> import autodiff as ad
    >>> ad.trapezoid(ad.tensor([1.0, 2.0, 3.0])), ad.trapezoid(ad.tensor([1.0, 2.0]), dx=2)
    (tensor(4.), tensor(3.))
    """
    if x is not None and not isinstance(x, Tensor):  # trapezoid(y, dx) positionally
        x, dx = None, x
    axis = operator.index(dim) % max(y.ndim, 1)
    return sum(_trapezoid_parts(y, x, dx, dim), axis=axis)


trapz = trapezoid


def cumulative_trapezoid(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along ``dim`` (one value fewer than ``y``).

    >>> import autodiff as ad
    >>> ad.cumulative_trapezoid(ad.tensor([1.0, 2.0, 3.0]))
    tensor([1.5000, 4.0000])
    """
    if x is not None and not isinstance(x, Tensor):
        x, dx = None, x
    axis = operator.index(dim) % max(y.ndim, 1)
    return cumulative_sum(_trapezoid_parts(y, x, dx, dim), axis=axis)


#: PyTorch's method spellings
METHODS: dict[str, Any] = {}
