"""Gradient clipping (PyTorch's ``torch.nn.utils.clip_grad``): ``clip_grad_norm_``,
``clip_grad_value_``, and its two halves ``get_total_norm`` and ``clip_grads_with_norm_``.

They run under ``no_grad`` and scale or clamp each ``.grad`` in place, one pass per
gradient. ``foreach=`` is accepted for PyTorch code: every gradient here is updated
the one way, whatever it says.
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Iterable
from typing import Any

from ... import _mode
from ..._tensor import Tensor
from ...ops._helpers import derived
from ...ops.creation import asarray
from ...ops.linalg import vector_norm

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_",
           "get_total_norm"]

TensorOrTensors = Tensor | Iterable[Tensor]


def _same_place(t: Tensor, like: Tensor) -> Tensor:
    """``t`` on ``like``'s backend and device (its dtype kept)."""
    if t._backend is like._backend and t.device == like.device:
        return t
    return t.to(device=str(like.device), backend=like._backend)


def _stack(xp: Any, *arrays: Any) -> Any:
    return xp.stack(arrays)


def get_total_norm(tensors: TensorOrTensors, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together, as if concatenated into one
    vector (``inf`` for the largest magnitude); a 0-d tensor where the first one lives.

    >>> import autodiff as ad
    >>> ad.nn.utils.get_total_norm([ad.tensor([3.0]), ad.tensor([[4.0]])])
    tensor(5.)
    """
    del foreach  # one way here (see the module)
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return asarray(0.0)
    with _mode.no_grad():
        first = tensors[0]
        # one norm per tensor, then the norm of those norms: the same value for every
        # p (inf included), with no copy of the tensors into one vector. The norms are
        # joined by the backend's own stack: with nothing to record, the recorded
        # stack's pairwise joins would cost more than all the norms together. The call
        # is ``derived``, so that autodiff.compile records it (a replay joins the new
        # norms)
        norms = [_same_place(vector_norm(t, ord=norm_type), first) for t in tensors]
        backend = first._backend
        joined = Tensor._wrap(derived(_stack, backend.xp, *norms), backend)
        total_norm = vector_norm(joined, ord=norm_type)
    if error_if_nonfinite and not bool(total_norm.isfinite()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return total_norm


def clip_grads_with_norm_(parameters: TensorOrTensors, max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    """Scale the parameters' gradients in place by ``max_norm / (total_norm + 1e-6)``
    when that is below 1 (``total_norm`` is ``get_total_norm``'s, say of a larger set).

    >>> import autodiff as ad
    >>> p = ad.tensor([1.0, 1.0], requires_grad=True); p.grad = ad.tensor([6.0, 8.0])
    >>> ad.nn.utils.clip_grads_with_norm_([p], 1.0, ad.tensor(10.0))
    >>> p.grad
    tensor([0.6000, 0.8000])
    """
    del foreach
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    with _mode.no_grad():
        # always multiply, by 1 when within bounds: no branch on a value that may live
        # on a device, as PyTorch
        total = total_norm if isinstance(total_norm, Tensor) else asarray(float(total_norm))
        coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
        by_place: dict[Any, Tensor] = {}
        for g in grads:
            key = (g._backend, g.device, g.dtype)
            scale = by_place.get(key)
            if scale is None:
                scale = by_place[key] = _same_place(coef, g).to(g.dtype)
            g.mul_(scale)


def clip_grad_norm_(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Scale the gradients of ``parameters`` in place so that their total
    ``norm_type``-norm is at most ``max_norm``; returns the total norm before clipping
    (a 0-d tensor). ``error_if_nonfinite=True`` raises on a nan or infinite norm.

    >>> import autodiff as ad
    >>> w = ad.tensor([1.0, 2.0], requires_grad=True)
    >>> (w * ad.tensor([3.0, 4.0])).sum().backward()
    >>> ad.nn.utils.clip_grad_norm_([w], max_norm=1.0)
    tensor(5.)
    >>> w.grad
    tensor([0.6000, 0.8000])
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)  # it is read twice: a generator would run out
        if is_generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will "
                          "occur.", stacklevel=2)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Deprecated: use ``clip_grad_norm_``."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: TensorOrTensors, clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp the gradients of ``parameters`` in place to [-clip_value, clip_value].

    >>> import autodiff as ad
    >>> p = ad.tensor([0.0, 0.0, 0.0], requires_grad=True)
    >>> p.grad = ad.tensor([-3.0, 0.5, 2.0])
    >>> ad.nn.utils.clip_grad_value_(p, 1.0)
    >>> p.grad
    tensor([-1.0000,  0.5000,  1.0000])
    """
    del foreach
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    with _mode.no_grad():
        for p in parameters:
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
