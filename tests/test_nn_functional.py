"""Options, errors and edges of the activations and layers in ``autodiff.nn.functional``
that the conformance cases cannot express: the gradient at each kink (PyTorch's, written
down from torch 2.13 by hand), values and gradients at +-1000, ``inplace=``, randomness."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad

F = ad.nn.functional


def _value_and_grad(fn: Callable[[ad.Tensor], ad.Tensor], points: list[float],
                    dtype: Any = ad.float64) -> tuple[np.ndarray, np.ndarray]:
    x = ad.tensor(points, dtype=dtype, requires_grad=True)
    y = fn(x)
    y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


# -- the gradient at each kink is PyTorch's -----------------------------------------------
KINKS = [
    # (function, points, PyTorch's gradient there)
    (F.elu, [0.0], [1.0]),
    (lambda x: F.elu(x, alpha=0.5), [0.0], [0.5]),
    (F.selu, [0.0], [1.7580993408473766]),
    (F.leaky_relu, [0.0], [0.01]),
    (F.hardtanh, [-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]),
    (F.relu6, [0.0, 6.0], [0.0, 0.0]),
    (F.hardsigmoid, [-3.0, 3.0], [0.0, 0.0]),
    (F.hardswish, [-3.0, 3.0], [0.0, 1.0]),
    (F.softsign, [0.0], [1.0]),
    (lambda x: F.threshold(x, 0.5, -2.0), [0.5], [0.0]),
    (F.hardshrink, [0.5, -0.5], [0.0, 0.0]),
    (F.softshrink, [0.5, -0.5], [0.0, 0.0]),
    (lambda x: F.prelu(x, ad.tensor([0.25], dtype=x.dtype)), [0.0], [0.25]),
    (F.rrelu, [0.0], [0.22916666666666666]),
    (F.softplus, [20.0, 20.5], [0.9999999979388464, 1.0]),
    (lambda x: F.softplus(x, beta=2.0, threshold=10.0), [5.0, 5.1], [0.9999546021312976, 1.0]),
    (F.mish, [0.0], [0.6]),
    (F.gelu, [0.0], [0.5]),
    (lambda x: F.gelu(x, approximate="tanh"), [0.0], [0.5]),
]


@pytest.mark.parametrize(("fn", "points", "want"), KINKS)
def test_gradient_at_the_kinks_is_pytorchs(fn: Any, points: list[float], want: list[float],
                                           backend: str) -> None:
    _, grad = _value_and_grad(fn, points)
    np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-15)


# -- +-1000: finite and exact, values and gradients ----------------------------------------
EXTREMES = [
    # (function, value at [-1000, 1000], gradient there), PyTorch's
    (F.softplus, [0.0, 1000.0], [0.0, 1.0]),
    (F.logsigmoid, [-1000.0, 0.0], [1.0, 0.0]),
    (F.mish, [0.0, 1000.0], [0.0, 1.0]),
    (F.silu, [0.0, 1000.0], [0.0, 1.0]),
    (F.elu, [-1.0, 1000.0], [0.0, 1.0]),
    (F.selu, [-1.7580993408473766, 1050.7009873554805], [0.0, 1.0507009873554805]),
    (F.gelu, [0.0, 1000.0], [0.0, 1.0]),
    (lambda x: F.gelu(x, approximate="tanh"), [0.0, 1000.0], [0.0, 1.0]),
    (F.tanhshrink, [-999.0, 999.0], [1.0, 1.0]),
]


@pytest.mark.parametrize(("fn", "value", "grad"), EXTREMES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_finite_and_exact_at_the_extremes(fn: Any, value: list[float], grad: list[float],
                                          dtype: str, backend: str) -> None:
    with np.errstate(over="raise", invalid="raise"):  # not even in a discarded branch
        got_value, got_grad = _value_and_grad(fn, [-1000.0, 1000.0], getattr(ad, dtype))
    rtol = 1e-6 if dtype == "float32" else 1e-14
    np.testing.assert_allclose(got_value, value, rtol=rtol, atol=0)
    np.testing.assert_allclose(got_grad, grad, rtol=rtol, atol=0)


def test_gelu_matches_the_error_function_in_float64(backend: str) -> None:
    import math

    x = np.linspace(-38.0, 10.0, 4001)
    want = np.array([v * 0.5 * math.erfc(-v / math.sqrt(2.0)) for v in x])
    got = F.gelu(ad.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_activations_keep_float32(backend: str) -> None:
    x = ad.tensor([-2.0, 0.5, 3.0], dtype=ad.float32)
    for fn in (F.gelu, F.silu, F.mish, F.elu, F.selu, F.softplus, F.logsigmoid, F.hardtanh,
               F.hardswish, F.hardsigmoid, F.relu6, F.leaky_relu, F.softsign, F.tanhshrink,
               F.hardshrink, F.softshrink, F.rrelu, F.tanh, F.sigmoid):
        assert fn(x).dtype == ad.float32, fn


# -- inplace= ------------------------------------------------------------------------------
INPLACE = [F.relu, F.elu, F.selu, F.silu, F.mish, F.leaky_relu, F.hardtanh, F.relu6, F.hardsigmoid,
           F.hardswish, F.rrelu, lambda x, inplace: F.threshold(x, 0.0, 1.0, inplace=inplace)]


@pytest.mark.parametrize("fn", INPLACE)
def test_inplace_writes_into_the_input_and_keeps_the_gradient(fn: Any, backend: str) -> None:
    leaf = ad.tensor([-1.5, 0.5, 2.0], dtype=ad.float64, requires_grad=True)
    x = leaf * 1.0
    want = fn(leaf * 1.0, inplace=False)
    out = fn(x, inplace=True)
    assert out is x
    np.testing.assert_array_equal(x.detach().numpy(), want.detach().numpy())
    (got_grad,) = ad.autograd.grad(out.sum(), leaf)
    (want_grad,) = ad.autograd.grad(want.sum(), leaf)
    np.testing.assert_array_equal(got_grad.numpy(), want_grad.numpy())


def test_inplace_on_a_leaf_that_requires_grad_raises(backend: str) -> None:
    x = ad.tensor([1.0, -1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        F.elu(x, inplace=True)


# -- options and errors --------------------------------------------------------------------
def test_rrelu_in_training_draws_slopes_in_bounds(backend: str) -> None:
    ad.manual_seed(0)
    x = ad.full((1000,), -1.0, dtype=ad.float64, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = -y.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)  # each element's own slope
    positive = F.rrelu(ad.tensor([2.0]), training=True)
    assert positive.item() == 2.0
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal"):
        F.rrelu(x, 0.5, 0.1)


def test_glu_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 "
                                           "is size 3"):
        F.glu(ad.ones((2, 3)))
    with pytest.raises(RuntimeError, match="glu does not support scalars"):
        F.glu(ad.tensor(1.0))
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.glu(ad.ones((2, 4)), dim=2)


def test_activation_option_errors(backend: str) -> None:
    x = ad.tensor([1.0, -1.0])
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(x, approximate="erf")
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(x, 1.0, -1.0)
    with pytest.raises(RuntimeError, match=r"lambda must be in range \[0, 3.40282e\+38\] for "
                                           "input dtype Float, but found -1"):
        F.softshrink(x, -1.0)
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel "
                                           "size. Found parameter numbers = 3 and channel "
                                           "size = 2."):
        F.prelu(ad.ones((4, 2)), ad.ones(3))
    with pytest.raises(NotImplementedError):
        F.softplus(ad.tensor([1.0 + 1.0j]))


def test_softmin_dtype_and_hardshrink_method(backend: str) -> None:
    x = ad.tensor([[1.0, 2.0]], dtype=ad.float32)
    got = F.softmin(x, dim=1, dtype=ad.float64)
    assert got.dtype == ad.float64
    np.testing.assert_allclose(got.numpy(), [[1 / (1 + np.exp(-1)), 1 / (1 + np.exp(1))]])
    shrunk = ad.tensor([0.3, 0.7], dtype=ad.float64).hardshrink()
    np.testing.assert_array_equal(shrunk.numpy(), [0.0, 0.7])


def test_functional_aliases() -> None:
    assert F.tanh is ad.tanh and F.sigmoid is ad.sigmoid
    # F.relu takes PyTorch's inplace=; the method is the primitive itself
    assert ad.Tensor.relu is ad.REGISTRY["relu"].op


# -- linear and bilinear ---------------------------------------------------------------------
def test_linear_and_bilinear_shape_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(2x3 and 4x5\)"):
        F.linear(ad.ones((2, 3)), ad.ones((5, 4)))
    with pytest.raises(RuntimeError, match="bilinear\\(\\): input2 size does not match weight "
                                           "size: got 4 but expected 3"):
        F.bilinear(ad.ones((2, 3)), ad.ones((2, 4)), ad.ones((5, 3, 3)))
    with pytest.raises(RuntimeError, match="input batch dimensions do not match"):
        F.bilinear(ad.ones((2, 3)), ad.ones((3, 3)), ad.ones((5, 3, 3)))
    with pytest.raises(TypeError, match="linear: weight must be a Tensor"):
        F.linear(ad.ones((2, 3)), [[1.0, 2.0, 3.0]])


# -- dropout ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [F.dropout, F.alpha_dropout, F.feature_alpha_dropout,
                                F.dropout1d, F.dropout2d, F.dropout3d])
@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_probability_outside_0_1_raises(fn: Any, p: float, backend: str) -> None:
    with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, "
                                         f"but got {p}"):
        fn(ad.ones((2, 3, 4, 4)), p, True)


def test_dropout_defaults_and_scaling(backend: str) -> None:
    x = ad.ones((200, 50), dtype=ad.float64)
    ad.manual_seed(1)
    y = F.dropout(x, 0.2)  # training=True by default, as in PyTorch
    values = y.numpy()
    assert set(np.unique(values)) == {0.0, 1.25}
    assert abs((values == 0).mean() - 0.2) < 0.02
    assert F.dropout(x, 0.2, training=False) is x
    # the alpha dropouts are the identity unless training=True (PyTorch's defaults)
    assert F.alpha_dropout(x, 0.2) is x and F.feature_alpha_dropout(x, 0.2) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), np.zeros((200, 50)))


def test_alpha_dropout_keeps_mean_and_variance(backend: str) -> None:
    ad.manual_seed(2)
    x = ad.randn(400, 500, dtype=ad.float64)
    y = F.alpha_dropout(x, 0.3, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.var() - 1.0) < 0.03
    dropped = -1.7580993408473766 / np.sqrt((1.7580993408473766**2 * 0.3 + 1) * 0.7) + (
        1.7580993408473766 * 0.3 / np.sqrt((1.7580993408473766**2 * 0.3 + 1) * 0.7))
    assert abs((np.isclose(y, dropped)).mean() - 0.3) < 0.01


def test_feature_dropouts_zero_whole_channels(backend: str) -> None:
    ad.manual_seed(3)
    for fn, shape, channel_axes in ((F.dropout1d, (4, 6, 5), 2), (F.dropout2d, (4, 6, 3, 3), 2),
                                    (F.dropout3d, (6, 2, 2, 2), 1),
                                    (F.dropout3d, (4, 6, 2, 2, 2), 2)):
        y = fn(ad.ones(shape, dtype=ad.float64), 0.5).numpy()
        per_channel = y.reshape(math_prod(shape[:channel_axes]), -1)
        assert all(len(set(row)) == 1 for row in per_channel.tolist()), fn
        assert {0.0, 2.0} == set(np.unique(y)), fn


def math_prod(shape: tuple[int, ...]) -> int:
    return int(np.prod(shape))


def test_feature_dropout_rank_errors_and_warnings(backend: str) -> None:
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received "
                                           "a 4D input"):
        F.dropout1d(ad.ones((2, 3, 4, 5)))
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        F.dropout2d(ad.ones((2, 3, 4)))
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d, which is "
                                         "deprecated"):
        F.dropout2d(ad.ones((2, 3)))
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        F.dropout3d(ad.ones((2, 3, 4)))


def test_dropout_inplace_and_gradient(backend: str) -> None:
    leaf = ad.ones(100, dtype=ad.float64, requires_grad=True)
    x = leaf * 2.0
    ad.manual_seed(4)
    out = F.dropout(x, 0.5, inplace=True)
    assert out is x
    out.sum().backward()
    # the gradient is the mask scaled by 1 / (1 - p), times the 2 of leaf * 2
    np.testing.assert_array_equal(leaf.grad.numpy(), x.detach().numpy())


# -- embedding and one_hot ----------------------------------------------------------------
def test_embedding_padding_row_gets_no_gradient(backend: str) -> None:
    w = ad.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    out = F.embedding(ad.tensor([[0, 2], [2, 3]]), w, padding_idx=2)
    np.testing.assert_array_equal(out.detach().numpy()[0, 1], [6.0, 7.0, 8.0])
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]])


def test_embedding_max_norm_renormalizes_the_rows_looked_up(backend: str) -> None:
    w = ad.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]], dtype=ad.float64)
    out = F.embedding(ad.tensor([0, 1, 0]), w, max_norm=1.0)
    np.testing.assert_allclose(w.numpy(), [[0.6, 0.8], [0.3, 0.4], [6.0, 8.0]], rtol=1e-6)
    np.testing.assert_allclose(out.numpy(), [[0.6, 0.8], [0.3, 0.4], [0.6, 0.8]], rtol=1e-6)


def test_embedding_errors(backend: str) -> None:
    w = ad.ones((3, 2))
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(ad.tensor([3]), w)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(ad.tensor([-1]), w)
    with pytest.raises(RuntimeError, match="Expected tensor for argument #1 'indices' to have "
                                           "one of the following scalar types: Long, Int"):
        F.embedding(ad.tensor([1.0]), w)
    with pytest.raises(ValueError, match="Padding_idx must be within num_embeddings"):
        F.embedding(ad.tensor([1]), w, padding_idx=5)
    with pytest.raises(NotImplementedError, match="sparse"):
        F.embedding(ad.tensor([1]), w, sparse=True)


def test_one_hot_inference_and_errors(backend: str) -> None:
    got = F.one_hot(ad.tensor([[1, 0], [3, 1]]))
    assert got.dtype == ad.int64 and got.shape == (2, 2, 4)
    assert F.one_hot(ad.tensor([], dtype=ad.int64), 3).shape == (0, 3)
    with pytest.raises(RuntimeError, match="^Class values must be non-negative.$"):
        F.one_hot(ad.tensor([-1, 2]))
    with pytest.raises(RuntimeError, match="^Class values must be smaller than num_classes.$"):
        F.one_hot(ad.tensor([1, 2]), 2)
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor"):
        F.one_hot(ad.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Can not infer total number of classes from empty"):
        F.one_hot(ad.tensor([], dtype=ad.int64))


# -- scaled_dot_product_attention -----------------------------------------------------------
def test_attention_row_with_nothing_to_attend_to_is_zero(backend: str) -> None:
    q = ad.tensor(np.random.default_rng(0).standard_normal((2, 3, 4)), requires_grad=True)
    keep = ad.tensor([[True, False, True], [False, False, False], [True, True, True]])
    out = F.scaled_dot_product_attention(q, q, q, attn_mask=keep)
    np.testing.assert_array_equal(out.detach().numpy()[:, 1], np.zeros((2, 4)))
    out.sum().backward()
    assert np.isfinite(q.grad.numpy()).all()


def test_attention_errors(backend: str) -> None:
    q = ad.ones((1, 4, 3, 2))
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when "
                                           "is_causal=True"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ad.ones((3, 3)), is_causal=True)
    with pytest.raises(RuntimeError, match="Number of heads in key and value must divide"):
        kv = ad.ones((1, 3, 3, 2))
        F.scaled_dot_product_attention(q, kv, kv, enable_gqa=True)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        F.scaled_dot_product_attention(q, q, q, dropout_p=2.0)


def test_attention_dropout_is_seeded(backend: str) -> None:
    q = ad.tensor(np.random.default_rng(1).standard_normal((3, 4)))
    ad.manual_seed(5)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    ad.manual_seed(5)
    b = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.allclose(a.numpy(), F.scaled_dot_product_attention(q, q, q).numpy())


def test_complex_input_is_refused_where_pytorch_refuses_it(backend: str) -> None:
    z = ad.tensor([1.0 + 1.0j, -1.0 - 0.5j])
    for fn in (F.elu, F.selu, F.gelu, F.softplus, F.logsigmoid, F.mish, F.hardtanh,
               F.leaky_relu, F.hardswish, lambda x: F.threshold(x, 0.0, 1.0), F.dropout,
               F.hardshrink, F.softshrink):
        with pytest.raises(NotImplementedError, match="not implemented for 'Complex"):
            fn(z)
    # silu, softsign and tanhshrink take complex input in PyTorch, and here
    assert F.silu(z).dtype == ad.complex64 and F.tanhshrink(z).dtype == ad.complex64


def test_embedding_bag_options_and_errors(backend: str) -> None:
    w = ad.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    idx, offsets = ad.tensor([0, 2, 2, 1, 3]), ad.tensor([0, 2, 2])
    # PyTorch's values: the middle bag is empty, padding lookups leave their bag
    got = F.embedding_bag(idx, w, offsets, mode="mean", padding_idx=2)
    np.testing.assert_array_equal(got.detach().numpy(), [[0, 1, 2], [0, 0, 0], [6, 7, 8]])
    last = F.embedding_bag(idx, w, ad.tensor([0, 2, 5]), mode="sum", include_last_offset=True)
    np.testing.assert_array_equal(last.detach().numpy(), [[6, 8, 10], [18, 21, 24]])
    top = F.embedding_bag(idx, w, offsets, mode="max")
    np.testing.assert_array_equal(top.detach().numpy(), [[6, 7, 8], [0, 0, 0], [9, 10, 11]])
    with pytest.raises(RuntimeError, match="offsets\\[0\\] has to be 0"):
        F.embedding_bag(idx, w, ad.tensor([1, 2]))
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(idx, w)
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
        F.embedding_bag(idx.reshape((1, 5)), w, offsets)
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported for "
                                                  "mode='sum' \\(got mode='mean'\\)"):
        F.embedding_bag(idx, w, offsets, per_sample_weights=ad.ones(5))
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        F.embedding_bag(idx, w, offsets, mode="prod")
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding_bag(ad.tensor([0, 5]), w, ad.tensor([0]))
    with pytest.raises(RuntimeError, match="'weight' to have one of the following scalar"):
        F.embedding_bag(idx, ad.ones((4, 3), dtype=ad.complex128), offsets)


# -- against PyTorch itself, where it is installed (never required) ------------------------
# (not hardsigmoid: PyTorch's gradient is 1/6 rounded to float32, even in float64)
AGAINST_TORCH = ["gelu", "silu", "mish", "leaky_relu", "elu", "selu", "softplus", "softsign",
                 "hardtanh", "hardswish", "relu6", "logsigmoid", "tanhshrink", "hardshrink",
                 "softshrink", "celu", "rrelu", "relu", "sigmoid", "tanh"]
GRID = [-1000.0, -37.0, -20.5, -20.0, -6.0, -3.0, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 1.0, 3.0,
        6.0, 20.0, 20.5, 37.0, 1000.0]


@pytest.mark.parametrize("name", AGAINST_TORCH)
def test_values_and_gradients_match_torch(name: str, backend: str) -> None:
    torch = pytest.importorskip("torch", reason="torch is an optional oracle")
    xt = torch.tensor(GRID, dtype=torch.float64, requires_grad=True)
    yt = getattr(torch.nn.functional, name)(xt)
    yt.sum().backward()
    value, grad = _value_and_grad(getattr(F, name), GRID)
    # absolutely: PyTorch's gelu rounds 1 + erf(x / sqrt 2) to 0 below x = -8, where
    # autodiff's keeps its relative precision
    np.testing.assert_allclose(value, yt.detach().numpy(), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-12, atol=1e-15)


LAYERS = {
    "linear": ((2, 5, 3), (4, 3), (4,)),
    "bilinear": ((2, 3), (2, 4), (5, 3, 4), (5,)),
    "scaled_dot_product_attention": ((2, 3, 4), (2, 5, 4), (2, 5, 3)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_match_torch(name: str, backend: str) -> None:
    torch = pytest.importorskip("torch", reason="torch is an optional oracle")
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(shape) for shape in LAYERS[name]]
    ours = [ad.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, want = getattr(F, name)(*ours), getattr(torch.nn.functional, name)(*theirs)
    weights = rng.standard_normal(want.shape)
    (out * ad.tensor(weights)).sum().backward()
    (want * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-12,
                               atol=1e-14)
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-12,
                                   atol=1e-14)
