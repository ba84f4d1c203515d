"""Batch normalization: ``BatchNorm1d``, ``BatchNorm2d``, ``BatchNorm3d``, with PyTorch's
buffers (``running_mean``, ``running_var``, ``num_batches_tracked``), momentum (``None``:
a cumulative average), ``affine``, ``track_running_stats`` and evaluation by the running
statistics.

>>> import autodiff as ad
>>> bn = ad.nn.BatchNorm1d(2)
>>> _ = bn(ad.tensor([[1.0, 2.0], [3.0, 6.0]]))
>>> bn.running_mean, bn.running_var, bn.num_batches_tracked
(tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]), tensor(1))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import _dtypes
from ..._mode import no_grad
from ..._tensor import Tensor
from ...ops.creation import empty, ones, tensor, zeros
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]


class _NormBase(Module):
    """Parameters, buffers, ``reset_*`` and ``repr`` shared by the batch norms."""

    weight: Parameter | None
    bias: Parameter | None
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked",
                                 tensor(0, dtype=_dtypes.BY_NAME["int64"], device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batch counted."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()  # type: ignore[union-attr]
                self.running_var.fill_(1)  # type: ignore[union-attr]
                self.num_batches_tracked.zero_()  # type: ignore[union-attr]

    def reset_parameters(self) -> None:
        """``reset_running_stats()``, then ``weight`` 1 and ``bias`` 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)  # type: ignore[arg-type]
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict: Mapping[str, Any], prefix: str,
                              local_metadata: dict[str, Any], strict: bool,
                              missing_keys: list[str], unexpected_keys: list[str],
                              error_msgs: list[str]) -> None:
        # checkpoints older than the counter (PyTorch's version < 2, and any state dict
        # that lost its metadata) lack num_batches_tracked: keep the present one
        version = local_metadata.get("version")
        key = prefix + "num_batches_tracked"
        if ((version is None or version < 2) and self.track_running_stats
                and key not in state_dict):
            counter = self.num_batches_tracked
            if counter is None:
                counter = tensor(0, dtype=_dtypes.BY_NAME["int64"])
            state_dict = {**state_dict, key: counter}
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            counter = self.num_batches_tracked
            if counter is not None:
                with no_grad():
                    counter.add_(1)
                if self.momentum is None:  # a cumulative moving average
                    factor = 1.0 / float(counter)
        # evaluation uses the running statistics where there are any
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if keep else None,
                            self.running_var if keep else None, self.weight, self.bias,
                            use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Normalizes each feature of an ``(N, C)`` or ``(N, C, L)`` input over the batch
    (and length), then scales by ``weight`` and shifts by ``bias`` (``affine``; ``bias=False``
    keeps the scale alone). Training mode moves
    the running statistics towards the batch's (the variance unbiased, as PyTorch's);
    evaluation mode normalizes by them.

    >>> import autodiff as ad
    >>> ad.nn.BatchNorm1d(4, momentum=None, affine=False)
    BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=True)
    """

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim != 2 and input.ndim != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")


class BatchNorm2d(_BatchNorm):
    """Normalizes each channel of an ``(N, C, H, W)`` input over the batch and the
    image, as ``BatchNorm1d`` does.

    >>> import autodiff as ad
    >>> bn = ad.nn.BatchNorm2d(3)
    >>> [name for name, _ in bn.named_buffers()]
    ['running_mean', 'running_var', 'num_batches_tracked']
    """

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")


class BatchNorm3d(_BatchNorm):
    """Normalizes each channel of an ``(N, C, D, H, W)`` input, as ``BatchNorm1d`` does.

    >>> import autodiff as ad
    >>> ad.nn.BatchNorm3d(2)(ad.ones(2, 2, 1, 1, 1)).shape
    (2, 2, 1, 1, 1)
    """

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim != 5:
            raise ValueError(f"expected 5D input (got {input.ndim}D input)")
