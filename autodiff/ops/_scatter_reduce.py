"""The reductions of ``scatter_reduce``/``index_reduce`` into linear targets, in memory
linear in the number of writes (no one-hot mask):

* ``sum``/``mean``: a scatter-add (and a count);
* ``prod``: the writes sorted by target, then a segmented scan of products in doubling
  steps (log2(n) of them), whose last element per target is that target's product. It
  is built from ``multiply`` and ``where``, so the gradient is exact at zeros, as
  PyTorch's, and has a gradient of its own;
* ``amax``/``amin``: the value comes from a sort (NaN propagates); the gradient is
  split evenly among every write (and the old value, with ``include_self``) equal to
  the result, as PyTorch's, through a term whose value is exactly zero:
  ``R + (L - detach(L))`` with ``L`` the even split, linear in the inputs.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ._helpers import derived, device_of
from .creation import full
from .elementwise import where
from .indexing import Take, _getitem, _scatter_add
from .joining import concat
from .manipulation import reshape

__all__: list[str] = []


def _wrap(x: Tensor, array: Any) -> Tensor:
    return Tensor._wrap(array, x._backend)


def _last_of_runs(xp: Any, ranked: Any) -> Any:
    """True at the last element of each run of equal values of the 1-D ``ranked``."""
    return xp.concat([ranked[:-1] != ranked[1:], xp.ones((1,), dtype=xp.bool)])


def reduce_into(x: Tensor, targets: Any, src: Tensor, reduce: str,
                include_self: bool) -> Tensor:
    """``x`` with ``src`` reduced into the linear ``targets`` (same shape as ``src``)."""
    xp, backend, n = x._backend.xp, x._backend, x.numel()
    # the targets' own arithmetic is ``derived`` (recorded where autodiff.compile
    # traces, so that a replay redoes it for new targets)
    t, count = derived(_counts, backend, targets, n)
    v = reshape(src, -1)
    flat = reshape(x, -1)
    floating = x.dtype.kind in ("real floating", "complex floating")
    if t.shape[0] == 0:
        return x
    if reduce in ("sum", "mean"):
        total = _scatter_add(v, key=Take(0, t), shape=(n,))
        if include_self:
            total = total + flat
        if reduce == "mean":
            size = _wrap(x, derived(_sizes, xp, count, int(include_self), x.dtype.name))
            total = total / size if floating else total // size
        result = total
    elif reduce == "prod":
        result = _product(x, t, v)
        if include_self:
            result = result * flat
    else:
        result = _extremum(x, t, v, flat, count, reduce == "amax", include_self, floating)
    written = _wrap(x, derived(_written, xp, count, tuple(x.shape)))
    return where(written, reshape(result, x.shape), x)


def _counts(backend: Any, targets: Any, n: int) -> tuple[Any, Any]:
    """The linear targets flat, and how many write each of the ``n`` positions."""
    xp = backend.xp
    t = xp.reshape(targets, (-1,))
    return t, backend.scatter_add(xp.zeros((n,), dtype=xp.int64), t,
                                  xp.ones(t.shape, dtype=xp.int64))


def _sizes(xp: Any, count: Any, own: int, dtype: str) -> Any:
    return xp.astype(xp.maximum(count + own, 1), getattr(xp, dtype))


def _written(xp: Any, count: Any, shape: tuple[int, ...]) -> Any:
    return xp.reshape(count > 0, shape)


def _ranked(xp: Any, t: Any) -> tuple[Any, Any]:
    order = xp.argsort(t, stable=True)
    return order, xp.take(t, order)


def _same_run(xp: Any, ranked: Any, step: int) -> Any:
    return xp.concat([xp.zeros((step,), dtype=xp.bool), ranked[step:] == ranked[:-step]])


def _product(x: Tensor, t: Any, v: Tensor) -> Tensor:
    """Per target, the product of its writes (1 where none): a segmented scan."""
    xp, m = x._backend.xp, t.shape[0]
    order, ranked = derived(_ranked, xp, t)
    run = _getitem(v, key=Take(0, order), shape=(m,))
    step = 1
    while step < m:
        same = _wrap(x, derived(_same_run, xp, ranked, step))
        before = concat([full((step,), 1, dtype=x.dtype, backend=x.backend),
                         _getitem(run, key=(slice(0, m - step),), shape=(m,))])
        run = where(same, run * before, run)
        step *= 2
    last = _wrap(x, derived(_last_of_runs, xp, ranked))
    return _scatter_add(where(last, run, 0), key=Take(0, ranked), shape=(x.numel(),))


def _extremum(x: Tensor, t: Any, v: Tensor, flat: Tensor, count: Any, largest: bool,
              include_self: bool, floating: bool) -> Tensor:
    if x.dtype.kind == "complex floating":  # PyTorch's refusal; numpy would order lexically
        kind = "ComplexDouble" if x.dtype.name == "complex128" else "ComplexFloat"
        name = "amax" if largest else "amin"
        raise NotImplementedError(f"\"scatter_gather_tensor_cpu_reduce_{name}\" not "
                                  f"implemented for '{kind}'")
    # the best of each target and the ties that share its gradient come from the
    # values: one ``derived`` call (recorded where autodiff.compile traces)
    best, chosen, own, share, share_t = derived(
        _best, x._backend, v, t, count, flat, largest, include_self,
        x.dtype.name == "bool", floating)
    if not floating:
        return _wrap(x, best)
    split = _scatter_add(where(_wrap(x, chosen), v, 0) * _wrap(x, share_t),
                         key=Take(0, t), shape=(x.numel(),))
    if include_self:
        split = split + where(_wrap(x, own), flat, 0) * _wrap(x, share)
    return _wrap(x, best) + (split - split.detach())


def _best(backend: Any, values: Any, t: Any, count: Any, old: Any, largest: bool,
          include_self: bool, boolean: bool, floating: bool) -> tuple[Any, ...]:
    """Each of the ``n`` targets' largest (smallest) write, the old value where none;
    where ``floating``, also which writes and old values equal it (finite) and each
    target's share of the gradient, per target and per write."""
    xp, n = backend.xp, old.shape[0]
    keys = values if largest or boolean else -values  # NaN sorts last
    by_value = xp.argsort(keys, stable=True)
    by_target = xp.take(by_value, xp.argsort(xp.take(t, by_value), stable=True))
    ranked = xp.take(t, by_target)
    # each target's best is the last value of its run in rank order, taken (not added:
    # the ties below compare values with it for equality, so it must be a value bit for
    # bit, whatever the backend's scatter_add rounds), at a position found by searching
    # the sorted targets (a mask would give a shape known only from the data: dask)
    targets = xp.arange(n, dtype=ranked.dtype, device=device_of(ranked))
    end = xp.searchsorted(ranked, targets, side="right")
    ordered = xp.take(values, by_target)
    best = (xp.take(ordered, xp.clip(end - 1, 0, None)) if values.shape[0]
            else xp.zeros((n,), dtype=values.dtype, device=device_of(values)))
    if include_self:
        pick = xp.maximum if largest else xp.minimum
        best = pick(best, old)
    best = xp.where(count > 0, best, old)
    if not floating:
        return best, None, None, None, None
    # the even split of the gradient among the elements equal to the result
    at = xp.take(best, t)
    finite = xp.isfinite(best)
    chosen = xp.logical_and(values == at, xp.take(finite, t))
    own = xp.logical_and(old == best, finite) if include_self else xp.zeros(
        (n,), dtype=xp.bool)
    ties = backend.scatter_add(xp.astype(own, values.dtype), t, xp.astype(chosen,
                                                                          values.dtype))
    share = 1 / xp.maximum(ties, xp.ones((), dtype=values.dtype))
    return best, chosen, own, share, xp.take(share, t)
