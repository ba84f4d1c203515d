"""``autodiff.torch.fft``: ``autodiff.fft`` with PyTorch's positional arguments.

PyTorch writes ``fft(x, n, dim, norm)`` and ``fftn(x, s, dim, norm)`` positionally, and
``norm=None`` for the default; the standard's functions take them by keyword only
(``axis``/``axes``). Names not wrapped here are ``autodiff.fft``'s own.

>>> import autodiff.torch as torch
>>> torch.fft.fft(torch.tensor([1.0, 0.0, 0.0, 0.0]), 2)
tensor([1.+0.j, 1.+0.j])
"""

from __future__ import annotations

from typing import Any as _Any

import autodiff.fft as _fft

from ._fallback import fallback as _fallback

_ONE = ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft")
_MANY = ("fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2", "fftn", "ifftn", "rfftn",
         "irfftn", "hfftn", "ihfftn")
_SHIFT = ("fftshift", "ifftshift")


def _wrap(name: str, size: str, default_dim: _Any) -> _Any:
    def transform(input: _Any, *args: _Any, **named: _Any) -> _Any:
        # PyTorch's (input, n|s=None, dim=..., norm=None), positional or by name
        if len(args) > 3:
            raise TypeError(f"{name}() takes at most 4 positional arguments")
        given = dict(zip((size, "dim", "norm"), args, strict=False))
        for key in named:
            if key not in (size, "dim", "norm"):
                raise TypeError(f"{name}() got an unexpected keyword argument {key!r}")
            if key in given:
                raise TypeError(f"{name}() got multiple values for argument {key!r}")
        given.update(named)
        size_arg, dim = given.get(size), given.get("dim", default_dim)
        norm = given.get("norm")
        kwargs: dict[str, _Any] = {size: size_arg, "dim": dim}
        if norm is not None:
            kwargs["norm"] = norm
        return getattr(_fft, name)(input, **kwargs)

    transform.__name__ = transform.__qualname__ = name
    transform.__doc__ = (f"PyTorch's ``torch.fft.{name}(input, {size}=None, dim=..., "
                         f"norm=None)``: ``autodiff.fft.{name}`` with positional arguments.")
    return transform


def _shift(name: str) -> _Any:
    def shift(input: _Any, dim: _Any = None) -> _Any:
        return getattr(_fft, name)(input, dim=dim)

    shift.__name__ = shift.__qualname__ = name
    shift.__doc__ = f"PyTorch's ``torch.fft.{name}(input, dim=None)``."
    return shift


def _frequencies(name: str) -> _Any:
    def frequencies(n: int, d: float = 1.0, **kwargs: _Any) -> _Any:
        return getattr(_fft, name)(n, d=d, **kwargs)

    frequencies.__name__ = frequencies.__qualname__ = name
    frequencies.__doc__ = f"PyTorch's ``torch.fft.{name}(n, d=1.0, *, dtype=None, ...)``."
    return frequencies


def _wrapped() -> dict[str, _Any]:
    found: dict[str, _Any] = {}
    for name in _ONE:
        found[name] = _wrap(name, "n", -1)
    for name in _MANY:
        found[name] = _wrap(name, "s", (-2, -1) if name.endswith("2") else None)
    for name in _SHIFT:
        found[name] = _shift(name)
    for name in ("fftfreq", "rfftfreq"):
        found[name] = _frequencies(name)
    return {name: fn for name, fn in found.items() if hasattr(_fft, name)}


globals().update(_wrapped())

__getattr__, __dir__ = _fallback(__name__, _fft)
