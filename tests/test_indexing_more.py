"""Options, edge cases and errors of the gather/scatter, index, mask, splitting,
selection, scan and counting ops, against numpy references (and against torch by hand
where it is installed, in addition)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autodiff as ad


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _grad(fn: Any, *arrays: np.ndarray) -> list[np.ndarray]:
    inputs = [ad.tensor(a, dtype=ad.float64, requires_grad=True) for a in arrays]
    fn(*inputs).sum().backward()
    return [_np(t.grad) for t in inputs]


# -- gather / scatter -------------------------------------------------------------------
def test_scatter_repeats_last_write_wins_and_gets_the_gradient(backend: str) -> None:
    index = ad.tensor([0, 0, 1])
    x, s = np.zeros(3), np.array([1.0, 2.0, 3.0])
    out = ad.tensor(x).scatter(0, index, ad.tensor(s))
    np.testing.assert_array_equal(_np(out), [2.0, 3.0, 0.0])
    gx, gs = _grad(lambda x, s: x.scatter(0, index, s), x, s)
    np.testing.assert_array_equal(gx, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(gs, [0.0, 1.0, 1.0])


def test_scatter_add_gradient_of_src_is_a_gather(backend: str) -> None:
    index = ad.tensor([[1, 0], [1, 1]])
    (gs,) = _grad(lambda s: (ad.zeros(2, 2, dtype=ad.float64).scatter_add(0, index, s)
                             * ad.tensor([[1.0, 2.0], [3.0, 4.0]])), np.ones((2, 2)))
    np.testing.assert_array_equal(gs, [[3.0, 2.0], [3.0, 4.0]])


def test_scatter_reduce_amax_shares_the_gradient_among_ties(backend: str) -> None:
    index = ad.tensor([0, 0])
    gx, gs = _grad(lambda x, s: x.scatter_reduce(0, index, s, "amax"),
                   np.array([2.0, 1.0]), np.array([2.0, 2.0]))
    np.testing.assert_allclose(gx, [1 / 3, 1.0])
    np.testing.assert_allclose(gs, [1 / 3, 1 / 3])


def test_scatter_reduce_prod_is_exact_at_zero(backend: str) -> None:
    index = ad.tensor([0, 0, 1])
    gx, gs = _grad(lambda x, s: x.scatter_reduce(0, index, s, "prod", include_self=False),
                   np.array([5.0, 5.0]), np.array([0.0, 3.0, 2.0]))
    np.testing.assert_array_equal(gx, [0.0, 0.0])
    np.testing.assert_array_equal(gs, [3.0, 0.0, 1.0])


def test_scatter_reduce_mean_of_integers_floors(backend: str) -> None:
    out = ad.tensor([1, 1]).scatter_reduce(0, ad.tensor([0, 0]), ad.tensor([2, 4]), "mean")
    np.testing.assert_array_equal(_np(out), [2, 1])


def test_zero_d_gather_and_scatter(backend: str) -> None:
    x = ad.tensor(3.0)
    assert ad.gather(x, 0, ad.tensor(0)).item() == 3.0
    assert x.scatter(0, ad.tensor(0), ad.tensor(5.0)).shape == ()


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda x: x.gather(0, ad.tensor([[0.0]])), RuntimeError,
     "Expected dtype int32 or int64 for index"),
    (lambda x: x.gather(0, ad.tensor([0])), RuntimeError,
     "Index tensor must have the same number of dimensions as input tensor"),
    (lambda x: x.gather(0, ad.tensor([[5]])), RuntimeError,
     "index 5 is out of bounds for dimension 0 with size 2"),
    (lambda x: x.scatter(0, ad.tensor([[5]]), 1.0), RuntimeError,
     "index 5 is out of bounds for dimension 0 with size 2"),
    (lambda x: x.index_select(0, ad.tensor([3])), IndexError, "index out of range in self"),
    (lambda x: x.gather(1, ad.tensor([[0], [0], [0]])), RuntimeError,
     "Size does not match at dimension 0"),
    (lambda x: x.gather(2, ad.tensor([[0]])), IndexError, "Dimension out of range"),
    (lambda x: x.scatter(0, ad.tensor([[0]]), ad.tensor([[1]])), RuntimeError,
     "Expected self.dtype to be equal to src.dtype"),
    (lambda x: x.scatter(0, ad.tensor([[0]]), ad.ones(1, 1), reduce="max"), RuntimeError,
     "reduce argument must be either add or multiply"),
    (lambda x: x.scatter_reduce(0, ad.tensor([[0]]), ad.ones(1, 1), "max"), RuntimeError,
     "reduce argument must be either sum, prod, mean, amax or amin"),
    (lambda x: x.index_select(0, ad.tensor([[0]])), IndexError,
     "Index is supposed to be a vector"),
    (lambda x: x.index_select(0, ad.tensor([0.0])), RuntimeError,
     "Expected dtype int32 or int64 for index"),
    (lambda x: x.index_add(0, ad.tensor([0]), ad.ones(2, 2)), RuntimeError,
     r"Number of indices \(1\) should be equal to source.size\(dim\): \(2\)"),
    (lambda x: x.index_copy(0, ad.tensor([0]), ad.ones(1, 3)), RuntimeError,
     "does not match the expected shape"),
    (lambda x: x.index_fill(0, ad.tensor([0]), ad.ones(2)), RuntimeError,
     "only supports a 0-dimensional value tensor"),
    (lambda x: x.index_reduce(0, ad.tensor([0]), ad.ones(1, 2), "sum"), RuntimeError,
     "Expected reduce to be one of prod, mean, amax or amin"),
    (lambda x: x.masked_fill(ad.tensor([1.0, 0.0]), 0.0), RuntimeError,
     "masked_fill_ only supports boolean masks"),
    (lambda x: x.masked_fill(ad.tensor([True, False]), ad.ones(2)), RuntimeError,
     "only supports a 0-dimensional value tensor"),
    (lambda x: x.masked_scatter(ad.tensor([True, True]), ad.ones(3)), RuntimeError,
     "Number of elements of source < number of ones in mask"),
    (lambda x: x.put(ad.tensor([0, 1]), ad.ones(3)), RuntimeError,
     "Expected source and index to have the same number of elements"),
    (lambda x: x.put(ad.tensor([4]), ad.ones(1)), IndexError,
     "out of range: tried to access index 4 on a tensor of 4 elements"),
    (lambda x: x.index_put((ad.tensor([0.5]),), ad.ones(1)), IndexError,
     "tensors used as indices must be long, int, byte or bool"),
])
def test_errors_name_the_op_and_follow_pytorch(backend: str, call: Any, error: type,
                                               match: str) -> None:
    with pytest.raises(error, match=match):
        call(ad.ones(2, 2))


def test_index_put_with_a_bool_index_and_trailing_axes(backend: str) -> None:
    x = np.arange(6.0).reshape(3, 2)
    out = ad.tensor(x).index_put((ad.tensor([True, False, True]),), ad.tensor([9.0, 8.0]))
    want = x.copy()
    want[[0, 2]] = [9.0, 8.0]
    np.testing.assert_array_equal(_np(out), want)


def test_masked_fill_broadcasts_and_takes_a_tensor_value_gradient(backend: str) -> None:
    mask = ad.tensor([True, False])
    x, v = ad.zeros(3, 2, requires_grad=True), ad.tensor(2.0, requires_grad=True)
    out = x.masked_fill(mask, v)
    out.sum().backward()
    assert v.grad is not None and v.grad.item() == 3.0
    np.testing.assert_array_equal(_np(x.grad), [[0.0, 1.0]] * 3)


def test_index_fill_and_index_copy_on_other_axes(backend: str) -> None:
    x = np.zeros((2, 3))
    out = ad.tensor(x).index_copy(1, ad.tensor([2, 0]), ad.tensor([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(_np(out), [[2.0, 0.0, 1.0], [4.0, 0.0, 3.0]])


# -- splitting ----------------------------------------------------------------------------
def test_split_is_pytorch_sizes_and_only_a_method(backend: str) -> None:
    x = ad.arange(7)
    assert [p.shape for p in x.split(3)] == [(3,), (3,), (1,)]
    assert [p.shape for p in x.split([2, 5])] == [(2,), (5,)]
    assert not hasattr(ad, "split")  # numpy's split(x, 3) means 3 sections: no guessing


def test_chunk_may_return_fewer_pieces(backend: str) -> None:
    assert [p.shape for p in ad.arange(6).chunk(4)] == [(2,), (2,), (2,)]
    assert [p.shape for p in ad.arange(5).chunk(5)] == [(1,)] * 5


def test_pieces_are_views(backend: str) -> None:
    x = ad.zeros(4)
    piece = x.narrow(0, 1, 2)
    piece.add_(1.0)
    np.testing.assert_array_equal(_np(x), [0.0, 1.0, 1.0, 0.0])


def test_tensor_split_with_a_tensor_and_out_of_range_indices(backend: str) -> None:
    parts = ad.tensor_split(ad.arange(5), ad.tensor([1, 9]))
    assert [p.shape for p in parts] == [(1,), (4,), (0,)]
    assert [p.shape for p in ad.tensor_split(ad.arange(5), ad.tensor(2))] == [(3,), (2,)]


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda x: x.split([1, 1]), RuntimeError, "split_with_sizes expects split_sizes to sum"),
    (lambda x: x.chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0"),
    (lambda x: x.hsplit(2), RuntimeError, "is not divisible by the split_size 2"),
    (lambda x: x.vsplit(1), RuntimeError, "requires a tensor with at least 2 dimension"),
    (lambda x: x.narrow(0, 4, 1), IndexError, "start out of range"),
    (lambda x: x.narrow(0, 1, 3), RuntimeError, r"start \(1\) \+ length \(3\) exceeds"),
    (lambda x: x.select(0, 3), IndexError, "index 3 out of range for tensor of size"),
    (lambda x: x.select_scatter(ad.ones(2), 0, 0), RuntimeError,
     "expected src to have a size equal to the slice of self"),
    (lambda x: x.diagonal_scatter(ad.ones(1), 0, 0, 0), RuntimeError,
     "diagonal_scatter"),
    (lambda x: x.tensor_split(0), RuntimeError, "number of sections must be larger than 0"),
])
def test_splitting_errors(backend: str, call: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call(ad.arange(3.0))


def test_diagonal_scatter_matches_diagonal_layout(backend: str) -> None:
    x = np.zeros((2, 3, 4))
    src = np.arange(6.0).reshape(2, 3)
    out = _np(ad.tensor(x).diagonal_scatter(ad.tensor(src), -1, 2, 1))
    np.testing.assert_array_equal(np.diagonal(out, -1, 2, 1), src)
    assert out.sum() == src.sum()


# -- selection --------------------------------------------------------------------------
NAN = float("nan")


def test_topk_nan_is_largest_and_indices(backend: str) -> None:
    values, indices = ad.tensor([1.0, NAN, 3.0]).topk(2)
    np.testing.assert_array_equal(_np(indices), [1, 2])
    assert np.isnan(_np(values)[0])
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        ad.ones(3).topk(4)


def test_median_is_the_lower_middle_and_nan_propagates(backend: str) -> None:
    assert ad.tensor([1.0, 2.0, 3.0, 4.0]).median().item() == 2.0
    values, indices = ad.tensor([[1.0, NAN, 2.0], [3.0, 1.0, 2.0]]).median(1, keepdim=True)
    assert np.isnan(_np(values)[0, 0]) and _np(values)[1, 0] == 2.0
    np.testing.assert_array_equal(_np(indices), [[1], [2]])
    assert ad.tensor([NAN, NAN]).nanmedian().item() != ad.tensor([NAN, NAN]).nanmedian().item()
    with pytest.raises(IndexError, match="median\\(\\): Expected reduction dim 0 to have"):
        ad.ones(0).median(0)


def test_median_gradient_goes_to_the_picked_element(backend: str) -> None:
    (g,) = _grad(lambda x: x.median(), np.array([4.0, 1.0, 3.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0, 1.0])


def test_kthvalue_and_mode(backend: str) -> None:
    values, indices = ad.tensor([[5.0, 1.0, 4.0]]).kthvalue(3, 1)
    assert _np(values).tolist() == [5.0] and _np(indices).tolist() == [0]
    with pytest.raises(RuntimeError, match="selected number k out of range"):
        ad.ones(3).kthvalue(4)
    values, indices = ad.tensor([[2.0, 1.0, 2.0, 1.0, 0.0]]).mode(1)
    assert _np(values).tolist() == [1.0] and _np(indices).tolist() == [3]


def test_cummax_cummin_indices_take_the_latest_tie_and_nan_propagates(backend: str) -> None:
    x = np.array([1.0, 3.0, 3.0, 2.0, 4.0, 4.0])
    values, indices = ad.tensor(x).cummax(0)
    np.testing.assert_array_equal(_np(values), np.maximum.accumulate(x))
    np.testing.assert_array_equal(_np(indices), [0, 1, 2, 2, 4, 5])
    _, indices = ad.tensor([3.0, 1.0, 1.0, 2.0]).cummin(0)
    np.testing.assert_array_equal(_np(indices), [0, 1, 2, 2])
    values, indices = ad.tensor([1.0, NAN, 5.0]).cummax(0)
    np.testing.assert_array_equal(_np(indices), [0, 1, 1])
    assert np.isnan(_np(values)[2])


def test_cummax_of_integers_and_gradient(backend: str) -> None:
    _, indices = ad.tensor([[2, 1, 5], [0, 7, 7]]).cummax(1)
    np.testing.assert_array_equal(_np(indices), [[0, 0, 2], [0, 1, 2]])
    (g,) = _grad(lambda x: x.cummax(0).values, np.array([1.0, 3.0, 2.0]))
    np.testing.assert_array_equal(g, [1.0, 2.0, 0.0])


@pytest.mark.parametrize("scale", [1.0, 1e3, 1e6])
def test_logsumexp_and_logcumsumexp_are_stable(backend: str, scale: float) -> None:
    x = np.array([[-1.0, 0.5, 1.0], [2.0, -3.0, 0.0]]) * scale
    got = _np(ad.logsumexp(ad.tensor(x), 1))
    np.testing.assert_allclose(got, np.logaddexp.reduce(x, axis=1), rtol=1e-12)
    got = _np(ad.tensor(x).logcumsumexp(1))
    np.testing.assert_allclose(got, np.logaddexp.accumulate(x, axis=1), rtol=1e-12)
    (g,) = _grad(lambda t: ad.logsumexp(t, 1), x)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g.sum(axis=1), [1.0, 1.0])


def test_logsumexp_of_infinities_and_integers(backend: str) -> None:
    assert _np(ad.logsumexp(ad.tensor([-np.inf, -np.inf]), 0)) == -np.inf
    assert _np(ad.logsumexp(ad.tensor([np.inf, 1.0]), 0)) == np.inf
    assert ad.logsumexp(ad.tensor([0, 0]), 0).dtype == ad.get_default_dtype()


def test_aminmax(backend: str) -> None:
    low, high = ad.tensor([[1.0, 5.0], [-2.0, 3.0]]).aminmax()
    assert (low.item(), high.item()) == (-2.0, 5.0)


# -- counting -----------------------------------------------------------------------------
def test_unique_consecutive(backend: str) -> None:
    x = ad.tensor([1, 1, 2, 2, 3, 1, 1])
    out, inverse, counts = ad.unique_consecutive(x, return_inverse=True, return_counts=True)
    assert _np(out).tolist() == [1, 2, 3, 1]
    assert _np(inverse).tolist() == [0, 0, 1, 1, 2, 3, 3]
    assert _np(counts).tolist() == [2, 2, 1, 2]
    rows = ad.tensor([[1, 2], [1, 2], [0, 0]])
    out, counts = ad.unique_consecutive(rows, return_counts=True, dim=0)
    assert _np(out).tolist() == [[1, 2], [0, 0]] and _np(counts).tolist() == [2, 1]
    assert ad.unique_consecutive(ad.tensor([], dtype=ad.int64)).shape == (0,)


def test_argwhere(backend: str) -> None:
    x = np.array([[0, 3], [4, 0]])
    np.testing.assert_array_equal(_np(ad.argwhere(ad.tensor(x))), np.argwhere(x))
    assert ad.argwhere(ad.tensor(5)).shape == (1, 0)


def test_bucketize_scalar_and_int32(backend: str) -> None:
    out = ad.bucketize(2.0, ad.tensor([1.0, 2.0, 3.0]), out_int32=True)
    assert out.shape == () and out.item() == 1 and out.dtype == ad.int32
    with pytest.raises(RuntimeError, match="boundaries tensor must be 1 dimension"):
        ad.bucketize(ad.ones(2), ad.ones(2, 2))


def test_histc(backend: str) -> None:
    x = np.array([1.0, 2.0, 1.0, 7.0, NAN])
    got = _np(ad.histc(ad.tensor(x), bins=4, min=0, max=3))
    np.testing.assert_array_equal(got, [0.0, 2.0, 1.0, 0.0])
    got = _np(ad.histc(ad.tensor([1.0, 2.0, 3.0]), bins=2))  # the data's range
    np.testing.assert_array_equal(got, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="bins must be > 0"):
        ad.histc(ad.ones(2), bins=0)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        ad.histc(ad.tensor([1, 2]))


def test_bincount(backend: str) -> None:
    assert _np(ad.bincount(ad.tensor([0, 2, 2]))).tolist() == [1, 0, 2]
    assert ad.bincount(ad.tensor([], dtype=ad.int64)).shape == (0,)
    w = ad.tensor([0.5, 1.0, 2.0], requires_grad=True)
    out = ad.bincount(ad.tensor([0, 2, 2]), w, minlength=4)
    np.testing.assert_array_equal(_np(out), [0.5, 0.0, 3.0, 0.0])
    (out * ad.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(_np(w.grad), [1.0, 3.0, 3.0])
    with pytest.raises(RuntimeError, match="1-d non-negative integral inputs"):
        ad.bincount(ad.tensor([-1, 0]))
    with pytest.raises(RuntimeError, match="minlength should be >= 0"):
        ad.bincount(ad.tensor([1]), minlength=-1)


# -- against torch, where installed (in addition to the numpy references above) ----------
def test_against_torch_by_hand(backend: str) -> None:
    torch = pytest.importorskip("torch", reason="torch is an optional oracle")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5))
    idx = rng.integers(0, 4, (3, 5))
    src = rng.standard_normal((3, 5))
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            want = torch.tensor(x).scatter_reduce(0, torch.tensor(idx), torch.tensor(src),
                                                  reduce, include_self=include_self)
            got = ad.tensor(x).scatter_reduce(0, ad.tensor(idx), ad.tensor(src), reduce,
                                              include_self=include_self)
            np.testing.assert_allclose(_np(got), want.numpy(), rtol=1e-12)
    ints = rng.integers(0, 3, (4, 9)).astype(float)
    for name in ("cummax", "cummin"):
        want = getattr(torch.tensor(ints), name)(1)
        got = getattr(ad.tensor(ints), name)(1)
        np.testing.assert_array_equal(_np(got.indices), want.indices.numpy())
    want = torch.tensor(ints).mode(1)
    got = ad.tensor(ints).mode(1)
    np.testing.assert_array_equal(_np(got.values), want.values.numpy())


# -- in-place spellings -------------------------------------------------------------------
@pytest.mark.parametrize(("name", "make"), [
    ("scatter_", lambda: (0, ad.tensor([2, 0]), ad.tensor([1.0, 2.0]))),
    ("scatter_add_", lambda: (0, ad.tensor([2, 2]), ad.tensor([1.0, 2.0]))),
    ("scatter_reduce_", lambda: (0, ad.tensor([2, 2]), ad.tensor([1.0, 2.0]), "amax")),
    ("index_add_", lambda: (0, ad.tensor([1]), ad.tensor([3.0]))),
    ("index_copy_", lambda: (0, ad.tensor([1]), ad.tensor([3.0]))),
    ("index_fill_", lambda: (0, ad.tensor([1]), 3.0)),
    ("index_put_", lambda: ((ad.tensor([1]),), ad.tensor(3.0))),
    ("index_reduce_", lambda: (0, ad.tensor([1]), ad.tensor([3.0]), "prod")),
    ("masked_fill_", lambda: (ad.tensor([True, False, False]), 3.0)),
    ("masked_scatter_", lambda: (ad.tensor([False, True, False]), ad.tensor([3.0]))),
    ("put_", lambda: (ad.tensor([-1]), ad.tensor([3.0]))),
])
def test_inplace_spellings_write_into_the_tensor(backend: str, name: str, make: Any) -> None:
    args = make()
    base = ad.tensor([1.0, 2.0, 4.0])
    want = _np(getattr(base, name[:-1])(*args))
    version = base._version
    assert getattr(base, name)(*args) is base
    np.testing.assert_array_equal(_np(base), want)
    assert base._version > version
    leaf = ad.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        getattr(leaf, name)(*args)


def test_setitem_with_integer_arrays_and_masks_on_every_backend(backend: str) -> None:
    """``x[index] = v`` with an integer-array or mask key: the standard's ``__setitem__``
    takes basic keys only, so such a write goes through positions and a scatter."""
    x = np.zeros((3, 4))
    got = ad.tensor(x)
    got[ad.tensor([0, 2, 0])] = ad.tensor([[1.0] * 4, [2.0] * 4, [3.0] * 4])
    got[:, ad.tensor([1])] = 7.0
    got[ad.tensor(np.eye(3, 4) > 0)] = -1.0
    want = x.copy()
    want[[0, 2, 0]] = [[1.0] * 4, [2.0] * 4, [3.0] * 4]
    want[:, [1]] = 7.0
    want[np.eye(3, 4) > 0] = -1.0
    np.testing.assert_array_equal(_np(got), want)
    w = ad.ones(2, 3, requires_grad=True)
    h = w * 2
    h[ad.tensor([1]), ad.tensor([2])] = ad.tensor(5.0)
    h.sum().backward()
    np.testing.assert_array_equal(_np(w.grad), [[2.0, 2.0, 2.0], [2.0, 2.0, 0.0]])


@pytest.mark.parametrize("reduce", ["prod", "amax", "amin", "mean"])
def test_scatter_reduce_scales_with_the_writes(backend: str, reduce: str) -> None:
    """100,000 writes into 20,000 targets: linear memory (a one-hot mask would hold
    2e9 elements)."""
    rng = np.random.default_rng(1)
    index = rng.integers(0, 20_000, 100_000)
    src = rng.uniform(0.9, 1.1, 100_000)
    x = np.ones(20_000)
    got = _np(ad.tensor(x).scatter_reduce(0, ad.tensor(index), ad.tensor(src), reduce))
    want = x.copy()
    ufunc = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum, "mean": np.add}
    ufunc[reduce].at(want, index, src)
    if reduce == "mean":
        want = want / (np.bincount(index, minlength=20_000) + 1)
    np.testing.assert_allclose(got, want, rtol=1e-12)


# -- PyTorch's 0-d and empty-index cases -------------------------------------------------
def test_gather_of_a_0d_input_takes_the_index_shape(backend: str) -> None:
    x = ad.tensor(2.0, backend=backend)
    one = ad.tensor(np.array([0]), backend=backend)
    assert ad.gather(x, 0, one).shape == (1,)
    assert ad.gather(x, 0, ad.tensor(np.array(0), backend=backend)).shape == ()


def test_gather_with_an_empty_index_of_any_integer_dtype(backend: str) -> None:
    x = ad.tensor(np.arange(5.0), backend=backend, requires_grad=True)
    out = ad.gather(x, 0, ad.zeros((2, 0), dtype=ad.uint8, backend=backend))
    assert out.shape == (2, 0)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(5))


def test_index_select_of_a_0d_input_stays_0d(backend: str) -> None:
    x = ad.tensor(2.0, backend=backend)
    out = ad.index_select(x, 0, ad.tensor(np.array([0]), backend=backend))
    assert out.shape == () and float(out) == 2.0


def test_nonzero_method_of_a_0d_tensor(backend: str) -> None:
    assert ad.tensor(3.0, backend=backend).nonzero().shape == (1, 0)
    assert ad.tensor(0.0, backend=backend).nonzero().shape == (0, 0)
    (index,) = ad.tensor(3.0, backend=backend).nonzero(as_tuple=True)
    np.testing.assert_array_equal(index.numpy(), [0])


def test_unique_along_a_dim(backend: str) -> None:
    a = np.array([[1, 2], [0, 5], [1, 2], [0, 5], [3, 3]])
    values, inverse, counts = ad.unique(ad.tensor(a, backend=backend), dim=0,
                                        return_inverse=True, return_counts=True)
    want, want_inverse, want_counts = np.unique(a, axis=0, return_inverse=True,
                                                return_counts=True)
    np.testing.assert_array_equal(_np(values), want)
    np.testing.assert_array_equal(_np(inverse), want_inverse.reshape(-1))
    np.testing.assert_array_equal(_np(counts), want_counts)
    columns = ad.unique(ad.tensor(a.T, backend=backend), dim=1)
    np.testing.assert_array_equal(_np(columns), np.unique(a.T, axis=1))
    flags = ad.unique(ad.tensor(np.array([True, False, True]), backend=backend), dim=0)
    np.testing.assert_array_equal(_np(flags), [False, True])


def test_unique_along_a_dim_of_empty_and_0d_input(backend: str) -> None:
    values, inverse = ad.unique(ad.zeros((0, 3), backend=backend), dim=0,
                                return_inverse=True)
    assert values.shape == (0, 3) and inverse.shape == (0,)
    with pytest.raises(IndexError, match="tensor has no dimensions"):
        ad.unique(ad.tensor(3.0, backend=backend), dim=0)
    with pytest.raises(RuntimeError, match="0 sized dimensions"):
        ad.unique(ad.zeros((3, 0), backend=backend), dim=0)


def test_unique_consecutive_of_empty_input(backend: str) -> None:
    out, counts = ad.unique_consecutive(ad.zeros((0,), backend=backend), return_counts=True)
    assert out.shape == (0,) and counts.shape == (0,)
    out = ad.unique_consecutive(ad.zeros((0, 2), backend=backend), dim=0)
    assert out.shape == (0, 2)


def test_take_along_dim_broadcasts_off_dim(backend: str) -> None:
    x = np.arange(5.0)[None, :]
    index = np.array([[0, 4], [1, 3], [2, 2], [3, 1], [4, 0]])
    out = ad.take_along_dim(ad.tensor(x, backend=backend), ad.tensor(index, backend=backend), 1)
    np.testing.assert_array_equal(_np(out), np.take_along_axis(
        np.broadcast_to(x, (5, 5)), index, 1))


def test_cat_skips_empty_vectors_beside_matrices(backend: str) -> None:
    a = np.arange(25.0).reshape(5, 5)
    out = ad.concat([ad.zeros((0,), backend=backend), ad.tensor(a, backend=backend)], 1)
    np.testing.assert_array_equal(_np(out), a)


def test_tensordot_sums_over_an_axis_met_by_size_one(backend: str) -> None:
    a, b = np.ones((1, 1, 1)), np.arange(4.0).reshape(2, 1, 2)
    out = ad.tensordot(ad.tensor(a, backend=backend), ad.tensor(b, backend=backend),
                       dims=([0, 1], [2, 0]))
    want = np.tensordot(a, b.sum(axis=(0, 2), keepdims=True), axes=([0, 1], [2, 0]))
    np.testing.assert_allclose(_np(out), want)


def test_cov_of_one_variable_is_0d(backend: str) -> None:
    x = np.array([[1.0, 4.0, 2.0]])
    out = ad.cov(ad.tensor(x, backend=backend))
    assert out.shape == ()
    np.testing.assert_allclose(float(out), np.cov(x))
    assert ad.corrcoef(ad.tensor(x, backend=backend)).shape == ()


def test_normal_accepts_layout(backend: str) -> None:
    assert ad.normal(0.0, 1.0, (3,), layout=None, backend=backend).shape == (3,)


def test_frexp_returns_named_fields_and_a_mantissa_gradient(backend: str) -> None:
    x = ad.tensor(np.array([8.0, 0.3, -3.0]), backend=backend, requires_grad=True)
    mantissa, exponent = want = np.frexp(np.array([8.0, 0.3, -3.0]))
    result = ad.frexp(x)
    np.testing.assert_allclose(_np(result.mantissa), mantissa)
    np.testing.assert_array_equal(_np(result.exponent), exponent)
    result.mantissa.sum().backward()
    np.testing.assert_allclose(_np(x.grad), 2.0 ** -want[1])


def test_matmul_gradient_with_an_empty_inner_dim(backend: str) -> None:
    x = ad.zeros((5, 5, 0), backend=backend, requires_grad=True)
    w = ad.zeros((0, 5), backend=backend, requires_grad=True)
    ad.matmul(x, w).sum().backward()
    assert x.grad.shape == (5, 5, 0) and w.grad.shape == (0, 5)


def test_masked_scatter_broadcasts_input_against_mask(backend: str) -> None:
    mask = np.eye(3, dtype=bool)
    source = np.arange(9.0).reshape(3, 3)
    out = ad.masked_scatter(ad.tensor(np.zeros(3), backend=backend),
                            ad.tensor(mask, backend=backend), ad.tensor(source, backend=backend))
    want = np.zeros((3, 3))
    want[mask] = source.reshape(-1)[:3]
    np.testing.assert_array_equal(_np(out), want)


def test_logical_ops_read_any_dtype_as_pytorch(backend: str) -> None:
    a = ad.tensor(np.array([0.0, 2.0, np.nan, -1.0]), backend=backend)
    b = ad.tensor(np.array([0, 0, 3, 1]), backend=backend)
    truth_a, truth_b = np.array([False, True, True, True]), np.array([False, False, True, True])
    np.testing.assert_array_equal(_np(ad.logical_and(a, b)), truth_a & truth_b)
    np.testing.assert_array_equal(_np(ad.logical_or(a, b)), truth_a | truth_b)
    np.testing.assert_array_equal(_np(ad.logical_xor(a, b)), truth_a ^ truth_b)
    np.testing.assert_array_equal(_np(ad.logical_not(a)), ~truth_a)


def test_clamp_with_an_integer_bound_tensor_on_floats(backend: str) -> None:
    x = np.array([-2.5, 0.5, 3.5])
    low = np.array([-1, 1, 0], dtype=np.int32)
    out = ad.clamp(ad.tensor(x, backend=backend), ad.tensor(low, backend=backend))
    assert out.dtype == ad.float64
    np.testing.assert_array_equal(_np(out), np.maximum(x, low))
