"""Helpers shared by the element-wise test modules."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autodiff as ad

NAN, INF = math.nan, math.inf


def values(tensor: Any) -> np.ndarray:
    return np.asarray(tensor.tolist(), dtype=np.float64)


def close(tensor: Any, expected: Any) -> None:
    np.testing.assert_allclose(values(tensor), np.asarray(expected, dtype=np.float64),
                               rtol=1e-12, atol=1e-12)


def leaves(*rows: Any) -> list[ad.Tensor]:
    return [ad.tensor(row, dtype=ad.float64, requires_grad=True) for row in rows]


def grads(out: ad.Tensor, *inputs: ad.Tensor) -> list[Any]:
    return list(ad.autograd.grad(out.sum(), inputs, allow_unused=True))
