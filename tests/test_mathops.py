"""PyTorch's tensor math beyond the conformance cases: errors, options, random
sampling under a seeded Generator, print options, and the Tensor-method helpers."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import autodiff as ad


def _t(values: object, **kwargs: object) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), **kwargs)  # type: ignore[arg-type]


# -- einsum ------------------------------------------------------------------------------
@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ij->ji", [(2, 3)]),
    ("i,i->", [(3,), (3,)]),
    ("...i,...i->...", [(2, 3, 4), (3, 4)]),
    ("abc,cd,db->a", [(2, 3, 4), (4, 5), (5, 3)]),
    ("ij,kl->ijkl", [(2, 3), (1, 2)]),
    ("i j , j k", [(2, 3), (3, 2)]),
    ("ij,j", [(2, 1), (3,)]),  # a size-1 axis broadcasts, as in PyTorch
    ("i,->i", [(3,), ()]),
    ("ij,jk", [(2, 0), (0, 3)]),
    ("a...b,b...->a...", [(2, 3, 4), (4, 3)]),
])
def test_einsum_matches_numpy(backend: str, equation: str, shapes: list[tuple[int, ...]]) -> None:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    got = ad.einsum(equation, *[ad.tensor(a) for a in arrays])
    if equation == "ij,j":
        want = np.einsum("ij,j", np.broadcast_to(arrays[0], (2, 3)), arrays[1])
    else:
        want = np.einsum(equation.replace(" ", ""), *arrays)
    np.testing.assert_allclose(got.numpy() if backend == "numpy" else np.asarray(got.tolist()),
                               want, rtol=1e-12, atol=1e-12)


def test_einsum_sublist_form() -> None:
    a, b = ad.ones(2, 3), ad.ones(3, 4)
    assert ad.einsum(a, [0, 1], b, [1, 2], [0, 2]).tolist() == [[3.0] * 4] * 2
    assert ad.einsum(ad.ones(5, 2, 3), [..., 0, 1], [..., 1, 0]).shape == (5, 3, 2)
    with pytest.raises(ValueError, match="not within the valid range"):
        ad.einsum(a, [0, 60])


def test_einsum_contracts_pairwise_through_matmul() -> None:
    """A three-operand chain is two matmul nodes, not a broadcast product of everything."""
    a, b, c = (ad.ones(n, n, requires_grad=True) for n in (4, 4, 4))
    out = ad.einsum("ij,jk,kl->il", a, b, c)
    names, stack, seen = [], [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(type(node).__name__)
        stack.extend(fn for fn, _ in node.next_functions)
    assert sum("Bmm" in n or "Mm" in n or "MatMul" in n or "UnsafeView" in n
               for n in names) >= 2
    assert not any("Mul" == n[:3] for n in names)


@pytest.mark.parametrize("equation, operands, message", [
    ("ij,jk->ik", [(2, 3)], "fewer operands"),
    ("ij->ik", [(2, 3)], "output subscript k does not appear"),
    ("ijk", [(2, 3)], "does not match the number of dimensions"),
    ("ij,jk", [(2, 3), (4, 5)], "subscript j has size 4 for operand 1 which does not "
                                "broadcast with previously seen size 3"),
    ("i1", [(2, 3)], "invalid subscript"),
])
def test_einsum_errors(equation: str, operands: list[tuple[int, ...]], message: str) -> None:
    with pytest.raises((ValueError, RuntimeError), match=message):
        ad.einsum(equation, *[ad.ones(s) for s in operands])


# -- the mm family -----------------------------------------------------------------------
def test_mm_family_errors() -> None:
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3"):
        ad.mm(ad.ones(2, 3), ad.ones(4, 5))
    with pytest.raises(RuntimeError, match="self must be a matrix"):
        ad.mm(ad.ones(3), ad.ones(3, 3))
    with pytest.raises(RuntimeError, match="batch1 must be a 3D tensor"):
        ad.bmm(ad.ones(2, 3), ad.ones(2, 3, 4))
    with pytest.raises(RuntimeError, match="size mismatch"):
        ad.mv(ad.ones(2, 3), ad.ones(4))
    with pytest.raises(RuntimeError, match="1D tensors expected"):
        ad.vdot(ad.ones(2, 2), ad.ones(2))
    with pytest.raises(RuntimeError, match="the last dimension must match"):
        ad.inner(ad.ones(2, 3), ad.ones(2))
    with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
        ad.addcdiv(ad.ones(2), ad.tensor([1, 2]), ad.tensor([1, 2]))


def test_addmm_beta_zero_ignores_nan_in_input() -> None:
    x = _t([[np.nan, np.inf], [1.0, 2.0]], requires_grad=True)
    out = ad.addmm(x, ad.eye(2, dtype=ad.float64), _t([[1.0, 2.0], [3.0, 4.0]]), beta=0)
    assert out.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    out.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_vdot_conjugates_the_first_argument() -> None:
    a = ad.tensor([1 + 2j, 3 - 1j])
    b = ad.tensor([2 - 1j, 1j])
    assert complex(ad.vdot(a, b).item()) == complex(np.vdot(a.numpy(), b.numpy()))


def test_methods_exist_as_in_pytorch() -> None:
    x = ad.ones(2, 3)
    assert x.mm(ad.ones(3, 2)).shape == (2, 2)
    assert x.kron(ad.ones(2, 1)).shape == (4, 3)
    assert x.diag().shape == (2,)
    assert x.fliplr().shape == (2, 3)
    assert x.new_ones(4).tolist() == [1.0] * 4
    assert not hasattr(ad.Tensor, "einsum")


# -- shapes ------------------------------------------------------------------------------
def test_shape_helpers_errors() -> None:
    with pytest.raises(RuntimeError, match="Input must be >= 2-d."):
        ad.fliplr(ad.ones(3))
    with pytest.raises(RuntimeError, match="expected total rotation dims == 2"):
        ad.rot90(ad.ones(2, 2), 1, [0])
    with pytest.raises(RuntimeError, match="expected rotation dims to be different"):
        ad.rot90(ad.ones(2, 2), 1, [1, -1])
    with pytest.raises(RuntimeError, match=r"diag\(\): Supports 1D or 2D tensors. Got 3D"):
        ad.diag(ad.ones(2, 2, 2))
    with pytest.raises(RuntimeError, match="don't multiply up to the size of dim 1"):
        ad.ones(2, 6).unflatten(1, (4, 2))
    with pytest.raises(RuntimeError, match="diagonal dimensions cannot be identical"):
        ad.diag_embed(ad.ones(2, 3), 0, 1, 1)
    with pytest.raises(RuntimeError, match="isn't allowed in a leading, non-existing dim"):
        ad.ones(3).expand(-1, 3)
    with pytest.raises(RuntimeError, match=r"expanded size of the tensor \(4\) must match the "
                       r"existing size \(3\) at non-singleton dimension 1"):
        ad.ones(3).expand(2, 4)
    with pytest.raises(RuntimeError, match="Input tensors must have 2 or fewer dimensions"):
        ad.block_diag(ad.ones(1, 1, 1))


def test_tri_indices_and_logspace_match_numpy() -> None:
    for row, col, offset in [(3, 3, 0), (3, 4, 1), (4, 2, -1), (2, 5, -3)]:
        rows, cols = np.tril_indices(row, offset, col)
        assert ad.tril_indices(row, col, offset).tolist() == [rows.tolist(), cols.tolist()]
        rows, cols = np.triu_indices(row, offset, col)
        assert ad.triu_indices(row, col, offset).tolist() == [rows.tolist(), cols.tolist()]
    np.testing.assert_allclose(ad.logspace(-1, 2, 4, base=2.0).tolist(),
                               np.logspace(-1, 2, 4, base=2.0), rtol=1e-6)


def test_atleast_and_stacks_match_numpy() -> None:
    assert ad.atleast_1d(ad.tensor(1.0), ad.ones(2))[0].shape == (1,)
    assert ad.atleast_2d(ad.tensor(1.0)).shape == (1, 1)
    assert ad.atleast_3d(ad.ones(2)).shape == np.atleast_3d(np.ones(2)).shape
    assert ad.row_stack([ad.ones(2), ad.ones(2)]).shape == (2, 2)
    with pytest.raises(RuntimeError, match="expects a non-empty TensorList"):
        ad.hstack([])


def test_data_is_a_detached_alias() -> None:
    x = ad.ones(3, requires_grad=True)
    d = x.data
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 5.0
    assert x.tolist() == [5.0, 1.0, 1.0]
    x.data = ad.zeros(2)
    assert x.shape == (2,) and x.requires_grad


def test_new_methods_follow_the_tensor() -> None:
    x = ad.ones(2, dtype=ad.float64)
    assert x.new_zeros((2, 3)).dtype == ad.float64
    assert x.new_full((2,), 7).tolist() == [7.0, 7.0]
    assert x.new_empty(3).shape == (3,)
    assert x.new_tensor([1, 2]).dtype == ad.float64
    assert x.new_ones(2, dtype=ad.int64).dtype == ad.int64
    assert x.new_zeros(2, requires_grad=True).requires_grad
    assert x.contiguous() is x
    assert ad.ones(2, 3).view_as(ad.ones(3, 2)).shape == (3, 2)
    assert ad.ones(6).reshape_as(ad.ones(2, 3)).shape == (2, 3)


def test_from_numpy_is_tensor_numel() -> None:
    a = np.arange(3.0)
    t = ad.from_numpy(a)
    a[1] = 9.0
    assert t.tolist() == [0.0, 9.0, 2.0]
    with pytest.raises(TypeError, match=r"expected np.ndarray \(got list\)"):
        ad.from_numpy([1.0])
    assert ad.is_tensor(t) and not ad.is_tensor(a)
    assert ad.numel(ad.ones(2, 3)) == 6


@pytest.fixture
def printoptions() -> Iterator[None]:
    yield
    ad.set_printoptions(profile="default")


def test_set_printoptions(printoptions: None) -> None:
    ad.set_printoptions(precision=2)
    assert repr(ad.tensor([1.23456])) == "tensor([1.23])"
    ad.set_printoptions(precision=4, sci_mode=True)
    assert repr(ad.tensor([1.0, 2.5])) == "tensor([1.0000e+00, 2.5000e+00])"
    ad.set_printoptions(sci_mode=False)
    assert repr(ad.tensor([1e-5, 1000.0])) == "tensor([   0.0000, 1000.0000])"
    ad.set_printoptions(threshold=5, edgeitems=1, sci_mode=None)
    assert repr(ad.arange(10.0)) == "tensor([0.,  ..., 9.])"
    ad.set_printoptions(profile="default")
    assert repr(ad.tensor([1.23456])) == "tensor([1.2346])"
    with pytest.raises(ValueError, match="unknown profile"):
        ad.set_printoptions(profile="long")


# -- statistics --------------------------------------------------------------------------
def test_statistics_errors() -> None:
    with pytest.raises(RuntimeError, match="X1 and X2 must have the same number of columns"):
        ad.cdist(ad.ones(2, 3), ad.ones(2, 4))
    with pytest.raises(ValueError, match="is not a valid value for compute_mode"):
        ad.cdist(ad.ones(2, 3), ad.ones(2, 3), compute_mode="fast")
    with pytest.raises(RuntimeError, match="q values must be in the range"):
        ad.quantile(ad.ones(3), 1.5)
    with pytest.raises(ValueError, match="interpolation must be one of"):
        ad.quantile(ad.ones(3), 0.5, interpolation="cubic")
    with pytest.raises(RuntimeError, match="q tensor must be same dtype"):
        ad.quantile(ad.ones(3, dtype=ad.float64), ad.tensor([0.5]))
    with pytest.raises(RuntimeError, match="expected input to have two or fewer dimensions"):
        ad.cov(ad.ones(2, 2, 2))


def test_cdist_gradient_is_zero_at_zero_distance() -> None:
    x = _t([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    for mode in ("use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"):
        x.grad = None
        ad.cdist(x, x.detach(), compute_mode=mode).sum().backward()
        assert x.grad is not None and np.isfinite(np.asarray(x.grad.tolist())).all()


def test_quantile_modes_match_numpy() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 7))
    x[1, 2] = np.nan
    for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
        for q in (0.0, 0.33, 0.5, 1.0):
            got = ad.nanquantile(ad.tensor(x), q, dim=1, interpolation=mode)
            np.testing.assert_allclose(got.tolist(), np.nanquantile(x, q, 1, method=mode))
            got = ad.quantile(ad.tensor(x), q, dim=0, keepdim=True, interpolation=mode)
            np.testing.assert_allclose(got.tolist(), np.quantile(x, q, 0, method=mode,
                                                                 keepdims=True))


def test_nan_reductions_give_zero_gradient_at_nan() -> None:
    x = _t([1.0, np.nan, 3.0], requires_grad=True)
    ad.nanmean(x).backward()
    assert x.grad is not None and x.grad.tolist() == [0.5, 0.0, 0.5]


def test_std_mean_is_unbiased_by_default() -> None:
    x = _t([1.0, 2.0, 4.0])
    std, mean = ad.std_mean(x)
    assert std.item() == pytest.approx(np.std([1, 2, 4], ddof=1))
    var, _ = ad.var_mean(x, unbiased=False)
    assert var.item() == pytest.approx(np.var([1, 2, 4]))


def test_against_torch() -> None:
    torch = pytest.importorskip("torch", reason="an optional comparison with PyTorch")
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    np.testing.assert_allclose(ad.cdist(_t(a), _t(b), 1.0).tolist(),
                               torch.cdist(torch.tensor(a), torch.tensor(b), 1.0).numpy())
    np.testing.assert_allclose(ad.renorm(_t(a), 1, 0, 2.0).tolist(),
                               torch.renorm(torch.tensor(a), 1, 0, 2.0).numpy())
    np.testing.assert_allclose(ad.rot90(_t(a), 3, (1, 0)).tolist(),
                               torch.rot90(torch.tensor(a), 3, (1, 0)).numpy())
    np.testing.assert_allclose(ad.diag_embed(_t(a), -1, 2, 0).tolist(),
                               torch.diag_embed(torch.tensor(a), -1, 2, 0).numpy())


# -- random ------------------------------------------------------------------------------
def _draws(g: ad.Generator) -> list[object]:
    return [ad.randn(3, generator=g).tolist(), ad.rand(2, generator=g).tolist(),
            ad.randint(0, 9, (3,), generator=g).tolist(), ad.randperm(5, generator=g).tolist(),
            ad.normal(ad.zeros(2), ad.ones(2), generator=g).tolist(),
            ad.normal(1.0, 2.0, (2,), generator=g).tolist(),
            ad.bernoulli(ad.full((4,), 0.5), generator=g).tolist(),
            ad.multinomial(ad.tensor([1.0, 2.0, 3.0]), 2, generator=g).tolist(),
            ad.multinomial(ad.tensor([[1.0, 0.0], [0.5, 0.5]]), 3, True, generator=g).tolist(),
            ad.rand_like(ad.ones(2), generator=g).tolist(),
            ad.randn_like(ad.ones(2), generator=g).tolist(),
            ad.randint_like(ad.ones(2), 4, generator=g).tolist()]


def test_seeded_generator_is_reproducible_and_private(backend: str) -> None:
    g = ad.Generator().manual_seed(11)
    ad.manual_seed(0)
    first = _draws(g)
    global_next = ad.randn(3).tolist()
    ad.manual_seed(0)
    assert ad.randn(3).tolist() == global_next  # g's draws did not move the default
    assert _draws(g.manual_seed(11)) == first
    state = g.get_state()
    again = _draws(g)
    assert _draws(g.set_state(state)) == again
    assert g.initial_seed() == 11


def test_same_draws_on_numpy_and_strict() -> None:
    results = []
    for name in ("numpy", "array_api_strict"):
        with ad.use_backend(name):
            results.append(_draws(ad.Generator().manual_seed(3)))
    assert results[0] == results[1]


def test_manual_seed_returns_the_default_generator() -> None:
    g = ad.manual_seed(4)
    assert g is ad.default_generator and ad.initial_seed() == 4
    state = g.get_state()
    a = ad.randn(2).tolist()
    g.set_state(state)
    assert ad.randn(2).tolist() == a


def test_sampling_distributions() -> None:
    g = ad.Generator().manual_seed(0)
    counts = np.bincount(ad.multinomial(ad.tensor([1.0, 0.0, 3.0]), 4000, True,
                                        generator=g).tolist(), minlength=3)
    assert counts[1] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03
    firsts = [ad.multinomial(ad.tensor([1.0, 3.0]), 2, generator=g).tolist()[0]
              for _ in range(2000)]
    assert abs(np.mean(firsts) - 0.75) < 0.04
    draws = ad.normal(ad.full((20000,), 2.0), 3.0, generator=g)
    assert abs(float(draws.mean()) - 2.0) < 0.1 and abs(float(draws.std()) - 3.0) < 0.1
    assert abs(float(ad.bernoulli(ad.full((20000,), 0.2), generator=g).mean()) - 0.2) < 0.02
    assert sorted(ad.randperm(50, generator=g).tolist()) == list(range(50))


def test_random_errors() -> None:
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        ad.multinomial(ad.ones(3), 4)
    with pytest.raises(RuntimeError, match="probability tensor contains either"):
        ad.multinomial(ad.tensor([1.0, -1.0]), 1)
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        ad.multinomial(ad.zeros(2), 1, True)
    with pytest.raises(RuntimeError, match="not enough non-negative category"):
        ad.multinomial(ad.tensor([1.0, 0.0]), 2)
    with pytest.raises(RuntimeError, match="Expected p_in >= 0 && p_in <= 1"):
        ad.bernoulli(ad.tensor([1.5]))
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        ad.normal(0.0, -1.0, (2,))
    with pytest.raises(TypeError, match="generator must be an autodiff.Generator"):
        ad.randn(2, generator=np.random.default_rng(0))
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to'"):
        ad.randint(3, 3, (2,))


def test_samples_carry_no_gradient() -> None:
    mean = ad.zeros(3, requires_grad=True)
    assert not ad.normal(mean, 1.0).requires_grad
    assert not ad.bernoulli(ad.full((3,), 0.5, requires_grad=True)).requires_grad


# -- in-place variants -------------------------------------------------------------------
def test_inplace_math_matches_out_of_place() -> None:
    x = _t([1.0, 2.0])
    x.addcmul_(_t([1.0, 1.0]), _t([3.0, 4.0]), value=2)
    assert x.tolist() == [7.0, 10.0]
    x.addcdiv_(_t([2.0, 2.0]), _t([4.0, 8.0]))
    assert x.tolist() == [7.5, 10.25]
    x.lerp_(_t([0.0, 0.0]), 0.5)
    assert x.tolist() == [3.75, 5.125]
    m = ad.zeros(2, 2, dtype=ad.float64)
    m.addmm_(ad.eye(2, dtype=ad.float64), _t([[1.0, 2.0], [3.0, 4.0]]), alpha=2)
    assert m.tolist() == [[2.0, 4.0], [6.0, 8.0]]
    m.renorm_(1, 0, 3.0)
    np.testing.assert_allclose(m.tolist(), [[1.0, 2.0], [3 * 6 / 14, 3 * 8 / 14]], rtol=1e-6)


def test_inplace_addcmul_is_differentiable() -> None:
    w = ad.ones(2, dtype=ad.float64, requires_grad=True)
    t = _t([2.0, 3.0], requires_grad=True)
    y = w * 1
    y.addcmul_(t, t, value=0.5)
    y.sum().backward()
    assert t.grad is not None and t.grad.tolist() == [2.0, 3.0]
    assert w.grad is not None and w.grad.tolist() == [1.0, 1.0]


def test_random_fills(backend: str) -> None:
    g = ad.Generator().manual_seed(5)
    fills = [ad.zeros(3).uniform_(-2, 2, generator=g).tolist(),
             ad.zeros(3).normal_(1, 2, generator=g).tolist(),
             ad.zeros(3).bernoulli_(0.5, generator=g).tolist(),
             ad.zeros(3, dtype=ad.int64).random_(0, 7, generator=g).tolist(),
             ad.zeros(3).exponential_(2.0, generator=g).tolist()]
    g.manual_seed(5)
    assert ad.zeros(3).uniform_(-2, 2, generator=g).tolist() == fills[0]
    assert all(-2 <= v < 2 for v in fills[0]) and all(0 <= v < 7 for v in fills[3])
    assert all(v > 0 for v in fills[4]) and set(fills[2]) <= {0.0, 1.0}
    leaf = ad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.normal_()
    with ad.no_grad():
        leaf.normal_()
    with pytest.raises(RuntimeError, match="uniform_ expects to return a"):
        ad.zeros(2).uniform_(1, 0)
    with pytest.raises(RuntimeError, match="exponential_ expects lambda > 0.0"):
        ad.zeros(2).exponential_(0)


def test_repeat_interleave_of_counts_only() -> None:
    assert ad.repeat_interleave(ad.tensor([2, 0, 1])).tolist() == [0, 0, 2]
    with pytest.raises(RuntimeError, match="only accept 1D vector as repeat"):
        ad.repeat_interleave(ad.tensor([[1]]))
