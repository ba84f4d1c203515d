"""Options, shapes, errors and extremes of the losses, distances and normalization
functions of ``nn.functional`` (issue 16): what a conformance case cannot express."""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import pytest

import autodiff as ad

F = ad.nn.functional


def _t(values: Any, grad: bool = False) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


def _np(x: ad.Tensor) -> np.ndarray:
    return x.detach().numpy()


# -- reduction arguments ----------------------------------------------------------------
@pytest.mark.parametrize("size_average, reduce, want", [
    (None, False, "none"), (False, None, "sum"), (True, True, "mean"), (False, False, "none"),
])
def test_legacy_reduction_arguments(backend: str, size_average: Any, reduce: Any,
                                    want: str) -> None:
    x, y = _t([1.0, -3.0]), _t([0.0, 0.0])
    with pytest.warns(UserWarning, match=f"please use reduction='{want}' instead"):
        got = F.l1_loss(x, y, size_average=size_average, reduce=reduce, reduction="sum")
    np.testing.assert_allclose(_np(got), _np(F.l1_loss(x, y, reduction=want)))


@pytest.mark.parametrize("fn, args", [
    (F.l1_loss, 2), (F.smooth_l1_loss, 2), (F.huber_loss, 2), (F.binary_cross_entropy, 2),
    (F.poisson_nll_loss, 2), (F.soft_margin_loss, 2), (F.hinge_embedding_loss, 2),
    (F.margin_ranking_loss, 3), (F.triplet_margin_loss, 3),
])
def test_an_unknown_reduction_raises_pytorchs_error(backend: str, fn: Any, args: int) -> None:
    inputs = [_t([0.5, 0.5]) for _ in range(args)]
    with pytest.raises(ValueError, match="^bogus is not a valid value for reduction$"):
        fn(*inputs, reduction="bogus")


def test_elementwise_mean_is_pytorchs_deprecated_mean(backend: str) -> None:
    x, y = _t([1.0, -3.0]), _t([0.0, 0.0])
    with pytest.warns(UserWarning, match="'elementwise_mean' is deprecated"):
        assert float(F.l1_loss(x, y, reduction="elementwise_mean")) == 2.0


def test_reduction_errors_of_the_python_level_losses(backend: str) -> None:
    x = _t([[0.5, 0.5]])
    with pytest.raises(ValueError, match="^bogus is not valid$"):
        F.multilabel_soft_margin_loss(x, x, reduction="bogus")
    with pytest.raises(ValueError, match="^bogus is not valid$"):
        F.gaussian_nll_loss(x, x, x, reduction="bogus")
    with pytest.raises(ValueError, match="bogus is not a valid value for reduction"):
        F.triplet_margin_with_distance_loss(x, x, x, reduction="bogus")


def test_a_broadcast_target_warns_as_pytorch(backend: str) -> None:
    with pytest.warns(UserWarning, match="Using a target size"):
        F.l1_loss(_t([[1.0], [2.0]]), _t([1.0, 2.0]))
    with pytest.warns(UserWarning, match="different to the input size"):
        F.smooth_l1_loss(_t([[1.0], [2.0]]), _t([1.0, 2.0]))


# -- regression losses -----------------------------------------------------------------
def test_smooth_l1_and_huber_options(backend: str) -> None:
    x, y = _t([0.2, 3.0]), _t([0.0, 0.0])
    np.testing.assert_allclose(_np(F.smooth_l1_loss(x, y, beta=0.0, reduction="none")),
                               [0.2, 3.0])
    with pytest.raises(RuntimeError, match="does not support negative values for beta"):
        F.smooth_l1_loss(x, y, beta=-1.0)
    with pytest.raises(RuntimeError, match="does not support non-positive values for delta"):
        F.huber_loss(x, y, delta=0.0)
    # huber = delta * smooth_l1(beta=delta)
    np.testing.assert_allclose(_np(F.huber_loss(x, y, delta=2.0)),
                               2.0 * _np(F.smooth_l1_loss(x, y, beta=2.0)))


def test_weighted_l1_and_huber(backend: str) -> None:
    x, y, w = _t([1.0, 3.0]), _t([0.0, 0.0]), _t([1.0, 3.0])
    assert float(F.l1_loss(x, y, weight=w)) == pytest.approx(10.0 / 4.0)  # by total weight
    assert float(F.huber_loss(x, y, weight=w)) == pytest.approx((0.5 + 3 * 2.5) / 2)
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        F.l1_loss(x, y, weight=_t([1.0]))


