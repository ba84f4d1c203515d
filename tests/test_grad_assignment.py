"""``x.grad = value`` takes only what PyTorch takes: a tensor of x's dtype, shape and
backend (or None)."""

from __future__ import annotations

import pytest

import autodiff as ad


def _leaf() -> ad.Tensor:
    return ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64, requires_grad=True)


@pytest.mark.parametrize(("value", "error", "match"), [
    (lambda: 5.0, TypeError, "assigned grad expected to be a Tensor or None but got grad of "
                             "type float"),
    (lambda: ad.tensor([1, 2, 3]), RuntimeError, "attempting to assign a gradient with dtype "
                                                 "'int64' to a tensor with grad_dtype 'float64'"),
    (lambda: ad.tensor([1.0, 2.0, 3.0], dtype=ad.float32), RuntimeError,
     "with dtype 'float32' to a tensor with grad_dtype 'float64'"),
    (lambda: ad.tensor([1.0, 2.0], dtype=ad.float64), RuntimeError,
     "assigned grad has data of a different size"),
])
def test_a_wrong_grad_is_refused(backend: str, value: object, error: type[Exception],
                                 match: str) -> None:
    x = _leaf()
    with pytest.raises(error, match=match):
        x.grad = value()  # type: ignore[operator]
    assert x.grad is None


def test_a_grad_from_another_backend_is_refused(backend: str) -> None:
    other = "array_api_strict" if backend == "numpy" else "numpy"
    x = _leaf()
    with pytest.raises(RuntimeError, match="assigned grad has data located on a different "
                                           "device"):
        x.grad = ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64, backend=other)


def test_a_matching_grad_is_kept_and_accumulated_into(backend: str) -> None:
    x = _leaf()
    x.grad = ad.ones(3, dtype=ad.float64)
    (x * 2.0).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]
    x.grad = None
    assert x.grad is None
