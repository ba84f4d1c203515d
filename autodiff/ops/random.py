"""Random tensors: ``Generator``, ``manual_seed``, ``randn``, ``rand``, ``randint``
(PyTorch's spellings; the Array API standard has no random numbers).

Every creation function's keywords apply: ``dtype=``, ``device=``, ``backend=`` and
``requires_grad=``; shapes may be given as sizes (``randn(2, 3)``) or as one sequence.
Every random function takes ``generator=``: a ``Generator`` keeps its own state per
backend, so its draws do not move the global generator (``manual_seed``'s) and are
reproducible on their own. The host backends (numpy, array_api_strict) draw from the
same numpy bit generator, so one seed gives the same numbers on both.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from typing import Any

from .. import _dtypes
from .._tensor import Tensor
from ._helpers import shape_from
from .creation import _finish, _sizes
from .transfer import placement

__all__ = ["Generator", "default_generator", "initial_seed", "manual_seed", "rand",
           "randint", "randn", "seed"]
NOT_METHODS = tuple(__all__)


class Generator:
    """A random number generator with its own state (PyTorch's ``torch.Generator``).

    >>> import autodiff as ad
    >>> g = ad.Generator().manual_seed(0)
    >>> a = ad.randn(3, generator=g)
    >>> bool((ad.randn(3, generator=g.manual_seed(0)) == a).all())
    True
    """

    def __init__(self, device: Any = "cpu") -> None:
        self.device = device
        self._seed = secrets.randbits(63)
        self._states: dict[str, Any] = {}  # backend name -> its bit generator's state

    def manual_seed(self, seed: int) -> Generator:
        """Restart from ``seed``; returns the generator."""
        self._seed = int(seed)
        self._states.clear()
        return self

    def seed(self) -> int:
        """Restart from a fresh nondeterministic seed, and return it."""
        self.manual_seed(secrets.randbits(63))
        return self._seed

    def initial_seed(self) -> int:
        """The seed this generator last started from."""
        return self._seed

    def get_state(self) -> Any:
        """A snapshot of the generator, for ``set_state`` (an opaque object, not PyTorch's
        byte tensor)."""
        return copy.deepcopy({"seed": self._seed, "states": self._states})

    def set_state(self, new_state: Any) -> Generator:
        """Put the generator back where ``get_state`` found it."""
        if not isinstance(new_state, dict) or "states" not in new_state:
            raise TypeError(f"set_state: expected a state from Generator.get_state(), got "
                            f"{type(new_state).__name__}")
        state = copy.deepcopy(new_state)
        self._seed, self._states = state["seed"], state["states"]
        return self

    def draw(self, backend: Any, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` (which draws from ``backend``'s generator) on this generator's state,
        leaving the backend's own state as it was."""
        saved = backend.get_rng_state()
        state = self._states.get(backend.name)
        if state is None:
            backend.seed(self._seed)
        else:
            backend.set_rng_state(state)
        try:
            return fn()
        finally:
            self._states[backend.name] = backend.get_rng_state()
            backend.set_rng_state(saved)

    def __repr__(self) -> str:
        return f"<autodiff.Generator object at {hex(id(self))}>"


class _DefaultGenerator(Generator):
    """The global generator: the backends' own state (what ``manual_seed`` seeds)."""

    def manual_seed(self, seed: int) -> Generator:
        import backends

        self._seed = int(seed)
        for name in backends.available_backends():
            backends.load_backend(name).seed(self._seed)
        return self

    def get_state(self) -> Any:
        import backends

        return {"seed": self._seed, "states": {
            name: backends.load_backend(name).get_rng_state()
            for name in backends.available_backends()}}

    def set_state(self, new_state: Any) -> Generator:
        import backends

        self._seed = new_state["seed"]
        for name, state in new_state["states"].items():
            backends.load_backend(name).set_rng_state(state)
        return self

    def draw(self, backend: Any, fn: Callable[[], Any]) -> Any:
        return fn()


#: The generator the random functions use when not given one.
default_generator: Generator = _DefaultGenerator()


def draw(generator: Any, backend: Any, fn: Callable[[], Any]) -> Any:
    """Run a draw on ``generator`` (the default one if None)."""
    if generator is None:
        return fn()
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be an autodiff.Generator, got "
                        f"{type(generator).__name__}")
    return generator.draw(backend, fn)


def manual_seed(seed: int) -> Generator:
    """Seed every loaded backend's generator, so random tensors are reproducible; returns
    the default generator.

    >>> import autodiff as ad
    >>> _ = ad.manual_seed(0); a = ad.randn(3)
    >>> _ = ad.manual_seed(0); bool((ad.randn(3) == a).all())
    True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator nondeterministically; returns the seed.

    >>> import autodiff as ad
    >>> isinstance(ad.seed(), int)
    True
    """
    return default_generator.manual_seed(secrets.randbits(63)).initial_seed()


def initial_seed() -> int:
    """The default generator's last seed.

    >>> import autodiff as ad
    >>> _ = ad.manual_seed(5); ad.initial_seed()
    5
    """
    return default_generator.initial_seed()


def _random(op: str, kind: str, sizes: tuple[Any, ...], dtype: Any, device: Any,
            backend: Any, requires_grad: bool, generator: Any) -> Tensor:
    shape = shape_from(op, sizes)
    owner, native, resolved = placement(dtype, device, backend)
    if not resolved.is_floating_point:
        raise TypeError(f"{op}: expected a floating point dtype, got {resolved!r}")
    array = draw(generator, owner, lambda: getattr(owner, kind)(shape, resolved.name, native))
    return _finish(array, owner, requires_grad)


def randn(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None,
          device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples.

    >>> import autodiff as ad
    >>> ad.randn(2, 3).shape
    (2, 3)
    """
    return _random("randn", "normal", _sizes(sizes, size), dtype, device, backend,
                   requires_grad, generator)


def rand(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None,
         device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples on [0, 1).

    >>> import autodiff as ad
    >>> bool((ad.rand(100) < 1).all())
    True
    """
    return _random("rand", "uniform", _sizes(sizes, size), dtype, device, backend,
                   requires_grad, generator)


def randint(low: int, high: Any = None, size: Any = (), *, generator: Any = None,
            dtype: Any = None, device: Any = None, backend: Any = None,
            requires_grad: bool = False) -> Tensor:
    """Uniform integers on [low, high) (int64 unless ``dtype`` says otherwise).

    >>> import autodiff as ad
    >>> ad.randint(0, 10, (3,)).dtype
    autodiff.int64
    """
    if high is None or not isinstance(high, int):  # randint(high, size), as in PyTorch
        low, high, size = 0, low, (size if high is None else high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    shape = shape_from("randint", (size,))
    owner, native, resolved = placement(dtype, device, backend, _dtypes.int64)
    array = draw(generator, owner,
                 lambda: owner.integers(int(low), int(high), shape, resolved.name, native))
    return _finish(array, owner, requires_grad)
