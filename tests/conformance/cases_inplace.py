"""Cases of the primitive behind ``x[key] = value`` (``index_put``)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autodiff as ad

from .cases import case, real


def _put(key: Any) -> Any:
    def fn(x: ad.Tensor, value: Any) -> ad.Tensor:
        y = x * 1.0  # a non-leaf copy: x itself is a leaf that requires grad
        y[key] = value
        return y

    return fn


def _put_reference(key: Any) -> Any:
    def reference(x: np.ndarray, value: Any) -> np.ndarray:
        y = x.copy()
        y[key] = value
        return y

    return reference


case("index_put.slice_tensor", _put((slice(None), slice(1, 3))),
     _put_reference((slice(None), slice(1, 3))), real(3, 4), real(3, 2))
case("index_put.broadcast_value", _put(1), _put_reference(1), real(3, 4), real(4))
case("index_put.scalar_broadcast", _put((Ellipsis, 0)), _put_reference((Ellipsis, 0)),
     real(2, 3), real())
case("index_put.step", _put(slice(None, None, 2)), _put_reference(slice(None, None, 2)),
     real(5), real(3))
