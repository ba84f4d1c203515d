"""``autodiff.nn.init``: the distributions of large draws against their formulas, the
deterministic fills exactly, in-place semantics (version, leaf, no graph), seeded
generators, PyTorch's errors, and PyTorch itself as an optional oracle."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autodiff as ad
from autodiff.nn import init

N = 200_000  # draws for a statistic: its standard error is about 0.2% of the scale


def _np(t: ad.Tensor) -> np.ndarray:
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def _empty(*shape: int) -> ad.Tensor:
    return ad.empty(*shape, dtype=ad.float64)


@pytest.fixture(autouse=True)
def _seeded() -> None:
    ad.manual_seed(0)  # the same draws every run; the bounds below hold for any seed


def _check_moments(values: np.ndarray, mean: float, std: float) -> None:
    # 6 standard errors of each statistic (a sample std's is about std / sqrt(2n) for a
    # normal, less for the others): a wrong formula (a factor of sqrt(2) or 3) is far
    # outside
    assert abs(values.mean() - mean) < 6 * std / math.sqrt(values.size)
    assert values.std() == pytest.approx(std, rel=6 / math.sqrt(2 * values.size))


# -- calculate_gain and fans ------------------------------------------------------------

GAINS = [("linear", None, 1), ("conv1d", None, 1), ("conv2d", None, 1), ("conv3d", None, 1),
         ("conv_transpose1d", None, 1), ("conv_transpose2d", None, 1),
         ("conv_transpose3d", None, 1), ("sigmoid", None, 1), ("tanh", None, 5 / 3),
         ("relu", None, math.sqrt(2)), ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
         ("leaky_relu", 0.2, math.sqrt(2 / 1.04)), ("leaky_relu", 3, math.sqrt(2 / 10)),
         ("selu", None, 0.75)]


@pytest.mark.parametrize(("name", "param", "gain"), GAINS)
def test_calculate_gain(name: str, param: float | None, gain: float) -> None:
    assert init.calculate_gain(name, param) == pytest.approx(gain, rel=1e-15)


def test_calculate_gain_errors() -> None:
    with pytest.raises(ValueError, match="Unsupported nonlinearity softmax"):
        init.calculate_gain("softmax")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative_slope 0.1 not a valid number"):
        init.calculate_gain("leaky_relu", "0.1")  # type: ignore[arg-type]


@pytest.mark.parametrize(("shape", "fans"), [
    ((5, 3), (3, 5)), ((8, 4, 3), (12, 24)), ((16, 8, 3, 5), (120, 240)),
    ((2, 6, 1, 2, 3), (36, 12))])
def test_fans(backend: str, shape: tuple[int, ...], fans: tuple[int, int]) -> None:
    w = ad.empty(*shape)
    assert init._calculate_fan_in_and_fan_out(w) == fans
    assert init._calculate_correct_fan(w, "fan_in") == fans[0]
    assert init._calculate_correct_fan(w, "FAN_OUT") == fans[1]


def test_fan_errors(backend: str) -> None:
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ad.empty(3))
    with pytest.raises(ValueError, match=r"Mode fan_avg not supported, please use one of "
                                         r"\['fan_in', 'fan_out'\]"):
        init._calculate_correct_fan(ad.empty(3, 3), "fan_avg")
    for fn in (init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_,
               init.kaiming_normal_):
        with pytest.raises(ValueError, match="Fan in and fan out can not be computed for "
                                             "tensor with fewer than 2 dimensions"):
            fn(ad.empty(4))


# -- distributions ----------------------------------------------------------------------

def test_uniform_and_normal(backend: str) -> None:
    u = _np(init.uniform_(_empty(N), -1.5, 2.5))
    assert u.min() >= -1.5 and u.max() < 2.5
    assert u.min() < -1.49 and u.max() > 2.49  # the whole interval is reached
    _check_moments(u, 0.5, 4 / math.sqrt(12))
    _check_moments(_np(init.normal_(_empty(N), -2.0, 0.3)), -2.0, 0.3)
    _check_moments(_np(init.uniform_(_empty(N))), 0.5, 1 / math.sqrt(12))  # defaults


def test_constant_ones_zeros(backend: str) -> None:
    w = ad.empty(2, 3)
    assert (_np(init.constant_(w, 0.5)) == 0.5).all()
    assert (_np(init.ones_(w)) == 1).all()
    assert (_np(init.zeros_(w)) == 0).all()
    assert w.dtype == ad.float32


@pytest.mark.parametrize("shape", [(300, 200), (64, 32, 3, 3)])
def test_xavier(backend: str, shape: tuple[int, ...]) -> None:
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(_empty(*shape))
    gain = 1.7
    std = gain * math.sqrt(2 / (fan_in + fan_out))
    u = _np(init.xavier_uniform_(_empty(*shape), gain=gain))
    bound = math.sqrt(3) * std
    assert np.abs(u).max() <= bound and np.abs(u).max() > 0.99 * bound
    _check_moments(u, 0.0, std)
    _check_moments(_np(init.xavier_normal_(_empty(*shape), gain)), 0.0, std)


@pytest.mark.parametrize(("shape", "a", "mode", "nonlinearity"), [
    ((400, 500), 0, "fan_in", "leaky_relu"),
    ((400, 500), math.sqrt(5), "fan_in", "leaky_relu"),  # Linear's and Conv's default
    ((64, 16, 5, 5), 0, "fan_out", "relu"),
    ((128, 8, 7), 0.1, "fan_in", "tanh")])
def test_kaiming(backend: str, shape: tuple[int, ...], a: float, mode: str,
                 nonlinearity: str) -> None:
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(_empty(*shape))
    fan = fan_in if mode == "fan_in" else fan_out
    gain = init.calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    u = _np(init.kaiming_uniform_(_empty(*shape), a=a, mode=mode, nonlinearity=nonlinearity))
    assert np.abs(u).max() <= math.sqrt(3) * std
    assert np.abs(u).max() > 0.99 * math.sqrt(3) * std
    _check_moments(u, 0.0, std)
    n = _np(init.kaiming_normal_(_empty(*shape), a, mode, nonlinearity))
    _check_moments(n, 0.0, std)


def test_kaiming_zero_elements_warn(backend: str) -> None:
    for fn in (init.kaiming_uniform_, init.kaiming_normal_):
        w = ad.empty(0, 3)
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            assert fn(w) is w
        assert w._version == 0


def _truncated_moments(mean: float, std: float, a: float, b: float) -> tuple[float, float]:
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = [math.exp(-x * x / 2) / math.sqrt(2 * math.pi) for x in (alpha, beta)]
    z = (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2))) / 2
    shift = (pdf[0] - pdf[1]) / z
    var = 1 + (alpha * pdf[0] - beta * pdf[1]) / z - shift**2
    return mean + std * shift, std * math.sqrt(var)


@pytest.mark.parametrize(("mean", "std", "a", "b"), [
    (0.0, 1.0, -2.0, 2.0),    # most of the mass inside: normal draws, rejected outside
    (0.0, 0.02, -0.04, 0.02),
    (1.0, 1.0, 1.5, 2.5),     # little of the mass inside: uniform proposals
    (0.0, 1.0, 2.0, 3.0)])
def test_trunc_normal(backend: str, mean: float, std: float, a: float, b: float) -> None:
    w = _np(init.trunc_normal_(_empty(N), mean, std, a, b))
    assert w.min() >= a and w.max() <= b
    expected_mean, expected_std = _truncated_moments(mean, std, a, b)
    _check_moments(w, expected_mean, expected_std)


def test_trunc_normal_warns_far_from_the_window(backend: str) -> None:
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        w = init.trunc_normal_(ad.empty(100), mean=5.0, std=1.0, a=0.0, b=1.0)
    assert bool(((w >= 0) & (w <= 1)).all())


@pytest.mark.parametrize(("shape", "gain"), [((6, 6), 1.0), ((4, 9), 2.0), ((9, 4), 0.5),
                                             ((8, 3, 2, 2), 1.0), ((5, 4, 3), 3.0)])
def test_orthogonal(backend: str, shape: tuple[int, ...], gain: float) -> None:
    w = _np(init.orthogonal_(_empty(*shape), gain=gain)).reshape(shape[0], -1)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(gram, gain**2 * np.eye(gram.shape[0]), atol=1e-12)


def test_orthogonal_is_not_biased_to_positive_diagonals(backend: str) -> None:
    g = ad.Generator().manual_seed(1)
    diagonals = np.stack([np.diag(_np(init.orthogonal_(_empty(3, 3), generator=g)))
                          for _ in range(200)])
    # with the signs fixed by R's diagonal, each entry's sign is a fair coin
    assert 0.3 < (diagonals > 0).mean() < 0.7


def test_sparse(backend: str) -> None:
    w = _np(init.sparse_(_empty(50, 2000), sparsity=0.1, std=0.5))
    assert ((w == 0).sum(axis=0) == 5).all()
    nonzero = w[w != 0]
    _check_moments(nonzero, 0.0, 0.5)
    # the zeroed rows differ from column to column (2 million choices of 5 rows in 50)
    assert len({tuple(np.flatnonzero(col == 0)) for col in w.T}) > 1900
    assert (_np(init.sparse_(_empty(4, 3), 0.0)) != 0).all()


def test_eye_and_dirac(backend: str) -> None:
    np.testing.assert_array_equal(_np(init.eye_(ad.empty(3, 5))), np.eye(3, 5))
    np.testing.assert_array_equal(_np(init.eye_(ad.empty(4, 2))), np.eye(4, 2))
    for shape, groups in [((4, 3, 5), 1), ((6, 2, 3, 3), 2), ((4, 4, 3, 2, 3), 2),
                          ((2, 5, 1, 1), 1)]:
        expected = np.zeros(shape)
        per_group = shape[0] // groups
        centre = tuple(size // 2 for size in shape[2:])
        for g in range(groups):
            for d in range(min(per_group, shape[1])):
                expected[(g * per_group + d, d, *centre)] = 1
        np.testing.assert_array_equal(_np(init.dirac_(ad.empty(*shape), groups)), expected)


def test_dirac_keeps_the_input_of_a_convolution(backend: str) -> None:
    import autodiff.nn.functional as F

    x = ad.randn(2, 3, 5, 5, dtype=ad.float64)
    w = init.dirac_(_empty(3, 3, 3, 3))
    np.testing.assert_allclose(_np(F.conv2d(x, w, padding=1)), _np(x), atol=1e-12)


def test_shape_errors(backend: str) -> None:
    with pytest.raises(ValueError, match="^Only tensors with 2 dimensions are supported$"):
        init.eye_(ad.empty(2, 2, 2))
    with pytest.raises(ValueError, match="^Only tensors with 2 dimensions are supported$"):
        init.sparse_(ad.empty(4), 0.5)
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions"):
        init.dirac_(ad.empty(3, 3))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        init.dirac_(ad.empty(3, 3, 3), groups=2)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions"):
        init.orthogonal_(ad.empty(3))
    with pytest.raises(TypeError, match="xavier_uniform_: expected an autodiff Tensor, got "
                                        "ndarray"):
        init.xavier_uniform_(np.zeros((3, 3)))  # type: ignore[arg-type]
    for fn in (init.uniform_, init.zeros_, init.eye_, init.orthogonal_, init.kaiming_normal_):
        with pytest.raises(TypeError, match=f"{fn.__name__}: expected an autodiff Tensor"):
            fn(np.zeros((3, 3)))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        init.normal_(ad.empty(3), 0.0, -1.0)
    with pytest.raises(RuntimeError, match="uniform_ expects to return a"):
        init.uniform_(ad.empty(3), 1.0, 0.0)


# -- in-place semantics -----------------------------------------------------------------

FILLS = [
    lambda w, g: init.uniform_(w, -1, 1, generator=g),
    lambda w, g: init.normal_(w, 0, 1, generator=g),
    lambda w, g: init.trunc_normal_(w, generator=g),
    lambda w, g: init.trunc_normal_(w, 0.0, 1.0, 2.0, 3.0, generator=g),
    lambda w, g: init.xavier_uniform_(w, generator=g),
    lambda w, g: init.xavier_normal_(w, generator=g),
    lambda w, g: init.kaiming_uniform_(w, generator=g),
    lambda w, g: init.kaiming_normal_(w, generator=g),
    lambda w, g: init.orthogonal_(w, generator=g),
    lambda w, g: init.sparse_(w, 0.5, generator=g),
    lambda w, g: init.constant_(w, 0.1),
    lambda w, g: init.ones_(w),
    lambda w, g: init.zeros_(w),
    lambda w, g: init.eye_(w),
]


@pytest.mark.parametrize("fill", FILLS)
def test_a_parameter_stays_a_leaf_and_nothing_is_recorded(backend: str, fill) -> None:
    w = ad.zeros(6, 4, requires_grad=True)
    before = w._version
    assert fill(w, ad.Generator().manual_seed(0)) is w
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert w._version > before
    assert w.dtype == ad.float32 and w.shape == (6, 4)
    (w * 2).sum().backward()  # still a parameter that gradients reach
    np.testing.assert_array_equal(_np(w.grad), 2 * np.ones((6, 4)))


def test_dirac_on_a_parameter(backend: str) -> None:
    w = ad.zeros(4, 2, 3, requires_grad=True)
    assert init.dirac_(w, groups=2) is w
    assert w.is_leaf and w.requires_grad and w.grad_fn is None and w._version > 0
    assert float(w.sum()) == 4.0


@pytest.mark.parametrize("fill", FILLS[:10])
def test_a_seeded_generator_repeats_and_leaves_the_global_one(backend: str, fill) -> None:
    ad.manual_seed(3)
    expected_global = _np(ad.rand(5))
    ad.manual_seed(3)
    first = _np(fill(ad.empty(6, 4), ad.Generator().manual_seed(7)))
    second = _np(fill(ad.empty(6, 4), ad.Generator().manual_seed(7)))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(_np(ad.rand(5)), expected_global)
    third = _np(fill(ad.empty(6, 4), ad.Generator().manual_seed(8)))
    assert not np.array_equal(first, third)


def test_a_view_is_filled_in_its_base(backend: str) -> None:
    w = ad.zeros(4, 6)
    init.ones_(w[:, :3])
    np.testing.assert_array_equal(_np(w), np.repeat([[1.0, 0.0]], [3, 3], axis=1)
                                  .repeat(4, axis=0).reshape(4, 6))


def test_deprecated_spellings_warn(backend: str) -> None:
    with pytest.warns(FutureWarning, match=r"`nn.init.xavier_uniform` is now deprecated in "
                                           r"favor of `nn.init.xavier_uniform_`"):
        w = init.xavier_uniform(ad.empty(3, 3))
    assert w.shape == (3, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init.xavier_uniform_(ad.empty(3, 3))


# -- PyTorch as an oracle ---------------------------------------------------------------

def test_against_pytorch(backend: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    for name, param, _ in GAINS:
        assert init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)
    for shape in [(5, 3), (8, 4, 3), (16, 8, 3, 5), (2, 6, 1, 2, 3)]:
        assert (init._calculate_fan_in_and_fan_out(ad.empty(*shape))
                == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape)))
    for shape, groups in [((4, 3, 5), 1), ((6, 2, 3, 3), 2), ((4, 4, 3, 2, 3), 2)]:
        ours = _np(init.dirac_(_empty(*shape), groups))
        theirs = torch.nn.init.dirac_(torch.empty(*shape, dtype=torch.float64), groups)
        np.testing.assert_array_equal(ours, theirs.numpy())
    np.testing.assert_array_equal(_np(init.eye_(_empty(3, 5))),
                                  torch.nn.init.eye_(torch.empty(3, 5)).numpy())
    # the same errors, word for word (uniform_'s and normal_'s are the tensor methods')
    calls = [
        lambda m, e: m.calculate_gain("softmax"),
        lambda m, e: m.calculate_gain("leaky_relu", True),
        lambda m, e: m.xavier_uniform_(e(3)),
        lambda m, e: m.kaiming_normal_(e(3, 3), mode="fan_avg"),
        lambda m, e: m.eye_(e(3)),
        lambda m, e: m.dirac_(e(3, 3)),
        lambda m, e: m.dirac_(e(3, 3, 3), 2),
        lambda m, e: m.orthogonal_(e(3)),
        lambda m, e: m.sparse_(e(3), 0.1),
    ]
    for call in calls:
        with pytest.raises(Exception) as ours_info:
            call(init, ad.empty)
        with pytest.raises(Exception) as theirs_info:
            call(torch.nn.init, torch.empty)
        assert type(ours_info.value) is type(theirs_info.value)
        assert str(ours_info.value) == str(theirs_info.value)
