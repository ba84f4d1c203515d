"""Convolutions, as ``torch.nn.functional``: ``conv1d/2d/3d`` and ``conv_transpose1d/2d/3d``.

Each is a thin wrapper over the primitives of ``_conv_prims`` (``conv`` and its adjoint
``conv_transpose``): it checks the arguments with PyTorch's messages, turns PyTorch's
padding spellings into explicit ``(low, high)`` pairs, adds a batch axis to an
unbatched input, and adds the bias.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._tensor import Tensor
from ._conv_prims import Ints, Pairs
from ._conv_prims import conv as conv_prim
from ._conv_prims import conv_transpose as conv_transpose_prim
from .manipulation import reshape

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]
#: none is a Tensor method in PyTorch
NOT_METHODS = tuple(__all__)

IntOr = int | Sequence[int]


def tuple_of(value: IntOr, n: int, name: str, op: str) -> Ints:
    """``value`` as ``n`` ints (an int repeats), as PyTorch's ``_ntuple``."""
    if isinstance(value, int):
        return (value,) * n
    values = tuple(int(v) for v in value)
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list of "
                           f"{n} values to match the convolution dimensions, but got "
                           f"{name}={list(values)}")
    return values


def batched(input: Tensor, n: int, op: str) -> tuple[Tensor, bool]:
    """``input`` with a batch axis, and whether it came without one (PyTorch accepts
    an unbatched (C, *spatial) input)."""
    if input.ndim == n + 1:
        return reshape(input, (1,) + tuple(input.shape)), True
    if input.ndim == n + 2:
        return input, False
    raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {op}, "
                       f"but got input of size: {list(input.shape)}")


def _shape(t: Tensor) -> str:
    return str(list(t.shape))


def _check_common(stride: Ints, dilation: Ints, groups: int) -> None:
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


_TORCH_TYPE = {"float16": "Half", "float32": "Float", "float64": "Double",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _check_types(x: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's refusal to mix dtypes (no promotion inside a convolution)."""
    if x.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {_TORCH_TYPE.get(x.dtype.name, x.dtype.name)}"
                           f" but found {_TORCH_TYPE.get(weight.dtype.name, weight.dtype.name)}")
    if bias is not None and bias.dtype != x.dtype:
        kind = {"Half": "half", "Float": "float", "Double": "double"}
        raise RuntimeError(
            f"Input type ({kind.get(_TORCH_TYPE.get(x.dtype.name, ''), x.dtype.name)}) and "
            f"bias type ({kind.get(_TORCH_TYPE.get(bias.dtype.name, ''), bias.dtype.name)})"
            " should be the same")


def _add_bias(y: Tensor, bias: Tensor | None, n: int) -> Tensor:
    if bias is None:
        return y
    return y + reshape(bias, (1, -1) + (1,) * n)


def _conv_nd(input: Tensor, weight: Tensor, bias: Tensor | None, stride: IntOr,
             padding: str | IntOr, dilation: IntOr, groups: int, n: int) -> Tensor:
    op = f"conv{n}d"
    x, unbatched = batched(input, n, op)
    if weight.ndim != n + 2:
        raise RuntimeError(f"Expected {n + 2}-dimensional weight for {n + 2}-dimensional "
                           f"input {_shape(x)}, but got {weight.ndim}-dimensional weight of "
                           f"size {_shape(weight)} instead")
    _check_types(x, weight, bias)
    strides = tuple_of(stride, n, "stride", op)
    dilations = tuple_of(dilation, n, "dilation", op)
    _check_common(strides, dilations, groups)
    kernel = tuple(int(k) for k in weight.shape[2:])
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                           f"{groups} at dimension 0, but got weight of size "
                           f"[{_shape(weight)}] instead")
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_shape(weight)}, expected "
                           f"input{_shape(x)} to have {weight.shape[1] * groups} channels, "
                           f"but got {x.shape[1]} channels instead")
    pairs: Pairs
    if isinstance(padding, str):
        if padding == "valid":
            pairs = ((0, 0),) * n
        elif padding == "same":
            if any(s != 1 for s in strides):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # PyTorch puts the odd one of an even total on the high side
            totals = [d * (k - 1) for d, k in zip(dilations, kernel, strict=True)]
            pairs = tuple((t // 2, t - t // 2) for t in totals)
        else:
            raise RuntimeError(f"Invalid padding string: {padding!r}")
    else:
        pads = tuple_of(padding, n, "padding", op)
        if any(p < 0 for p in pads):
            raise RuntimeError("negative padding is not supported")
        pairs = tuple((p, p) for p in pads)
    size = tuple(int(s) for s in x.shape[2:])
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, pairs, strict=True))
    effective = tuple(d * (k - 1) + 1 for d, k in zip(dilations, kernel, strict=True))
    if any(p < e for p, e in zip(padded, effective, strict=True)):
        raise RuntimeError(f"Calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, effective))}). Kernel size can't be "
                           "greater than actual input size")
    y = conv_prim(x, weight, stride=strides, padding=pairs, dilation=dilations,
                  groups=groups, size=size, kernel=kernel)
    y = _add_bias(y, bias, n)
    return reshape(y, tuple(y.shape[1:])) if unbatched else y


