"""autodiff.fft and the complex-number functions beyond the conformance table: errors,
sample frequencies, node names, and PyTorch's convention for gradients that reach a
complex input (dL/dRe z + i dL/dIm z), checked against closed forms computed with numpy.
"""

from __future__ import annotations

import numpy as np
import pytest

import autodiff as ad

F = ad.fft
RNG = np.random.default_rng(7)


def values(tensor: ad.Tensor) -> np.ndarray:
    return np.asarray(tensor.detach().numpy())


def leaf(array: np.ndarray) -> ad.Tensor:
    return ad.tensor(array, requires_grad=True)


def weighted(z: ad.Tensor, a: np.ndarray, b: np.ndarray) -> ad.Tensor:
    """sum(a Re z + b Im z): a real loss whose gradient for z is a + ib."""
    return (ad.real(z) * ad.tensor(a)).sum() + (ad.imag(z) * ad.tensor(b)).sum()


# -- errors -------------------------------------------------------------------------------
def test_errors(backend: str) -> None:
    x = ad.tensor(RNG.standard_normal((2, 4)))
    with pytest.raises(ValueError, match=r"fft\.fft: norm must be one of \('backward', "
                                         r"'ortho', 'forward'\), got 'half'"):
        F.fft(x, norm="half")
    with pytest.raises(IndexError, match=r"fft\.ifft: axis 2 is out of range"):
        F.ifft(x, axis=2)
    with pytest.raises(ValueError, match=r"fft\.rfft: invalid number of data points \(0\)"):
        F.rfft(x, n=0)
    with pytest.raises(RuntimeError, match=r"fft\.rfft expects a real input tensor"):
        F.rfft(F.fft(x))
    with pytest.raises(ValueError, match=r"fft\.fftn: expected distinct axes, got \(1, 1\)"):
        F.fftn(x, axes=(1, -1))
    with pytest.raises(ValueError, match=r"fft\.irfftn: s and axes must have the same length"):
        F.irfftn(x, s=(2, 3), axes=(1,))
    with pytest.raises(TypeError, match=r"fft\.fft: expected a Tensor, got list"):
        F.fft([1.0, 2.0])
    with pytest.raises(TypeError, match=r"fft\.hfft: expected a floating point or complex"):
        F.hfft(ad.tensor([1, 2]))
    with pytest.raises(IndexError, match=r"fft\.fftshift: axis 3 is out of range"):
        F.fftshift(x, axes=3)
    with pytest.raises(ValueError, match=r"fft\.fft: invalid number of data points \(-3\)"):
        F.fft(x, n=-3)
    with pytest.raises(ValueError, match=r"fft\.rfftn: invalid number of data points \(0\)"):
        F.rfftn(x, s=(0, 4))
    with pytest.raises(ValueError, match=r"fft\.fftfreq: n must be a positive integer, got 0"):
        F.fftfreq(0)
    with pytest.raises(TypeError, match=r"fft\.rfftfreq: dtype must be a real floating"):
        F.rfftfreq(4, dtype=ad.int64)


# -- frequencies --------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 4, 7])
def test_sample_frequencies(backend: str, n: int) -> None:
    f = F.fftfreq(n, d=0.25)
    assert f.dtype == ad.float32 and f.backend == backend  # PyTorch's default dtype
    np.testing.assert_allclose(values(f), np.fft.fftfreq(n, d=0.25), rtol=1e-6)
    r = F.rfftfreq(n, dtype=ad.float64)
    assert r.dtype == ad.float64
    np.testing.assert_allclose(values(r), np.fft.rfftfreq(n), rtol=1e-15)
    assert F.fftfreq(n, requires_grad=True).requires_grad


# -- dtypes and names ---------------------------------------------------------------------
def test_dtypes_follow_the_input_precision(backend: str) -> None:
    x = ad.tensor(RNG.standard_normal(6), dtype=ad.float32, requires_grad=True)
    assert F.fft(x).dtype == ad.complex64
    assert F.rfft(x).dtype == ad.complex64
    assert F.irfft(F.rfft(x)).dtype == ad.float32
    F.irfft(F.rfft(x)).sum().backward()
    assert x.grad.dtype == ad.float32
    np.testing.assert_allclose(values(x.grad), np.ones(6), rtol=1e-5)


def test_grad_fn_names_follow_pytorch(backend: str) -> None:
    x = leaf(RNG.standard_normal(6))
    z = F.fft(x)
    assert type(z.grad_fn).__name__ == "FftR2CBackward0"
    assert type(F.fft(z).grad_fn).__name__ == "FftC2CBackward0"
    assert type(F.rfft(x).grad_fn).__name__ == "FftR2CBackward0"
    assert type(F.irfft(z).grad_fn).__name__ == "FftC2RBackward0"
    assert type(F.hfft(z).grad_fn).__name__ == "FftC2RBackward0"
    assert type(F.ihfft(x).grad_fn).__name__ == "ConjBackward0"
    assert type(F.fftshift(x).grad_fn).__name__ == "RollBackward0"
    assert type(ad.conj(z).grad_fn).__name__ == "ConjBackward0"
    assert type(ad.complex(x, x).grad_fn).__name__ == "ComplexBackward0"


