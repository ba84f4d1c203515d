"""Convolutions: ``Conv1d``, ``Conv2d``, ``Conv3d``, ``ConvTranspose1d``,
``ConvTranspose2d``, ``ConvTranspose3d`` (PyTorch's constructors, attributes, default
initialisations and ``repr``; ``padding_mode`` other than ``'zeros'`` pads through
``F.pad`` first).

>>> import autodiff as ad
>>> conv = ad.nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect")
>>> conv
Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), padding_mode=reflect)
>>> conv(ad.ones(2, 1, 5, 5)).shape
(2, 4, 5, 5)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..._tensor import Tensor
from ...ops.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ._utils import _pair, _reverse_repeat_tuple, _single, _triple
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "ConvTranspose3d"]

_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


class _ConvNd(Module):
    """What every convolution holds: sizes as tuples, ``weight`` (``(out, in/groups,
    *kernel)``, or ``(in, out/groups, *kernel)`` when transposed) and ``bias``."""

    weight: Parameter
    bias: Parameter | None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: tuple[int, ...],
                 stride: tuple[int, ...], padding: str | tuple[int, ...],
                 dilation: tuple[int, ...], transposed: bool,
                 output_padding: tuple[int, ...], groups: int, bias: bool,
                 padding_mode: str, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad's order (last dimension first) for the non-zero padding modes
        if isinstance(padding, str):
            pads = [0, 0] * len(kernel_size)
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size, range(len(kernel_size) - 1, -1, -1),
                                   strict=True):
                    total = d * (k - 1)
                    pads[2 * i], pads[2 * i + 1] = total // 2, total - total // 2
            self._reversed_padding_repeated_twice = tuple(pads)
        else:
            self._reversed_padding_repeated_twice = _reverse_repeat_tuple(padding, 2)
        shape = ((in_channels, out_channels // groups) if transposed
                 else (out_channels, in_channels // groups))
        self.weight = Parameter(empty((*shape, *kernel_size), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw ``weight`` and ``bias`` afresh as PyTorch does (Kaiming uniform with
        ``a=sqrt(5)``; ``bias`` uniform on ``±1/sqrt(fan_in)``)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)


class _Conv(_ConvNd):
    """The forward shared by ``Conv1d/2d/3d``: each names its functional and tuple maker."""

    _conv: Callable[..., Tensor]
    _ntuple: Callable[[Any], tuple[Any, ...]]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        ntuple = type(self)._ntuple
        super().__init__(in_channels, out_channels, ntuple(kernel_size), ntuple(stride),
                         padding if isinstance(padding, str) else ntuple(padding),
                         ntuple(dilation), False, ntuple(0), groups, bias, padding_mode,
                         device=device, dtype=dtype)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        conv = type(self)._conv
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """A 1-d convolution over ``(N, C_in, L)`` (or ``(C_in, L)``) inputs; ``weight`` is
    ``(out_channels, in_channels // groups, kernel_size)``.

    >>> import autodiff as ad
    >>> ad.nn.Conv1d(2, 3, 3, stride=2, bias=False)
    Conv1d(2, 3, kernel_size=(3,), stride=(2,), bias=False)
    """

    _conv = staticmethod(F.conv1d)
    _ntuple = staticmethod(_single)


class Conv2d(_Conv):
    """A 2-d convolution over ``(N, C_in, H, W)`` (or ``(C_in, H, W)``) inputs;
    ``weight`` is ``(out_channels, in_channels // groups, kH, kW)``.

    >>> import autodiff as ad
    >>> ad.nn.Conv2d(4, 8, (3, 5), padding="same", dilation=2, groups=2)
    Conv2d(4, 8, kernel_size=(3, 5), stride=(1, 1), padding=same, dilation=(2, 2), groups=2)
    """

    _conv = staticmethod(F.conv2d)
    _ntuple = staticmethod(_pair)


class Conv3d(_Conv):
    """A 3-d convolution over ``(N, C_in, D, H, W)`` (or unbatched) inputs.

    >>> import autodiff as ad
    >>> ad.nn.Conv3d(1, 2, 2)
    Conv3d(1, 2, kernel_size=(2, 2, 2), stride=(1, 1, 1))
    """

    _conv = staticmethod(F.conv3d)
    _ntuple = staticmethod(_triple)


class _ConvTransposeNd(_ConvNd):
    def _output_padding(self, input: Tensor, output_size: Sequence[int] | None,
                        stride: Sequence[int], padding: Sequence[int],
                        kernel_size: Sequence[int], num_spatial_dims: int,
                        dilation: Sequence[int] | None = None) -> tuple[int, ...]:
        """The ``output_padding`` that gives ``output_size`` (PyTorch's check of which
        sizes one input can reach)."""
        if output_size is None:
            return tuple(self.output_padding)
        batched = input.ndim == num_spatial_dims + 2
        leading = 2 if batched else 1
        output_size = tuple(output_size)
        if len(output_size) == leading + num_spatial_dims:
            output_size = output_size[leading:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.ndim}D input, "
                             f"output_size must have {num_spatial_dims} or "
                             f"{leading + num_spatial_dims} elements (got {len(output_size)})")
        lows, highs = [], []
        for d in range(num_spatial_dims):
            low = ((input.shape[d + leading] - 1) * stride[d] - 2 * padding[d]
                   + (dilation[d] if dilation is not None else 1) * (kernel_size[d] - 1) + 1)
            lows.append(low)
            highs.append(low + stride[d] - 1)
        for size, low, high in zip(output_size, lows, highs, strict=True):
            if size < low or size > high:
                raise ValueError(f"requested an output size of {list(output_size)}, but valid "
                                 f"sizes range from {lows} to {highs} (for an input of "
                                 f"{tuple(input.shape[leading:])})")
        return tuple(size - low for size, low in zip(output_size, lows, strict=True))


class _ConvTranspose(_ConvTransposeNd):
    """The forward shared by ``ConvTranspose1d/2d/3d``."""

    _conv: Callable[..., Tensor]
    _ntuple: Callable[[Any], tuple[Any, ...]]
    _dims: int

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        ntuple = type(self)._ntuple
        super().__init__(in_channels, out_channels, ntuple(kernel_size), ntuple(stride),
                         ntuple(padding), ntuple(dilation), True, ntuple(output_padding),
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        if self.padding_mode != "zeros":
            raise ValueError(f"Only `zeros` padding mode is supported for {type(self).__name__}")
        padding: Any = self.padding  # always a tuple here: no string padding transposed
        output_padding = self._output_padding(input, output_size, self.stride, padding,
                                              self.kernel_size, self._dims, self.dilation)
        return type(self)._conv(input, self.weight, self.bias, self.stride, self.padding,
                                output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """The gradient of ``Conv1d`` with respect to its input, as a layer ("deconvolution");
    ``weight`` is ``(in_channels, out_channels // groups, kernel_size)``.

    >>> import autodiff as ad
    >>> up = ad.nn.ConvTranspose1d(2, 1, 3, stride=2)
    >>> up, up(ad.ones(1, 2, 4)).shape, up(ad.ones(1, 2, 4), output_size=[10]).shape
    (ConvTranspose1d(2, 1, kernel_size=(3,), stride=(2,)), (1, 1, 9), (1, 1, 10))
    """

    _conv = staticmethod(F.conv_transpose1d)
    _ntuple = staticmethod(_single)
    _dims = 1


class ConvTranspose2d(_ConvTranspose):
    """The gradient of ``Conv2d`` with respect to its input, as a layer;
    ``forward(input, output_size=None)`` picks ``output_padding`` to reach a size.

    >>> import autodiff as ad
    >>> ad.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1)
    ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))
    """

    _conv = staticmethod(F.conv_transpose2d)
    _ntuple = staticmethod(_pair)
    _dims = 2


class ConvTranspose3d(_ConvTranspose):
    """The gradient of ``Conv3d`` with respect to its input, as a layer.

    >>> import autodiff as ad
    >>> ad.nn.ConvTranspose3d(1, 1, 2, bias=False)
    ConvTranspose3d(1, 1, kernel_size=(2, 2, 2), stride=(1, 1, 1), bias=False)
    """

    _conv = staticmethod(F.conv_transpose3d)
    _ntuple = staticmethod(_triple)
    _dims = 3
