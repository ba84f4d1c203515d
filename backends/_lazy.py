"""The Backend hooks for lazy evaluation: a library whose arrays are task graphs,
computed on demand (dask), overrides them; an eager library keeps these defaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class LazyHooks:
    """``lazy``, ``compute``, ``persist`` and ``checked``, mixed into ``Backend``."""

    #: True for a library whose arrays are task graphs computed on demand (dask): the
    #: engine then never asks for a value it does not need, and ``autodiff.compute`` and
    #: ``autodiff.persist`` do the library's work
    lazy: bool = False
    xp: Any

    def to_numpy(self, array: Any) -> np.ndarray:
        raise NotImplementedError  # Backend's

    def compute(self, *arrays: Any) -> tuple[np.ndarray, ...]:
        """The values of ``arrays`` as numpy arrays, computed together (shared work
        done once). The default converts each with ``to_numpy``."""
        return tuple(self.to_numpy(array) for array in arrays)

    def persist(self, *arrays: Any) -> tuple[Any, ...]:
        """``arrays`` with their values computed and kept where the library keeps them
        (a cluster's memory, for dask), so that later graphs start from them rather than
        from the ops that made them. The default returns them unchanged: an eager
        library's arrays already are values."""
        return arrays

    def checked(self, array: Any, check: Callable[[Any, Any], None]) -> Any:
        """``array``, with ``check(xp, values)`` run on its values: a data-dependent
        check (a class index within range) that raises PyTorch's error. An eager
        library checks now, on its own arrays (the default); a lazy one when the values
        are computed, so that asking for the check computes nothing sooner (dask runs it
        on each block, with numpy's namespace).

        >>> from backends import load_backend
        >>> numpy = load_backend("numpy")
        >>> def no_negatives(xp, values):
        ...     if bool(xp.any(values < 0)):
        ...         raise IndexError("a negative index")
        >>> numpy.checked(np.array([1, -1]), no_negatives)
        Traceback (most recent call last):
        IndexError: a negative index
        """
        check(self.xp, array)
        return array
