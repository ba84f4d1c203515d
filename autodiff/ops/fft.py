"""The Array API ``fft`` extension, differentiable.

Three transform primitives, named after PyTorch's nodes: ``fftn`` (complex to complex,
forward or inverse; a real input is taken as complex), ``rfftn`` (real to the
one-sided complex half) and ``irfftn`` (one-sided complex half to real); ``hfft`` and
``ihfft`` are built from them as numpy builds them. Each is linear, and its vjp is
the adjoint transform: the inverse transform under the dual normalization
(``backward`` <-> ``forward``, ``ortho`` stays), then the input's padding or trimming
undone (trimmed entries get zeros, padded ones are dropped). For ``rfftn`` the adjoint
pads the half spectrum with zeros and keeps the real part; for ``irfftn`` it is the
one-sided ``rfftn`` of the cotangent with the bins that stand for two (their mirror
images) doubled, PyTorch's convention.
"""

from __future__ import annotations

from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor

__all__ = ["fft", "fftn", "fftshift", "hfft", "ifft", "ifftn", "ifftshift", "ihfft", "irfft",
           "irfftn", "rfft", "rfftn"]
NOT_METHODS = tuple(__all__)

NORMS = ("backward", "ortho", "forward")
_DUAL = {"backward": "forward", "ortho": "ortho", "forward": "backward"}


def _complex(xp: Any, x: Any) -> Any:
    if xp.isdtype(x.dtype, "complex floating"):
        return x
    return xp.astype(x, xp.complex64 if x.dtype == xp.float32 else xp.complex128)


# The vjp rules are written against ``xp`` (a backend's namespace on arrays, autodiff's
# on tensors; see _rules); the adjoint transforms are the transform primitives
# themselves (``xp.prim.fftn``...), so that their padding and trimming is the forward's.
def _resize(xp: Any, t: Any, axes: tuple[int, ...], sizes: tuple[int, ...]) -> Any:
    """``t`` trimmed or zero-padded at the end of each of ``axes`` to ``sizes``
    (differentiable: a slice, then a scatter into zeros)."""
    trim = [slice(None)] * t.ndim
    for axis, size in zip(axes, sizes, strict=True):
        if t.shape[axis] > size:
            trim[axis] = slice(0, size)
    if any(part != slice(None) for part in trim):
        t = t[tuple(trim)]
    target = list(t.shape)
    for axis, size in zip(axes, sizes, strict=True):
        target[axis] = size
    if tuple(target) != tuple(t.shape):
        t = xp.prim.index_scatter_add(t, key=tuple(slice(0, extent) for extent in t.shape),
                                      shape=tuple(target))
    return t


# -- complex to complex -------------------------------------------------------------------
def _fftn_forward(xp: Any, x: Any, axes: tuple[int, ...], sizes: tuple[int, ...], norm: str,
                  inverse: bool, inputs: tuple[int, ...]) -> Any:
    x = _complex(xp, x)
    if len(axes) == 1:
        one = xp.fft.ifft if inverse else xp.fft.fft
        return one(x, n=sizes[0], axis=axes[0], norm=norm)
    return (xp.fft.ifftn if inverse else xp.fft.fftn)(x, s=sizes, axes=axes, norm=norm)


def _fftn_vjp(xp: Any, g: Any, _ans: Any, _x: Any, axes: tuple[int, ...],
              sizes: tuple[int, ...], norm: str, inverse: bool, inputs: tuple[int, ...]) -> Any:
    back = xp.prim.fftn(g, axes=axes, sizes=sizes, norm=_DUAL[norm], inverse=not inverse,
                        inputs=sizes)
    # a real input's gradient is the real part, which the engine takes
    return _resize(xp, back, axes, inputs)


def _fftn_name(x: Tensor, **params: Any) -> str:
    return "FftC2CBackward0" if x.dtype.is_complex else "FftR2CBackward0"


_fftn: Op = primitive(
    "fftn", torch_name=_fftn_name,
    forward=_fftn_forward, vjp=_fftn_vjp, jvp="linear", namespace="autodiff.fft",
)


# -- real to one-sided complex, and back ----------------------------------------------------
def _rfftn_forward(xp: Any, x: Any, axes: tuple[int, ...], sizes: tuple[int, ...], norm: str,
                   inputs: tuple[int, ...]) -> Any:
    if len(axes) == 1:
        return xp.fft.rfft(x, n=sizes[0], axis=axes[0], norm=norm)
    return xp.fft.rfftn(x, s=sizes, axes=axes, norm=norm)


def _rfftn_vjp(xp: Any, g: Any, _ans: Any, _x: Any, axes: tuple[int, ...],
               sizes: tuple[int, ...], norm: str, inputs: tuple[int, ...]) -> Any:
    # ifftn's own padding fills the missing half of the last axis with zeros
    back = xp.prim.fftn(g, axes=axes, sizes=sizes, norm=_DUAL[norm], inverse=True,
                        inputs=_half(sizes))
    return _resize(xp, xp.real(back), axes, inputs)