# -- gradients that reach a complex input -------------------------------------------------
def test_complex_parts_gradient_convention(backend: str) -> None:
    z0 = RNG.standard_normal(4) + 1j * RNG.standard_normal(4)
    a, b = RNG.standard_normal(4), RNG.standard_normal(4)
    z = leaf(z0)
    weighted(z, a, b).backward()
    np.testing.assert_allclose(values(z.grad), a + 1j * b)
    w = leaf(z0)
    weighted(ad.conj(w), a, b).backward()
    np.testing.assert_allclose(values(w.grad), a - 1j * b)


@pytest.mark.parametrize("norm", ["backward", "ortho", "forward"])
def test_fft_gradient_for_a_complex_input_is_the_adjoint(backend: str, norm: str) -> None:
    z0 = RNG.standard_normal((2, 5)) + 1j * RNG.standard_normal((2, 5))
    a, b = RNG.standard_normal((2, 7)), RNG.standard_normal((2, 7))
    z = leaf(z0)
    weighted(F.fft(z, n=7, norm=norm), a, b).backward()
    # the adjoint of "pad to 7, then DFT": conj(DFT)^T, then drop the padding
    scale = {"backward": 1.0, "ortho": 7 ** -0.5, "forward": 1 / 7}[norm]
    expected = scale * 7 * np.fft.ifft(a + 1j * b, axis=-1)[:, :5]
    np.testing.assert_allclose(values(z.grad), expected, atol=1e-12)


@pytest.mark.parametrize("n", [6, 7])
def test_irfft_gradient_doubles_the_mirrored_bins(backend: str, n: int) -> None:
    # PyTorch's convention: the gradient of irfft for its complex input is the
    # one-sided rfft of the cotangent, doubled at the bins that stand for two.
    z0 = RNG.standard_normal(4) + 1j * RNG.standard_normal(4)
    g = RNG.standard_normal(n)
    z = leaf(z0)
    (F.irfft(z, n=n) * ad.tensor(g)).sum().backward()
    expected = np.fft.rfft(g) / n
    expected[1:n - (n // 2 + 1) + 1] *= 2
    np.testing.assert_allclose(values(z.grad), expected, atol=1e-12)


def test_hfft_and_ihfft_match_numpy(backend: str) -> None:
    z0 = RNG.standard_normal(5) + 1j * RNG.standard_normal(5)
    x0 = RNG.standard_normal(6)
    for norm in ("backward", "ortho", "forward"):
        np.testing.assert_allclose(values(F.hfft(ad.tensor(z0), n=7, norm=norm)),
                                   np.fft.hfft(z0, n=7, norm=norm))
        np.testing.assert_allclose(values(F.ihfft(ad.tensor(x0), norm=norm)),
                                   np.fft.ihfft(x0, norm=norm))


def test_shifts_are_inverse_to_each_other(backend: str) -> None:
    x0 = RNG.standard_normal((3, 5))
    x = leaf(x0)
    np.testing.assert_array_equal(values(F.fftshift(x, axes=1)), np.fft.fftshift(x0, axes=1))
    np.testing.assert_array_equal(values(F.ifftshift(F.fftshift(x))), x0)
    (F.fftshift(x, axes=(0,)) * ad.tensor(np.arange(15.0).reshape(3, 5))).sum().backward()
    np.testing.assert_array_equal(values(x.grad),
                                  np.fft.ifftshift(np.arange(15.0).reshape(3, 5), axes=0))


# -- the complex-number functions ---------------------------------------------------------
def test_real_and_conj_of_a_real_tensor_return_it(backend: str) -> None:
    x = ad.tensor([1.0, 2.0])
    assert ad.real(x) is x and ad.conj(x) is x and x.real is x
    with pytest.raises(RuntimeError, match="imag is not implemented for tensors with "
                                           "non-complex dtypes."):
        ad.imag(x)


def test_complex_constructor(backend: str) -> None:
    re = ad.tensor([1.0, 2.0], dtype=ad.float32)
    z = ad.complex(re, re)
    assert z.dtype == ad.complex64
    np.testing.assert_array_equal(values(z.imag), [1.0, 2.0])
    with pytest.raises(TypeError, match="complex: expected real and imag of the same float "
                                        "dtype"):
        ad.complex(re, ad.tensor([1.0, 2.0], dtype=ad.float64))
    with pytest.raises(TypeError, match="complex: expected a Tensor, got float"):
        ad.complex(1.0, re)
