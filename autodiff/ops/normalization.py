"""Normalization layers' functions, as ``torch.nn.functional``: ``layer_norm``,
``batch_norm``, ``group_norm``, ``instance_norm``, ``rms_norm`` and
``local_response_norm``; exported from ``autodiff.nn.functional``.

The first four share one primitive, ``standardize``: ``(x - mean) / sqrt(var + eps)``
over some axes, with the fused rule ``rstd (g - mean(g) - xhat mean(g xhat))``. It is a
primitive for speed: forward and backward on numpy in float64 (timeit, best of 9), the
fused primitive takes 0.64-0.96 ms on (64, 512) where the composite of mean, subtract,
square, mean, add, sqrt and divide takes 1.23 ms, and 0.08 ms against 0.13 ms on
(8, 32) (on a shared machine the times vary; the ratio, 1.3-2x, held in every run). It
saves only x and the output instead of the composite's intermediates. Its Jacobian is
symmetric, so its jvp is the same rule. The affine weight and bias stay composites (a
multiply and an add).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .._mode import no_grad
from .._primitive import primitive
from .._rules import tensor_namespace
from .._tensor import Tensor
from ._loss_util import ad, check_tensors, refuse_complex
from .comparison import real_only

__all__ = ["batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm",
           "rms_norm"]
NOT_METHODS = tuple(__all__)

NN = "autodiff.nn.functional"


#: PyTorch's kernel names, in its message for a complex input
_KERNELS = {"Layer": "LayerNormKernelImpl", "Batch": "batch_norm", "Group": "GroupNormKernelImpl"}


def _standardize_forward(xp: Any, x: Any, axes: tuple[int, ...], eps: float,
                         norm: str) -> Any:
    real_only(xp, _KERNELS[norm], x)
    centered = x - xp.mean(x, axis=axes, keepdims=True)
    return centered / xp.sqrt(xp.mean(centered * centered, axis=axes, keepdims=True) + eps)


def _standardize_vjp(xp: Any, g: Any, ans: Any, x: Any, axes: tuple[int, ...],
                     eps: float, norm: str) -> Any:
    # the reciprocal std is recomputed from x (one reduction) rather than saved
    centered = x - xp.mean(x, axis=axes, keepdims=True)
    rstd = 1.0 / xp.sqrt(xp.mean(centered * centered, axis=axes, keepdims=True) + eps)
    return rstd * (g - xp.mean(g, axis=axes, keepdims=True)
                   - ans * xp.mean(g * ans, axis=axes, keepdims=True))


def _standardize_jvp(tangents: tuple[Any, ...], ans: Tensor, x: Tensor,
                     axes: tuple[int, ...], eps: float, norm: str) -> Tensor:
    # the Jacobian rstd (I - 1/n - xhat xhat^T / n) is symmetric: jvp = vjp
    return _standardize_vjp(tensor_namespace(), tangents[0], ans, x, axes=axes, eps=eps,
                            norm=norm)


def _node_name(_x: Any, axes: tuple[int, ...], eps: float, norm: str) -> str:
    """PyTorch's grad_fn name: NativeLayerNormBackward0, NativeBatchNormBackward0, ..."""
    return f"Native{norm}NormBackward0"


standardize = primitive(
    "standardize", torch_name=_node_name,
    forward=_standardize_forward,
    vjp=_standardize_vjp,
    jvp=_standardize_jvp, namespace="autodiff.ops.normalization",
)


def _affine(y: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...]
            ) -> Tensor:
    """``y * weight + bias``, each reshaped to ``shape`` (broadcast against y)."""
    xp = ad()
    if weight is not None:
        y = y * xp.reshape(weight, shape)
    if bias is not None:
        y = y + xp.reshape(bias, shape)
    return y