def _conv_transpose_nd(input: Tensor, weight: Tensor, bias: Tensor | None, stride: IntOr,
                       padding: IntOr, output_padding: IntOr, groups: int, dilation: IntOr,
                       n: int) -> Tensor:
    op = f"conv_transpose{n}d"
    x, unbatched = batched(input, n, op)
    if weight.ndim != n + 2:
        raise RuntimeError(f"Expected {n + 2}-dimensional weight for {n + 2}-dimensional "
                           f"input {_shape(x)}, but got {weight.ndim}-dimensional weight of "
                           f"size {_shape(weight)} instead")
    _check_types(x, weight, bias)
    strides = tuple_of(stride, n, "stride", op)
    dilations = tuple_of(dilation, n, "dilation", op)
    pads = tuple_of(padding, n, "padding", op)
    extra = tuple_of(output_padding, n, "output_padding", op)
    _check_common(strides, dilations, groups)
    if any(p < 0 for p in pads):
        raise RuntimeError("negative padding is not supported")
    if any(e < 0 for e in extra):
        raise RuntimeError("negative output_padding is not supported")
    if any(e >= s and e >= d for e, s, d in zip(extra, strides, dilations, strict=True)):
        raise RuntimeError("output padding must be smaller than either stride or dilation, "
                           f"but got output_padding={list(extra)}, stride={list(strides)}, "
                           f"dilation={list(dilations)}")
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {_shape(weight)}, expected "
                           f"input{_shape(x)} to have {weight.shape[0]} channels, but got "
                           f"{x.shape[1]} channels instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                           f"{groups} at dimension 0, but got weight of size "
                           f"[{_shape(weight)}] instead")
    kernel = tuple(int(k) for k in weight.shape[2:])
    length = tuple(int(s) for s in x.shape[2:])
    # the size of the convolution whose adjoint this is; its high padding drops the
    # output_padding that no window of that convolution reads
    size = tuple((m - 1) * s - 2 * p + d * (k - 1) + e + 1 for m, s, p, d, k, e
                 in zip(length, strides, pads, dilations, kernel, extra, strict=True))
    if any(s <= 0 for s in size):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, length))}). "
                           f"Calculated output size per channel: "
                           f"({' x '.join(map(str, size))}). Output size is too small")
    pairs = tuple((p, p - e) for p, e in zip(pads, extra, strict=True))
    y = conv_transpose_prim(x, weight, stride=strides, padding=pairs, dilation=dilations,
                            groups=groups, size=size, kernel=kernel)
    y = _add_bias(y, bias, n)
    return reshape(y, tuple(y.shape[1:])) if unbatched else y


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: IntOr = 1,
           padding: str | IntOr = 0, dilation: IntOr = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) of ``input`` (N, C, L) or (C, L) with ``weight``
    (O, C / groups, k), as ``torch.nn.functional.conv1d``; ``padding`` may be an int, a
    tuple, ``'valid'`` or ``'same'``.

    >>> import autodiff as ad
    >>> x = ad.tensor([[[1.0, 2.0, 3.0, 4.0]]])
    >>> ad.nn.functional.conv1d(x, ad.tensor([[[1.0, -1.0]]]))
    tensor([[[-1., -1., -1.]]])
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: IntOr = 1,
           padding: str | IntOr = 0, dilation: IntOr = 1, groups: int = 1) -> Tensor:
    """2-D convolution of ``input`` (N, C, H, W) or (C, H, W) with ``weight``
    (O, C / groups, kH, kW), as ``torch.nn.functional.conv2d``.

    >>> import autodiff as ad
    >>> x = ad.ones((1, 1, 3, 3), requires_grad=True)
    >>> y = ad.nn.functional.conv2d(x, ad.ones((1, 1, 2, 2)), padding="same")
    >>> y
    tensor([[[[4., 4., 2.],
              [4., 4., 2.],
              [2., 2., 1.]]]], grad_fn=<ConvolutionBackward0>)
    >>> y.sum().backward(); x.grad
    tensor([[[[1., 2., 2.],
              [2., 4., 4.],
              [2., 4., 4.]]]])
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: IntOr = 1,
           padding: str | IntOr = 0, dilation: IntOr = 1, groups: int = 1) -> Tensor:
    """3-D convolution of ``input`` (N, C, D, H, W) or (C, D, H, W), as
    ``torch.nn.functional.conv3d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.conv3d(ad.ones((1, 2, 2, 2)), ad.ones((1, 1, 2, 2, 2))).shape
    (1, 1, 1, 1)
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 3)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: IntOr = 1, padding: IntOr = 0, output_padding: IntOr = 0,
                     groups: int = 1, dilation: IntOr = 1) -> Tensor:
    """1-D transposed convolution of ``input`` (N, C, L) with ``weight``
    (C, O / groups, k), as ``torch.nn.functional.conv_transpose1d``: the gradient of
    ``conv1d`` with respect to its input.

    >>> import autodiff as ad
    >>> ad.nn.functional.conv_transpose1d(ad.tensor([[[1.0, 2.0]]]), ad.ones((1, 1, 2)),
    ...                                   stride=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    return _conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                              dilation, 1)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: IntOr = 1, padding: IntOr = 0, output_padding: IntOr = 0,
                     groups: int = 1, dilation: IntOr = 1) -> Tensor:
    """2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.conv_transpose2d(ad.ones((1, 1, 2, 2)), ad.ones((1, 3, 2, 2)),
    ...                                   stride=2, output_padding=1).shape
    (1, 3, 5, 5)
    """
    return _conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                              dilation, 2)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: IntOr = 1, padding: IntOr = 0, output_padding: IntOr = 0,
                     groups: int = 1, dilation: IntOr = 1) -> Tensor:
    """3-D transposed convolution, as ``torch.nn.functional.conv_transpose3d``.

    >>> import autodiff as ad
    >>> ad.nn.functional.conv_transpose3d(ad.ones((1, 1, 1, 1, 1)),
    ...                                   ad.ones((1, 2, 2, 2, 2))).shape
    (1, 2, 2, 2, 2)
    """
    return _conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                              dilation, 3)
