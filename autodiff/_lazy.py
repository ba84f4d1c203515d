"""``compute`` and ``persist``: asking a lazy backend (dask) for values.

On an eager backend (numpy, cupy) both are cheap: a tensor already holds its values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _mode
from ._tensor import Tensor

__all__ = ["compute", "persist"]


def _by_backend(tensors: tuple[Tensor, ...], op: str) -> dict[Any, list[int]]:
    groups: dict[Any, list[int]] = {}
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"autodiff.{op}: expected tensors, got {type(tensor).__name__} "
                            f"at position {position}")
        groups.setdefault(tensor._backend, []).append(position)
    return groups


def _read_by(op: str, tensors: tuple[Tensor, ...], lazy_only: bool) -> None:
    """Tell ``autodiff.compile``'s trace that ``op`` hands values to Python (a graph
    break, named): a replay would not compute them again."""
    tracer = _mode.tracing.active if _mode.traces.count else None
    if tracer is not None and any(
            not lazy_only or t._backend.lazy for t in tensors if isinstance(t, Tensor)):
        tracer.data_read(f"autodiff.{op}")


def compute(*tensors: Tensor) -> tuple[np.ndarray, ...]:
    """The values of ``tensors`` as numpy arrays, computed in one pass: on dask, one
    ``dask.compute`` call, so the work the tensors share is done once.

    >>> import autodiff as ad
    >>> x = ad.arange(3.0)
    >>> total, doubled = ad.compute(x.sum(), 2 * x)
    >>> float(total), doubled.tolist()
    (3.0, [0.0, 2.0, 4.0])
    """
    values: list[Any] = [None] * len(tensors)
    _read_by("compute", tensors, lazy_only=False)
    for backend, positions in _by_backend(tensors, "compute").items():
        results = backend.compute(*(tensors[i]._array for i in positions))
        for position, value in zip(positions, results, strict=True):
            values[position] = value
    return tuple(values)


def persist(*tensors: Tensor) -> tuple[Tensor, ...]:
    """Compute ``tensors`` and keep their values where the backend keeps them (on dask,
    in the cluster's memory), in place: each tensor then starts a fresh, one-task graph
    for later ops, and keeps its autograd history. Returns the tensors. On an eager
    backend it changes nothing.

    An ``autodiff.optim`` optimizer's ``step`` does it for its parameters and state.
    A hand-written update under ``no_grad`` must call it itself, or each parameter's
    task graph grows by the step's ops, without bound::

        with ad.no_grad():
            w -= lr * w.grad
        ad.persist(w)          # w's graph is one task per chunk again

    Persist the loss and the gradients together (``ad.persist(loss, w.grad)``) to
    compute them in one pass over the data.

    >>> import autodiff as ad
    >>> w = ad.ones(2, requires_grad=True)
    >>> ad.persist(w)[0] is w
    True
    """
    _read_by("persist", tensors, lazy_only=True)
    for backend, positions in _by_backend(tensors, "persist").items():
        results = backend.persist(*(tensors[i]._array for i in positions))
        for position, value in zip(positions, results, strict=True):
            tensors[position]._array = value
    return tensors
