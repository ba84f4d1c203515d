"""autodiff.special beyond the conformance cases: the generic implementations against
scipy.special (and mpmath where scipy itself is less accurate), the backend's own
implementation and the fallback, extremes, errors and PyTorch's values at the edges."""

from __future__ import annotations

import math
import sys
from typing import Any

import array_api_compat.numpy as xp_numpy
import numpy as np
import pytest
import scipy.special as sc

import autodiff as ad
import backends
from autodiff.ops import _special_impl as impl
from autodiff.ops import _special_more as more
from autodiff.ops import special as special_ops

S = ad.special
rng = np.random.default_rng(0)
WIDE = np.concatenate([rng.standard_normal(2000) * 3, rng.uniform(-26, 26, 2000),
                       np.logspace(-300, 2, 300), -np.logspace(-300, 2, 300),
                       [0.0, -0.0, 1.0, -1.0, 8.0, -8.0, 0.5, -0.5]])
UNIT = np.concatenate([rng.uniform(0, 1, 3000), np.logspace(-300, -1, 300),
                       1 - np.logspace(-16, -1, 100), [0.5, 0.25, 0.75]])
GAMMA = np.concatenate([rng.uniform(0, 30, 3000), np.logspace(-300, 300, 600),
                        rng.uniform(-20, 0, 1000)])


def _generic(name: str, *args: Any) -> np.ndarray:
    function = getattr(impl, name, None) or getattr(more, name)
    with np.errstate(all="ignore"):
        return np.asarray(function(xp_numpy, *args))


def _assert_relative(got: np.ndarray, want: np.ndarray, rtol: float, atol: float = 0.0) -> None:
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


# -- accuracy of the generic implementations -------------------------------------------------
@pytest.mark.parametrize(("name", "reference", "points", "rtol", "atol"), [
    ("erf", sc.erf, WIDE, 1e-15, 0.0),
    ("erfc", sc.erfc, WIDE[WIDE < 10], 1e-14, 0.0),  # scipy loses digits beyond
    ("erfcx", sc.erfcx, WIDE, 1e-14, 0.0),
    ("ndtr", sc.ndtr, WIDE[WIDE > -8], 1e-14, 0.0),
    ("log_ndtr", sc.log_ndtr, WIDE[np.abs(WIDE) < 8], 2e-14, 0.0),
    ("ndtri", sc.ndtri, UNIT, 1e-14, 0.0),
    ("erfinv", sc.erfinv, np.concatenate([2 * UNIT - 1, UNIT, -UNIT]), 1e-14, 0.0),
    # lgamma has roots at 1 and 2 (and between negative integers): absolute accuracy there
    ("gammaln", sc.gammaln, GAMMA, 1e-14, 1e-15),
    ("digamma", sc.psi, GAMMA[np.abs(GAMMA) < 1e15], 1e-13, 1e-15),
    ("i0", sc.i0, WIDE[np.abs(WIDE) < 700], 1e-15, 0.0),
    ("i0e", sc.i0e, WIDE, 1e-15, 0.0),
    ("i1", sc.i1, WIDE[np.abs(WIDE) < 700], 1e-15, 0.0),
    ("i1e", sc.i1e, WIDE, 1e-15, 0.0),
    # near its zeros a Bessel function is accurate in absolute terms
    ("j0", sc.j0, WIDE[np.abs(WIDE) < 1e3], 1e-13, 1e-15),
    ("j1", sc.j1, WIDE[np.abs(WIDE) < 1e3], 1e-13, 1e-15),
])
def test_generic_matches_scipy(name: str, reference: Any, points: np.ndarray, rtol: float,
                               atol: float) -> None:
    _assert_relative(_generic(name, points), reference(points), rtol, atol)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_generic_polygamma_matches_scipy(n: int) -> None:
    x = np.concatenate([rng.uniform(0.01, 40, 2000), rng.uniform(-10, 0, 500)])
    _assert_relative(_generic("polygamma", n, x), sc.polygamma(n, x), 1e-13)


