"""Backward passes at the edges: relu's gradient at 0-d and empty inputs (a backend's
own array rule included), and no floating-point warning from a backward pass."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autodiff as ad
from autodiff._primitive import REGISTRY


@pytest.mark.parametrize("values", [1.5, -1.0, 0.0, [2.0, -3.0, 0.0, -0.0], []],
                         ids=["0d-positive", "0d-negative", "0d-zero", "1d", "empty"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_relu_backward_at_any_rank(backend: str, values: object, dtype: str,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data = np.asarray(values, dtype=dtype)
    want = (data > 0).astype(dtype)  # PyTorch's: 0 at 0
    x = ad.tensor(data, requires_grad=True)
    ad.relu(x).sum().backward()
    own = x.grad.numpy()
    assert own.shape == data.shape and own.dtype == data.dtype
    np.testing.assert_array_equal(own, want)
    monkeypatch.setattr(REGISTRY["relu"], "backend_vjps", None)  # the generic rule
    x.grad = None
    ad.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy().reshape(-1).view(np.uint8),
                                  own.reshape(-1).view(np.uint8))  # bit for bit


def test_relu_of_a_0d_tensor_backward_without_sum(backend: str) -> None:
    x = ad.tensor(1.5, requires_grad=True)
    ad.relu(x).backward()
    assert x.grad.item() == 1.0


BACKWARD_AT_SINGULARITIES = {
    "sqrt-at-0": lambda x: ad.sqrt(x),
    "log-at-0": lambda x: ad.log(x),
    "power-half-at-0": lambda x: x ** 0.5,
    "zero-times-sqrt-at-0": lambda x: ad.sqrt(x) * 0.0,
    "reciprocal-at-0": lambda x: 1.0 / x,
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("fn", list(BACKWARD_AT_SINGULARITIES.values()),
                         ids=list(BACKWARD_AT_SINGULARITIES))
def test_backward_computes_inf_and_nan_without_a_warning(backend: str, fn,  # type: ignore[no-untyped-def]
                                                         create_graph: bool) -> None:
    x = ad.tensor([0.0, 1.0], dtype=ad.float64, requires_grad=True)
    with np.errstate(all="ignore"):  # the forward's warnings are numpy's on user data
        y = fn(x).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        (grad,) = ad.autograd.grad(y, x, create_graph=create_graph)
    assert not np.isfinite(grad.detach().numpy()[0])  # an inf or a nan, as in PyTorch
    assert np.isfinite(grad.detach().numpy()[1])


def test_the_forward_pass_still_warns(backend: str) -> None:
    # only the backward pass is silent: a division by zero in the user's own forward
    # computation is numpy's to report, and numpy's state outside is unchanged
    x = ad.tensor([0.0], dtype=ad.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ad.sqrt(x).sum().backward()
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        ad.reciprocal(x)  # the forward, on the user's data
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        np.divide(np.ones(1), np.zeros(1))
