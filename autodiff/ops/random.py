"""Random tensors: ``manual_seed``, ``randn``, ``rand``, ``randint`` (PyTorch's spellings;
the Array API standard has no random numbers).

Every creation function's keywords apply: ``dtype=``, ``device=``, ``backend=`` and
``requires_grad=``; shapes may be given as sizes (``randn(2, 3)``) or as one sequence.
"""

from __future__ import annotations

from typing import Any

from .. import _dtypes
from .._tensor import Tensor
from ._helpers import shape_from
from .creation import _finish, _sizes
from .transfer import placement

__all__ = ["Generator", "manual_seed", "rand", "randint", "randn"]
NOT_METHODS = tuple(__all__)


def manual_seed(seed: int) -> Generator:
    """Seed every loaded backend's generator, so random tensors are reproducible.

    >>> import autodiff as ad
    >>> _ = ad.manual_seed(0); a = ad.randn(3)
    >>> _ = ad.manual_seed(0); bool((ad.randn(3) == a).all())
    True
    """
    import backends

    for name in backends.available_backends():
        backends.load_backend(name).seed(int(seed))
    return Generator(int(seed))


class Generator:
    """What ``manual_seed`` returns (PyTorch returns its default generator)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def initial_seed(self) -> int:
        return self._seed

    def __repr__(self) -> str:
        return f"<autodiff.Generator object at {hex(id(self))}>"


def _random(op: str, draw: str, sizes: tuple[Any, ...], dtype: Any, device: Any,
            backend: Any, requires_grad: bool) -> Tensor:
    shape = shape_from(op, sizes)
    owner, native, resolved = placement(dtype, device, backend)
    if not resolved.is_floating_point:
        raise TypeError(f"{op}: expected a floating point dtype, got {resolved!r}")
    array = getattr(owner, draw)(shape, resolved.name, native)
    return _finish(array, owner, requires_grad)


def randn(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None, backend: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal samples.

    >>> import autodiff as ad
    >>> ad.randn(2, 3).shape
    (2, 3)
    """
    return _random("randn", "normal", _sizes(sizes, size), dtype, device, backend, requires_grad)


def rand(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None, backend: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform samples on [0, 1).

    >>> import autodiff as ad
    >>> bool((ad.rand(100) < 1).all())
    True
    """
    return _random("rand", "uniform", _sizes(sizes, size), dtype, device, backend, requires_grad)


def randint(low: int, high: Any = None, size: Any = (), *, dtype: Any = None,
            device: Any = None, backend: Any = None) -> Tensor:
    """Uniform integers on [low, high) (int64 unless ``dtype`` says otherwise).

    >>> import autodiff as ad
    >>> ad.randint(0, 10, (3,)).dtype
    autodiff.int64
    """
    if high is None or not isinstance(high, int):  # randint(high, size), as in PyTorch
        low, high, size = 0, low, (size if high is None else high)
    shape = shape_from("randint", (size,))
    owner, native, resolved = placement(dtype, device, backend, _dtypes.int64)
    return Tensor._wrap(owner.integers(low, high, shape, resolved.name, native), owner)