def _normalized_shape(op: str, input: Tensor, normalized_shape: Any, star: str) -> tuple[int, ...]:
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[{star}{', '.join(map(str, shape))}], but got input of "
                           f"size{list(input.shape)}")
    return shape


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Standardize over the last ``len(normalized_shape)`` dimensions (biased variance),
    then scale by ``weight`` and shift by ``bias`` of ``normalized_shape``
    (``torch.nn.functional.layer_norm``).

    >>> import autodiff as ad
    >>> ad.nn.functional.layer_norm(ad.tensor([[1.0, 3.0]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    check_tensors("layer_norm", input=input)
    shape = _normalized_shape("layer_norm", input, normalized_shape, "*, ")
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    return _affine(standardize(input, axes=axes, eps=float(eps), norm="Layer"), weight, bias,
                   shape)


def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x**2) + eps)`` over the last ``len(normalized_shape)`` dimensions,
    times ``weight`` (``torch.nn.functional.rms_norm``); ``eps`` defaults to the dtype's
    machine epsilon.

    >>> import autodiff as ad
    >>> ad.nn.functional.rms_norm(ad.tensor([[3.0, 4.0]]), (2,), eps=0.0)
    tensor([[0.8485, 1.1314]])
    """
    check_tensors("rms_norm", input=input)
    shape = _normalized_shape("rms_norm", input, normalized_shape, "*")
    xp = ad()
    if eps is None:
        eps = float(xp.finfo(input.dtype).eps)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    y = input / xp.sqrt(xp.mean(input * input, axis=axes, keepdims=True) + eps)
    return _affine(y, weight, None, shape)


def _channel_shape(input: Tensor) -> tuple[int, ...]:
    """Where a per-channel (C,) tensor broadcasts against an (N, C, ...) input."""
    return (input.shape[1],) + (1,) * (input.ndim - 2)


def _update_running(running: Tensor | None, statistic: Any, momentum: float) -> None:
    """running = (1 - momentum) running + momentum statistic, in place, recorded by no
    graph (PyTorch's running statistics are buffers)."""
    if running is None:
        return
    with no_grad():
        running.mul_(1.0 - momentum).add_(statistic * momentum)


def _check_running(name: str, running: Tensor | None, channels: int) -> None:
    if running is not None and running.numel() != channels:
        raise RuntimeError(f"{name} should contain {channels} elements not {running.numel()}")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel (dimension 1) of an (N, C, ...) input
    (``torch.nn.functional.batch_norm``). Training: by the batch's statistics, and the
    running ones, if given, move towards them by ``momentum`` in place (the variance
    unbiased, as PyTorch's). Evaluation: by the running statistics.

    >>> import autodiff as ad
    >>> mean, var = ad.zeros(2), ad.ones(2)
    >>> x = ad.tensor([[1.0, 2.0], [3.0, 6.0]])
    >>> ad.nn.functional.batch_norm(x, mean, var, training=True)
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]])
    >>> mean, var
    (tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]))
    """
    check_tensors("batch_norm", input=input)
    if input.ndim == 1 and input.shape[0] == 0:
        # PyTorch reads an empty vector as zero channels: nothing to normalize
        for name, stat in (("running_mean", running_mean), ("running_var", running_var),
                           ("weight", weight), ("bias", bias)):
            if stat is not None and math.prod(stat.shape) != 0:
                raise RuntimeError(f"{name} should contain 0 elements not "
                                   f"{math.prod(stat.shape)}")
        return input * 1.0
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an (N, C, ...) input of 2 or more "
                         f"dimensions, got {input.ndim}")
    channels = input.shape[1]
    _check_running("running_mean", running_mean, channels)
    _check_running("running_var", running_var, channels)
    shape = _channel_shape(input)
    axes = (0,) + tuple(range(2, input.ndim))
    if training:
        count = math.prod(input.shape) // channels
        if count <= 1:
            raise ValueError("Expected more than 1 value per channel when training, got "
                             f"input size {_size(input)}")
        if eps <= 0.0:
            raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
        if running_mean is not None or running_var is not None:
            _update_batch_statistics(input, running_mean, running_var, axes, count, momentum)
        y = standardize(input, axes=axes, eps=float(eps), norm="Batch")
        return _affine(y, weight, bias, shape)
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be given when "
                           "training=False (or pass training=True to use batch statistics)")
    xp = ad()
    y = ((input - xp.reshape(running_mean, shape))
         / xp.sqrt(xp.reshape(running_var, shape) + eps))
    return _affine(y, weight, bias, shape)


def _size(input: Tensor) -> str:
    return f"torch.Size({list(input.shape)})"


def _update_batch_statistics(input: Tensor, running_mean: Tensor | None,
                             running_var: Tensor | None, axes: tuple[int, ...], count: int,
                             momentum: float) -> None:
    xp = ad()
    with no_grad():
        held = input.detach()
        mean = xp.mean(held, axis=axes)
        unbiased = xp.var(held, axis=axes, correction=1)
    _update_running(running_mean, mean, momentum)
    _update_running(running_var, unbiased, momentum)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel of each sample of an (N, C, ...) input over its spatial
    dimensions (``torch.nn.functional.instance_norm``); running statistics, if given,
    move towards the mean over the batch of the per-sample ones.

    >>> import autodiff as ad
    >>> ad.nn.functional.instance_norm(ad.tensor([[[1.0, 3.0]]]))
    tensor([[[-1.0000,  1.0000]]])
    """
    check_tensors("instance_norm", input=input)
    if use_input_stats:
        if input.ndim < 3 or math.prod(input.shape[2:]) <= 1:
            raise ValueError("Expected more than 1 spatial element when training, got input "
                             f"size {_size(input)}")
    elif input.ndim < 3:
        raise ValueError(f"instance_norm: expected an (N, C, ...) input of 3 or more "
                         f"dimensions, got {input.ndim}")
    channels = input.shape[1]
    _check_running("running_mean", running_mean, channels)
    _check_running("running_var", running_var, channels)
    shape = _channel_shape(input)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    axes = tuple(range(2, input.ndim))
    if running_mean is not None or running_var is not None:
        xp = ad()
        with no_grad():
            held = input.detach()
            mean = xp.mean(xp.mean(held, axis=axes), axis=0)
            unbiased = xp.mean(xp.var(held, axis=axes, correction=1), axis=0)
        _update_running(running_mean, mean, momentum)
        _update_running(running_var, unbiased, momentum)
    y = standardize(input, axes=axes, eps=float(eps), norm="Batch")  # PyTorch's node too
    return _affine(y, weight, bias, shape)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize each group of ``C / num_groups`` channels of each sample of an
    (N, C, ...) input, then scale and shift per channel (``torch.nn.functional.group_norm``).

    >>> import autodiff as ad
    >>> ad.nn.functional.group_norm(ad.tensor([[1.0, 3.0, 5.0, 9.0]]), 2)
    tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    check_tensors("group_norm", input=input)
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    channels = input.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError("Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    xp = ad()
    # the group's size spelled out: -1 cannot be inferred for an empty batch
    per_group = math.prod(input.shape[1:]) // num_groups
    grouped = xp.reshape(input, (input.shape[0], num_groups, per_group))
    y = standardize(grouped, axes=(2,), eps=float(eps), norm="Group")
    y = xp.reshape(y, tuple(input.shape))
    return _affine(y, weight, bias, _channel_shape(input))


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """Divide each element by ``(k + alpha * mean of squares over size neighbouring
    channels) ** beta``, the window zero-padded (``torch.nn.functional.local_response_norm``).

    >>> import autodiff as ad
    >>> x = ad.tensor([[[1.0], [2.0]]])
    >>> ad.nn.functional.local_response_norm(x, 2, alpha=1.0, beta=1.0, k=0.0)
    tensor([[[2.0000],
             [0.8000]]])
    """
    check_tensors("local_response_norm", input=input)
    if input.ndim < 3:
        raise ValueError("Expected 3D or higher dimensionality                          "
                         f"input (got {input.ndim} dimensions)")
    refuse_complex("local_response_norm", input, kernel="avg_pool2d")
    if input.numel() == 0:
        return input
    xp = ad()
    channels = input.shape[1]
    squares = input * input
    before, after = size // 2, (size - 1) // 2
    rest = tuple(input.shape[2:])
    parts = []
    if before:
        parts.append(xp.zeros((input.shape[0], before) + rest, dtype=input.dtype,
                              device=input.device))
    parts.append(squares)
    if after:
        parts.append(xp.zeros((input.shape[0], after) + rest, dtype=input.dtype,
                              device=input.device))
    padded = xp.concat(parts, axis=1) if len(parts) > 1 else squares
    window = padded[:, 0:channels]
    for shift in range(1, size):
        window = window + padded[:, shift:shift + channels]
    div = (k + alpha * (window / size)) ** beta
    return input / div