def test_generic_zeta_matches_scipy() -> None:
    s = rng.uniform(1.1, 30.0, 2000)
    q = rng.uniform(0.05, 50.0, 2000)
    _assert_relative(_generic("zeta", s, q), sc.zeta(s, q), 1e-14)


@pytest.mark.parametrize(("name", "reference"), [("gammainc", sc.gammainc),
                                                  ("gammaincc", sc.gammaincc)])
def test_generic_incomplete_gamma_matches_scipy(name: str, reference: Any) -> None:
    a = np.concatenate([rng.uniform(0.05, 40.0, 2000), [0.0, 1.0, 2.0, -1.0, 1.0, 3.0]])
    x = np.concatenate([rng.uniform(0.0, 60.0, 2000), [1.0, 0.0, math.inf, 1.0, math.nan,
                                                        -1.0]])
    want = reference(a, x)
    got = _generic(name, a, x)
    tiny = np.abs(want) < 1e-280  # underflowing tails: absolute agreement
    _assert_relative(got[~tiny], want[~tiny], 1e-12)
    assert np.all(np.abs(got[tiny]) < 1e-270)


def test_generic_tails_against_mpmath() -> None:
    """Far in the tails scipy's own erfc and ndtr lose digits; mpmath says what is right."""
    mpmath = pytest.importorskip("mpmath", reason="mpmath gives the exact tail values")
    mpmath.mp.dps = 40
    for x in (5.3, 12.7, 25.08760822567057):
        assert math.isclose(float(_generic("erfc", np.array(x))), float(mpmath.erfc(x)),
                            rel_tol=2e-15)
    for x in (-10.3, -29.388694580894015):
        assert math.isclose(float(_generic("ndtr", np.array(x))), float(mpmath.ncdf(x)),
                            rel_tol=2e-15)
    x = -40.0
    assert math.isclose(float(_generic("log_ndtr", np.array(x))),
                        float(mpmath.log(mpmath.ncdf(x))), rel_tol=1e-15)


@pytest.mark.parametrize(("name", "x", "want"), [
    ("erf", [math.inf, -math.inf, math.nan], [1.0, -1.0, math.nan]),
    ("erfc", [math.inf, -math.inf, 30.0], [0.0, 2.0, 0.0]),
    ("erfcx", [math.inf, -30.0, 1e300], [0.0, math.inf, 1.0 / (math.sqrt(math.pi) * 1e300)]),
    ("erfinv", [1.0, -1.0, 1.5, 0.0], [math.inf, -math.inf, math.nan, 0.0]),
    ("ndtri", [0.0, 1.0, -0.5], [-math.inf, math.inf, math.nan]),
    ("gammaln", [0.0, -1.0, -2.0, math.inf], [math.inf] * 4),
    ("digamma", [0.0, -0.0, -1.0, math.inf], [-math.inf, math.inf, math.nan, math.inf]),
    ("i0e", [math.nan], [math.nan]),
])
def test_generic_edges(name: str, x: list[float], want: list[float]) -> None:
    _assert_relative(_generic(name, np.array(x)), np.array(want), 1e-15)


# -- the backend's own implementation, and the fallback ---------------------------------------
def test_numpy_backend_brings_scipy() -> None:
    numpy_backend = backends.load_backend("numpy")
    erf = numpy_backend.special_function("erf")
    assert erf is not None
    assert float(erf(np.array(0.5))) == sc.erf(0.5)
    assert numpy_backend.special_function("no_such_function") is None


def test_numpy_backend_without_scipy_says_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """scipy is optional: where it does not import, the numpy backend brings nothing."""
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    assert backends.load_backend("numpy").special_function("erf") is None


def test_the_base_backend_has_none() -> None:
    assert backends.load_backend("array_api_strict").special_function("erf") is None


