"""The names of ``autodiff.torch`` that PyTorch has and ``autodiff`` does not (yet).

Each is used only while ``autodiff`` has no name of its own (``autodiff.torch`` looks in
``autodiff`` first), so an op added to ``autodiff`` later takes over without an edit here.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Sequence
from typing import Any

import autodiff as ad
from autodiff import Tensor

from ._functions import EXTRAS, _extra, _tensor, nonzero, std, var

__all__ = ["FUNCTIONAL", "Size"]


def _pair(name: str, spread: Any) -> Any:
    def both(input: Tensor, dim: Any = None, unbiased: bool | None = None,
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, Tensor]:
        value = spread(input, dim, unbiased, keepdim, correction=correction)
        return value, ad.mean(input, axis=dim, keepdims=keepdim)

    both.__name__ = both.__qualname__ = name
    both.__doc__ = f"PyTorch's ``{name}``: ``({name.partition('_')[0]}, mean)`` over ``dim``."
    return _extra(both)


_pair("std_mean", std)
_pair("var_mean", var)


@_extra
def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """PyTorch's ``split``: pieces of ``split_size`` along ``dim`` (the last one may be
    smaller), or of the sizes listed; views that share the gradient.

    >>> import autodiff.torch as torch
    >>> torch.split(torch.arange(5), [2, 3])
    (tensor([0, 1]), tensor([2, 3, 4]))
    """
    x = _tensor("split", tensor)
    axis = operator.index(dim) % builtins.max(x.ndim, 1)
    length = x.shape[axis]
    if isinstance(split_size_or_sections, Sequence):
        sizes = [operator.index(size) for size in split_size_or_sections]
        if builtins.sum(sizes) != length:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {length} (input "
                f"tensor's size at dimension {axis}), but got split_sizes={sizes}")
    else:
        step = operator.index(split_size_or_sections)
        if step <= 0 and length > 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got "
                               f"split_size={step}")
        sizes = [builtins.min(step, length - start) for start in range(0, length, step)] \
            if length else [0]
    pieces, start = [], 0
    lead = (slice(None),) * axis
    for size in sizes:
        pieces.append(x[(*lead, slice(start, start + size))])
        start += size
    return tuple(pieces)


@_extra
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """PyTorch's ``chunk``: at most ``chunks`` pieces of equal size along ``dim``."""
    x = _tensor("chunk", input)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    length = x.shape[operator.index(dim)]
    return split(x, builtins.max(-(-length // chunks), 1), dim)


def _alias(name: str, target: str) -> None:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(ad, target)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"PyTorch's ``{name}``: ``autodiff.{target}``."
    _extra(call)


for _name, _target in {"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal",
                       "gt": "greater", "ge": "greater_equal", "greater": "greater",
                       "not_equal": "not_equal", "absolute": "abs", "negative": "negative",
                       "swapaxes": "transpose", "swapdims": "transpose",
                       "true_divide": "divide", "clip": "clamp", "arccos": "acos",
                       "arcsin": "asin", "arctan": "atan", "arccosh": "acosh",
                       "arcsinh": "asinh", "arctanh": "atanh", "arctan2": "atan2",
                       "fix": "trunc"}.items():
    _alias(_name, _target)


@_extra
def inference_mode(mode: bool = True) -> Any:
    """PyTorch's ``inference_mode``: here, ``set_grad_enabled(not mode)`` (no recording)."""
    return ad.set_grad_enabled(not mode)


@_extra
def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is an autodiff Tensor."""
    return isinstance(obj, Tensor)


@_extra
def from_numpy(array: Any) -> Tensor:
    """A tensor from a numpy array, keeping its dtype."""
    return ad.asarray(array)


@_extra
def numel(input: Tensor) -> int:
    """The number of elements of ``input``."""
    return _tensor("numel", input).numel()


@_extra
def is_floating_point(input: Tensor) -> bool:
    """Whether ``input`` has a floating-point dtype."""
    return builtins.bool(_tensor("is_floating_point", input).dtype.is_floating_point)


@_extra
def t(input: Tensor) -> Tensor:
    """The transpose of a matrix (a tensor of at most two axes is returned as is)."""
    x = _tensor("t", input)
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return x if x.ndim < 2 else ad.transpose(x, 0, 1)


@_extra
def argwhere(input: Tensor) -> Tensor:
    """The indices of the nonzero elements, one row each: ``nonzero(input)``."""
    return nonzero(input)


@_extra
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """PyTorch's ``torch.diagonal``: the diagonal over ``dim1`` and ``dim2``."""
    return Tensor.diagonal(_tensor("diagonal", input), offset, dim1, dim2)


#: PyTorch's top-level spellings of ``torch.nn.functional`` functions, those whose
#: positional arguments match (``torch.embedding`` and ``torch.batch_norm`` do not, and
#: the top-level losses take ``reduction`` as an int)
FUNCTIONAL = ("softmax", "log_softmax", "dropout", "alpha_dropout", "feature_alpha_dropout",
              "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "layer_norm", "group_norm", "rms_norm", "pixel_shuffle",
              "pixel_unshuffle", "cosine_similarity", "pairwise_distance", "pdist", "celu",
              "selu", "prelu", "rrelu", "hardshrink", "threshold", "bilinear", "max_pool1d",
              "max_pool2d", "max_pool3d", "avg_pool1d", "adaptive_avg_pool1d")


class Size(tuple[int, ...]):
    """PyTorch's ``torch.Size``: a tuple of ints (``x.shape`` compares equal to it)."""

    def numel(self) -> int:
        count = 1
        for size in self:
            count *= size
        return count

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"


EXTRAS["Size"] = Size
