"""In-place operations: values, gradients, the version counter and PyTorch's errors."""

from __future__ import annotations

import numpy as np
import pytest

import autodiff as ad

MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace"


def _values(tensor: ad.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


@pytest.mark.parametrize(("method", "args", "reference"), [
    ("add_", (2.0,), lambda x: x + 2.0),
    ("sub_", (0.5,), lambda x: x - 0.5),
    ("mul_", (3.0,), lambda x: x * 3.0),
    ("div_", (4.0,), lambda x: x / 4.0),
    ("pow_", (2,), lambda x: x**2),
    ("fill_", (7.0,), lambda x: np.full_like(x, 7.0)),
    ("zero_", (), np.zeros_like),
])
def test_inplace_methods_write_into_the_same_tensor(backend: str, method: str, args: tuple,
                                                     reference: object) -> None:
    start = np.array([[1.0, -2.0], [3.0, 0.5]])
    x = ad.tensor(start)
    array_before = x.array
    result = getattr(x, method)(*args)
    assert result is x
    assert x._version == 1
    np.testing.assert_allclose(_values(x), reference(start))  # type: ignore[operator]
    if ad.get_backend().mutable_arrays:
        assert x.array is array_before  # written into the same buffer
    else:
        # an immutable array (dask) is rebound: the old one keeps its values
        assert x.array is not array_before
        np.testing.assert_array_equal(np.asarray(array_before), start)


def test_augmented_assignment_keeps_the_object_and_records(backend: str) -> None:
    w = ad.tensor([1.0, 2.0], requires_grad=True)
    y = w * 1.0
    alias = y
    y += 3.0
    y *= w
    assert y is alias
    assert type(y.grad_fn).__name__ == "MulBackward0"
    y.sum().backward()
    # y = (w + 3) * w  ->  dy/dw = 2w + 3
    np.testing.assert_allclose(_values(w.grad), [5.0, 7.0])


def test_mul_inplace_keeps_the_old_values_for_the_other_gradient(backend: str) -> None:
    a0 = np.array([1.5, -2.0, 0.5])
    a = ad.tensor(a0, requires_grad=True)
    b = ad.tensor([3.0, 4.0, 5.0], requires_grad=True)
    y = a * 1.0
    y.mul_(b)
    y.sum().backward()
    np.testing.assert_allclose(_values(b.grad), a0)       # d(a*b)/db = old a
    np.testing.assert_allclose(_values(a.grad), [3.0, 4.0, 5.0])


def test_leaf_requiring_grad_refuses_inplace(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation."):
        x.add_(1)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x[0] = 2.0


def test_no_grad_allows_the_optimizer_update(backend: str) -> None:
    p = ad.ones(2, requires_grad=True)
    (p * p).sum().backward()
    with ad.no_grad():
        p -= 0.1 * p.grad
    assert p.is_leaf and p.requires_grad
    np.testing.assert_allclose(_values(p), [0.8, 0.8])


def test_saved_output_modified_in_place(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match=MODIFIED + r".*\[autodiff.FloatTensor \[3\]\], "
                       r"which is output 0 of Exp, is at version 1; expected version 0 "
                       "instead"):
        y.sum().backward()


def test_saved_input_modified_in_place(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    w = ad.ones(3, requires_grad=True)
    y = x * 1
    z = y * w
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"output 0 of Add, is at version 1; expected "
                       "version 0 instead"):
        z.sum().backward()


def test_saved_input_of_a_one_input_op_modified_in_place(backend: str) -> None:
    # the array pass checks a one-input node's saved tensor on a path of its own
    x = ad.ones(3, requires_grad=True)
    y = x * 1
    z = ad.sin(y)
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"output 0 of Add, is at version 1; expected "
                       "version 0 instead"):
        z.sum().backward()


def test_saved_leaf_modified_under_no_grad(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    z = x * ad.ones(3, requires_grad=True)
    with ad.no_grad():
        x.add_(1)
    with pytest.raises(RuntimeError, match=r"\[autodiff.FloatTensor \[3\]\] is at version 1; "
                       "expected version 0 instead"):
        z.sum().backward()


def test_write_that_no_rule_reads_is_fine(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y + 1  # add saves nothing
    y.mul_(10)
    z.sum().backward()
    np.testing.assert_allclose(_values(x.grad), [1.0, 1.0])


def test_dtype_and_shape_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        ad.ones(3, dtype=ad.int64).add_(1.5)
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the "
                                           r"broadcast shape \[2, 3\]"):
        ad.ones(3).add_(ad.ones(2, 3))


def test_float64_into_float32_casts(backend: str) -> None:
    x = ad.ones(2, dtype=ad.float32)
    x.add_(ad.ones(2, dtype=ad.float64))
    assert x.dtype == ad.float32
    np.testing.assert_allclose(_values(x), [2.0, 2.0])


def test_zero_and_fill_give_zero_gradient(backend: str) -> None:
    x = ad.tensor([1.0, np.inf], requires_grad=True)
    y = x * 2
    y.fill_(3.0)
    (y * x).sum().backward()
    # y no longer depends on x: d(3 * x)/dx = 3, and no nan from the inf
    np.testing.assert_allclose(_values(x.grad), [3.0, 3.0])
    assert type(y.grad_fn).__name__ == "WhereBackward0"


def test_copy_sends_the_gradient_to_the_source(backend: str) -> None:
    src = ad.tensor([1.0, 2.0], requires_grad=True)
    y = ad.zeros(2, 2)
    y.copy_(src)  # broadcast over the rows
    np.testing.assert_allclose(_values(y), [[1.0, 2.0], [1.0, 2.0]])
    (y * 3).sum().backward()
    np.testing.assert_allclose(_values(src.grad), [6.0, 6.0])


def test_setitem_gradients_for_tensor_and_value(backend: str) -> None:
    w = ad.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    v = ad.tensor(5.0, requires_grad=True)
    y = w * 1
    y[1:3] = v
    assert type(y.grad_fn).__name__ == "CopySlices"
    np.testing.assert_allclose(_values(y), [1.0, 5.0, 5.0, 4.0])
    (y * ad.tensor([1.0, 10.0, 100.0, 1000.0])).sum().backward()
    np.testing.assert_allclose(_values(w.grad), [1.0, 0.0, 0.0, 1000.0])
    np.testing.assert_allclose(_values(v.grad), 110.0)


def test_setitem_with_a_mask_and_without_a_graph(backend: str) -> None:
    x = ad.tensor([-1.0, 2.0, -3.0])
    x[x < 0] = 0.0
    np.testing.assert_allclose(_values(x), [0.0, 2.0, 0.0])
    assert x.grad_fn is None and x._version == 1


def test_setitem_value_on_another_backend(backend: str) -> None:
    other = "numpy" if backend != "numpy" else "array_api_strict"
    x = ad.zeros(2)
    with pytest.raises(ValueError, match="setitem: the value is on backend"):
        x[0] = ad.tensor(1.0, backend=other)


def test_inplace_gradient_matches_finite_differences(backend: str) -> None:
    def f(x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
        z = x * 1.0
        z.mul_(y)
        z += x.sin()
        z[0] = y[1] * 2.0
        z.div_(y + 3.0)
        return z

    inputs = [ad.tensor(np.array([0.3, -1.2, 0.7]), requires_grad=True),
              ad.tensor(np.array([0.5, 1.5, -0.4]), requires_grad=True)]
    assert ad.testing.gradcheck(f, inputs)


def test_immutable_arrays_are_rebound_with_the_same_semantics(
        backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(ad.get_backend()), "mutable_arrays", False)
    x = ad.tensor([1.0, 2.0])
    before = x.array
    x.add_(1.0)
    x[0] = 10.0
    assert x.array is not before
    np.testing.assert_allclose(np.asarray(ad.tensor(before).numpy()), [1.0, 2.0])
    np.testing.assert_allclose(_values(x), [10.0, 3.0])
    assert x._version == 2
    w = ad.tensor([1.0, 2.0], requires_grad=True)
    y = w.exp()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="output 0 of Exp"):
        y.sum().backward()


def test_sgd_step_under_no_grad_writes_into_the_same_array(backend: str) -> None:
    # the one-pass path: the parameter keeps its array (views of it see the update)
    p = ad.tensor([1.0, 2.0], requires_grad=True, backend=backend)
    view = p.detach()
    (p * p).sum().backward()
    with ad.no_grad():
        p -= 0.5 * p.grad
        p.mul_(2.0)
    assert p.tolist() == [0.0, 0.0]
    assert view.tolist() == [0.0, 0.0]
    assert p._version == 2


def test_relu_keeps_nan_as_pytorch_does(backend: str) -> None:
    out = ad.nn.functional.relu(ad.tensor([-1.0, 0.0, 2.0, float("nan")], backend=backend))
    values = out.tolist()
    assert values[:3] == [0.0, 0.0, 2.0] and values[3] != values[3]


@pytest.mark.parametrize("create_graph", [False, True])
def test_relu_gradient_as_pytorch_gives_it(backend: str, create_graph: bool) -> None:
    # PyTorch drops the cotangent where the output is <= 0: a nan input passes it on,
    # and a dropped nan or inf cotangent gives +0.0 (checked against torch 2.13)
    x = ad.tensor([-1.0, 2.0, 0.0, 3.0, float("nan"), -0.0], requires_grad=True)
    g = ad.tensor([1.0, float("nan"), 5.0, -0.0, 7.0, float("inf")])
    (grad,) = ad.autograd.grad(ad.nn.functional.relu(x), x, g, create_graph=create_graph)
    values = grad.detach().numpy()
    assert np.isnan(values[1]) and values[[0, 2, 4, 5]].tolist() == [0.0, 0.0, 7.0, 0.0]
    assert np.signbit(values[[0, 2, 3, 5]]).tolist() == [False, False, True, False]


def test_a_write_into_a_quotient_keeps_its_gradient(backend: str) -> None:
    # divide saves its inputs (as PyTorch), not its output: scipy.stats.zscore's pattern
    x = ad.tensor([1.0, 2.0, 3.0], dtype=ad.float64, requires_grad=True)
    y = x / (x + 1.0)
    y.add_(1.0)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.0 / (np.array([1.0, 2.0, 3.0]) + 1.0) ** 2)
