"""Tests for the Tensor class and the creation functions.

Expected values, dtypes, messages and printed text were checked against PyTorch 2.13
(``torch`` itself is not imported: CI has no torch). Tests that take the ``backend``
fixture run once per usable backend, with that backend current.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from backend_helpers import OTHER_BACKEND, device_suffix, on_host

import autodiff as ad
import autodiff.nn.functional as F

INTEGER_GRAD = "Only Tensors of floating point and complex dtype can require gradients"
NONLEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward()."
)


def close(tensor: ad.Tensor, expected: object, **kwargs: float) -> None:
    np.testing.assert_allclose(np.asarray(tensor.tolist()), np.asarray(expected), **kwargs)


# -- requires_grad ---------------------------------------------------------------------
def test_requires_grad_defaults_to_false(backend: str) -> None:
    x = ad.tensor([1.0, 2.0])
    assert x.requires_grad is False
    assert x.is_leaf
    assert x.grad_fn is None


def test_requires_grad_keyword(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    assert x.requires_grad is True
    assert x.is_leaf
    assert x.grad_fn is None


def test_requires_grad_in_place_returns_self(backend: str) -> None:
    x = ad.ones(3)
    assert x.requires_grad_() is x
    assert x.requires_grad is True
    assert x.requires_grad_(False) is x
    assert x.requires_grad is False


def test_requires_grad_setter(backend: str) -> None:
    x = ad.zeros(2)
    x.requires_grad = True
    assert x.requires_grad
    assert (x * 2).requires_grad


def test_requires_grad_on_non_leaf_cannot_be_changed(backend: str) -> None:
    y = ad.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf "
                                           "variables"):
        y.requires_grad_(False)


@pytest.mark.parametrize("make", [
    lambda: ad.tensor([1, 2], requires_grad=True),
    lambda: ad.tensor([True, False], requires_grad=True),
    lambda: ad.ones(2, dtype=ad.int64, requires_grad=True),
    lambda: ad.arange(3, requires_grad=True),
    lambda: ad.tensor([1, 2]).requires_grad_(),
], ids=["tensor_int", "tensor_bool", "ones_int64", "arange_int", "requires_grad_"])
def test_integer_tensor_cannot_require_grad(backend: str, make) -> None:
    with pytest.raises(RuntimeError, match=f"^{INTEGER_GRAD}$"):
        make()


def test_integer_tensor_can_be_told_it_needs_no_grad(backend: str) -> None:
    x = ad.tensor([1, 2]).requires_grad_(False)
    assert x.requires_grad is False


def test_ops_on_requires_grad_input_require_grad(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    c = ad.ones(2)
    assert (x + c).requires_grad
    assert not (c + c).requires_grad
    assert (c + c).grad_fn is None


# -- .grad -------------------------------------------------------------------------------
def test_grad_is_none_before_backward(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    assert x.grad is None
    (x * x).sum()
    assert x.grad is None


def test_grad_accumulates_across_backward_calls(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    first = x.grad
    close(first, [2.0, 4.0])
    (x * x).sum().backward()
    close(x.grad, [4.0, 8.0])
    # As in PyTorch the .grad object keeps its identity while accumulating.
    assert x.grad is first
    (3 * x).sum().backward()
    close(x.grad, [7.0, 11.0])


def test_grad_zero_in_place(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    grad = x.grad
    assert grad.zero_() is grad
    close(x.grad, [0.0, 0.0])
    (x * x).sum().backward()
    close(x.grad, [2.0, 4.0])


def test_grad_can_be_reset_to_none(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad = None
    assert x.grad is None
    (x * 3).sum().backward()
    close(x.grad, [3.0, 3.0])


def test_grad_has_the_dtype_and_backend_of_the_leaf(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], dtype=ad.float64, requires_grad=True)
    (x * 2.0).sum().backward()
    assert x.grad.dtype is ad.float64
    assert x.grad.backend == backend
    assert x.grad.requires_grad is False
    assert x.grad.grad_fn is None


def test_grad_assignment_checks_shape(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="assigned grad has data of a different size"):
        x.grad = ad.ones(3)


# -- retain_grad -------------------------------------------------------------------------
def test_non_leaf_grad_is_none_and_warns(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match=re.escape(NONLEAF_GRAD)):
        assert y.grad is None


def test_leaf_grad_access_does_not_warn(backend: str) -> None:
    x = ad.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        close(x.grad, [2.0, 2.0, 2.0])


def test_retain_grad_fills_non_leaf_grad(backend: str) -> None:
    x = ad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    assert y.retains_grad is False
    y.retain_grad()
    assert y.retains_grad is True
    (y * y).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        close(y.grad, [4.0, 8.0, 12.0])
    close(x.grad, [8.0, 16.0, 24.0])


def test_retain_grad_on_leaf_is_a_no_op(backend: str) -> None:
    x = ad.ones(2, requires_grad=True)
    x.retain_grad()
    assert x.retains_grad is False  # as in PyTorch: leaves always keep their grad
    (x * 5).sum().backward()
    close(x.grad, [5.0, 5.0])


def test_retain_grad_on_constant_raises(backend: str) -> None:
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has "
                                           "requires_grad=False"):
        ad.ones(2).retain_grad()


# -- detach ------------------------------------------------------------------------------
def test_detach_shares_data_and_leaves_graph(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    d = y.detach()
    assert d.requires_grad is False
    assert d.grad_fn is None
    assert d.is_leaf
    assert d.array is y.array
    close(d, [3.0, 6.0])
    # the original is untouched
    assert y.grad_fn is not None and y.requires_grad


def test_detach_in_place(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    assert y.detach_() is y
    assert y.requires_grad is False
    assert y.grad_fn is None
    assert y.is_leaf
    close(y, [3.0, 6.0])


def test_detached_value_blocks_gradient(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    (x * x.detach()).sum().backward()
    close(x.grad, [1.0, 2.0])


# -- converting to Python --------------------------------------------------------------
def test_item(backend: str) -> None:
    assert ad.tensor(1.5).item() == 1.5
    assert isinstance(ad.tensor(1.5).item(), float)
    assert ad.tensor([[7]]).item() == 7
    assert isinstance(ad.tensor([[7]]).item(), int)
    assert ad.tensor(True).item() is True
    assert ad.tensor(2.5, requires_grad=True).item() == 2.5


def test_item_of_many_elements_raises(backend: str) -> None:
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to "
                                           "Scalar"):
        ad.ones(2).item()


def test_tolist(backend: str) -> None:
    assert ad.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert ad.tensor([0.5, -1.0]).tolist() == [0.5, -1.0]
    assert ad.tensor(2.0).tolist() == 2.0
    assert ad.tensor([True, False]).tolist() == [True, False]
    assert ad.ones(2, requires_grad=True).tolist() == [1.0, 1.0]


def test_number_conversions(backend: str) -> None:
    assert float(ad.tensor(2)) == 2.0
    assert isinstance(float(ad.tensor(2)), float)
    assert int(ad.tensor(3.7)) == 3
    assert int(ad.tensor(-3.7)) == -3
    assert int(ad.tensor([[5]])) == 5
    assert bool(ad.tensor(0.0)) is False
    assert bool(ad.tensor([2.0])) is True
    assert bool(ad.tensor(True)) is True
    assert float(ad.tensor(1.5, requires_grad=True)) == 1.5


def test_bool_of_many_elements_raises(backend: str) -> None:
    # PyTorch: "Boolean value of Tensor with more than one value is ambiguous"
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with .* is ambiguous"):
        bool(ad.ones(2))


def test_numpy_array_protocol(backend: str) -> None:
    values = np.asarray(ad.tensor([1.0, 2.0]))
    assert isinstance(values, np.ndarray)
    assert values.dtype == np.float32
    assert values.tolist() == [1.0, 2.0]


# -- shape and friends ---------------------------------------------------------------------
def test_shape_ndim_size_numel_len(backend: str) -> None:
    x = ad.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4)
    assert isinstance(x.shape, tuple)
    assert x.ndim == 3
    assert x.dim() == 3
    assert x.size() == (2, 3, 4)
    assert x.size(1) == 3
    assert x.size(-1) == 4
    assert x.numel() == 24
    assert len(x) == 2
    scalar = ad.tensor(1.0)
    assert scalar.shape == ()
    assert scalar.ndim == 0
    assert scalar.numel() == 1
    assert ad.zeros(0, 3).numel() == 0


def test_len_of_0d_raises(backend: str) -> None:
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(ad.tensor(1.0))


def test_dtype_property(backend: str) -> None:
    assert ad.ones(2).dtype is ad.float32
    assert ad.ones(2, dtype=ad.float64).dtype is ad.float64
    assert ad.tensor([1, 2]).dtype is ad.int64
    assert ad.tensor([True]).dtype is ad.bool
    assert repr(ad.float64) == "autodiff.float64"


def test_transpose_properties(backend: str) -> None:
    m = ad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert m.T.shape == (3, 2)
    assert m.T.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert m.mT.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    batch = ad.zeros(4, 2, 3)
    assert batch.mT.shape == (4, 3, 2)
    assert batch.T.shape == (3, 2, 4)


def test_transpose_properties_carry_gradients(backend: str) -> None:
    m = ad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    weights = ad.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    (m.T * weights).sum().backward()
    close(m.grad, [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
    m.grad = None
    (m.mT * weights).sum().backward()
    close(m.grad, [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])


# -- printing ------------------------------------------------------------------------------
def test_format_of_0d_tensor_is_its_number(backend: str) -> None:
    assert f"{ad.tensor(10.0)}" == "10.0"
    assert f"{ad.tensor(2.5):.2f}" == "2.50"
    assert f"{ad.tensor(3)}" == "3"
    assert f"{ad.tensor(True)}" == "True"
    assert f"loss={ad.tensor(0.25, requires_grad=True)}" == "loss=0.25"


def test_format_of_nd_tensor_is_its_repr(backend: str) -> None:
    assert f"{ad.ones(2)}" == f"tensor([1., 1.]{device_suffix(backend)})"


def test_repr_grad_of_mean_example(backend: str) -> None:
    x = ad.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward()
    device = device_suffix(backend)
    assert repr(x.grad) == f"tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]]{device})"
    assert str(x.grad) == repr(x.grad)
    assert repr(out) == f"tensor(27.{device}, grad_fn=<MeanBackward0>)"


def test_repr_with_grad_fn(backend: str) -> None:
    logits = ad.tensor([0.5, -1.0, 2.0], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(logits, ad.tensor([1.0, 0.0, 0.0]))
    if on_host(backend):
        assert repr(loss) == "tensor(0.9714, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)"
    else:  # past 80 columns, a suffix goes on a line of its own (PyTorch's layout)
        assert repr(loss) == ("tensor(0.9714, device='cuda:0',\n"
                              "       grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)")


def test_repr_requires_grad_suffix(backend: str) -> None:
    device = device_suffix(backend)
    assert repr(ad.tensor(1.0, requires_grad=True)) == f"tensor(1.{device}, requires_grad=True)"
    assert (repr(ad.tensor([[2.0]], requires_grad=True))
            == f"tensor([[2.]]{device}, requires_grad=True)")
    assert repr(ad.tensor([1.0, 2.0])) == f"tensor([1., 2.]{device})"


def test_repr_dtype_suffix(backend: str) -> None:
    device = device_suffix(backend)  # the device comes before the dtype, as in PyTorch
    assert (repr(ad.ones(2, dtype=ad.float64))
            == f"tensor([1., 1.]{device}, dtype=autodiff.float64)")
    assert repr(ad.ones(2, dtype=ad.int32)) == f"tensor([1, 1]{device}, dtype=autodiff.int32)"
    # int64 and bool are never shown, as in PyTorch
    assert repr(ad.tensor([1, 2])) == f"tensor([1, 2]{device})"
    assert repr(ad.tensor([True, False])) == f"tensor([ True, False]{device})"
    assert (repr(ad.tensor([1.5], dtype=ad.float64, requires_grad=True))
            == f"tensor([1.5000]{device}, dtype=autodiff.float64, requires_grad=True)")


def test_repr_of_default_dtype_follows_set_default_dtype(backend: str) -> None:
    ad.set_default_dtype(ad.float64)
    try:
        device = device_suffix(backend)
        assert repr(ad.ones(2)) == f"tensor([1., 1.]{device})"
        assert (repr(ad.ones(2, dtype=ad.float32))
                == f"tensor([1., 1.]{device}, dtype=autodiff.float32)")
    finally:
        ad.set_default_dtype(ad.float32)


def test_repr_shows_backend_other_than_current(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    assert repr(ad.tensor([1.0, 2.0], backend=other)) == (
        f"tensor([1., 2.], backend='{other}')")
    mine = ad.tensor([1.0, 2.0], backend=backend)
    assert repr(mine) == f"tensor([1., 2.]{device_suffix(backend)})"
    moved = ad.tensor([1.0], requires_grad=True).to(other)
    assert repr(moved) == f"tensor([1.], backend='{other}', grad_fn=<ToCopyBackward0>)"


def test_repr_strict_tensor_under_numpy() -> None:
    with ad.use_backend("numpy"):
        strict = ad.tensor([1.0, 2.0], backend="array_api_strict")
        assert repr(strict) == "tensor([1., 2.], backend='array_api_strict')"


# -- creation: tensor / asarray / Tensor -----------------------------------------------------
def test_tensor_dtype_inference(backend: str) -> None:
    assert ad.tensor(1.5).dtype is ad.float32
    assert ad.tensor([1.0, 2.0]).dtype is ad.float32
    assert ad.tensor([1, 2.0]).dtype is ad.float32
    assert ad.tensor(3).dtype is ad.int64
    assert ad.tensor([[1, 2]]).dtype is ad.int64
    assert ad.tensor(True).dtype is ad.bool
    assert ad.tensor([True, False]).dtype is ad.bool
    assert ad.tensor([1, True]).dtype is ad.int64


def test_tensor_keeps_numpy_dtype(backend: str) -> None:
    assert ad.tensor(np.array([1.0, 2.0])).dtype is ad.float64
    assert ad.tensor(np.float64(1.0)).dtype is ad.float64
    assert ad.tensor(np.array([1, 2], dtype=np.int32)).dtype is ad.int32
    assert ad.tensor(np.array([1.0], dtype=np.float32)).dtype is ad.float32


def test_tensor_explicit_dtype(backend: str) -> None:
    x = ad.tensor([1, 2], dtype=ad.float64)
    assert x.dtype is ad.float64
    assert x.tolist() == [1.0, 2.0]
    assert ad.tensor([1.0], dtype="float64").dtype is ad.float64
    assert ad.tensor([1.0], dtype=np.float64).dtype is ad.float64
    assert ad.tensor([1.7], dtype=ad.int64).dtype is ad.int64


def test_tensor_copies_its_data(backend: str) -> None:
    data = np.array([1.0, 2.0])
    x = ad.tensor(data)
    data[0] = 100.0
    assert x.tolist() == [1.0, 2.0]


def test_tensor_places(backend: str) -> None:
    assert ad.tensor([1.0]).backend == backend
    # a host device from a GPU backend is a host backend's (as PyTorch's device="cpu")
    assert ad.tensor([1.0], device="cpu").backend == (backend if on_host(backend) else "numpy")
    assert str(ad.tensor([1.0], device="cpu").device) == "cpu"
    other = OTHER_BACKEND[backend]
    assert ad.tensor([1.0], backend=other).backend == other
    x = ad.tensor([1.0, 2.0], backend=other, requires_grad=True)
    assert x.requires_grad and x.backend == other


def test_tensor_from_tensor_copies(backend: str) -> None:
    source = ad.tensor([1.0, 2.0])
    copy = ad.tensor(source)
    assert not np.shares_memory(copy.numpy(), source.numpy())


def test_tensor_from_tensor_is_a_new_leaf(backend: str) -> None:
    x = ad.tensor([1.0, 2.0], requires_grad=True)
    y = ad.tensor(x * 2)
    assert y.is_leaf and not y.requires_grad
    assert y.tolist() == [2.0, 4.0]


def test_tensor_from_nested_tensors(backend: str) -> None:
    y = ad.tensor([ad.tensor(1.0), ad.tensor(2.0)])
    assert y.shape == (2,)
    assert y.dtype is ad.float32


def test_tensor_class_constructor(backend: str) -> None:
    x = ad.Tensor([1.0, -2.0, 3.0])
    assert isinstance(x, ad.Tensor)
    assert x.dtype is ad.float32
    assert x.tolist() == [1.0, -2.0, 3.0]
    assert x.backend == backend
    assert ad.Tensor([1, 2]).dtype is ad.float32  # torch.Tensor is the float type
    assert ad.Tensor(2, 3).shape == (2, 3)
    assert ad.Tensor([1.0], requires_grad=True).requires_grad


def test_asarray(backend: str) -> None:
    x = ad.ones(2)
    assert ad.asarray(x) is x
    assert ad.asarray(x, copy=True) is not x
    converted = ad.asarray(x, dtype=ad.float64)
    assert converted is not x and converted.dtype is ad.float64
    assert ad.asarray([1, 2]).dtype is ad.int64
    assert ad.asarray(np.ones(2)).dtype is ad.float64
    assert ad.asarray([1.0, 2.0]).backend == backend
    assert ad.asarray([1.0], requires_grad=True).requires_grad


# -- creation: filled tensors --------------------------------------------------------------
@pytest.mark.parametrize("fn,value", [(ad.zeros, 0.0), (ad.ones, 1.0), (ad.empty, None)])
def test_filled_sizes_as_varargs_or_tuple(backend: str, fn, value) -> None:
    for tensor in (fn(2, 3), fn((2, 3)), fn([2, 3]), fn(size=(2, 3))):
        assert tensor.shape == (2, 3)
        assert tensor.dtype is ad.float32
        assert tensor.backend == backend
        assert not tensor.requires_grad
        if value is not None:
            assert tensor.tolist() == [[value] * 3] * 2
    assert fn(4).shape == (4,)
    assert fn(()).shape == ()
    assert fn(2, dtype=ad.int64).dtype is ad.int64
    assert fn(2, requires_grad=True).requires_grad


def test_full(backend: str) -> None:
    assert ad.full((2,), 7).tolist() == [7, 7]
    assert ad.full((2,), 7).dtype is ad.int64
    assert ad.full((2,), 7.0).dtype is ad.float32
    assert ad.full((2,), True).dtype is ad.bool
    x = ad.full((2, 2), 1.5, dtype=ad.float64, requires_grad=True)
    assert x.tolist() == [[1.5, 1.5], [1.5, 1.5]]
    assert x.dtype is ad.float64 and x.requires_grad


def test_eye(backend: str) -> None:
    assert ad.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert ad.eye(2).dtype is ad.float32
    assert ad.eye(2, 3, k=1).tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    assert ad.eye(2, dtype=ad.int64).dtype is ad.int64


def test_arange(backend: str) -> None:
    assert ad.arange(4).tolist() == [0, 1, 2, 3]
    assert ad.arange(4).dtype is ad.int64
    assert ad.arange(4.0).dtype is ad.float32
    assert ad.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert ad.arange(0.0, 1.0, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert ad.arange(3, dtype=ad.float64).dtype is ad.float64


def test_linspace(backend: str) -> None:
    x = ad.linspace(0, 1, 5)
    assert x.dtype is ad.float32
    close(x, [0.0, 0.25, 0.5, 0.75, 1.0])
    assert ad.linspace(0, 1, 3, dtype=ad.float64).dtype is ad.float64


@pytest.mark.parametrize("fn,args,expected", [
    (ad.zeros_like, (), 0.0),
    (ad.ones_like, (), 1.0),
    (ad.empty_like, (), None),
    (ad.full_like, (2.5,), 2.5),
])
def test_like_functions(backend: str, fn, args, expected) -> None:
    source = ad.tensor([[1.0, 2.0, 3.0]], dtype=ad.float64, requires_grad=True)
    result = fn(source, *args)
    assert result.shape == (1, 3)
    assert result.dtype is ad.float64
    assert result.backend == backend
    assert result.requires_grad is False
    if expected is not None:
        assert result.tolist() == [[expected] * 3]
    assert fn(source, *args, dtype=ad.float32).dtype is ad.float32
    assert fn(source, *args, requires_grad=True).requires_grad


def test_like_functions_keep_the_source_backend(backend: str) -> None:
    other = OTHER_BACKEND[backend]
    source = ad.ones(2, backend=other)
    assert ad.zeros_like(source).backend == other
    assert ad.ones_like(source).backend == other
    assert ad.full_like(source, 3.0).backend == other
    assert ad.zeros_like(source, backend=backend).backend == backend


# -- creation: default dtype -------------------------------------------------------------
def test_set_default_dtype(backend: str) -> None:
    assert ad.get_default_dtype() is ad.float32
    ad.set_default_dtype(ad.float64)
    try:
        assert ad.get_default_dtype() is ad.float64
        assert ad.tensor(1.5).dtype is ad.float64
        assert ad.tensor([1.0, 2.0]).dtype is ad.float64
        assert ad.ones(2).dtype is ad.float64
        assert ad.randn(2).dtype is ad.float64
        assert ad.arange(2.0).dtype is ad.float64
        assert ad.Tensor([1.0]).dtype is ad.float64
        assert ad.tensor(1).dtype is ad.int64  # ints are unaffected
    finally:
        ad.set_default_dtype(ad.float32)
    assert ad.get_default_dtype() is ad.float32
    assert ad.tensor(1.5).dtype is ad.float32


def test_set_default_dtype_rejects_non_float() -> None:
    with pytest.raises(TypeError, match="only floating point dtypes are supported"):
        ad.set_default_dtype(ad.int64)
    assert ad.get_default_dtype() is ad.float32


# -- creation: random numbers ---------------------------------------------------------------
def test_random_shapes_and_dtypes(backend: str) -> None:
    assert ad.randn(2, 3).shape == (2, 3)
    assert ad.randn((2, 3)).shape == (2, 3)
    assert ad.randn(2).dtype is ad.float32
    assert ad.randn(2, dtype=ad.float64).dtype is ad.float64
    assert ad.rand(4, 5).shape == (4, 5)
    assert ad.rand(3).backend == backend
    assert ad.randn(3, requires_grad=True).requires_grad
    ints = ad.randint(0, 10, (50,))
    assert ints.dtype is ad.int64
    assert ints.shape == (50,)
    values = ints.tolist()
    assert min(values) >= 0 and max(values) < 10


def test_rand_is_in_unit_interval(backend: str) -> None:
    values = ad.rand(1000).tolist()
    assert min(values) >= 0.0 and max(values) < 1.0
    assert len(set(values)) > 900


def test_randn_rejects_integer_dtype(backend: str) -> None:
    with pytest.raises(TypeError, match="floating point dtype"):
        ad.randn(2, dtype=ad.int64)


def test_randint_with_high_only(backend: str) -> None:
    # torch.randint(high, size) draws from [0, high)
    values = ad.randint(10, (20,))
    assert values.shape == (20,)
    assert min(values.tolist()) >= 0 and max(values.tolist()) < 10


def test_manual_seed_is_reproducible(backend: str) -> None:
    generator = ad.manual_seed(1234)
    assert generator.initial_seed() == 1234
    first = (ad.randn(5).tolist(), ad.rand(5).tolist(), ad.randint(0, 100, (5,)).tolist())
    ad.manual_seed(1234)
    second = (ad.randn(5).tolist(), ad.rand(5).tolist(), ad.randint(0, 100, (5,)).tolist())
    assert first == second
    ad.manual_seed(4321)
    assert ad.randn(5).tolist() != first[0]


def test_manual_seed_same_draws_on_numpy_and_strict() -> None:
    draws = {}
    for name in ("numpy", "array_api_strict"):
        ad.manual_seed(7)
        with ad.use_backend(name):
            draws[name] = (ad.randn(4).tolist(), ad.rand(3, dtype=ad.float64).tolist(),
                           ad.randint(0, 1000, (4,)).tolist())
    assert draws["numpy"] == draws["array_api_strict"]


def test_transpose_of_a_0d_tensor_follows_pytorch(backend: str) -> None:
    """PyTorch reads dims -1 and 0 of a 0-d tensor as the tensor itself."""
    x = ad.tensor(2.0, requires_grad=True)
    y = ad.transpose(x, 0, 0)
    assert y.shape == () and float(y) == 2.0
    assert float(ad.transpose(x, -1, 0)) == 2.0
    y.backward()
    assert float(x.grad) == 1.0
    with pytest.raises(IndexError, match="transpose: axis 1 is out of range for a 0-d tensor"):
        ad.transpose(x, 0, 1)