def test_numpy_without_scipy_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """scipy is optional: where the backend brings nothing, the generic code runs."""
    numpy_backend = backends.load_backend("numpy")
    monkeypatch.setattr(type(numpy_backend), "special_function", lambda self, name: None)
    monkeypatch.setattr(special_ops, "_IMPLEMENTATIONS", {})
    x = ad.tensor([0.25, 1.5, 4.0], dtype=ad.float64, backend="numpy", requires_grad=True)
    np.testing.assert_allclose(ad.lgamma(x).detach().numpy(), sc.gammaln([0.25, 1.5, 4.0]),
                               rtol=1e-15)
    (g,) = ad.autograd.grad(ad.lgamma(x).sum(), [x])
    np.testing.assert_allclose(g.numpy(), sc.psi([0.25, 1.5, 4.0]), rtol=1e-14)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_kept(backend: str, dtype: str) -> None:
    x = ad.tensor([0.5, 1.5], dtype=dtype)
    for fn in (ad.erf, ad.erfc, ad.erfinv, ad.lgamma, ad.digamma, ad.i0, S.i0e, S.i1,
               S.i1e, S.erfcx, S.ndtr, S.ndtri, S.log_ndtr, lambda t: S.polygamma(2, t),
               lambda t: S.zeta(2.0, t + 1.0)):
        assert fn(x).dtype.name == dtype


def test_integers_are_computed_in_the_default_float(backend: str) -> None:
    out = ad.erf(ad.tensor([0, 1]))
    assert out.dtype == ad.get_default_dtype()
    np.testing.assert_allclose(out.numpy(), sc.erf([0.0, 1.0]), rtol=1e-6)


# -- values at the extremes -----------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # log(0) = -inf
def test_stable_at_the_extremes(backend: str) -> None:
    x = ad.tensor([-40.0, 30.0, 1e10], dtype=ad.float64)
    np.testing.assert_allclose(S.log_ndtr(x).numpy(), sc.log_ndtr(x.numpy()), rtol=1e-13)
    np.testing.assert_allclose(S.erfcx(x[1:]).numpy(), sc.erfcx(x[1:].numpy()), rtol=1e-14)
    big = ad.tensor([[1e4, 1e4], [-1e4, -math.inf]], dtype=ad.float64)
    np.testing.assert_allclose(S.logsumexp(big, dim=1).numpy(),
                               [1e4 + math.log(2.0), -1e4], rtol=1e-15)
    assert float(S.logsumexp(ad.tensor([-math.inf, -math.inf]), dim=0)) == -math.inf


def test_gradients_at_pytorch_edges(backend: str) -> None:
    x = ad.tensor([0.0, 2.0], dtype=ad.float64, requires_grad=True)
    (g,) = ad.autograd.grad(S.i1(x).sum(), [x])
    assert float(g[0]) == 0.5  # PyTorch's i1 gradient at 0
    (g,) = ad.autograd.grad(S.i1e(x).sum(), [x])
    assert float(g[0]) == 0.5
    y = ad.tensor([0.0, 0.0], dtype=ad.float64, requires_grad=True)
    grads = ad.autograd.grad(ad.xlogy(y, ad.tensor([0.0, 2.0], dtype=ad.float64)).sum(), [y])
    assert np.isfinite(grads[0].numpy()).all()
    assert float(ad.sinc(ad.tensor(0.0))) == 1.0


def test_second_order(backend: str) -> None:
    x = ad.tensor([0.7, 2.5], dtype=ad.float64, requires_grad=True)
    for fn in (ad.lgamma, ad.digamma, ad.erf, ad.erfinv, S.ndtri, S.log_ndtr, S.i0e):
        arg = x * 0.3 if fn in (ad.erfinv, S.ndtri) else x
        assert ad.testing.gradgradcheck(lambda t, f=fn, a=arg is not x: f(t * 0.3 if a else t),
                                        [x])


# -- errors ---------------------------------------------------------------------------------
def test_errors(backend: str) -> None:
    x = ad.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not support negative n"):
        ad.polygamma(-1, x)
    with pytest.raises(TypeError, match="polygamma: n must be an int"):
        ad.polygamma(1.5, x)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match=r"greater than \(p-1\)/2"):
        S.multigammaln(x, 4)
    with pytest.raises(ValueError, match="multigammaln: p must be a positive int"):
        S.multigammaln(x, 0)
    with pytest.raises(NotImplementedError, match="erf"):
        ad.erf(ad.tensor([1.0 + 1.0j]))
    with pytest.raises(TypeError, match="xlogy: expected at least one Tensor"):
        ad.xlogy(1.0, 2.0)


