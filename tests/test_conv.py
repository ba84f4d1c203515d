"""Convolution, pooling and resampling: options against numpy loops, gradients against
central differences, odd shapes, and PyTorch's errors (``autodiff.nn.functional``)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from conformance.cases_conv import (
    adaptive_ref,
    avg_pool_ref,
    conv_ref,
    conv_transpose_ref,
    fold_ref,
    interpolate_ref,
    max_pool_ref,
    pixel_shuffle_ref,
    unfold_ref,
)

import autodiff as ad
from autodiff.testing import gradcheck, gradgradcheck

F = ad.nn.functional
RNG = np.random.default_rng(16)


def _t(a: np.ndarray, grad: bool = False) -> ad.Tensor:
    return ad.tensor(a, requires_grad=grad)


def _close(got: ad.Tensor, want: np.ndarray) -> None:
    assert got.shape == want.shape
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


# -- values against numpy loops --------------------------------------------------------
@pytest.mark.parametrize(("stride", "padding", "dilation", "groups"), [
    (1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 2), ((3, 1), (0, 1), (1, 3), 2),
    (4, 0, 1, 1),  # a stride larger than the kernel skips input
])
def test_conv2d_options(backend: str, stride: Any, padding: Any, dilation: Any,
                        groups: int) -> None:
    x, w, b = RNG.standard_normal((2, 4, 7, 8)), RNG.standard_normal((6, 4 // groups, 3, 2)), \
        RNG.standard_normal(6)
    got = F.conv2d(_t(x), _t(w), _t(b), stride, padding, dilation, groups)
    _close(got, conv_ref(x, w, b, stride, padding, dilation, groups))


@pytest.mark.parametrize(("kernel", "dilation"), [(2, 1), (4, 1), (3, 2), (2, 3)])
def test_same_padding_puts_the_odd_pad_last(backend: str, kernel: int, dilation: int) -> None:
    x, w = RNG.standard_normal((1, 2, 9)), RNG.standard_normal((3, 2, kernel))
    total = dilation * (kernel - 1)
    want = conv_ref(x, w, padding=[(total // 2, total - total // 2)], dilation=dilation)
    got = F.conv1d(_t(x), _t(w), padding="same", dilation=dilation)
    assert got.shape == (1, 3, 9)
    _close(got, want)
    _close(F.conv1d(_t(x), _t(w), padding="valid"), conv_ref(x, w))


def test_unbatched_inputs(backend: str) -> None:
    x, w = RNG.standard_normal((2, 5, 6)), RNG.standard_normal((3, 2, 2, 2))
    _close(F.conv2d(_t(x), _t(w)), conv_ref(x[None], w)[0])
    wt = RNG.standard_normal((2, 3, 2, 2))
    _close(F.conv_transpose2d(_t(x), _t(wt), stride=2),
           conv_transpose_ref(x[None], wt, stride=2)[0])
    _close(F.max_pool2d(_t(x), 2), max_pool_ref(x[None], 2)[0])
    _close(F.avg_pool2d(_t(x), 2), avg_pool_ref(x[None], 2)[0])
    _close(F.adaptive_avg_pool2d(_t(x), 3), adaptive_ref(x[None], 3, np.mean)[0])


@pytest.mark.parametrize(("stride", "padding", "output_padding", "groups", "dilation"), [
    (1, 0, 0, 1, 1), (2, 1, 1, 1, 1), (3, (1, 0), (2, 0), 2, 1), (1, 1, 1, 1, 2),
])
def test_conv_transpose2d_options(backend: str, stride: Any, padding: Any,
                                  output_padding: Any, groups: int, dilation: Any) -> None:
    x, w = RNG.standard_normal((2, 4, 3, 4)), RNG.standard_normal((4, 3, 3, 2))
    b = RNG.standard_normal(3 * groups)
    got = F.conv_transpose2d(_t(x), _t(w), _t(b), stride, padding, output_padding, groups,
                             dilation)
    _close(got, conv_transpose_ref(x, w, b, stride, padding, output_padding, groups, dilation))


def test_conv_transpose_is_the_adjoint_of_conv(backend: str) -> None:
    x, w = RNG.standard_normal((2, 4, 7, 6)), RNG.standard_normal((6, 2, 3, 2))
    y = F.conv2d(_t(x), _t(w), stride=2, padding=1, groups=2)
    g = RNG.standard_normal(y.shape)
    back = F.conv_transpose2d(_t(g), _t(w), stride=2, padding=1, groups=2)
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(y.numpy() * g), np.sum(x * back.numpy()))


@pytest.mark.parametrize("kw", [
    {"kernel": 2}, {"kernel": 3, "stride": 2, "padding": 1},
    {"kernel": (3, 2), "stride": (2, 3), "padding": (1, 0), "dilation": (2, 1)},
    {"kernel": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    {"kernel": 2, "stride": 5},  # stride larger than the kernel
])
def test_max_pool2d_values_and_indices(backend: str, kw: dict[str, Any]) -> None:
    x = RNG.standard_normal((2, 3, 7, 8))
    args = (kw["kernel"], kw.get("stride"), kw.get("padding", 0), kw.get("dilation", 1),
            kw.get("ceil_mode", False))
    values, indices = F.max_pool2d(_t(x), *args, return_indices=True)
    want, where = max_pool_ref(x, *args, indices=True)
    _close(values, want)
    np.testing.assert_array_equal(indices.numpy(), where)


def test_max_pool_gradient_goes_to_the_first_maximum(backend: str) -> None:
    x = _t(np.array([[[[1.0, 5.0, 5.0], [5.0, 2.0, 5.0], [0.0, 5.0, 1.0]]]]), grad=True)
    F.max_pool2d(x, 2, stride=1).sum().backward()
    # windows: (1,5,5,2) (5,5,2,5) (5,2,0,5) (2,5,5,1): the first 5 of each, row-major
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[0, 2, 0], [1, 0, 1], [0, 0, 0]])


def test_max_pool_keeps_nan(backend: str) -> None:
    x = _t(np.array([[[1.0, np.nan, 3.0, 2.0]]]))
    np.testing.assert_array_equal(F.max_pool1d(x, 2).numpy(), [[[np.nan, 3.0]]])
    # PyTorch's kernel takes every nan it meets: the gradient and index name the last
    x = _t(np.array([[[[1.0, np.nan], [np.nan, 2.0]]]]), grad=True)
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    values.sum().backward()
    np.testing.assert_array_equal(indices.numpy(), [[[[2]]]])
    np.testing.assert_array_equal(x.grad.numpy(), [[[[0.0, 0.0], [1.0, 0.0]]]])


@pytest.mark.parametrize(("ceil_mode", "count_include_pad", "divisor"), [
    (False, True, None), (True, True, None), (True, False, None), (False, False, 5),
])
def test_avg_pool2d_options(backend: str, ceil_mode: bool, count_include_pad: bool,
                            divisor: int | None) -> None:
    x = RNG.standard_normal((2, 2, 7, 6))
    got = F.avg_pool2d(_t(x), 3, 2, 1, ceil_mode, count_include_pad, divisor)
    _close(got, avg_pool_ref(x, 3, 2, 1, ceil_mode, count_include_pad, divisor))


@pytest.mark.parametrize("size", [1, 2, (3, 5), (None, 2), (7, 9), (8, 10)])
def test_adaptive_pools(backend: str, size: Any) -> None:
    x = RNG.standard_normal((2, 3, 7, 9))
    full = tuple(m if s is None else s for m, s in zip((7, 9), (
        (size, size) if isinstance(size, int) else size), strict=True))
    _close(F.adaptive_avg_pool2d(_t(x), size), adaptive_ref(x, full, np.mean))
    _close(F.adaptive_max_pool2d(_t(x), size), adaptive_ref(x, full, np.max))


@pytest.mark.parametrize(("mode", "numpy_mode"), [
    ("constant", "constant"), ("reflect", "reflect"), ("replicate", "edge"),
    ("circular", "wrap")])
def test_pad_modes(backend: str, mode: str, numpy_mode: str) -> None:
    x = RNG.standard_normal((2, 3, 4, 5))
    got = F.pad(_t(x), (2, 1, 0, 3), mode=mode)  # last axis first, as PyTorch
    _close(got, np.pad(x, [(0, 0), (0, 0), (0, 3), (2, 1)], mode=numpy_mode))


def test_constant_pad_value_crop_and_leading_axes(backend: str) -> None:
    x = RNG.standard_normal((2, 3, 4))
    got = F.pad(_t(x), (-1, 2, 0, 0, 1, 1), value=-2.0)
    _close(got, np.pad(x[:, :, 1:], [(1, 1), (0, 0), (0, 2)], constant_values=-2.0))


@pytest.mark.parametrize(("mode", "size", "align_corners"), [
    ("nearest", (5, 7), None), ("nearest", (2, 3), None), ("bilinear", (5, 7), False),
    ("bilinear", (5, 7), True), ("bilinear", (2, 2), False), ("bilinear", (1, 1), True),
])
def test_interpolate_sizes(backend: str, mode: str, size: tuple[int, int],
                           align_corners: bool | None) -> None:
    x = RNG.standard_normal((2, 2, 3, 4))
    got = F.interpolate(_t(x), size=size, mode=mode, align_corners=align_corners)
    _close(got, interpolate_ref(x, size, "nearest" if mode == "nearest" else "linear",
                                bool(align_corners)))


def test_interpolate_scale_factor(backend: str) -> None:
    x = RNG.standard_normal((1, 2, 4))
    _close(F.interpolate(_t(x), scale_factor=2, mode="linear"),
           interpolate_ref(x, (8,), "linear"))
    _close(F.interpolate(_t(x), scale_factor=2), np.repeat(x, 2, axis=-1))
    # a scale factor is kept for the coordinates, as PyTorch's (1/2.5, not 4/10)
    assert F.interpolate(_t(x), scale_factor=2.5).shape == (1, 2, 10)
    _close(F.upsample_nearest(_t(x), scale_factor=2), np.repeat(x, 2, axis=-1))


def test_interpolate_area_is_adaptive_average_pooling(backend: str) -> None:
    x = RNG.standard_normal((2, 3, 7, 9))
    _close(F.interpolate(_t(x), size=(3, 4), mode="area"), adaptive_ref(x, (3, 4), np.mean))
    _close(F.interpolate(_t(x[:, :, 0]), scale_factor=0.5, mode="area"),
           adaptive_ref(x[:, :, 0], (4,), np.mean))


def test_unfold_fold_round_trip(backend: str) -> None:
    x = RNG.standard_normal((2, 3, 6, 5))
    kw = {"kernel_size": (2, 3), "dilation": (2, 1), "padding": 1, "stride": (1, 2)}
    cols = F.unfold(_t(x), **kw)
    _close(cols, unfold_ref(x, (2, 3), (2, 1), 1, (1, 2)))
    _close(F.fold(cols, (6, 5), **kw), fold_ref(cols.numpy(), (6, 5), (2, 3), (2, 1), 1,
                                                 (1, 2)))
    _close(F.unfold(_t(x[0]), 2), unfold_ref(x[:1], 2)[0])


def test_pixel_shuffle_round_trip(backend: str) -> None:
    x = RNG.standard_normal((2, 12, 2, 3))
    y = F.pixel_shuffle(_t(x), 2)
    _close(y, pixel_shuffle_ref(x, 2))
    _close(F.pixel_unshuffle(y, 2), x)
    assert F.pixel_shuffle(_t(RNG.standard_normal((3, 2, 4, 1, 1))), 2).shape == (3, 2, 1, 2, 2)


def test_complex_convolution_gradients_follow_pytorchs_convention(backend: str) -> None:
    # for a real loss L of complex z the gradient is dL/dRe z + i dL/dIm z
    x = RNG.standard_normal((1, 2, 4, 3)) + 1j * RNG.standard_normal((1, 2, 4, 3))
    w = RNG.standard_normal((2, 2, 2, 2)) + 1j * RNG.standard_normal((2, 2, 2, 2))
    g = RNG.standard_normal((1, 2, 3, 2)) + 1j * RNG.standard_normal((1, 2, 3, 2))
    xt, wt = _t(x, grad=True), _t(w, grad=True)
    y = F.conv2d(xt, wt)
    _close(y.detach(), conv_ref(x.real, w.real) - conv_ref(x.imag, w.imag)
           + 1j * (conv_ref(x.real, w.imag) + conv_ref(x.imag, w.real)))
    ad.autograd.backward(y, _t(g))

    def loss(a: np.ndarray, b: np.ndarray) -> float:
        out = (conv_ref(a.real, b.real) - conv_ref(a.imag, b.imag)
               + 1j * (conv_ref(a.real, b.imag) + conv_ref(a.imag, b.real)))
        return float(np.sum((np.conj(g) * out).real))

    eps = 1e-6
    for value, grad, other, first in ((x, xt.grad, w, True), (w, wt.grad, x, False)):
        want = np.zeros(value.shape, dtype=complex)
        for index in itertools.product(*(range(m) for m in value.shape)):
            for unit in (1.0, 1j):
                step = np.zeros(value.shape, dtype=complex)
                step[index] = eps * unit
                args = ((value + step, other), (value - step, other)) if first else (
                    (other, value + step), (other, value - step))
                want[index] += unit * (loss(*args[0]) - loss(*args[1])) / (2 * eps)
        np.testing.assert_allclose(grad.numpy(), want, atol=1e-6)


def test_integer_max_pool(backend: str) -> None:
    x = ad.reshape(ad.arange(16), (1, 1, 4, 4))
    values, indices = F.max_pool2d(x, 2, padding=1, return_indices=True)
    np.testing.assert_array_equal(values.numpy(), [[[[0, 2, 3], [8, 10, 11], [12, 14, 15]]]])
    np.testing.assert_array_equal(indices.numpy(), values.numpy())


# -- gradients against central differences ----------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda x, w: F.conv2d(x, w, stride=(1, 2), padding="valid", dilation=(2, 1)),
    lambda x, w: F.conv_transpose2d(x, w[:, :1], stride=2, output_padding=1),
    lambda x, w: F.max_pool2d(F.conv2d(x, w, padding=1), 2, ceil_mode=True),
    lambda x, w: F.avg_pool2d(F.conv2d(x, w), 2, padding=1, count_include_pad=False),
    lambda x, w: F.interpolate(F.conv2d(x, w), scale_factor=1.5, mode="bilinear"),
    lambda x, w: F.pad(F.conv2d(x, w), (1, 1, 2, 0), mode="reflect"),
    lambda x, w: F.fold(F.unfold(x, 2, stride=1), (5, 4), 2) * w.sum(),
])
def test_gradients_of_first_and_second_order(backend: str, fn: Any) -> None:
    x = _t(RNG.standard_normal((1, 2, 5, 4)), grad=True)
    w = _t(RNG.standard_normal((2, 2, 2, 2)), grad=True)
    assert gradcheck(fn, (x, w))
    assert gradgradcheck(fn, (x, w))


def test_small_cnn_trains(backend: str) -> None:
    x = _t(RNG.standard_normal((4, 1, 8, 8)))
    w1 = _t(RNG.standard_normal((4, 1, 3, 3)) * 0.3, grad=True)
    w2 = _t(RNG.standard_normal((3, 4 * 4 * 4)) * 0.3, grad=True)
    labels = ad.tensor([0, 1, 2, 0])
    losses = []
    for _ in range(5):
        h = F.max_pool2d(F.relu(F.conv2d(x, w1, padding="same")), 2)
        loss = F.cross_entropy(ad.reshape(h, (4, -1)) @ w2.mT, labels)
        losses.append(loss.item())
        loss.backward()
        with ad.no_grad():
            for p in (w1, w2):
                p -= 0.1 * p.grad
                p.grad = None
    assert losses[-1] < losses[0]


# -- errors, with PyTorch's messages ----------------------------------------------------
def _x(*shape: int) -> ad.Tensor:
    return ad.ones(shape)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: F.conv2d(_x(1, 5, 8, 8), _x(4, 3, 3, 3), groups=2), RuntimeError,
     r"Given groups=2, weight of size \[4, 3, 3, 3\], expected input\[1, 5, 8, 8\] to have "
     r"6 channels, but got 5 channels instead"),
    (lambda: F.conv2d(_x(1, 6, 8, 8), _x(4, 2, 3, 3), groups=3), RuntimeError,
     r"expected weight to be divisible by 3 at dimension 0"),
    (lambda: F.conv2d(_x(2, 3), _x(4, 3, 3, 3)), RuntimeError,
     r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: "
     r"\[2, 3\]"),
    (lambda: F.conv2d(_x(1, 5, 8, 8), _x(4, 5, 3, 3), padding="same", stride=2),
     RuntimeError, "padding='same' is not supported for strided convolutions"),
    (lambda: F.conv2d(_x(1, 5, 8, 8), _x(4, 5, 3, 3), padding="full"), RuntimeError,
     "Invalid padding string: 'full'"),
    (lambda: F.conv2d(_x(1, 5, 8, 8), _x(4, 5, 9, 9)), RuntimeError,
     r"Kernel size: \(9 x 9\). Kernel size can't be greater than actual input size"),
    (lambda: F.conv2d(_x(1, 5, 8, 8), _x(4, 5, 3, 3), stride=0), RuntimeError,
     "non-positive stride is not supported"),
    (lambda: F.conv2d(_x(1, 5, 8, 8), _x(4, 5, 3, 3), padding=-1), RuntimeError,
     "negative padding is not supported"),
    (lambda: F.conv1d(_x(1, 5, 8), _x(4, 5, 3), groups=0), RuntimeError,
     "non-positive groups is not supported"),
    (lambda: F.conv_transpose2d(_x(1, 5, 4, 4), _x(5, 2, 3, 3), stride=2, output_padding=2),
     RuntimeError, "output padding must be smaller than either stride or dilation"),
    (lambda: F.max_pool2d(_x(1, 5, 8, 8), 3, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 "
     "and dilation=1"),
    (lambda: F.avg_pool2d(_x(1, 5, 8, 8), 3, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size"),
    (lambda: F.max_pool2d(_x(1, 5, 8, 8), 9), RuntimeError,
     r"Given input size: \(5x8x8\). Calculated output size: \(5x0x0\). Output size is too "
     "small"),
    (lambda: F.max_pool2d(_x(8), 2), RuntimeError, r"non-empty 3D or 4D \(batch mode\)"),
    (lambda: F.pad(_x(1, 2, 3), (1, 2, 3)), RuntimeError,
     "Padding length must be divisible by 2"),
    (lambda: F.pad(_x(1, 5, 8, 8), (1, 1), mode="reflect"), NotImplementedError,
     "Padding size 2 is not supported for 4D input tensor"),
    (lambda: F.pad(_x(1, 2, 3), (3, 0), mode="reflect"), RuntimeError,
     "Padding size should be less than the corresponding input dimension"),
    (lambda: F.pad(_x(1, 2, 3), (1, 1), mode="wrap"), NotImplementedError,
     "Unrecognised padding mode wrap"),
    (lambda: F.interpolate(_x(1, 2, 4, 4), size=4, scale_factor=2), ValueError,
     "only one of size or scale_factor should be defined"),
    (lambda: F.interpolate(_x(1, 2, 4, 4), size=4, mode="linear"), NotImplementedError,
     "Got 4D input, but linear mode needs 3D input"),
    (lambda: F.interpolate(_x(1, 2, 4), size=4, align_corners=True), ValueError,
     "align_corners option can only be set with the interpolating modes"),
    (lambda: F.pixel_shuffle(_x(1, 5, 8, 8), 2), RuntimeError,
     r"input.size\(-3\)=5 is not divisible by 4"),
    (lambda: F.pixel_unshuffle(_x(1, 5, 8, 8), 3), RuntimeError,
     r"pixel_unshuffle expects height to be divisible by downscale_factor, but "
     r"input.size\(-2\)=8 is not divisible by 3"),
    (lambda: F.fold(_x(1, 12, 8), (4, 4), 2), RuntimeError,
     "expected size of input's dimension 2 to match the calculated number of sliding "
     "blocks 3 \\* 3 = 9, but got input.size\\(2\\)=8"),
    (lambda: F.unfold(_x(5, 4), 2), RuntimeError, "Only 3D or 4D input Tensors"),
    (lambda: F.conv2d(ad.ones((1, 1, 3, 3), dtype=ad.float64), _x(1, 1, 2, 2)), RuntimeError,
     "expected scalar type Double but found Float"),
    (lambda: F.conv2d(_x(1, 1, 3, 3), _x(1, 1, 2, 2), ad.ones(1, dtype=ad.float64)),
     RuntimeError, r"Input type \(float\) and bias type \(double\) should be the same"),
    (lambda: F.max_pool2d(ad.ones((1, 1, 2, 2), dtype=ad.complex64), 2), NotImplementedError,
     "\"max_pool2d\" not implemented for 'ComplexFloat'"),
])
def test_errors(backend: str, call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


# -- against PyTorch, where it is installed ----------------------------------------------
def test_against_torch_with_odd_shapes(backend: str) -> None:
    torch = pytest.importorskip("torch", reason="torch is an optional cross-check")
    tf = torch.nn.functional
    x = RNG.standard_normal((2, 4, 9, 7))
    calls = [
        ("conv2d", (RNG.standard_normal((6, 2, 4, 2)),),
         {"stride": (3, 1), "padding": "valid", "dilation": (1, 3), "groups": 2}),
        ("conv2d", (RNG.standard_normal((4, 4, 2, 4)),), {"padding": "same", "dilation": 2}),
        ("conv_transpose2d", (RNG.standard_normal((4, 2, 3, 3)),),
         {"stride": (3, 2), "padding": 1, "output_padding": (2, 1)}),
        ("max_pool2d", (), {"kernel_size": (3, 2), "stride": (4, 3), "padding": 1,
                            "dilation": (2, 1), "ceil_mode": True}),
        ("avg_pool2d", (), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                            "count_include_pad": False}),
        ("adaptive_max_pool2d", (), {"output_size": (4, 5)}),
        ("interpolate", (), {"scale_factor": (1.7, 0.6), "mode": "bilinear"}),
        ("interpolate", (), {"size": (4, 11), "mode": "nearest-exact"}),
        ("pad", ((3, 2, 1, 4),), {"mode": "circular"}),
    ]
    for name, extra, kw in calls:
        xs = [x, *[e for e in extra if isinstance(e, np.ndarray)]]
        rest = [e for e in extra if not isinstance(e, np.ndarray)]
        ours = [_t(a, grad=True) for a in xs]
        theirs = [torch.tensor(a, requires_grad=True) for a in xs]
        got = getattr(F, name)(*ours, *rest, **kw)
        want = getattr(tf, name)(*theirs, *rest, **kw)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), atol=1e-12,
                                   err_msg=name)
        g = RNG.standard_normal(tuple(want.shape))
        got.backward(_t(g))
        want.backward(torch.tensor(g))
        for a, b in itertools.zip_longest(ours, theirs):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-12,
                                       err_msg=name)
