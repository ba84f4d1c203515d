"""Two-dimensional transforms and the n-dimensional Hermitian ones (PyTorch's ``fft2``,
``ifft2``, ``rfft2``, ``irfft2``, ``hfft2``, ``ihfft2``, ``hfftn``, ``ihfftn``).

All are composites of the n-dimensional primitives in ``fft``: the 2-D ones are those
over ``dim=(-2, -1)``; a Hermitian transform is the real one of the conjugate with the
normalization swapped (``hfftn(x) = irfftn(conj(x), norm=dual)``, ``ihfftn(x) =
conj(rfftn(x, norm=dual))``), as ``hfft`` and ``ihfft`` are in one dimension.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from .complex import conj
from .fft import _DUAL, _check, fftn, ifftn, irfftn, rfftn

__all__ = ["fft2", "hfft2", "hfftn", "ifft2", "ihfft2", "ihfftn", "irfft2", "rfft2"]
NOT_METHODS = tuple(__all__)

_LAST_TWO = (-2, -1)


def _dim(dim: Any, axes: Any, default: Any) -> Any:
    """PyTorch's ``dim=`` or the standard's ``axes=``; ``default`` when neither is given."""
    if dim is not None and axes is not None:
        raise TypeError("give dim or axes, not both")
    chosen = dim if axes is None else axes
    return default if chosen is None else chosen


def fft2(x: Tensor, /, s: Any = None, dim: Any = None, norm: str | None = None, *,
         axes: Any = None) -> Tensor:
    """The 2-dimensional discrete Fourier transform over ``dim`` (the last two axes).

    >>> import autodiff as ad
    >>> ad.fft.fft2(ad.ones(2, 2))
    tensor([[4.+0.j, 0.+0.j],
            [0.+0.j, 0.+0.j]])
    """
    return fftn(x, s=s, axes=_dim(dim, axes, _LAST_TWO), norm=_check("fft2", x, norm))


def ifft2(x: Tensor, /, s: Any = None, dim: Any = None, norm: str | None = None, *,
          axes: Any = None) -> Tensor:
    """The inverse of ``fft2``.

    >>> import autodiff as ad
    >>> ad.fft.ifft2(ad.fft.fft2(ad.ones(2, 2))).real
    tensor([[1., 1.],
            [1., 1.]])
    """
    return ifftn(x, s=s, axes=_dim(dim, axes, _LAST_TWO), norm=_check("ifft2", x, norm))


def rfft2(x: Tensor, /, s: Any = None, dim: Any = None, norm: str | None = None, *,
          axes: Any = None) -> Tensor:
    """The 2-dimensional transform of a real signal, one-sided along the last axis of ``dim``.

    >>> import autodiff as ad
    >>> ad.fft.rfft2(ad.ones(2, 2))
    tensor([[4.+0.j, 0.+0.j],
            [0.+0.j, 0.+0.j]])
    """
    return rfftn(x, s=s, axes=_dim(dim, axes, _LAST_TWO),
                 norm=_check("rfft2", x, norm, real_input=True))


def irfft2(x: Tensor, /, s: Any = None, dim: Any = None, norm: str | None = None, *,
           axes: Any = None) -> Tensor:
    """The inverse of ``rfft2``: a real signal from its one-sided spectrum.

    >>> import autodiff as ad
    >>> ad.fft.irfft2(ad.fft.rfft2(ad.ones(2, 2)))
    tensor([[1., 1.],
            [1., 1.]])
    """
    return irfftn(x, s=s, axes=_dim(dim, axes, _LAST_TWO), norm=_check("irfft2", x, norm))


def hfftn(x: Tensor, /, s: Any = None, dim: Any = None, norm: str | None = None, *,
          axes: Any = None) -> Tensor:
    """The n-dimensional transform of a Hermitian-symmetric signal given by its half
    along the last axis of ``dim``: a real spectrum.

    >>> import autodiff as ad
    >>> ad.fft.hfftn(ad.tensor([[1.0 + 0j, 0j, 0j]]))
    tensor([[1., 1., 1., 1.]])
    """
    norm = _check("hfftn", x, norm)
    return irfftn(conj(x), s=s, axes=_dim(dim, axes, None), norm=_DUAL[norm])


def ihfftn(x: Tensor, /, s: Any = None, dim: Any = None, norm: str | None = None, *,
           axes: Any = None) -> Tensor:
    """The inverse of ``hfftn``: the one-sided Hermitian spectrum of a real signal.

    >>> import autodiff as ad
    >>> ad.fft.ihfftn(ad.tensor([[1.0, 1.0, 1.0, 1.0]]))
    tensor([[1.-0.j, 0.-0.j, 0.-0.j]])
    """
    norm = _check("ihfftn", x, norm, real_input=True)
    return conj(rfftn(x, s=s, axes=_dim(dim, axes, None), norm=_DUAL[norm]))


def hfft2(x: Tensor, /, s: Any = None, dim: Any = None, norm: str | None = None, *,
          axes: Any = None) -> Tensor:
    """``hfftn`` over the last two axes.

    >>> import autodiff as ad
    >>> ad.fft.hfft2(ad.tensor([[1.0 + 0j, 0j]])).shape
    (1, 2)
    """
    return hfftn(x, s=s, dim=_dim(dim, axes, _LAST_TWO), norm=norm)


def ihfft2(x: Tensor, /, s: Any = None, dim: Any = None, norm: str | None = None, *,
           axes: Any = None) -> Tensor:
    """``ihfftn`` over the last two axes.

    >>> import autodiff as ad
    >>> ad.fft.ihfft2(ad.ones(2, 2))
    tensor([[1.-0.j, 0.-0.j],
            [0.-0.j, 0.-0.j]])
    """
    return ihfftn(x, s=s, dim=_dim(dim, axes, _LAST_TWO), norm=norm)