def test_aliases() -> None:
    assert S.gammaln is ad.lgamma and S.psi is ad.digamma and ad.mvlgamma is S.multigammaln
    assert S.expit is ad.sigmoid and S.erf is ad.erf and S.i0 is ad.i0


def test_against_torch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional second reference")
    values = np.array([-2.5, -0.3, 0.0, 0.4, 1.0, 3.7])
    unit = np.array([0.01, 0.3, 0.5, 0.9])
    pairs = [(ad.erf, torch.erf, values), (ad.lgamma, torch.lgamma, values),
             (ad.digamma, torch.digamma, values), (S.i1e, torch.special.i1e, values),
             (S.log_ndtr, torch.special.log_ndtr, values), (S.ndtri, torch.special.ndtri, unit),
             (ad.erfinv, torch.erfinv, unit), (S.entr, torch.special.entr, values),
             (ad.sinc, torch.sinc, values), (S.erfcx, torch.special.erfcx, values)]
    for ours, theirs, points in pairs:
        want = theirs(torch.tensor(points)).numpy()
        got = ours(ad.tensor(points, dtype=ad.float64)).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15, equal_nan=True)


# -- the elementwise extras ------------------------------------------------------------------
def test_extras_against_numpy(backend: str) -> None:
    x = ad.tensor([-3.5, -0.0, 2.25, 7.0], dtype=ad.float64)
    np.testing.assert_array_equal(ad.fmod(x, -2.0).numpy(), np.fmod(x.numpy(), -2.0))
    np.testing.assert_array_equal(ad.fmod(ad.tensor([-7, 7]), 3).numpy(), [-1, 1])
    np.testing.assert_array_equal(ad.frac(x).numpy(), x.numpy() - np.trunc(x.numpy()))
    assert ad.float_power(ad.tensor([2], dtype=ad.float32), 0.5).dtype == ad.float64
    assert ad.float_power(ad.tensor([2.0]), 1j).dtype == ad.complex128
    nan = math.nan
    a = ad.tensor([nan, 1.0, nan, 2.0])
    b = ad.tensor([1.0, nan, nan, 3.0])
    np.testing.assert_array_equal(ad.fmax(a, b).numpy(), np.fmax(a.numpy(), b.numpy()))
    np.testing.assert_array_equal(ad.fmin(a, b).numpy(), np.fmin(a.numpy(), b.numpy()))
    mantissa, exponent = ad.frexp(ad.tensor([5e-324, -1e300, 0.75], dtype=ad.float64))
    want = np.frexp(np.array([5e-324, -1e300, 0.75]))
    np.testing.assert_array_equal(mantissa.numpy(), want[0])
    np.testing.assert_array_equal(exponent.numpy(), want[1])
    assert exponent.dtype == ad.int32


