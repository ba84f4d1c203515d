"""Conformance cases of the fft extension (``autodiff.fft``) and of the complex-number
functions (conj, real, imag, complex).

The inputs are real; complex values come from a transform of them, so gradcheck (which
projects a complex output on a real cotangent, i.e. checks its real part) sees both the
complex paths and, through ``imag``, the imaginary parts.
"""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .cases import case, real

F = ad.fft


def _c(x: np.ndarray) -> np.ndarray:
    """x as complex: autodiff's fft of a real signal is the fft of its complex cast (numpy's
    own real-input path may round differently in the last bit)."""
    return x.astype(np.result_type(x.dtype, np.complex64))

# -- complex to complex: fft, ifft, fftn, ifftn (the fftn primitive) ----------------------
case("fftn.fft", F.fft, lambda x: np.fft.fft(_c(x)), real(2, 5))
case("fftn.fft_pad_ortho", lambda x: F.fft(x, n=8, norm="ortho"),
     lambda x: np.fft.fft(_c(x), n=8, norm="ortho"), real(2, 5))
case("fftn.fft_trim_axis_0", lambda x: F.fft(x, n=3, axis=0, norm="forward"),
     lambda x: np.fft.fft(_c(x), n=3, axis=0, norm="forward"), real(4, 3))
case("fftn.fft_of_complex", lambda x: F.fft(F.fft(x), n=4),
     lambda x: np.fft.fft(np.fft.fft(_c(x)), n=4), real(2, 5))
case("fftn.ifft", F.ifft, lambda x: np.fft.ifft(_c(x)), real(6))
case("fftn.ifft_of_complex_torch_dim", lambda x: F.ifft(F.fft(x), n=7, dim=0),
     lambda x: np.fft.ifft(np.fft.fft(_c(x)), n=7, axis=0), real(5, 2))
case("fftn.fftn_all_axes", F.fftn, lambda x: np.fft.fftn(_c(x), axes=(0, 1, 2)), real(2, 3, 4))
case("fftn.fftn_s_axes", lambda x: F.fftn(x, s=(4, 2), axes=(2, 0), norm="ortho"),
     lambda x: np.fft.fftn(_c(x), s=(4, 2), axes=(2, 0), norm="ortho"), real(3, 2, 5))
case("fftn.ifftn_last_axes", lambda x: F.ifftn(F.fftn(x), s=(3, 6)),
     lambda x: np.fft.ifftn(np.fft.fftn(_c(x), axes=(0, 1)), s=(3, 6), axes=(0, 1)), real(3, 4))

# -- real to one-sided complex: rfft, rfftn, ihfft ----------------------------------------
case("rfftn.rfft", F.rfft, np.fft.rfft, real(2, 6))
case("rfftn.rfft_odd_pad", lambda x: F.rfft(x, n=9, norm="forward"),
     lambda x: np.fft.rfft(x, n=9, norm="forward"), real(2, 5))
case("rfftn.rfft_trim_axis_0", lambda x: F.rfft(x, n=4, axis=0, norm="ortho"),
     lambda x: np.fft.rfft(x, n=4, axis=0, norm="ortho"), real(7, 2))
case("rfftn.rfftn", F.rfftn, lambda x: np.fft.rfftn(x, axes=(0, 1)), real(4, 5))
case("rfftn.rfftn_s", lambda x: F.rfftn(x, s=(3, 6)),
     lambda x: np.fft.rfftn(x, s=(3, 6), axes=(1, 2)), real(2, 4, 5))
case("conj.ihfft", F.ihfft, np.fft.ihfft, real(2, 6))
case("conj.ihfft_n", lambda x: F.ihfft(x, n=5, norm="ortho"),
     lambda x: np.fft.ihfft(x, n=5, norm="ortho"), real(2, 6))

# -- one-sided complex to real: irfft, irfftn, hfft ----------------------------------------
case("irfftn.irfft_round_trip", lambda x: F.irfft(F.rfft(x)),
     lambda x: np.fft.irfft(np.fft.rfft(x)), real(2, 6))
# A full spectrum as input: irfft reads its first n // 2 + 1 bins (the doubling matters).
case("irfftn.irfft_of_fft", lambda x: F.irfft(F.fft(x), n=7, norm="ortho"),
     lambda x: np.fft.irfft(np.fft.fft(_c(x)), n=7, norm="ortho"), real(2, 6))
case("irfftn.irfft_even_n_forward", lambda x: F.irfft(F.fft(x), n=4, norm="forward"),
     lambda x: np.fft.irfft(np.fft.fft(_c(x)), n=4, norm="forward"), real(2, 6))
case("irfftn.irfft_long_n", lambda x: F.irfft(F.fft(x), n=13),
     lambda x: np.fft.irfft(np.fft.fft(_c(x)), n=13), real(5))
case("irfftn.irfftn", lambda x: F.irfftn(F.fftn(x)),
     lambda x: np.fft.irfftn(np.fft.fftn(_c(x), axes=(0, 1)), axes=(0, 1)), real(3, 4))
case("irfftn.irfftn_s", lambda x: F.irfftn(F.fftn(x), s=(2, 5), axes=(0, 1)),
     lambda x: np.fft.irfftn(np.fft.fftn(_c(x), axes=(0, 1)), s=(2, 5), axes=(0, 1)), real(3, 4))
case("irfftn.hfft", lambda x: F.hfft(F.fft(x)),
     lambda x: np.fft.hfft(np.fft.fft(_c(x))), real(2, 5))
case("irfftn.hfft_n", lambda x: F.hfft(F.fft(x), n=6, norm="ortho"),
     lambda x: np.fft.hfft(np.fft.fft(_c(x)), n=6, norm="ortho"), real(2, 5))

# -- shifts ---------------------------------------------------------------------------------
case("fftshift.all_axes", F.fftshift, lambda x: np.fft.fftshift(x), real(3, 4))
case("fftshift.ifftshift_axis", lambda x: F.ifftshift(x, axes=1),
     lambda x: np.fft.ifftshift(x, axes=1), real(3, 5))

# -- complex numbers ------------------------------------------------------------------------
case("conj.fft", lambda x: ad.conj(F.fft(x)), lambda x: np.conj(np.fft.fft(_c(x))), real(2, 5))
case("real.fft", lambda x: ad.real(F.fft(x)), lambda x: np.real(np.fft.fft(_c(x))), real(2, 5))
case("imag.fft", lambda x: F.fft(x).imag, lambda x: np.imag(np.fft.fft(_c(x))), real(2, 5))
case("imag.conj", lambda x: ad.imag(ad.conj(F.rfft(x))),
     lambda x: np.imag(np.conj(np.fft.rfft(x))), real(6))
case("complex.basic", ad.complex, lambda x, y: x + 1j * y, real(2, 3), real(2, 3))
case("real.complex", lambda x, y: ad.complex(x, y).real, lambda x, y: x, real(3), real(3))
case("imag.complex", lambda x, y: ad.imag(ad.complex(x, y)), lambda x, y: y, real(3), real(3))
