"""Manipulation, indexing, searching, sets, sorting and statistics: PyTorch's conventions
at the non-smooth points, the PyTorch spellings (aliases, methods, named tuples), the
errors, and the forward-mode (jvp) rules.

Expected values follow the documented conventions (checked against PyTorch 2.13; torch
is not imported) or are derived by hand, never copied from autodiff's own output.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from backend_helpers import device_suffix

import autodiff as ad
from autodiff.testing import numerical_vjp


def values(tensor: ad.Tensor) -> np.ndarray:
    return tensor.detach().numpy()


def close(tensor: ad.Tensor | None, expected: object) -> None:
    assert tensor is not None
    np.testing.assert_allclose(values(tensor), np.asarray(expected, dtype=float), rtol=1e-6,
                               atol=1e-9)


def leaf(data: object) -> ad.Tensor:
    return ad.tensor(data, dtype=ad.float64, requires_grad=True)


def grad_of(fn: object, data: object, weights: object = None) -> ad.Tensor:
    x = leaf(data)
    out = fn(x)  # type: ignore[operator]
    seed = ad.ones_like(out) if weights is None else ad.tensor(weights, dtype=ad.float64)
    out.backward(seed)
    assert x.grad is not None
    return x.grad


def hessian(fn: object, data: list[float]) -> np.ndarray:
    x = leaf(data)
    (g,) = ad.autograd.grad(fn(x), x, create_graph=True)  # type: ignore[operator]
    rows = []
    for i in range(len(data)):
        (row,) = ad.autograd.grad(g[i], x, retain_graph=True, allow_unused=True)
        rows.append(np.zeros(len(data)) if row is None else values(row))
    return np.stack(rows)


# -- max / min: ties, NaN, x.max(dim) ---------------------------------------------------
def test_max_splits_the_gradient_evenly_among_ties(backend: str) -> None:
    close(grad_of(ad.max, [1.0, 3.0, 3.0, 2.0]), [0, 0.5, 0.5, 0])
    close(grad_of(lambda x: x.max(), [3.0, 3.0, 3.0]), [1 / 3, 1 / 3, 1 / 3])
    close(grad_of(lambda x: ad.amax(x, 1), [[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),
          [[0, 0.5, 0.5], [0.5, 0.5, 0]])
    close(grad_of(lambda x: ad.min(x, axis=0, keepdims=True), [[1.0, 5.0], [1.0, 2.0]]),
          [[0.5, 0], [0.5, 1]])
    close(grad_of(lambda x: ad.amin(x), [[0.0, 0.0], [0.0, 1.0]]), [[1 / 3, 1 / 3], [1 / 3, 0]])


def test_max_dim_method_sends_the_gradient_to_the_first_maximum(backend: str) -> None:
    x = leaf([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    result = x.max(1)
    assert isinstance(result, ad.return_types.max)
    assert result.values.grad_fn.name() == "MaxBackward0"
    assert result.indices.tolist() == [1, 0]
    assert result.indices.grad_fn is None
    result.values.sum().backward()
    close(x.grad, [[0, 1, 0], [1, 0, 0]])
    low = leaf([[4.0, 1.0], [1.0, 1.0]]).min(dim=0, keepdim=True)
    assert low.values.shape == (1, 2) and low.indices.tolist() == [[1, 0]]


def test_max_method_without_dim_and_node_names(backend: str) -> None:
    x = leaf([[1.0, 2.0], [3.0, 0.0]])
    assert x.max().grad_fn.name() == "MaxBackward1"
    assert ad.max(x, axis=0).grad_fn.name() == "AmaxBackward0"
    assert ad.amin(x).grad_fn.name() == "AminBackward0"
    assert x.min().item() == 0.0
    values_, indices = x.max(-1)
    assert values_.tolist() == [2.0, 3.0] and indices.tolist() == [1, 0]
    device = device_suffix(backend)
    assert repr(x.detach().max(0)) == (
        f"autodiff.return_types.max(\nvalues=tensor([3., 2.]{device}, dtype=autodiff.float64),"
        f"\nindices=tensor([1, 0]{device}))")


def test_max_with_nan(backend: str) -> None:
    # Over everything, NaN is the maximum and the NaNs share the gradient (PyTorch's
    # max()); over an axis, the gradient of a NaN result is NaN (PyTorch's amax).
    close(grad_of(ad.max, [1.0, np.nan, np.nan]), [0, 0.5, 0.5])
    with np.errstate(invalid="ignore"):
        grad = grad_of(lambda x: ad.amax(x, 0), [1.0, np.nan, 3.0])
    assert np.isnan(values(grad)).all()


def test_max_of_integers_has_no_graph(backend: str) -> None:
    x = ad.tensor([[1, 5], [7, 2]])
    assert ad.max(x).item() == 7 and ad.min(x, axis=1).tolist() == [1, 2]
    assert x.max(0).values.grad_fn is None


@pytest.mark.parametrize("name", ["max", "min", "amax", "amin"])
def test_max_of_empty_tensor(name: str, backend: str) -> None:
    op = getattr(ad, name)
    along = (lambda x, axis: op(x, axis)) if name.startswith("a") else (
        lambda x, axis: op(x, axis=axis))
    with pytest.raises(RuntimeError, match=rf"{name}\(\): Expected reduction dim to be spec"):
        op(ad.zeros(0))
    with pytest.raises(IndexError, match=rf"{name}\(\): Expected reduction dim 0 to have"):
        along(ad.zeros(0, 3), 0)
    assert along(ad.zeros(2, 0), 0).shape == (0,)


def test_max_other_tensor_is_refused(backend: str) -> None:
    with pytest.raises(TypeError, match="max\\(other\\).*maximum"):
        ad.ones(2).max(ad.ones(2))


# -- prod and cumulative_prod with zeros ---------------------------------------------------
def test_prod_gradient_with_zeros(backend: str) -> None:
    close(grad_of(ad.prod, [2.0, 0.0, 3.0]), [0, 6, 0])
    close(grad_of(ad.prod, [2.0, 0.0, 0.0]), [0, 0, 0])
    close(grad_of(lambda x: x.prod(1), [[2.0, 0.0, 3.0], [1.0, 2.0, 3.0]]),
          [[0, 6, 0], [6, 3, 2]])
    close(grad_of(ad.prod, 0.0), 1.0)
    assert leaf([1.0, 2.0]).prod().grad_fn.name() == "ProdBackward0"
    assert leaf([1.0, 2.0]).prod(0).grad_fn.name() == "ProdBackward1"


def test_prod_second_derivative_with_zeros(backend: str) -> None:
    # d2(x0 x1 x2)/dxi dxj = the third element, for i != j
    np.testing.assert_allclose(hessian(ad.prod, [2.0, 0.0, 3.0]),
                               [[0, 3, 0], [3, 0, 2], [0, 2, 0]])
    np.testing.assert_allclose(hessian(ad.prod, [2.0, 0.0, 0.0]),
                               [[0, 0, 0], [0, 0, 2], [0, 2, 0]])


def test_prod_dtypes(backend: str) -> None:
    assert ad.prod(ad.tensor([2, 3], dtype=ad.int32)).dtype == ad.int64
    assert ad.prod(ad.tensor([True, False])).dtype == ad.int64
    assert ad.prod(ad.tensor([2, 3]), dtype=ad.float64).dtype == ad.float64


def test_cumulative_prod_gradient_with_zeros(backend: str) -> None:
    # y = (2, 0, 0, 0, 0): d sum(y)/dx0 = 1 + x1 (1 + x2 ...) = 1; at the first zero
    # 2 (1 + 3 + 0 + 0) = 8; after it 0.
    close(grad_of(ad.cumulative_prod, [2.0, 0.0, 3.0, 0.0, 5.0]), [1, 8, 0, 0, 0])
    assert leaf([1.0]).cumprod(0).grad_fn.name() == "CumprodBackward0"


def test_cumulative_prod_second_derivative_with_zeros(backend: str) -> None:
    # f = x0 + x0 x1 + x0 x1 x2 + x0 x1 x2 x3 at (2, 0, 3, 4)
    np.testing.assert_allclose(
        hessian(lambda x: ad.cumulative_prod(x).sum(), [2.0, 0.0, 3.0, 4.0]),
        [[0, 16, 0, 0], [16, 0, 10, 6], [0, 10, 0, 0], [0, 6, 0, 0]])


# -- std and var ---------------------------------------------------------------------------
def test_std_gradient_is_zero_where_std_is_zero(backend: str) -> None:
    close(grad_of(lambda x: x.std(), [1.0, 1.0, 1.0]), [0, 0, 0])
    close(grad_of(lambda x: ad.std(x, axis=1), [[2.0, 2.0], [1.0, 3.0]]),
          [[0, 0], [-0.5, 0.5]])


def test_var_correction_defaults(backend: str) -> None:
    x = ad.tensor([1.0, 2.0, 6.0])  # mean 3, squared deviations 4 + 1 + 9 = 14
    close(ad.var(x), 14 / 3)
    close(ad.var(x, correction=1), 7.0)
    close(ad.var(x, unbiased=True), 7.0)
    close(x.var(), 7.0)  # PyTorch's method: correction 1
    close(x.var(unbiased=False), 14 / 3)
    close(x.var(False), 14 / 3)
    close(x.var(0, correction=2), 14.0)
    close(x.std(correction=0), np.sqrt(14 / 3))
    assert x.var(0, keepdim=True).shape == (1,)
    assert leaf([1.0, 2.0]).var().grad_fn.name() == "VarBackward0"
    assert leaf([1.0, 2.0]).std().grad_fn.name() == "StdBackward0"


def test_var_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match="var: std and var only support floating point"):
        ad.var(ad.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="std: std and var only support floating point"):
        ad.tensor([1, 2]).std()
    with pytest.raises(TypeError, match="var: got both correction= and unbiased="):
        ad.var(ad.ones(2), correction=1, unbiased=True)
    with pytest.raises(IndexError, match="std: axis 2 is out of range"):
        ad.std(ad.ones(2, 2), axis=2)


def test_var_with_too_few_elements(backend: str) -> None:
    # N - correction <= 0: inf, or nan for 0/0 (PyTorch too, with a warning)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isinf(ad.var(ad.tensor([1.0, 2.0]), correction=3).item())
        assert np.isnan(ad.var(ad.tensor([1.0]), correction=1).item())
        assert np.isinf(ad.std(ad.tensor([1.0, 2.0]), correction=3).item())
        assert np.isnan(ad.std(ad.tensor([1.0]), correction=1).item())
        rows = ad.var(ad.tensor([[1.0, 2.0], [3.0, 3.0]]), axis=1, correction=2)
        assert np.isinf(rows[0].item()) and np.isnan(rows[1].item())


# -- sorting -----------------------------------------------------------------------------
def test_sort_gradient_follows_stable_order_of_ties(backend: str) -> None:
    # sorted (1, 1, 3, 3) comes from positions (1, 3, 0, 2): weight k goes there
    close(grad_of(ad.sort, [3.0, 1.0, 3.0, 1.0], [1.0, 2.0, 3.0, 4.0]), [3, 1, 4, 2])
    # descending (3, 3, 1, 1) from positions (0, 2, 1, 3)
    close(grad_of(lambda x: ad.sort(x, descending=True), [3.0, 1.0, 3.0, 1.0],
                  [1.0, 2.0, 3.0, 4.0]), [1, 3, 2, 4])


def test_sort_method_returns_values_and_indices(backend: str) -> None:
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    result = x.sort(dim=0, descending=True)
    assert isinstance(result, ad.return_types.sort)
    assert result.values.tolist() == [[3.0, 4.0], [1.0, 2.0]]
    assert result.indices.tolist() == [[1, 1], [0, 0]]
    assert result.values.grad_fn.name() == "SortBackward0"
    assert isinstance(ad.sort(x), ad.Tensor)


def test_sort_nans_and_zero_d(backend: str) -> None:
    x = ad.tensor([2.0, np.nan, 1.0])
    assert np.isnan(ad.sort(x).tolist()[2]) and np.isnan(ad.sort(x, descending=True).tolist()[0])
    assert ad.sort(ad.tensor(3.0)).shape == () and ad.argsort(ad.tensor(3.0)).item() == 0


def test_argsort_stable_and_method(backend: str) -> None:
    x = ad.tensor([2.0, 1.0, 2.0, 1.0])
    assert ad.argsort(x).tolist() == [1, 3, 0, 2]
    assert ad.argsort(x, descending=True).tolist() == [0, 2, 1, 3]
    assert x.argsort(0, True).tolist() == [0, 2, 1, 3]
    assert ad.argsort(x, dim=0).dtype == ad.int64
    with pytest.raises(IndexError, match="argsort: axis 1 is out of range"):
        ad.argsort(x, axis=1)


# -- searching -----------------------------------------------------------------------------
def test_argmax_argmin(backend: str) -> None:
    x = ad.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    assert ad.argmax(x).item() == 1  # the first among ties, flattened
    assert ad.argmax(x, axis=1).tolist() == [1, 0]
    assert x.argmax(1, keepdim=True).tolist() == [[1], [0]]
    assert ad.argmin(x, dim=-1, keepdim=True).shape == (2, 1)
    assert ad.argmax(ad.tensor(5.0)).item() == 0 and ad.argmax(ad.tensor(5.0), axis=0).item() == 0
    assert ad.argmax(x).grad_fn is None and ad.argmax(x).dtype == ad.int64
    with pytest.raises(IndexError, match="argmax: axis 2 is out of range"):
        ad.argmax(x, axis=2)
    with pytest.raises(IndexError, match=r"argmin\(\): Expected reduction dim to be specified"):
        ad.argmin(ad.zeros(0))
    with pytest.raises(TypeError, match="argmax: got both axis= and its alias dim="):
        ad.argmax(x, axis=0, dim=0)


def test_nonzero_tuple_and_method(backend: str) -> None:
    x = ad.tensor([[0, 1], [2, 0]])
    rows, cols = ad.nonzero(x)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert x.nonzero().tolist() == [[0, 1], [1, 0]]
    assert [t.tolist() for t in x.nonzero(as_tuple=True)] == [[0, 1], [1, 0]]
    assert ad.nonzero(ad.zeros(3))[0].shape == (0,)
    with pytest.raises(ValueError, match="nonzero: expected a tensor with at least one dim"):
        ad.nonzero(ad.tensor(1.0))


def test_count_nonzero(backend: str) -> None:
    x = ad.tensor([[0.0, 1.5], [2.0, 3.0]])
    assert ad.count_nonzero(x).item() == 3 and ad.count_nonzero(x).dtype == ad.int64
    assert x.count_nonzero(0).tolist() == [1, 2]
    assert ad.count_nonzero(x, axis=1, keepdims=True).tolist() == [[1], [2]]


def test_searchsorted(backend: str) -> None:
    a = ad.tensor([1.0, 2.0, 2.0, 3.0])
    v = ad.tensor([2.0, 0.0, 5.0])
    assert ad.searchsorted(a, v).tolist() == [1, 0, 4]
    assert ad.searchsorted(a, v, side="right").tolist() == [3, 0, 4]
    assert ad.searchsorted(a, v, right=True).tolist() == [3, 0, 4]
    assert ad.searchsorted(a, 2.5).tolist() == 3
    assert ad.searchsorted(ad.tensor([1, 2]), ad.tensor([1.5])).tolist() == [1]  # promoted
    unsorted = ad.tensor([3.0, 1.0, 2.0])
    assert ad.searchsorted(unsorted, ad.tensor([2.5]), sorter=ad.tensor([1, 2, 0])).tolist() == [2]
    with pytest.raises(ValueError, match="searchsorted: side must be 'left' or 'right'"):
        ad.searchsorted(a, v, side="middle")
    with pytest.raises(ValueError, match="searchsorted: expected a 1-D sorted tensor"):
        ad.searchsorted(ad.ones(2, 2), v)
    with pytest.raises(ValueError, match="searchsorted: expected sorter as an integer"):
        ad.searchsorted(a, v, sorter=ad.tensor([0, 1]))
    with pytest.raises(ValueError, match="contradicts right="):
        ad.searchsorted(a, v, side="left", right=True)


# -- sets ----------------------------------------------------------------------------------
def test_unique_functions(backend: str) -> None:
    x = ad.tensor([[3.0, 1.0], [3.0, 2.0]], requires_grad=True)
    result = ad.unique_all(x)
    assert result._fields == ("values", "indices", "inverse_indices", "counts")
    assert result.values.tolist() == [1.0, 2.0, 3.0]
    assert result.indices.tolist() == [1, 3, 0]
    assert result.inverse_indices.tolist() == [[2, 0], [2, 1]]
    assert result.counts.tolist() == [1, 1, 2]
    assert all(t.grad_fn is None and not t.requires_grad for t in result)
    assert ad.unique_counts(x)._fields == ("values", "counts")
    inverse = ad.unique_inverse(x)
    assert inverse._fields == ("values", "inverse_indices")
    assert inverse.values[inverse.inverse_indices].tolist() == x.tolist()
    assert ad.unique_values(x).tolist() == [1.0, 2.0, 3.0]


def test_torch_unique(backend: str) -> None:
    x = ad.tensor([3, 1, 3, 2])
    values_, inverse, counts = ad.unique(x, return_inverse=True, return_counts=True)
    assert values_.tolist() == [1, 2, 3] and inverse.tolist() == [2, 0, 2, 1]
    assert counts.tolist() == [1, 1, 2]
    assert x.unique().tolist() == [1, 2, 3]
    assert ad.unique(x, dim=0).tolist() == [1, 2, 3]  # slices of a vector are elements


# -- joining --------------------------------------------------------------------------------
def test_concat_gradient_and_node(backend: str) -> None:
    parts = [leaf([float(i)] * (i + 1)) for i in range(7)]
    out = ad.cat(parts)
    assert out.grad_fn.name() == "CatBackward0"
    weights = np.arange(28.0)
    out.backward(ad.tensor(weights, dtype=ad.float64))
    start = 0
    for i, part in enumerate(parts):
        close(part.grad, weights[start:start + i + 1])
        start += i + 1


def test_concat_mixed_grad_dtype_and_axis_none(backend: str) -> None:
    x = leaf([[1.0, 2.0]])
    y = ad.tensor([[3.0, 4.0]])
    out = ad.concat([y, x], axis=0)
    out.sum().backward()
    close(x.grad, [[1, 1]])
    assert ad.concat([ad.ones(2, 2), ad.ones(3)], axis=None).shape == (7,)
    assert ad.concat([ad.ones(2, dtype=ad.float32), ad.ones(2)]).dtype == ad.float32
    # PyTorch's promotion across kinds: the floating dtype wins, whatever its size
    mixed = ad.concat([ad.tensor([1, 2]), ad.tensor([0.5], dtype=ad.float32)])
    assert mixed.dtype == ad.float32 and mixed.tolist() == [1.0, 2.0, 0.5]
    assert ad.stack([ad.tensor([True]), ad.tensor([3], dtype=ad.int16)]).dtype == ad.int16
    assert ad.concat([ad.ones(1, dtype=ad.float32), ad.ones(1, dtype=ad.float64)]
                     ).dtype == ad.float64


def test_concat_and_stack_errors(backend: str) -> None:
    with pytest.raises(ValueError, match="concat: expected a non-empty sequence"):
        ad.concat([])
    with pytest.raises(ValueError, match=r"concat: expected shapes that match except along "
                                         r"axis 1, got \(2, 3\) at position 0 and \(3, 3\)"):
        ad.concat([ad.ones(2, 3), ad.ones(3, 3)], axis=1)
    with pytest.raises(ValueError, match="concat: expected shapes that match"):
        ad.concat([ad.ones(2, 3), ad.ones(3)])
    with pytest.raises(ValueError, match="concat: zero-dimensional tensors"):
        ad.concat([ad.tensor(1.0), ad.tensor(2.0)])
    with pytest.raises(TypeError, match="concat: expected a sequence of Tensors, got Tensor"):
        ad.concat(ad.ones(3))
    with pytest.raises(TypeError, match="at position 1"):
        ad.cat([ad.ones(2), [1.0, 2.0]])
    with pytest.raises(IndexError, match="concat: axis 2 is out of range"):
        ad.concat([ad.ones(2, 2)], axis=2)
    with pytest.raises(ValueError, match=r"stack: expected tensors of one shape, got \(2, 3\) "
                                         r"at position 0 and \(3, 3\) at position 1"):
        ad.stack([ad.ones(2, 3), ad.ones(3, 3)])
    with pytest.raises(IndexError, match="stack: axis 3 is out of range"):
        ad.stack([ad.ones(2, 3)], axis=3)


def test_stack_unstack(backend: str) -> None:
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    out = ad.stack([x, y], dim=1)
    assert out.tolist() == [[1.0, 3.0], [2.0, 4.0]] and out.grad_fn.name() == "StackBackward0"
    first, second = ad.unstack(out, axis=1)
    (first * 2 + second * 3).sum().backward()
    close(x.grad, [2, 2])
    close(y.grad, [3, 3])
    assert len(ad.ones(2, 3).unbind(1)) == 3
    with pytest.raises(IndexError, match="unstack: axis 0 is out of range"):
        ad.unstack(ad.tensor(1.0))


def test_tile_and_torch_repeat(backend: str) -> None:
    x = leaf([1.0, 2.0])
    assert ad.tile(x, (2,)).tolist() == [1.0, 2.0, 1.0, 2.0]
    out = x.repeat(2, 3)  # PyTorch's repeat: numpy's tile
    assert out.shape == (2, 6) and out.grad_fn.name() == "RepeatBackward0"
    out.sum().backward()
    close(x.grad, [6, 6])
    assert ad.ones(2, 3).tile(2).shape == (2, 6)  # missing leading repetitions are 1
    with pytest.raises(RuntimeError, match="repeat: Number of dimensions of repeat dims"):
        ad.ones(2, 3).repeat(2)
    with pytest.raises(ValueError, match="tile: repetitions must be non-negative"):
        ad.tile(x, (-1,))


def test_spec_repeat_and_repeat_interleave(backend: str) -> None:
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    assert ad.repeat(x, 2).tolist() == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]
    out = x.repeat_interleave(ad.tensor([3, 0]), dim=1)
    assert out.tolist() == [[1.0, 1.0, 1.0], [3.0, 3.0, 3.0]]
    out.sum().backward()
    close(x.grad, [[3, 0], [3, 0]])
    assert ad.repeat_interleave(ad.tensor([1, 2]), ad.tensor([2])).tolist() == [1, 1, 2, 2]
    with pytest.raises(ValueError, match=r"repeat: expected repeats of shape \(2,\)"):
        ad.repeat(x, ad.tensor([1, 2, 3]), axis=0)
    with pytest.raises(ValueError, match="repeat: repeats must be non-negative"):
        ad.repeat(x, ad.tensor([1, -1]), axis=0)
    with pytest.raises(ValueError, match="repeat: repeats must be non-negative"):
        ad.repeat(x, -2)
    with pytest.raises(TypeError, match="repeat: repeats must be an integer tensor"):
        ad.repeat(x, ad.tensor([1.0, 2.0]), axis=0)


# -- manipulation ------------------------------------------------------------------------------
def test_squeeze_spec_and_method(backend: str) -> None:
    x = leaf([[[1.0], [2.0]]])  # (1, 2, 1)
    assert ad.squeeze(x, axis=0).shape == (2, 1)
    assert ad.squeeze(x).shape == (2,)
    assert x.squeeze().grad_fn.name() == "SqueezeBackward0"
    assert x.squeeze(-1).grad_fn.name() == "SqueezeBackward1"
    assert x.squeeze((0, 2)).grad_fn.name() == "SqueezeBackward2"
    assert x.squeeze(1).shape == (1, 2, 1)  # PyTorch: a longer axis stays
    with pytest.raises(ValueError, match=r"squeeze: axis 1 has size 2, expected 1"):
        ad.squeeze(x, axis=1)
    with pytest.raises(IndexError, match="squeeze: axis 3 is out of range"):
        x.squeeze(3)


def test_flip_roll_moveaxis(backend: str) -> None:
    x = ad.arange(6.0).reshape(2, 3)
    assert x.flip(0, 1).tolist() == [[5.0, 4.0, 3.0], [2.0, 1.0, 0.0]]
    assert ad.flip(x, dims=[1]).tolist() == [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]
    assert x.roll(1).tolist() == [[5.0, 0.0, 1.0], [2.0, 3.0, 4.0]]
    assert x.roll((1, 1), (0, 1)).tolist() == [[5.0, 3.0, 4.0], [2.0, 0.0, 1.0]]
    assert ad.roll(x, shifts=-1, dims=1).tolist() == [[1.0, 2.0, 0.0], [4.0, 5.0, 3.0]]
    assert ad.movedim(ad.ones(2, 3, 4), (0, 1), (2, 0)).shape == (3, 4, 2)
    with pytest.raises(ValueError, match="flip: repeated axis"):
        ad.flip(x, axis=(0, -2))
    with pytest.raises(IndexError, match="flip: axis 2 is out of range"):
        ad.flip(x, axis=2)
    with pytest.raises(ValueError, match="roll: expected as many shifts as axes"):
        ad.roll(x, (1, 2), axis=0)
    with pytest.raises(ValueError, match="roll: expected one shift without an axis"):
        ad.roll(x, (1, 2))
    with pytest.raises(TypeError, match="roll: missing the shift"):
        ad.roll(x)
    with pytest.raises(ValueError, match="moveaxis: expected as many destinations"):
        ad.moveaxis(x, (0, 1), 0)
    with pytest.raises(ValueError, match="moveaxis: repeated axis"):
        ad.moveaxis(x, (0, 0), (0, 1))
    with pytest.raises(IndexError, match="moveaxis: axis 5 is out of range"):
        ad.moveaxis(x, 5, 0)


def test_broadcast_arrays_and_flatten(backend: str) -> None:
    a, b = ad.broadcast_arrays(ad.ones(2, 1), ad.ones(3))
    assert a.shape == b.shape == (2, 3)
    assert ad.broadcast_shapes((2, 1), (4, 1, 3)) == (4, 2, 3)
    with pytest.raises(ValueError, match=r"broadcast: shapes \(2\,\) and \(3,\) are not"):
        ad.broadcast_arrays(ad.ones(2), ad.ones(3))
    x = ad.ones(2, 3, 4)
    assert x.flatten().shape == (24,) and x.flatten(0, 1).shape == (6, 4)
    assert ad.tensor(1.0).flatten().shape == (1,)
    one = leaf([1.0, 2.0])
    assert one.flatten() is one  # PyTorch: a 1-D tensor flattens to itself
    with pytest.raises(ValueError, match="flatten: start_dim 2 comes after end_dim 1"):
        x.flatten(2, 1)


# -- indexing ---------------------------------------------------------------------------------
def test_take_accumulates_duplicate_indices(backend: str) -> None:
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = ad.take(x, ad.tensor([2, 0, 2, -1]), axis=1)
    assert out.grad_fn.name() == "IndexSelectBackward0"
    assert out.tolist() == [[3.0, 1.0, 3.0, 3.0], [6.0, 4.0, 6.0, 6.0]]
    out.sum().backward()
    close(x.grad, [[1, 0, 3], [1, 0, 3]])
    flat = x.take(ad.tensor([[5, 0], [5, 5]]))
    assert flat.shape == (2, 2) and flat.grad_fn.name() == "TakeBackward0"
    assert ad.take(ad.tensor([1.0, 2.0]), [1, 1]).tolist() == [2.0, 2.0]


def test_take_errors(backend: str) -> None:
    x = ad.ones(2, 3)
    with pytest.raises(IndexError, match=r"take: index out of range for an axis of size 3 "
                                         r"\(expected indices in \[-3, 2\]\)"):
        ad.take(x, ad.tensor([3]), axis=1)
    with pytest.raises(IndexError, match="take: index out of range"):
        ad.take(x, ad.tensor([-7]))
    with pytest.raises(TypeError, match="take: expected integer indices, got float32"):
        ad.take(x, ad.tensor([0.0]), axis=0)
    with pytest.raises(IndexError, match="take: axis 2 is out of range"):
        ad.take(x, ad.tensor([0]), axis=2)
    with pytest.raises(ValueError, match="take: expected a tensor with at least one dim"):
        ad.take(ad.tensor(1.0), ad.tensor([0]), axis=0)


def test_take_along_axis(backend: str) -> None:
    x = leaf([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
    idx = ad.tensor([[0, 0], [2, 1]])
    out = ad.take_along_axis(x, idx, axis=1)
    assert out.tolist() == [[10.0, 10.0], [50.0, 40.0]] and out.grad_fn.name() == "GatherBackward0"
    out.sum().backward()
    close(x.grad, [[2, 0, 0], [0, 1, 1]])
    assert x.take_along_dim(ad.tensor([5, 0])).tolist() == [50.0, 10.0]
    assert ad.take_along_axis(x, ad.tensor([[1]]), axis=-1).tolist() == [[30.0], [40.0]]
    with pytest.raises(ValueError, match="take_along_axis: expected indices with as many"):
        ad.take_along_axis(x, ad.tensor([0]), axis=1)
    with pytest.raises(ValueError, match="take_along_axis: indices of shape"):
        ad.take_along_axis(x, ad.tensor([[0], [0], [0]]), axis=1)
    with pytest.raises(IndexError, match="take_along_axis: index out of range"):
        ad.take_along_axis(x, ad.tensor([[3]]), axis=1)


# -- cumulative sums and diff -------------------------------------------------------------------
def test_cumulative_sum(backend: str) -> None:
    x = ad.tensor([[1, 2], [3, 4]], dtype=ad.int32)
    assert ad.cumulative_sum(x, axis=1).dtype == ad.int64  # as PyTorch and the standard
    assert ad.cumulative_sum(ad.tensor([True, True])).tolist() == [1, 2]
    assert x.cumsum(0).tolist() == [[1, 2], [4, 6]]
    assert ad.cumulative_sum(ad.tensor(3.0)).shape == ()
    assert ad.cumulative_sum(ad.tensor(3.0), include_initial=True).tolist() == [0.0, 3.0]
    with pytest.raises(ValueError, match="cumulative_sum: axis must be given for a tensor "
                                         "of 2 dimensions"):
        ad.cumulative_sum(x)
    with pytest.raises(IndexError, match="cumprod: axis 2 is out of range"):
        ad.cumprod(ad.ones(2, 2), 2)
    with pytest.raises(TypeError, match="cumulative_sum: got both axis= and its alias dim="):
        ad.cumulative_sum(ad.ones(2), axis=0, dim=0)


def test_diff(backend: str) -> None:
    x = leaf([1.0, 4.0, 9.0, 16.0])
    assert ad.diff(x, n=0) is x
    assert ad.diff(x, n=2).tolist() == [2.0, 2.0]
    assert ad.diff(x, prepend=ad.tensor([0.0]), append=25.0).tolist() == [1, 3, 5, 7, 9]
    assert ad.diff(ad.tensor([True, True, False])).tolist() == [False, True]
    ad.diff(x).sum().backward()  # x[-1] - x[0]
    close(x.grad, [-1, 0, 0, 1])
    with pytest.raises(ValueError, match="diff: expected prepend with the shape of x"):
        ad.diff(ad.ones(2, 3), prepend=ad.ones(3, 1))
    with pytest.raises(ValueError, match="diff: n must be a non-negative int"):
        ad.diff(x, n=-1)
    with pytest.raises(ValueError, match="diff: expected a tensor with at least one dim"):
        ad.diff(ad.tensor(1.0))


# -- second order: the gradients are differentiable -----------------------------------------
def _gradient(fn: object) -> object:
    def gradient(x: ad.Tensor) -> ad.Tensor:
        with ad.enable_grad():
            if not x.requires_grad:  # the finite-difference probes
                x = x.detach().requires_grad_()
            (g,) = ad.autograd.grad(fn(x), x, create_graph=True)  # type: ignore[operator]
        return g

    return gradient


_W = np.linspace(-1.0, 2.0, 8).reshape(2, 4)
SECOND_ORDER = {
    "sort": lambda x: (ad.sort(x, axis=1) ** 3 * ad.tensor(_W)).sum(),
    "max_dim": lambda x: (x.max(1).values ** 3).sum(),
    "take_along_axis": lambda x: (ad.take_along_axis(x, ad.tensor([[0, 0, 3]]), axis=1) ** 3
                                  ).sum(),
    "take": lambda x: (ad.take(x, ad.tensor([1, 1, 2]), axis=1) ** 3).sum(),
    "repeat": lambda x: (ad.repeat(x, ad.tensor([1, 0, 2, 3]), axis=1) ** 3).sum(),
    "tile": lambda x: (ad.tile(x, (2, 2)) ** 3).sum(),
    "concat": lambda x: (ad.concat([x, x * 2, x], axis=1) ** 3).sum(),
    "roll_flip": lambda x: (ad.flip(ad.roll(x, 1, axis=1)) ** 3 * ad.tensor(_W)).sum(),
    "var_std": lambda x: (ad.var(x, axis=1) ** 2).sum() + (ad.std(x, axis=0) ** 3).sum(),
    "max": lambda x: (ad.max(x, axis=1) ** 3).sum(),
    "cumulative": lambda x: (ad.cumulative_sum(x, axis=1) ** 3).sum() + (
        ad.cumulative_prod(x, axis=1) ** 2).sum(),
    "prod_diff": lambda x: (ad.prod(x, axis=1) ** 2).sum() + (ad.diff(x, axis=1) ** 3).sum(),
}


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_second_order(name: str, backend: str) -> None:
    x = leaf(np.random.default_rng(7).standard_normal((2, 4)))
    assert ad.testing.gradcheck(_gradient(SECOND_ORDER[name]), [x])


# -- forward mode: the jvp rules against finite differences --------------------------------------
JVP_CASES = [
    ("max", lambda x: ad.max(x, axis=1), [[1.0, 3.0, 2.0], [0.5, -1.0, 2.5]]),
    ("min", lambda x: ad.min(x), [[1.0, 3.0], [0.5, 2.0]]),
    ("prod", lambda x: ad.prod(x, axis=0), [[1.5, 3.0], [0.5, -2.0]]),
    ("prod", lambda x: ad.prod(x, axis=1), [[1.5, 0.0, 2.0], [0.0, 0.0, 3.0]]),
    ("var", lambda x: ad.var(x, axis=1, correction=1), [[1.5, 3.0, 0.2], [0.5, -2.0, 1.0]]),
    ("std", lambda x: ad.std(x, axis=0, keepdims=True), [[1.5, 3.0], [0.5, -2.0], [1.0, 1.0]]),
    ("cumulative_prod", lambda x: ad.cumulative_prod(x, axis=1),
     [[1.5, 0.0, 2.0, 0.0, 3.0], [0.5, 2.0, 0.0, 1.0, 2.0]]),
    ("cumulative_prod", lambda x: ad.cumulative_prod(x, include_initial=True),
     [1.5, 2.0, -1.0]),
    ("repeat", lambda x: ad.repeat(x, ad.tensor([2, 0, 1]), axis=0), [1.0, 2.0, 3.0]),
    ("repeat", lambda x: ad.repeat(x, 2), [1.0, 2.0, 3.0]),
]


@pytest.mark.parametrize("name, fn, data", JVP_CASES, ids=[c[0] for c in JVP_CASES])
def test_jvp_rule_matches_finite_differences(name: str, fn: object, data: list,
                                             backend: str) -> None:
    x = leaf(data)
    out = fn(x)  # type: ignore[operator]
    node = out.grad_fn
    assert node.prim.name == name and callable(node.prim.jvp)
    inputs = [x.detach()] + [value for value in node._inputs[1:]]
    tangent = np.random.default_rng(0).standard_normal(x.shape)
    t = ad.tensor(tangent, dtype=ad.float64)
    got = node.prim.jvp((t,) + (None,) * (len(inputs) - 1), out.detach(), *inputs,
                        **node._params)
    # J t is the transpose of the vjp: <v, J t> = <J^T v, t> for every v
    for seed in range(3):
        v = np.random.default_rng(seed + 1).standard_normal(out.shape)
        (numeric,) = [g for g in numerical_vjp(fn, [x], [v]) if g is not None]
        np.testing.assert_allclose(np.sum(values(got) * v), np.sum(numeric * tangent),
                                   rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("prim", ["concat", "flip", "roll", "tile", "cumulative_sum"])
def test_linear_primitives_declare_linear_jvp(prim: str) -> None:
    assert ad.REGISTRY[prim].jvp == "linear"
