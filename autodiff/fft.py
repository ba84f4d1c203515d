"""``autodiff.fft``: the Array API fft extension, differentiable (PyTorch's
``torch.fft``): transforms, their inverses, shifts and sample frequencies.

>>> import autodiff as ad
>>> x = ad.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
>>> ad.fft.irfft(ad.fft.rfft(x))
tensor([1., 2., 3., 4.], grad_fn=<FftC2RBackward0>)
"""

from __future__ import annotations

from typing import Any

from ._tensor import Tensor
from .ops.fft import fft as fft
from .ops.fft import fftn as fftn
from .ops.fft import fftshift as fftshift
from .ops.fft import hfft as hfft
from .ops.fft import ifft as ifft
from .ops.fft import ifftn as ifftn
from .ops.fft import ifftshift as ifftshift
from .ops.fft import ihfft as ihfft
from .ops.fft import irfft as irfft
from .ops.fft import irfftn as irfftn
from .ops.fft import rfft as rfft
from .ops.fft import rfftn as rfftn
from .ops.fft_extra import fft2 as fft2
from .ops.fft_extra import hfft2 as hfft2
from .ops.fft_extra import hfftn as hfftn
from .ops.fft_extra import ifft2 as ifft2
from .ops.fft_extra import ihfft2 as ihfft2
from .ops.fft_extra import ihfftn as ihfftn
from .ops.fft_extra import irfft2 as irfft2
from .ops.fft_extra import rfft2 as rfft2

__all__ = ["fft", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifftn", "ifftshift", "ihfft",
           "irfft", "irfftn", "rfft", "rfftfreq", "rfftn"]
__all__ += ["fft2", "hfft2", "hfftn", "ifft2", "ihfft2", "ihfftn", "irfft2", "rfft2"]


def _frequencies(op: str, n: int, d: float, dtype: Any, device: Any, backend: Any,
                 requires_grad: bool) -> Tensor:
    from .ops.creation import _finish
    from .ops.transfer import placement as _place

    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"fft.{op}: n must be a positive integer, got {n!r}")
    owner, native, resolved = _place(dtype, device, backend)
    if not resolved.is_floating_point:
        raise TypeError(f"fft.{op}: dtype must be a real floating point type, got "
                        f"{resolved.name}")
    kwargs = {} if native is None else {"device": native}
    array = getattr(owner.xp.fft, op)(n, d=float(d), dtype=owner.dtype(resolved.name), **kwargs)
    return _finish(array, owner, requires_grad)


def fftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None,
            backend: Any = None, requires_grad: bool = False) -> Tensor:
    """The sample frequencies of an ``fft`` of length n with sample spacing d
    (0, 1, ..., -1 over n d); the default float dtype unless ``dtype`` says otherwise.

    >>> import autodiff as ad
    >>> ad.fft.fftfreq(4)
    tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
    """
    return _frequencies("fftfreq", n, d, dtype, device, backend, requires_grad)


def rfftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None,
             backend: Any = None, requires_grad: bool = False) -> Tensor:
    """The sample frequencies of an ``rfft`` of length n: its n // 2 + 1 non-negative ones.

    >>> import autodiff as ad
    >>> ad.fft.rfftfreq(4)
    tensor([0.0000, 0.2500, 0.5000])
    """
    return _frequencies("rfftfreq", n, d, dtype, device, backend, requires_grad)
