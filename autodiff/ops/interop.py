"""PyTorch's helpers around tensors: from_numpy, is_tensor, numel, set_printoptions."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _format
from .._tensor import Tensor
from .creation import asarray

__all__ = ["from_numpy", "is_tensor", "numel", "set_printoptions"]
NOT_METHODS = ("from_numpy", "is_tensor", "numel", "set_printoptions")

set_printoptions = _format.set_printoptions


def from_numpy(ndarray: Any) -> Tensor:
    """A tensor sharing the array's memory (writes show in both): on the current backend
    when it can wrap host memory (numpy, array_api_strict), else on the numpy backend.

    >>> import numpy as np, autodiff as ad
    >>> a = np.zeros(2); t = ad.from_numpy(a); a[0] = 5.0; t
    tensor([5., 0.], dtype=autodiff.float64)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    try:
        return asarray(ndarray, copy=False)
    except (ValueError, TypeError, BufferError):  # a device backend: keep the memory
        return asarray(ndarray, backend="numpy", copy=False)


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is an autodiff Tensor.

    >>> import autodiff as ad
    >>> ad.is_tensor(ad.ones(1)), ad.is_tensor([1.0])
    (True, False)
    """
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """The number of elements.

    >>> import autodiff as ad
    >>> ad.numel(ad.ones(2, 3))
    6
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"numel(): argument 'input' must be Tensor, not {type(input).__name__}")
    return input.numel()
