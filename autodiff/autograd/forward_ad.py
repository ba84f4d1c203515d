"""Forward-mode AD with dual tensors, as ``torch.autograd.forward_ad``.

>>> import autodiff as ad
>>> import autodiff.autograd.forward_ad as fwAD
>>> with fwAD.dual_level():
...     x = fwAD.make_dual(ad.tensor([0.0, 1.0]), ad.tensor([1.0, 1.0]))
...     y = ad.sin(x) * 2
...     fwAD.unpack_dual(y).tangent
tensor([2.0000, 1.0806])

Unlike PyTorch, levels nest: an inner level's tangents may themselves carry an outer
level's tangents, which is what forward-over-forward derivatives need.
"""

from __future__ import annotations

import itertools
from types import TracebackType
from typing import NamedTuple

from .. import _forward, _mode
from .._primitive import primitive
from .._tensor import Tensor

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level",
           "make_dual", "unpack_dual"]

_numbers = itertools.count(1)

# make_dual and unpack_dual return a new tensor on the same array that stays in the
# reverse-mode graph (PyTorch returns a view); the tangent travels outside the op.
_alias = primitive(
    "alias", torch_name="View", namespace="autodiff.autograd.forward_ad",
    forward=lambda xp, x: x,
    vjp=lambda xp, g, _ans, _x: g,
    jvp="linear",
)


class UnpackedDualTensor(NamedTuple):
    """What ``unpack_dual`` returns: the primal and its tangent (None without one)."""

    primal: Tensor
    tangent: Tensor | None


def _current(level: int | None) -> int:
    levels = _mode.state.forward_levels
    if level is not None:
        if level not in levels:
            raise RuntimeError(f"forward AD level {level} is not open")
        return level
    if not levels:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    return levels[-1]


def enter_dual_level() -> int:
    """Open a new dual level and return its number (``dual_level`` does both ends)."""
    level = next(_numbers)
    _mode.state.forward_levels = (*_mode.state.forward_levels, level)
    return level


def exit_dual_level(*, level: int | None = None) -> None:
    """Close ``level`` (the innermost by default); its tangents are gone."""
    levels = _mode.state.forward_levels
    level = _current(level)
    _mode.state.forward_levels = tuple(other for other in levels if other != level)


class dual_level:
    """Context manager for one level of forward AD: tangents made inside it are
    dropped when it exits.

    >>> import autodiff as ad
    >>> import autodiff.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     y = fwAD.make_dual(ad.tensor(3.0), ad.tensor(1.0)) ** 2
    ...     print(fwAD.unpack_dual(y).tangent)
    tensor(6.)
    >>> print(fwAD.unpack_dual(y).tangent)
    None
    """

    def __enter__(self) -> int:
        self.level = enter_dual_level()
        return self.level

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        exit_dual_level(level=self.level)


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A tensor with ``tensor``'s values carrying ``tangent`` at ``level``.

    >>> import autodiff as ad
    >>> import autodiff.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     fwAD.make_dual(ad.tensor([1.0, 2.0]), ad.tensor([3.0, 3.0]))
    tensor([1., 2.], tangent=tensor([3., 3.]))
    """
    level = _current(level)
    if not isinstance(tensor, Tensor) or not isinstance(tangent, Tensor):
        raise TypeError(f"make_dual: expected Tensors, got {type(tensor).__name__} and "
                        f"{type(tangent).__name__}")
    if not tensor.dtype.is_differentiable:
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{tensor.dtype}")
    if not tangent.dtype.is_differentiable:
        raise ValueError(f"Expected tangent to be floating point or complex, but got: "
                         f"{tangent.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    if tangent._backend is not tensor._backend:
        raise ValueError(f"make_dual: expected the tangent on the primal's backend, got "
                         f"{tangent._describe_place()} and {tensor._describe_place()}")
    dual = _without(tensor, level)
    _forward.set_tangent(dual, tangent, level)
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """The primal (without the tangent of ``level``) and the tangent, or None.

    >>> import autodiff as ad
    >>> import autodiff.autograd.forward_ad as fwAD
    >>> fwAD.unpack_dual(ad.tensor(1.0))
    UnpackedDualTensor(primal=tensor(1.), tangent=None)
    """
    levels = _mode.state.forward_levels
    if level is None and not levels:
        return UnpackedDualTensor(tensor, None)
    level = _current(level)
    tangent = _forward.tangent_of(tensor, level)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(_without(tensor, level), tangent)


def _without(tensor: Tensor, level: int) -> Tensor:
    """A new tensor on ``tensor``'s array, in its graph, without a tangent at ``level``
    (the other levels' tangents stay)."""
    levels = _mode.state.forward_levels
    _mode.state.forward_levels = ()
    try:
        alias = _alias(tensor) if tensor._requires_grad else Tensor._wrap(
            tensor._array, tensor._backend)
    finally:
        _mode.state.forward_levels = levels
    if tensor._tangents:
        kept = {key: value for key, value in tensor._tangents.items() if key != level}
        alias._tangents = kept or None
    return alias