# -- binary cross-entropy at the extremes -----------------------------------------------
def test_binary_cross_entropy_is_finite_at_zero_and_one(backend: str) -> None:
    p = _t([0.0, 1.0, 0.0, 1.0], grad=True)
    y = _t([1.0, 1.0, 0.0, 0.0], grad=True)
    loss = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(_np(loss), [100.0, 0.0, 0.0, 100.0])
    loss.sum().backward()
    assert p.grad is not None and y.grad is not None
    np.testing.assert_allclose(_np(p.grad), [-1e12, 0.0, 0.0, 1e12])  # PyTorch's 1e-12 floor
    np.testing.assert_allclose(_np(y.grad), [100.0, -100.0, 100.0, -100.0])  # clamped logs


def test_binary_cross_entropy_checks(backend: str) -> None:
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(_t([1.5]), _t([1.0]))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(_t([math.nan]), _t([1.0]))
    with pytest.raises(ValueError, match=r"Using a target size .* is deprecated"):
        F.binary_cross_entropy(_t([[0.5]]), _t([1.0]))
    weighted = F.binary_cross_entropy(_t([[0.5, 0.5]]), _t([[1.0, 0.0]]), _t([1.0, 3.0]),
                                      reduction="sum")
    assert float(weighted) == pytest.approx(4 * math.log(2))


# -- divergences and likelihoods -------------------------------------------------------
def test_kl_div_reductions(backend: str) -> None:
    logq = ad.log(_t([[0.25, 0.75], [0.5, 0.5]]))
    p = _t([[0.5, 0.5], [1.0, 0.0]])
    pointwise = _np(F.kl_div(logq, p, reduction="none"))
    assert pointwise[1, 1] == 0.0  # 0 log 0 = 0
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        mean = F.kl_div(logq, p)
    assert float(mean) == pytest.approx(pointwise.mean())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(F.kl_div(logq, p, reduction="batchmean")) == pytest.approx(
            pointwise.sum() / 2)
    same = F.kl_div(logq, ad.log(p + 1e-300), reduction="sum", log_target=True)
    assert float(same) == pytest.approx(pointwise.sum())


def test_kl_div_gradient_is_finite_at_a_zero_target(backend: str) -> None:
    x, t = _t([-1.0, -2.0], grad=True), _t([0.0, 1.0], grad=True)
    F.kl_div(x, t, reduction="sum").backward()
    assert t.grad is not None and x.grad is not None
    assert np.isfinite(_np(t.grad)).all()
    np.testing.assert_allclose(_np(x.grad), [0.0, -1.0])


def test_poisson_nll_loss_options(backend: str) -> None:
    x, t = _t([1.0, 2.0]), _t([0.5, 3.0])
    plain = F.poisson_nll_loss(x, t, log_input=False, reduction="none")
    np.testing.assert_allclose(_np(plain), [1 - 0.5 * math.log(1 + 1e-8),
                                            2 - 3 * math.log(2 + 1e-8)])
    full = F.poisson_nll_loss(x, t, log_input=False, full=True, reduction="none")
    stirling = 3 * math.log(3) - 3 + 0.5 * math.log(2 * math.pi * 3)
    np.testing.assert_allclose(_np(full) - _np(plain), [0.0, stirling])  # only where t > 1


