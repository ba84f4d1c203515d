"""Pooling layers: ``MaxPool1d/2d/3d``, ``AvgPool1d/2d/3d``, ``AdaptiveAvgPool1d/2d/3d``,
``AdaptiveMaxPool1d/2d/3d`` (PyTorch's constructors, attributes and ``repr``).

>>> import autodiff as ad
>>> pool = ad.nn.MaxPool2d(2, return_indices=True)
>>> values, indices = pool(ad.arange(16.0).reshape(1, 1, 4, 4))
>>> pool
MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
>>> values.shape, indices.flatten().tolist()
((1, 1, 2, 2), [5, 7, 13, 15])
"""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from ._utils import _single
from .module import Module

__all__ = ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
           "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "MaxPool1d", "MaxPool2d", "MaxPool3d"]


class _MaxPoolNd(Module):
    _pool: Any

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Any:
        return type(self)._pool(input, self.kernel_size, self.stride, self.padding,
                                self.dilation, ceil_mode=self.ceil_mode,
                                return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The largest value of each window of an ``(N, C, L)`` input; with
    ``return_indices=True``, also where each was (for ``MaxUnpool1d``).

    >>> import autodiff as ad
    >>> ad.nn.MaxPool1d(2)(ad.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    tensor([[[3., 2.]]])
    """

    _pool = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """The largest value of each window of an ``(N, C, H, W)`` input.

    >>> import autodiff as ad
    >>> ad.nn.MaxPool2d((2, 1), stride=1, padding=(1, 0), ceil_mode=True)
    MaxPool2d(kernel_size=(2, 1), stride=1, padding=(1, 0), dilation=1, ceil_mode=True)
    """

    _pool = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """The largest value of each window of an ``(N, C, D, H, W)`` input.

    >>> import autodiff as ad
    >>> ad.nn.MaxPool3d(2)(ad.ones(1, 1, 2, 2, 2)).shape
    (1, 1, 1, 1, 1)
    """

    _pool = staticmethod(F.max_pool3d)


class _AvgPoolNd(Module):
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """The mean of each window of an ``(N, C, L)`` input (sizes kept as 1-tuples, as
    PyTorch keeps them).

    >>> import autodiff as ad
    >>> pool = ad.nn.AvgPool1d(2)
    >>> pool, pool(ad.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    (AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,)), tensor([[[2., 1.]]]))
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad)


class _AvgPool(_AvgPoolNd):
    """``AvgPool2d`` and ``AvgPool3d``: sizes kept as given, a ``divisor_override``."""

    _pool: Any

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._pool(input, self.kernel_size, self.stride, self.padding,
                                self.ceil_mode, self.count_include_pad, self.divisor_override)


class AvgPool2d(_AvgPool):
    """The mean of each window of an ``(N, C, H, W)`` input; ``count_include_pad``
    counts the zero padding in the divisor, ``divisor_override`` replaces it.

    >>> import autodiff as ad
    >>> ad.nn.AvgPool2d(3, stride=2, padding=1)
    AvgPool2d(kernel_size=3, stride=2, padding=1)
    """

    _pool = staticmethod(F.avg_pool2d)


class AvgPool3d(_AvgPool):
    """The mean of each window of an ``(N, C, D, H, W)`` input.

    >>> import autodiff as ad
    >>> ad.nn.AvgPool3d(2)(ad.ones(1, 1, 2, 2, 2))
    tensor([[[[[1.]]]]])
    """

    _pool = staticmethod(F.avg_pool3d)


class _AdaptivePool(Module):
    _pool: Any

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._pool(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePool):
    """Means over windows chosen so that the output has length ``output_size``.

    >>> import autodiff as ad
    >>> ad.nn.AdaptiveAvgPool1d(2)(ad.tensor([[[1.0, 2.0, 3.0]]]))
    tensor([[[1.5000, 2.5000]]])
    """

    _pool = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptivePool):
    """Means over windows chosen so that the output is ``output_size`` (an int, a pair,
    ``None`` in a pair keeps that size); ``AdaptiveAvgPool2d(1)`` is global average pooling.

    >>> import autodiff as ad
    >>> ad.nn.AdaptiveAvgPool2d((1, None))(ad.ones(2, 3, 4, 5)).shape
    (2, 3, 1, 5)
    """

    _pool = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptivePool):
    """Means over windows chosen so that the output is ``output_size`` (three sizes).

    >>> import autodiff as ad
    >>> ad.nn.AdaptiveAvgPool3d(1)(ad.ones(1, 2, 3, 3, 3)).shape
    (1, 2, 1, 1, 1)
    """

    _pool = staticmethod(F.adaptive_avg_pool3d)


class _AdaptiveMaxPool(_AdaptivePool):
    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return type(self)._pool(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Maxima over windows chosen so that the output has length ``output_size``.

    >>> import autodiff as ad
    >>> ad.nn.AdaptiveMaxPool1d(1)(ad.tensor([[[1.0, 4.0, 2.0]]]))
    tensor([[[4.]]])
    """

    _pool = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Maxima over windows chosen so that the output is ``output_size``; with
    ``return_indices=True`` also where each was.

    >>> import autodiff as ad
    >>> pool = ad.nn.AdaptiveMaxPool2d((1, 2), return_indices=True)
    >>> values, indices = pool(ad.arange(8.0).reshape(1, 1, 2, 4))
    >>> pool, values, indices
    (AdaptiveMaxPool2d(output_size=(1, 2)), tensor([[[[5., 7.]]]]), tensor([[[[5, 7]]]]))
    """

    _pool = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    """Maxima over windows chosen so that the output is ``output_size`` (three sizes).

    >>> import autodiff as ad
    >>> ad.nn.AdaptiveMaxPool3d(1)(ad.arange(8.0).reshape(1, 1, 2, 2, 2))
    tensor([[[[[7.]]]]])
    """

    _pool = staticmethod(F.adaptive_max_pool3d)
