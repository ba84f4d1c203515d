"""Cases PyTorch's op database caught (tools/torch_oracle.py), each checked here against a
numpy reference so that CI, which has no torch, keeps them fixed."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import autodiff as ad
from autodiff.testing import gradcheck

F = ad.nn.functional


def _np(x: ad.Tensor) -> np.ndarray:
    return np.asarray(x.detach().numpy())


def _t(values: object, grad: bool = False) -> ad.Tensor:
    return ad.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


# -- pad(mode='circular') with negative pads: crop first, then wrap what is left ------------
def _circular_reference(x: np.ndarray, pads: tuple[int, ...]) -> np.ndarray:
    for i in range(len(pads) // 2):
        lo, hi, axis = pads[2 * i], pads[2 * i + 1], x.ndim - 1 - i
        n = x.shape[axis]
        x = np.take(x, range(max(-lo, 0), n - max(-hi, 0)), axis=axis)
        widths = [(0, 0)] * x.ndim
        widths[axis] = (max(lo, 0), max(hi, 0))
        x = np.pad(x, widths, mode="wrap")
    return x


@pytest.mark.parametrize("pads", [p for p in itertools.product((-2, -1, 0, 1, 3), repeat=2)
                                  if any(v < 0 for v in p)])
def test_pad_circular_negative_pads_crop_then_wrap(backend: str,
                                                   pads: tuple[int, int]) -> None:
    x = np.arange(2 * 4 * 4, dtype=np.float64).reshape(1, 2, 4, 4)
    got = F.pad(_t(x), pads + (pads[1], pads[0]), mode="circular")
    np.testing.assert_array_equal(_np(got), _circular_reference(x, pads + (pads[1], pads[0])))


def test_pad_circular_crop_sample_from_pytorch(backend: str) -> None:
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    got = F.pad(_t(x), (-1, 1, -2, 1), mode="circular")
    np.testing.assert_array_equal(_np(got)[0, 0], [[9, 10, 11, 9], [13, 14, 15, 13],
                                                   [9, 10, 11, 9]])


# -- quantile: linear interpolation is differentiable in q ---------------------------------
@pytest.mark.parametrize("op", ["quantile", "nanquantile"])
@pytest.mark.parametrize("keepdim", [False, True])
def test_quantile_gradient_with_respect_to_q(backend: str, op: str, keepdim: bool) -> None:
    x = _t(np.random.default_rng(0).standard_normal((3, 5)))
    q = _t([0.23, 0.79], grad=True)
    fn = getattr(ad, op)
    out = fn(x, q, dim=1, keepdim=keepdim)
    (grad,) = ad.autograd.grad([out], [q], [ad.ones_like(out)])
    # d/dq of v[lo] + (q (n - 1) - lo) (v[hi] - v[lo]) is (n - 1) (v[hi] - v[lo])
    ordered = np.sort(_np(x), axis=1)
    expected = []
    for value in (0.23, 0.79):
        pos = value * 4
        lo, hi = math.floor(pos), math.ceil(pos)
        expected.append(float(np.sum(4 * (ordered[:, hi] - ordered[:, lo]))))
    np.testing.assert_allclose(_np(grad), expected, rtol=1e-12)
    assert gradcheck(lambda qq: fn(x, qq, dim=1), (q,))


def test_quantile_other_modes_give_q_no_gradient(backend: str) -> None:
    x = _t([3.0, 1.0, 2.0, 7.0])
    q = _t([0.3], grad=True)
    for mode in ("lower", "higher", "nearest", "midpoint"):
        assert not ad.quantile(x, q, interpolation=mode).requires_grad


# -- linspace / logspace with 0-d tensor ends: computed in the result's dtype ---------------
@pytest.mark.parametrize("steps", [1, 2, 4, 50])
def test_linspace_float32_tensor_end_float64_result(backend: str, steps: int) -> None:
    start = ad.tensor(np.float32(4.3))
    got = ad.linspace(start, -3, steps, dtype=ad.float64)
    expected = np.linspace(float(np.float32(4.3)), -3.0, steps)
    np.testing.assert_allclose(_np(got), expected, rtol=1e-14)
    logs = ad.logspace(start, 4, steps, dtype=ad.float64)
    np.testing.assert_allclose(_np(logs), 10.0 ** np.linspace(float(np.float32(4.3)), 4.0,
                                                              steps), rtol=1e-13)


def test_linspace_refuses_tensor_ends_with_dimensions(backend: str) -> None:
    with pytest.raises(RuntimeError, match="0-dimensional start and end"):
        ad.linspace(ad.tensor([0.0]), 1.0, 3)


# -- feature_alpha_dropout: any rank when not training -------------------------------------
@pytest.mark.parametrize("shape", [(), (3,)])
def test_feature_alpha_dropout_without_training_any_rank(backend: str,
                                                         shape: tuple[int, ...]) -> None:
    x = ad.ones(shape)
    assert F.feature_alpha_dropout(x, 0.5, training=False) is x
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        F.feature_alpha_dropout(x, 0.5, training=True)


# -- margin losses on one sample -----------------------------------------------------------
def test_margin_losses_on_a_0d_input_are_zero(backend: str) -> None:
    for fn in (F.multi_margin_loss, F.multilabel_margin_loss):
        for reduction in ("none", "mean", "sum"):
            out = fn(_t(1.15), ad.tensor(0), reduction=reduction)
            assert out.shape == () and float(out) == 0.0


def test_multi_margin_loss_one_sample_target_of_shape_1(backend: str) -> None:
    x = _t([0.1, 0.2, 0.4, 0.8])
    by_vector = F.multi_margin_loss(x, ad.tensor([3]), p=2)
    by_scalar = F.multi_margin_loss(x, ad.tensor(3), p=2)
    expected = sum(max(0.0, 1 - 0.8 + v) ** 2 for v in (0.1, 0.2, 0.4)) / 4
    assert float(by_vector) == pytest.approx(expected)
    assert float(by_scalar) == pytest.approx(expected)
    with pytest.raises(RuntimeError, match="Expected target size"):
        F.multi_margin_loss(x, ad.tensor([3, 1]))


# -- empty inputs --------------------------------------------------------------------------
def test_empty_inputs_keep_their_shapes(backend: str) -> None:
    assert F.group_norm(ad.zeros((0, 2)), 1, ad.ones(2), ad.zeros(2)).shape == (0, 2)
    assert F.avg_pool1d(ad.zeros((0, 3, 9)), 6, stride=3, padding=2).shape == (0, 3, 3)
    assert F.avg_pool3d(ad.zeros((0, 1, 4, 4, 4)), 2).shape == (0, 1, 2, 2, 2)
    assert F.batch_norm(ad.zeros(0), None, None, training=True).shape == (0,)
    with pytest.raises(RuntimeError, match="should contain 0 elements"):
        F.batch_norm(ad.zeros(0), ad.zeros(3), ad.ones(3))


@pytest.mark.parametrize("shapes", [((5, 5, 0), (0, 5)), ((2, 0), (0, 3)),
                                    ((4, 3, 0), (0,)), ((0,), (2, 0, 3))])
def test_matmul_gradient_with_an_empty_inner_axis(backend: str,
                                                  shapes: tuple[tuple[int, ...], ...]) -> None:
    a = ad.zeros(shapes[0], requires_grad=True)
    b = ad.zeros(shapes[1], requires_grad=True)
    out = ad.matmul(a, b)
    ga, gb = ad.autograd.grad([out], [a, b], [ad.ones_like(out)])
    assert ga.shape == a.shape and gb.shape == b.shape


def test_masked_scatter_broadcasts_input_and_mask(backend: str) -> None:
    x = _t([1.0, 2.0, 3.0])
    mask = ad.tensor([[True, False, True], [False, True, False]])
    got = ad.masked_scatter(x, mask, _t([10.0, 20.0, 30.0, 40.0]))
    np.testing.assert_array_equal(_np(got), [[10.0, 2.0, 20.0], [1.0, 30.0, 3.0]])


# -- interpolate(mode='bicubic') -----------------------------------------------------------
def _keys(t: float, a: float = -0.75) -> float:
    t = abs(t)
    if t <= 1:
        return (a + 2) * t**3 - (a + 3) * t**2 + 1
    if t < 2:
        return a * t**3 - 5 * a * t**2 + 8 * a * t - 4 * a
    return 0.0


def _bicubic_reference(x: np.ndarray, size: tuple[int, int], align_corners: bool,
                       scale: tuple[float, float] | None) -> np.ndarray:
    """A direct (non-separable) sum over the 4 x 4 neighbourhood, edges clamped."""
    h, w = x.shape[2:]
    out = np.zeros(x.shape[:2] + size)

    def source(o: int, n_in: int, n_out: int, s: float | None) -> float:
        if align_corners:
            return o * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
        step = 1.0 / s if s else n_in / n_out
        return step * (o + 0.5) - 0.5

    for i, j in itertools.product(range(size[0]), range(size[1])):
        sy = source(i, h, size[0], scale[0] if scale else None)
        sx = source(j, w, size[1], scale[1] if scale else None)
        y0, x0 = math.floor(sy), math.floor(sx)
        for m, n in itertools.product(range(y0 - 1, y0 + 3), range(x0 - 1, x0 + 3)):
            weight = _keys(sy - m) * _keys(sx - n)
            out[:, :, i, j] += weight * x[:, :, min(max(m, 0), h - 1), min(max(n, 0), w - 1)]
    return out


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(1, 1), (3, 7), (8, 5), (9, 9)])
def test_bicubic_matches_cubic_convolution(backend: str, align_corners: bool,
                                           size: tuple[int, int]) -> None:
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5))
    got = F.interpolate(_t(x), size=size, mode="bicubic", align_corners=align_corners)
    np.testing.assert_allclose(_np(got), _bicubic_reference(x, size, align_corners, None),
                               rtol=1e-12, atol=1e-12)


def test_bicubic_scale_factor_and_gradient(backend: str) -> None:
    x = np.random.default_rng(2).standard_normal((1, 2, 3, 4))
    got = F.interpolate(_t(x), scale_factor=(1.7, 0.6), mode="bicubic")
    np.testing.assert_allclose(_np(got), _bicubic_reference(x, (5, 2), False, (1.7, 0.6)),
                               rtol=1e-12, atol=1e-12)
    xt = _t(x, grad=True)
    assert gradcheck(lambda v: F.interpolate(v, size=(4, 6), mode="bicubic"), (xt,))
    with pytest.raises(NotImplementedError, match="bicubic mode needs 4D input"):
        F.interpolate(_t(np.ones((1, 1, 3))), size=4, mode="bicubic")