def test_gaussian_nll_loss_shapes_and_checks(backend: str) -> None:
    x, y = _t(np.zeros((2, 3))), _t(np.ones((2, 3)))
    one = F.gaussian_nll_loss(x, y, 1.0)  # a float var
    assert float(one) == pytest.approx(0.5)
    assert float(F.gaussian_nll_loss(x, y, _t([1.0, 1.0]))) == pytest.approx(0.5)
    assert float(F.gaussian_nll_loss(x, y, _t([[1.0], [1.0]]))) == pytest.approx(0.5)
    full = F.gaussian_nll_loss(x, y, _t(np.ones((2, 3))), full=True)
    assert float(full) == pytest.approx(0.5 + 0.5 * math.log(2 * math.pi))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, y, _t([1.0, 1.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        F.gaussian_nll_loss(x, y, _t([1.0, -1.0]))
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        F.gaussian_nll_loss(x, y, -1.0)


def test_gaussian_nll_loss_clamps_var_without_stopping_its_gradient(backend: str) -> None:
    var = _t([0.0, 1.0], grad=True)
    loss = F.gaussian_nll_loss(_t([0.0, 0.0]), _t([0.0, 0.0]), var, eps=1e-6,
                               reduction="sum")
    assert float(loss) == pytest.approx(0.5 * math.log(1e-6))
    loss.backward()
    assert var.grad is not None
    np.testing.assert_allclose(_np(var.grad), [0.5 / 1e-6, 0.5])


# -- margins and embeddings -----------------------------------------------------------
def test_margin_losses_check_shapes(backend: str) -> None:
    with pytest.raises(RuntimeError, match="All input tensors should have same dimension"):
        F.margin_ranking_loss(_t([1.0]), _t([[1.0]]), _t([1.0]))
    with pytest.raises(RuntimeError, match=r"anchor 2D, positive 2D, and negative 1D inputs"):
        F.triplet_margin_loss(_t([[1.0]]), _t([[1.0]]), _t([1.0]))
    with pytest.raises(ValueError, match="margin must be greater than 0, got 0"):
        F.triplet_margin_with_distance_loss(_t([[1.0]]), _t([[1.0]]), _t([[1.0]]), margin=0)
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):
        F.cosine_embedding_loss(_t([[1.0]]), _t([[1.0]]), _t([[1.0]]))
    with pytest.raises(RuntimeError, match=r"1D target tensor expects 2D input tensors, but "
                       r"found inputs with sizes \[2\] and \[2\]\."):
        F.cosine_embedding_loss(_t([1.0, 0.0]), _t([1.0, 0.0]), _t([1.0]))


def test_multi_margin_loss_options_and_checks(backend: str) -> None:
    x = _t([[0.1, 0.2, 0.4, 0.8]])
    y = ad.tensor([3])
    assert float(F.multi_margin_loss(x, y)) == pytest.approx((0.3 + 0.4 + 0.6) / 4)
    assert float(F.multi_margin_loss(x, y, p=2)) == pytest.approx((0.09 + 0.16 + 0.36) / 4)
    assert float(F.multi_margin_loss(x, y, weight=_t([1.0, 1.0, 1.0, 2.0]))) == \
        pytest.approx(2 * 1.3 / 4)
    unbatched = F.multi_margin_loss(_t([0.1, 0.2, 0.4, 0.8]), ad.tensor(3), reduction="none")
    assert unbatched.shape == ()
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        F.multi_margin_loss(x, y, p=3)
    with pytest.raises(ValueError, match="weight must be one-dimensional"):
        F.multi_margin_loss(x, y, weight=_t([[1.0]]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[1\], but got \[2\]"):
        F.multi_margin_loss(x, ad.tensor([3, 1]))
    with pytest.raises(RuntimeError, match="Expected non-empty vector or matrix"):
        F.multi_margin_loss(_t(np.zeros((1, 2, 2))), y)
    with pytest.raises(TypeError, match="class indices"):
        F.multi_margin_loss(x, _t([3.0]))


def test_multilabel_margin_loss_stops_at_the_first_minus_one(backend: str) -> None:
    x = _t([[0.1, 0.2, 0.4, 0.8]])
    # classes 3 and 0; the 1 after -1 is ignored
    want = ((1 - 0.6) + (1 - 0.4) + (1 + 0.1) + (1 + 0.3)) / 4  # (3, 1) (3, 2) (0, 1) (0, 2)
    assert float(F.multilabel_margin_loss(x, ad.tensor([[3, 0, -1, 1]]))) == pytest.approx(want)
    none = F.multilabel_margin_loss(x, ad.tensor([[-1, 0, 1, 2]]), reduction="none")
    np.testing.assert_allclose(_np(none), [0.0])
    with pytest.raises(RuntimeError, match=r"inconsistent target size: \[4\] for input of "
                       r"size: \[1, 4\]"):
        F.multilabel_margin_loss(x, ad.tensor([3, 0, -1, 1]))


def test_soft_margins_are_stable_for_large_logits(backend: str) -> None:
    x = _t([1000.0, -1000.0], grad=True)
    loss = F.soft_margin_loss(x, _t([-1.0, 1.0]), reduction="sum")
    assert float(loss) == pytest.approx(2000.0)
    loss.backward()
    assert x.grad is not None
    np.testing.assert_allclose(_np(x.grad), [1.0, -1.0])
    multi = F.multilabel_soft_margin_loss(_t([[1000.0, -1000.0]]), _t([[1.0, 0.0]]))
    assert float(multi) == pytest.approx(0.0)


def test_triplet_swap_and_cosine_embedding(backend: str) -> None:
    a, p, n = _t([[0.0, 0.0]]), _t([[3.0, 4.0]]), _t([[3.0, 5.0]])
    assert float(F.triplet_margin_loss(a, p, n, eps=0.0)) == pytest.approx(
        1.0 + 5.0 - math.sqrt(34))
    assert float(F.triplet_margin_loss(a, p, n, eps=0.0, swap=True)) == pytest.approx(5.0)
    cos = F.cosine_embedding_loss(_t([[1.0, 0.0], [0.0, 0.0]]), _t([[1.0, 1.0], [1.0, 0.0]]),
                                  _t([1.0, 1.0]), reduction="none")
    np.testing.assert_allclose(_np(cos), [1 - math.sqrt(0.5), 1.0])  # a zero row: cos 0


# -- distances ------------------------------------------------------------------------
def test_cosine_similarity_of_a_zero_vector_is_zero_with_a_finite_gradient(backend: str
                                                                          ) -> None:
    x1, x2 = _t([[0.0, 0.0]], grad=True), _t([[1.0, 1.0]], grad=True)
    out = F.cosine_similarity(x1, x2)
    np.testing.assert_allclose(_np(out), [0.0])
    out.sum().backward()
    assert x1.grad is not None and np.isfinite(_np(x1.grad)).all()


def test_pairwise_distance_pdist_and_normalize(backend: str) -> None:
    d = F.pairwise_distance(_t([[0.0, 0.0]]), _t([[3.0, 4.0]]), eps=0.0, keepdim=True)
    assert d.shape == (1, 1)
    inf = F.pairwise_distance(_t([[0.0, 0.0]]), _t([[3.0, -4.0]]), p=math.inf, eps=0.0)
    np.testing.assert_allclose(_np(inf), [4.0])
    assert F.pdist(_t(np.ones((4, 2)))).shape == (6,)
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors, got: 3D"):
        F.pdist(_t(np.ones((1, 2, 2))))
    zero = F.normalize(_t([[0.0, 0.0], [3.0, 4.0]]))
    np.testing.assert_allclose(_np(zero), [[0.0, 0.0], [0.6, 0.8]])


# -- normalization ---------------------------------------------------------------------
def test_batch_norm_updates_running_statistics_in_place(backend: str) -> None:
    x = _t(np.arange(12.0).reshape(4, 3), grad=True)
    mean, var = ad.zeros(3, dtype=ad.float64), ad.ones(3, dtype=ad.float64)
    out = F.batch_norm(x, mean, var, training=True, momentum=0.5)
    assert not mean.requires_grad and mean.grad_fn is None
    data = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(_np(mean), 0.5 * data.mean(0))
    np.testing.assert_allclose(_np(var), 0.5 + 0.5 * data.var(0, ddof=1))
    np.testing.assert_allclose(_np(out), (data - data.mean(0)) / np.sqrt(data.var(0) + 1e-5))
    evaluated = F.batch_norm(x, mean, var, _t([2.0, 2.0, 2.0]), _t([1.0, 1.0, 1.0]))
    np.testing.assert_allclose(
        _np(evaluated), 2 * (data - _np(mean)) / np.sqrt(_np(var) + 1e-5) + 1)


def test_batch_norm_checks(backend: str) -> None:
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when "
                       r"training, got input size torch.Size\(\[1, 4\]\)"):
        F.batch_norm(_t(np.ones((1, 4))), None, None, training=True)
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        F.batch_norm(_t(np.ones((2, 4))), ad.zeros(3), ad.ones(4), training=True)
    with pytest.raises(ValueError, match="Expected more than 1 spatial element"):
        F.instance_norm(_t(np.ones((2, 4))))


def test_layer_group_and_rms_norm_checks(backend: str) -> None:
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[3\], expected input "
                       r"with shape \[\*, 3\], but got input of size\[3, 4\]"):
        F.layer_norm(_t(np.ones((3, 4))), (3,))
    with pytest.raises(RuntimeError, match=r"expected input with shape \[\*3\]"):
        F.rms_norm(_t(np.ones((3, 4))), (3,))
    with pytest.raises(RuntimeError, match="divisible by num_groups, but got input of shape "
                       r"\[3, 4\] and num_groups=3"):
        F.group_norm(_t(np.ones((3, 4))), 3)
    with pytest.raises(ValueError, match="Expected 3D or higher dimensionality"):
        F.local_response_norm(_t(np.ones((3, 4))), 2)


def test_rms_norm_default_eps_is_the_dtypes(backend: str) -> None:
    x = ad.tensor(np.zeros((1, 2), dtype=np.float32))
    np.testing.assert_array_equal(_np(F.rms_norm(x, (2,))), [[0.0, 0.0]])
    y = _t([[3.0, 4.0]])
    np.testing.assert_allclose(_np(F.rms_norm(y, [2])), [[3.0, 4.0]] / np.sqrt(12.5))


def test_layer_norm_is_stable_for_a_large_offset(backend: str) -> None:
    x = _t([[1e8 + 1.0, 1e8 + 3.0]], grad=True)
    out = F.layer_norm(x, (2,))
    np.testing.assert_allclose(_np(out), [[-1.0, 1.0]], atol=1e-5)
    out[0, 1].backward()
    assert x.grad is not None and np.isfinite(_np(x.grad)).all()


def test_normalization_second_order_and_forward_mode(backend: str) -> None:
    x = _t(np.random.default_rng(0).standard_normal((3, 4)), grad=True)
    assert ad.testing.gradgradcheck(lambda t: F.layer_norm(t, (4,)) ** 2, (x,))
    with ad.autograd.forward_ad.dual_level():
        tangent = _t(np.ones((3, 4)))
        dual = ad.autograd.forward_ad.make_dual(x.detach(), tangent)
        out = F.layer_norm(dual, (4,))
        # a constant shift along the normalized axis is invisible to layer_norm
        np.testing.assert_allclose(_np(ad.autograd.forward_ad.unpack_dual(out).tangent),
                                   0.0, atol=1e-7)


# -- against PyTorch, when it is installed -------------------------------------------
@pytest.mark.parametrize("name, kwargs", [
    ("l1_loss", {}), ("smooth_l1_loss", {"beta": 0.5}), ("huber_loss", {"delta": 0.5}),
    ("soft_margin_loss", {}), ("poisson_nll_loss", {"full": True}),
])
def test_pointwise_losses_match_torch(name: str, kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch", reason="an optional cross-check against PyTorch")
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((3, 4)), np.sign(rng.standard_normal((3, 4))) * 2
    tx = torch.tensor(x, requires_grad=True)
    want = getattr(torch.nn.functional, name)(tx, torch.tensor(y), **kwargs)
    want.backward()
    ax = _t(x, grad=True)
    got = getattr(F, name)(ax, _t(y), **kwargs)
    got.backward()
    assert ax.grad is not None and tx.grad is not None
    np.testing.assert_allclose(_np(got), want.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(_np(ax.grad), tx.grad.numpy(), rtol=1e-12)


# -- complex input, refused where PyTorch refuses it ------------------------------------
def _z(*shape: int) -> ad.Tensor:
    return ad.tensor(np.ones(shape) + 1j * np.ones(shape))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.huber_loss(_z(2), _z(2)), NotImplementedError,
     "\"huber_cpu\" not implemented for 'ComplexDouble'"),
    (lambda: F.smooth_l1_loss(_z(2), _z(2)), NotImplementedError, "smooth_l1_cpu"),
    (lambda: F.binary_cross_entropy(_z(2), _z(2)), NotImplementedError,
     "\"binary_cross_entropy\" not implemented"),
    (lambda: F.kl_div(_z(2), _z(2)), RuntimeError, "kl_div: Complex inputs not supported."),
    (lambda: F.gaussian_nll_loss(_z(2), _z(2), _z(2)), NotImplementedError, "lt_cpu"),
    (lambda: F.multi_margin_loss(_z(1, 2), ad.tensor([0])), NotImplementedError,
     "multi_margin_loss_cpu_kernel"),
    (lambda: F.cosine_similarity(_z(1, 2), _z(1, 2)), RuntimeError,
     "expected common dtype to be floating point"),
    (lambda: F.pdist(_z(2, 2)), RuntimeError, "pdist only supports floating-point dtypes"),
    (lambda: F.layer_norm(_z(2, 2), (2,)), NotImplementedError, "LayerNormKernelImpl"),
    (lambda: F.group_norm(_z(2, 2), 1), NotImplementedError, "GroupNormKernelImpl"),
    (lambda: F.batch_norm(_z(2, 2), None, None, training=True), NotImplementedError,
     "\"batch_norm\" not implemented"),
    (lambda: F.local_response_norm(_z(1, 2, 2), 2), NotImplementedError, "avg_pool2d"),
])
def test_complex_input_is_refused_as_in_pytorch(backend: str, call: Any, error: type,
                                                 message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_complex_input_where_pytorch_takes_it(backend: str) -> None:
    z = _z(2)
    assert F.l1_loss(z, z * 0).dtype == ad.float64
    assert F.soft_margin_loss(z, _t([1.0, -1.0])).dtype == ad.complex128
    assert F.normalize(_z(1, 2)).dtype == ad.complex128
    assert F.rms_norm(_z(1, 2), (2,)).dtype == ad.complex128