def _half(sizes: tuple[int, ...]) -> tuple[int, ...]:
    """The lengths of a one-sided spectrum of a signal of ``sizes``."""
    return (*sizes[:-1], sizes[-1] // 2 + 1)


_rfftn: Op = primitive(
    "rfftn", torch_name="FftR2C",
    forward=_rfftn_forward, vjp=_rfftn_vjp, jvp="linear", namespace="autodiff.fft",
)


def _irfftn_forward(xp: Any, x: Any, axes: tuple[int, ...], sizes: tuple[int, ...], norm: str,
                    inputs: tuple[int, ...]) -> Any:
    x = _complex(xp, x)
    if len(axes) == 1:
        return xp.fft.irfft(x, n=sizes[0], axis=axes[0], norm=norm)
    return xp.fft.irfftn(x, s=sizes, axes=axes, norm=norm)


def _doubled(xp: Any, spectrum: Any, axis: int, n: int) -> Any:
    """A one-sided spectrum of a length-n signal, along ``axis``, with each bin that
    stands for itself and its mirror image (1 .. n - n // 2 - 1) counted twice."""
    stop = n - (n // 2 + 1) + 1  # the doubled bins are 1 .. stop - 1

    def bins(start: int, end: int | None) -> Any:
        key = [slice(None)] * spectrum.ndim
        key[axis] = slice(start, end)
        return spectrum[tuple(key)]

    if stop <= 1:
        return spectrum
    parts = [bins(0, 1), 2.0 * bins(1, stop)]
    if stop < spectrum.shape[axis]:
        parts.append(bins(stop, None))
    return xp.concat(parts, axis=axis)


def _irfftn_vjp(xp: Any, g: Any, _ans: Any, _x: Any, axes: tuple[int, ...],
                sizes: tuple[int, ...], norm: str, inputs: tuple[int, ...]) -> Any:
    back = xp.prim.rfftn(g, axes=axes, sizes=sizes, norm=_DUAL[norm], inputs=sizes)
    return _resize(xp, _doubled(xp, back, axes[-1], sizes[-1]), axes, inputs)


_irfftn: Op = primitive(
    "irfftn", torch_name="FftC2R",
    forward=_irfftn_forward, vjp=_irfftn_vjp, jvp="linear", namespace="autodiff.fft",
)

# -- shifts -------------------------------------------------------------------------------
_fftshift: Op = primitive(
    "fftshift", torch_name="Roll",
    forward=lambda xp, x, axes, inverse: (xp.fft.ifftshift if inverse else xp.fft.fftshift)(
        x, axes=axes),
    vjp=lambda xp, g, _ans, _x, axes, inverse: xp.prim.fftshift(g, axes=axes,
                                                                inverse=not inverse),
    jvp="linear", namespace="autodiff.fft",
)


# -- the public functions -----------------------------------------------------------------
def _check(op: str, x: Any, norm: Any, real_input: bool = False) -> str:
    if not isinstance(x, Tensor):
        raise TypeError(f"fft.{op}: expected a Tensor, got {type(x).__name__}")
    if not x.dtype.is_differentiable:
        raise TypeError(f"fft.{op}: expected a floating point or complex tensor, got "
                        f"{x.dtype.name}")
    if real_input and x.dtype.is_complex:
        raise RuntimeError(f"fft.{op} expects a real input tensor, but got {x.dtype.name}")
    norm = "backward" if norm is None else norm
    if norm not in NORMS:
        raise ValueError(f"fft.{op}: norm must be one of {NORMS}, got {norm!r}")
    return str(norm)


def _axis(op: str, x: Tensor, axis: Any, dim: Any) -> int:
    axis = -1 if axis is None and dim is None else (dim if axis is None else axis)
    if not -x.ndim <= axis < x.ndim:
        raise IndexError(f"fft.{op}: axis {axis} is out of range for a tensor of "
                         f"{x.ndim} dimensions")
    return int(axis) % x.ndim


def _length(op: str, n: Any, default: int) -> int:
    if n is None or n == -1:
        return default
    if int(n) < 1:
        raise ValueError(f"fft.{op}: invalid number of data points ({n}) specified")
    return int(n)


def _axes_and_sizes(op: str, x: Tensor, s: Any, axes: Any, half: bool = False
                    ) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """numpy's rules for ``s`` and ``axes``: all axes when both are None, the last
    len(s) axes when only s is given; -1 in s keeps an axis's length. Returns the
    axes, the signal lengths and the input's lengths along them; with ``half`` the
    last axis is one-sided (irfftn), its default length 2 (m - 1)."""
    if axes is None:
        axes = tuple(range(x.ndim)) if s is None else tuple(range(x.ndim - len(s), x.ndim))
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    if s is not None and len(s) != len(axes):
        raise ValueError(f"fft.{op}: s and axes must have the same length, got {tuple(s)} "
                         f"and {axes}")
    for axis in axes:
        if not -x.ndim <= axis < x.ndim:
            raise IndexError(f"fft.{op}: axis {axis} is out of range for a tensor of "
                             f"{x.ndim} dimensions")
    axes = tuple(int(axis) % x.ndim for axis in axes)
    if len(set(axes)) != len(axes) or not axes:
        raise ValueError(f"fft.{op}: expected distinct axes, got {axes}")
    inputs = tuple(x.shape[axis] for axis in axes)
    defaults = list(inputs)
    if half:
        defaults[-1] = 2 * (inputs[-1] - 1)
    sizes = tuple(defaults) if s is None else tuple(
        _length(op, size, default) for size, default in zip(s, defaults, strict=True))
    for size in sizes:
        if size < 1:
            raise ValueError(f"fft.{op}: invalid number of data points ({size}) specified")
    return axes, sizes, inputs


def fft(x: Tensor, /, *, n: int | None = None, axis: int | None = None, norm: str = "backward",
        dim: int | None = None) -> Tensor:
    """The one-dimensional discrete Fourier transform along ``axis`` (last by default),
    the signal trimmed or zero-padded to ``n``.

    >>> import autodiff as ad
    >>> ad.fft.fft(ad.tensor([1.0, 0.0, 0.0, 0.0]))
    tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    norm = _check("fft", x, norm)
    a = _axis("fft", x, axis, dim)
    return _fftn(x, axes=(a,), sizes=(_length("fft", n, x.shape[a]),), norm=norm,
                 inverse=False, inputs=(x.shape[a],))


def ifft(x: Tensor, /, *, n: int | None = None, axis: int | None = None,
         norm: str = "backward", dim: int | None = None) -> Tensor:
    """The inverse of ``fft``.

    >>> import autodiff as ad
    >>> ad.fft.ifft(ad.tensor([4.0, 0.0, 0.0, 0.0]))
    tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    norm = _check("ifft", x, norm)
    a = _axis("ifft", x, axis, dim)
    return _fftn(x, axes=(a,), sizes=(_length("ifft", n, x.shape[a]),), norm=norm,
                 inverse=True, inputs=(x.shape[a],))


def fftn(x: Tensor, /, *, s: Any = None, axes: Any = None, norm: str = "backward",
         dim: Any = None) -> Tensor:
    """The n-dimensional discrete Fourier transform over ``axes`` (all by default), each
    trimmed or zero-padded to the matching length in ``s``.

    >>> import autodiff as ad
    >>> ad.fft.fftn(ad.ones(2, 2))
    tensor([[4.+0.j, 0.+0.j],
            [0.+0.j, 0.+0.j]])
    """
    norm = _check("fftn", x, norm)
    axes, sizes, inputs = _axes_and_sizes("fftn", x, s, axes if dim is None else dim)
    return _fftn(x, axes=axes, sizes=sizes, norm=norm, inverse=False, inputs=inputs)


def ifftn(x: Tensor, /, *, s: Any = None, axes: Any = None, norm: str = "backward",
          dim: Any = None) -> Tensor:
    """The inverse of ``fftn``.

    >>> import autodiff as ad
    >>> ad.fft.ifftn(ad.tensor([[4.0, 0.0], [0.0, 0.0]]))
    tensor([[1.+0.j, 1.+0.j],
            [1.+0.j, 1.+0.j]])
    """
    norm = _check("ifftn", x, norm)
    axes, sizes, inputs = _axes_and_sizes("ifftn", x, s, axes if dim is None else dim)
    return _fftn(x, axes=axes, sizes=sizes, norm=norm, inverse=True, inputs=inputs)


def rfft(x: Tensor, /, *, n: int | None = None, axis: int | None = None,
         norm: str = "backward", dim: int | None = None) -> Tensor:
    """The Fourier transform of a real signal: its n // 2 + 1 non-negative frequencies.

    >>> import autodiff as ad
    >>> ad.fft.rfft(ad.tensor([1.0, 2.0, 3.0, 4.0]))
    tensor([10.+0.j, -2.+2.j, -2.+0.j])
    """
    norm = _check("rfft", x, norm, real_input=True)
    a = _axis("rfft", x, axis, dim)
    return _rfftn(x, axes=(a,), sizes=(_length("rfft", n, x.shape[a]),), norm=norm,
                  inputs=(x.shape[a],))


def rfftn(x: Tensor, /, *, s: Any = None, axes: Any = None, norm: str = "backward",
          dim: Any = None) -> Tensor:
    """The n-dimensional ``rfft``: one-sided along the last of ``axes``.

    >>> import autodiff as ad
    >>> ad.fft.rfftn(ad.ones(2, 2))
    tensor([[4.+0.j, 0.+0.j],
            [0.+0.j, 0.+0.j]])
    """
    norm = _check("rfftn", x, norm, real_input=True)
    axes, sizes, inputs = _axes_and_sizes("rfftn", x, s, axes if dim is None else dim)
    return _rfftn(x, axes=axes, sizes=sizes, norm=norm, inputs=inputs)


def irfft(x: Tensor, /, *, n: int | None = None, axis: int | None = None,
          norm: str = "backward", dim: int | None = None) -> Tensor:
    """The inverse of ``rfft``: a real signal of length ``n`` (2 (m - 1) by default)
    from its one-sided spectrum; imaginary parts that a real signal cannot have (at
    frequency 0, and n / 2 for even n) are ignored.

    >>> import autodiff as ad
    >>> ad.fft.irfft(ad.tensor([10.0 + 0j, -2 + 2j, -2 + 0j]))
    tensor([1., 2., 3., 4.])
    """
    norm = _check("irfft", x, norm)
    a = _axis("irfft", x, axis, dim)
    size = _length("irfft", n, 2 * (x.shape[a] - 1))
    return _irfftn(x, axes=(a,), sizes=(size,), norm=norm, inputs=(x.shape[a],))


def irfftn(x: Tensor, /, *, s: Any = None, axes: Any = None, norm: str = "backward",
           dim: Any = None) -> Tensor:
    """The inverse of ``rfftn``.

    >>> import autodiff as ad
    >>> ad.fft.irfftn(ad.tensor([[4.0 + 0j, 0j], [0j, 0j]]), s=(2, 2))
    tensor([[1., 1.],
            [1., 1.]])
    """
    norm = _check("irfftn", x, norm)
    axes, sizes, inputs = _axes_and_sizes("irfftn", x, s, axes if dim is None else dim,
                                          half=True)
    return _irfftn(x, axes=axes, sizes=sizes, norm=norm, inputs=inputs)


def hfft(x: Tensor, /, *, n: int | None = None, axis: int | None = None,
         norm: str = "backward", dim: int | None = None) -> Tensor:
    """The Fourier transform of a signal with Hermitian symmetry, given by its first
    half: a real spectrum of length n (``irfft`` of the conjugate, norm swapped).

    >>> import autodiff as ad
    >>> ad.fft.hfft(ad.tensor([1.0 + 0j, 0j, 0j]))
    tensor([1., 1., 1., 1.])
    """
    from .complex import conj

    norm = _check("hfft", x, norm)
    return irfft(conj(x), n=n, axis=_axis("hfft", x, axis, dim), norm=_DUAL[norm])


def ihfft(x: Tensor, /, *, n: int | None = None, axis: int | None = None,
          norm: str = "backward", dim: int | None = None) -> Tensor:
    """The inverse of ``hfft``: the one-sided Hermitian spectrum of a real signal
    (the conjugate of ``rfft``, norm swapped).

    >>> import autodiff as ad
    >>> ad.fft.ihfft(ad.tensor([1.0, 1.0, 1.0, 1.0]))
    tensor([1.-0.j, 0.-0.j, 0.-0.j])
    """
    from .complex import conj

    norm = _check("ihfft", x, norm)
    return conj(rfft(x, n=n, axis=_axis("ihfft", x, axis, dim), norm=_DUAL[norm]))


def _shift(op: str, x: Tensor, axes: Any, dim: Any, inverse: bool) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"fft.{op}: expected a Tensor, got {type(x).__name__}")
    axes = axes if dim is None else dim
    if axes is None:
        axes = tuple(range(x.ndim))
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    for axis in axes:
        if not -x.ndim <= axis < x.ndim:
            raise IndexError(f"fft.{op}: axis {axis} is out of range for a tensor of "
                             f"{x.ndim} dimensions")
    return _fftshift(x, axes=tuple(int(axis) % x.ndim for axis in axes), inverse=inverse)


def fftshift(x: Tensor, /, *, axes: Any = None, dim: Any = None) -> Tensor:
    """Move the zero frequency to the middle of ``axes`` (all by default).

    >>> import autodiff as ad
    >>> ad.fft.fftshift(ad.fft.fftfreq(4))
    tensor([-0.5000, -0.2500,  0.0000,  0.2500])
    """
    return _shift("fftshift", x, axes, dim, False)


def ifftshift(x: Tensor, /, *, axes: Any = None, dim: Any = None) -> Tensor:
    """The inverse of ``fftshift``.

    >>> import autodiff as ad
    >>> ad.fft.ifftshift(ad.tensor([-0.5, -0.25, 0.0, 0.25]))
    tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
    """
    return _shift("ifftshift", x, axes, dim, True)