def test_extras_gradients_follow_pytorch(backend: str) -> None:
    a = ad.tensor([1.0, 2.0], dtype=ad.float64, requires_grad=True)
    b = ad.tensor([1.0, 3.0], dtype=ad.float64, requires_grad=True)
    ga, gb = ad.autograd.grad(ad.fmax(a, b).sum(), [a, b])
    np.testing.assert_array_equal(ga.numpy(), [1.0, 0.0])  # a tie goes to the first input
    np.testing.assert_array_equal(gb.numpy(), [0.0, 1.0])
    x = ad.tensor([5.5, -5.5], dtype=ad.float64, requires_grad=True)
    y = ad.tensor([2.0, 2.0], dtype=ad.float64, requires_grad=True)
    gx, gy = ad.autograd.grad(ad.fmod(x, y).sum(), [x, y])
    np.testing.assert_array_equal(gx.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(gy.numpy(), [-2.0, 2.0])  # -trunc(x / y)
    z = ad.tensor([1.0, math.nan, math.inf], dtype=ad.float64, requires_grad=True)
    (g,) = ad.autograd.grad(ad.nan_to_num(z).sum(), [z])
    np.testing.assert_array_equal(g.numpy(), [1.0, 0.0, 0.0])


def test_extras_values(backend: str) -> None:
    x = ad.tensor([math.nan, math.inf, -math.inf, 1.0], dtype=ad.float32)
    info = np.finfo(np.float32)
    np.testing.assert_array_equal(ad.nan_to_num(x).numpy(), [0.0, info.max, info.min, 1.0])
    assert bool(ad.isin(2, ad.tensor([1, 2])))
    np.testing.assert_array_equal(
        ad.isin(elements=ad.tensor([1, 3]), test_elements=ad.tensor([3])).numpy(), [False, True])
    np.testing.assert_array_equal(ad.isin(ad.tensor([[1, 5], [2, 3]]), ad.tensor([[3], [5]]))
                                  .numpy(), [[False, True], [False, True]])
    np.testing.assert_allclose(ad.angle(ad.tensor([1j, -1.0 + 0j])).numpy(),
                               [math.pi / 2, math.pi], rtol=1e-7)
    assert ad.angle(ad.tensor([-1, 2])).dtype == ad.float32
    np.testing.assert_array_equal(ad.lcm(ad.tensor([0, 3]), ad.tensor([0, -4])).numpy(), [0, 12])
    assert ad.allclose(ad.tensor([1.0, math.inf]), ad.tensor([1.0 + 1e-9, math.inf]))
    assert not ad.allclose(ad.tensor([math.nan]), ad.tensor([math.nan]))
    assert ad.allclose(ad.tensor([math.nan]), ad.tensor([math.nan]), equal_nan=True)
    t = ad.tensor([1.0, -2.0])
    assert t.eq(1.0).tolist() == [True, False] and t.ge(-2.0).tolist() == [True, True]
    assert ad.lt is ad.less and ad.ne is ad.not_equal
    assert ad.resolve_conj(t) is t and ad.resolve_neg(t) is t
    assert ad.rsub(t, 1.0).tolist() == [0.0, 3.0]


def test_extras_errors(backend: str) -> None:
    with pytest.raises(RuntimeError, match="expected integers"):
        ad.gcd(ad.tensor([1.0]), ad.tensor([2.0]))
    with pytest.raises(RuntimeError, match="frexp.. only supports floating-point"):
        ad.frexp(ad.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="isclose: rtol and atol must be non-negative"):
        ad.isclose(ad.tensor([1.0]), ad.tensor([1.0]), rtol=-1.0)
    with pytest.raises(RuntimeError, match="heaviside is not yet implemented for complex"):
        ad.heaviside(ad.tensor([1j]), ad.tensor([1j]))
    with pytest.raises(RuntimeError, match="isposinf does not support complex"):
        ad.isposinf(ad.tensor([1j]))
    with pytest.raises(TypeError, match="isin: got the elements both as x1 and as elements="):
        ad.isin(ad.tensor([1]), ad.tensor([1]), elements=ad.tensor([1]))
    with pytest.raises(TypeError, match="isin: expected the elements and the test elements"):
        ad.isin(ad.tensor([1]))
    with pytest.raises(TypeError, match="fmax: expected at least one Tensor"):
        ad.fmax(1.0, 2.0)


def test_extras_against_torch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional second reference")
    values = [-3.5, -0.5, 0.0, 1.25, 4.0]
    x, t = ad.tensor(values, dtype=ad.float64), torch.tensor(values, dtype=torch.float64)
    for ours, theirs in [(lambda v: ad.fmod(v, 1.5), lambda v: torch.fmod(v, 1.5)),
                         (ad.frac, torch.frac), (ad.angle, torch.angle),
                         (lambda v: ad.logaddexp2(v, v * 2), lambda v: torch.logaddexp2(v, v * 2)),
                         (lambda v: ad.heaviside(v, ad.tensor([0.5], dtype=ad.float64)),
                          lambda v: torch.heaviside(v, torch.tensor([0.5], dtype=torch.float64))),
                         (lambda v: ad.frexp(v)[0], lambda v: torch.frexp(v)[0])]:
        np.testing.assert_allclose(ours(x).numpy(), theirs(t).numpy(), rtol=1e-15)
