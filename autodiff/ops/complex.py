"""Complex numbers: ``conj``, ``real``, ``imag`` (Array API elementwise functions) and
PyTorch's ``complex(real, imag)``.

Gradients follow PyTorch's convention for complex autograd: the gradient of a real
loss L with respect to a complex z is ``dL/dRe(z) + i dL/dIm(z)`` (the conjugate
Wirtinger derivative, scaled by 2), so for a holomorphic f the vjp is
``g * conj(f'(z))``. With it ``real`` sends a real cotangent g back as ``g + 0i``,
``imag`` as ``0 + gi``, and ``conj`` conjugates the cotangent.
"""

from __future__ import annotations

from typing import Any

from .._primitive import Op, primitive
from .._tensor import Tensor

__all__ = ["complex", "conj", "imag", "real"]
#: ``complex`` is a constructor, not a method; ``x.real`` and ``x.imag`` are properties
NOT_METHODS = ("complex", "real", "imag")


def _complex_forward(xp: Any, re: Any, im: Any) -> Any:
    kind = xp.complex64 if re.dtype == xp.float32 else xp.complex128
    return xp.astype(re, kind) + xp.astype(im, kind) * 1j


_conj: Op = primitive(
    "conj", torch_name="Conj",
    forward=lambda xp, x: xp.conj(x),
    vjp=lambda xp, g, _ans, _x: xp.conj(g),
    jvp="linear",
)
# PyTorch's real and imag are views, whose nodes are named SelectBackward0. The standard
# has no constructor of a complex array from its parts: their rules call ``complex``'s
# forward (``xp.prim.complex``).
_real: Op = primitive(
    "real", torch_name="Select",
    forward=lambda xp, x: xp.real(x),
    vjp=lambda xp, g, _ans, _x: xp.prim.complex(g, xp.zeros_like(g)),
    jvp="linear",
)
_imag: Op = primitive(
    "imag", torch_name="Select",
    forward=lambda xp, x: xp.imag(x),
    vjp=lambda xp, g, _ans, _x: xp.prim.complex(xp.zeros_like(g), g),
    jvp="linear",
)
_complex: Op = primitive(
    "complex", torch_name="Complex",
    forward=_complex_forward,
    vjp=(lambda xp, g, _ans, _re, _im: xp.real(g), lambda xp, g, _ans, _re, _im: xp.imag(g)),
    jvp="linear",
)


def _check(op: str, x: Any) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")


def conj(x: Tensor, /) -> Tensor:
    """The complex conjugate; a real tensor is returned as it is (as in PyTorch).

    >>> import autodiff as ad
    >>> ad.conj(ad.tensor([1 + 2j]))
    tensor([1.-2.j])
    """
    _check("conj", x)
    return _conj(x) if x.dtype.is_complex else x


def real(x: Tensor, /) -> Tensor:
    """The real part; a real tensor is returned as it is (as in PyTorch). Also ``x.real``.

    >>> import autodiff as ad
    >>> ad.real(ad.tensor([1 + 2j]))
    tensor([1.])
    """
    _check("real", x)
    return _real(x) if x.dtype.is_complex else x


def imag(x: Tensor, /) -> Tensor:
    """The imaginary part of a complex tensor. Also ``x.imag``.

    >>> import autodiff as ad
    >>> ad.tensor([1 + 2j]).imag
    tensor([2.])
    """
    _check("imag", x)
    if not x.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _imag(x)


def complex(real: Tensor, imag: Tensor) -> Tensor:
    """``real + i imag`` from two real tensors of one floating dtype (PyTorch's
    ``torch.complex``); float32 parts give complex64, float64 parts complex128.

    >>> import autodiff as ad
    >>> ad.complex(ad.tensor([1.0]), ad.tensor([2.0]))
    tensor([1.+2.j])
    """
    _check("complex", real)
    _check("complex", imag)
    if real.dtype is not imag.dtype or real.dtype.name not in ("float32", "float64"):
        raise TypeError(f"complex: expected real and imag of the same float dtype (float32 "
                        f"or float64), got {real.dtype.name} and {imag.dtype.name}")
    return _complex(real, imag)


METHODS: dict[str, Any] = {"real": property(real), "imag": property(imag)}
