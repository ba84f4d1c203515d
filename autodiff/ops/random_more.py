"""Sampling: randperm, normal, bernoulli, multinomial, rand_like, randn_like,
randint_like; each takes ``generator=``.

Draws come from the backend's uniform and normal generators and are shaped through
the standard namespace (``argsort`` of uniforms for permutations, ``searchsorted`` on
the cumulative weights for multinomial draws with replacement, the exponential race
for draws without). Samples carry no gradient: PyTorch's gradient of ``normal`` and
``bernoulli`` through their parameters is zero.
"""

from __future__ import annotations

import math
from typing import Any

from .. import _dtypes, _mode
from .._tensor import Tensor
from .creation import _finish, _like_place
from .manipulation import broadcast_shapes
from .random import draw, randn
from .transfer import placement

__all__ = ["bernoulli", "multinomial", "normal", "rand_like", "randint_like", "randn_like",
           "randperm"]
NOT_METHODS = ("normal", "rand_like", "randint_like", "randn_like", "randperm")


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A random permutation of ``0, ..., n - 1`` (int64 unless ``dtype`` says otherwise).

    >>> import autodiff as ad
    >>> sorted(ad.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    owner, native, resolved = placement(dtype, device, backend, _dtypes.int64)
    keys = draw(generator, owner, lambda: owner.uniform((int(n),), "float64", native))
    xp = owner.xp
    order = xp.astype(xp.argsort(keys, stable=True), owner.dtype(resolved.name))
    return _finish(order, owner, requires_grad)


def _float_like(op: str, x: Tensor, kind: str, dtype: Any, device: Any, backend: Any,
                requires_grad: bool, generator: Any) -> Tensor:
    dtype, device, backend = _like_place(x, dtype, device, backend)
    owner, native, resolved = placement(dtype, device, backend)
    if not resolved.is_floating_point:
        raise RuntimeError(f'"{op}" not implemented for \'{resolved.name}\'')
    array = draw(generator, owner, lambda: getattr(owner, kind)(x.shape, resolved.name, native))
    return _finish(array, owner, requires_grad)


def rand_like(input: Tensor, *, generator: Any = None, dtype: Any = None, device: Any = None,
              backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples on [0, 1) in ``input``'s shape, dtype and place.

    >>> import autodiff as ad
    >>> ad.rand_like(ad.ones(2, 3)).shape
    (2, 3)
    """
    return _float_like("check_uniform_bounds", input, "uniform", dtype, device, backend,
                       requires_grad, generator)


def randn_like(input: Tensor, *, generator: Any = None, dtype: Any = None, device: Any = None,
               backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples in ``input``'s shape, dtype and place.

    >>> import autodiff as ad
    >>> ad.randn_like(ad.ones(2)).dtype
    autodiff.float32
    """
    return _float_like("normal_kernel_cpu", input, "normal", dtype, device, backend,
                       requires_grad, generator)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *,
                 generator: Any = None, dtype: Any = None, device: Any = None,
                 backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers on [low, high) in ``input``'s shape, dtype and place
    (``randint_like(x, high)`` draws from [0, high)).

    >>> import autodiff as ad
    >>> ad.randint_like(ad.zeros(3, dtype=ad.int64), 5).shape
    (3,)
    """
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    dtype, device, backend = _like_place(input, dtype, device, backend)
    owner, native, resolved = placement(dtype, device, backend)
    array = draw(generator, owner, lambda: owner.integers(int(low), int(high), input.shape,
                                                          "int64", native))
    return _finish(owner.xp.astype(array, owner.dtype(resolved.name)), owner, requires_grad)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           dtype: Any = None, device: Any = None, backend: Any = None,
           requires_grad: bool = False, layout: Any = None,
           pin_memory: bool = False) -> Tensor:
    """Normal samples of mean ``mean`` and standard deviation ``std``: tensors
    (broadcast together) or numbers with a ``size``.

    >>> import autodiff as ad
    >>> ad.normal(ad.zeros(2, 3), 1.0).shape, ad.normal(2.0, 0.5, (4,)).shape
    ((2, 3), (4,))
    """
    # layout and pin_memory are PyTorch's factory keywords: every tensor here is dense
    # and host placement is the backend's, so they are accepted and change nothing
    del layout, pin_memory
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    with _mode.no_grad():
        if isinstance(std, Tensor):
            if bool((std < 0).any()):
                raise RuntimeError("normal expects all elements of std >= 0.0")
        elif std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        if tensors:
            if size is not None:
                raise RuntimeError("normal: give size only with a number mean and std")
            first = tensors[0]
            shape = broadcast_shapes(*(t.shape for t in tensors))
            noise = randn(shape, generator=generator, dtype=dtype or first.dtype,
                          backend=first._backend)
            out = noise * std + mean
        else:
            if size is None:
                raise TypeError("normal() with a number mean and std needs a size")
            noise = randn(size, generator=generator, dtype=dtype, device=device,
                          backend=backend)
            out = noise * float(std) + float(mean)
    return out.requires_grad_(True) if requires_grad else out


def bernoulli(input: Tensor, p: Any = None, *, generator: Any = None) -> Tensor:
    """Ones with probability ``input`` (or the number ``p``), zeros otherwise, in
    ``input``'s shape and dtype.

    >>> import autodiff as ad
    >>> ad.bernoulli(ad.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """
    owner, xp = input._backend, input._backend.xp
    probs = input._array if p is None else None
    if probs is not None and xp.isdtype(probs.dtype, "bool"):
        raise RuntimeError('"bernoulli_tensor_cpu_p_" not implemented for \'Bool\'')
    with _mode.no_grad():
        if p is None and not bool(((input >= 0) & (input <= 1)).all()):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        if p is not None and not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    u = draw(generator, owner, lambda: owner.uniform(input.shape, "float64",
                                                     _native(input)))
    threshold = xp.astype(probs, xp.float64) if probs is not None else p
    return Tensor._wrap(xp.astype(u < threshold, input._array.dtype), owner)


def _native(x: Tensor) -> Any:
    return x._array.device if x._backend.multi_device else None


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:
    """``num_samples`` category indices drawn from the weights in the last axis of a
    1-D or 2-D ``input`` (int64), with or without replacement.

    >>> import autodiff as ad
    >>> ad.multinomial(ad.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
    tensor([1, 1])
    """
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if "floating" not in input.dtype.kind:
        raise RuntimeError("multinomial only supports floating-point dtypes for input")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    categories = input.shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    owner, xp = input._backend, input._backend.xp
    w = xp.astype(input._array, xp.float64)
    rows = w if input.ndim == 2 else xp.reshape(w, (1, categories))
    finite = xp.all(xp.isfinite(rows))
    if not bool(finite) or bool(xp.any(rows < 0)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = xp.sum(rows, axis=-1)
    if bool(xp.any(totals <= 0)):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    n = rows.shape[0]
    if not replacement and bool(xp.any(xp.sum(xp.astype(rows > 0, xp.int64), axis=-1)
                                       < num_samples)):
        raise RuntimeError("invalid multinomial distribution (with replacement=False, not "
                           "enough non-negative category to sample)")
    native = _native(input)
    if replacement:
        u = draw(generator, owner, lambda: owner.uniform((n, num_samples), "float64", native))
        cdf = xp.cumulative_sum(rows, axis=-1)
        picks = [xp.searchsorted(cdf[i, :], u[i, :] * cdf[i, -1], side="right")
                 for i in range(n)]
        out = xp.minimum(xp.stack(picks), xp.asarray(categories - 1, dtype=picks[0].dtype))
    else:
        # the exponential race: category i finishes at E_i / w_i, and the first
        # num_samples finishers are a draw without replacement weighted by w
        u = draw(generator, owner, lambda: owner.uniform((n, categories), "float64", native))
        positive = rows > 0
        times = xp.where(positive, -xp.log1p(-u) / xp.where(positive, rows, 1.0), math.inf)
        out = xp.argsort(times, axis=-1, stable=True)[:, :num_samples]
    out = xp.astype(out, owner.dtype("int64"))
    if input.ndim == 1:
        out = xp.reshape(out, (num_samples,))
    return Tensor._wrap(out, owner)
