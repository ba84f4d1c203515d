"""``autodiff.testing``: check gradients against finite differences.

Public because users writing their own ops and Functions need it as much as the
test suite does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _mode
from ._tensor import Tensor

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "numerical_vjp"]


class GradcheckError(RuntimeError):
    """An analytical gradient disagrees with the finite-difference one."""


def _outputs(fn: Callable[..., Any], inputs: Sequence[Any]) -> tuple[Tensor, ...]:
    result = fn(*inputs)
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _projected(values: Sequence[np.ndarray], cotangents: Sequence[np.ndarray]) -> float:
    # A complex output meets a real cotangent v through its real part (v is the
    # cotangent v + 0i of PyTorch's convention).
    total = 0.0
    for value, v in zip(values, cotangents, strict=True):
        if np.iscomplexobj(v):
            total += float(np.sum(value.astype(np.complex128) * v).real)
        else:
            total += float(np.sum(np.real(value).astype(np.float64) * v))
    return total


def _computed(probes: list[tuple[Tensor, ...]]) -> list[list[np.ndarray]]:
    """Each probe's outputs as numpy arrays, computed in one pass (``ad.compute``)."""
    from ._lazy import compute

    computed = iter(compute(*(out for outputs in probes for out in outputs)))
    return [[next(computed) for _ in outputs] for outputs in probes]


def numerical_vjp(fn: Callable[..., Any], inputs: Sequence[Any],
                  cotangents: Sequence[np.ndarray], eps: float = 1e-6) -> list[np.ndarray | None]:
    """Central differences of ``sum(v * fn(inputs))`` with respect to each input that
    requires grad (None for the others), as numpy arrays.

    >>> import autodiff as ad, numpy as np
    >>> x = ad.tensor([1.0, 2.0], dtype=ad.float64, requires_grad=True)
    >>> np.round(numerical_vjp(lambda t: t * t, [x], [np.ones(2)])[0], 6)
    array([2., 4.])
    """
    result: list[np.ndarray | None] = []
    for position, value in enumerate(inputs):
        if not (isinstance(value, Tensor) and value.requires_grad):
            result.append(None)
            continue
        base = np.array(value._host(), dtype=np.float64, copy=True)
        pairs = (_nudged(base, index, eps) for index in np.ndindex(base.shape))
        differences = _differences(fn, inputs, position, pairs, cotangents)
        result.append((differences / (2 * eps)).reshape(base.shape))
    return result


def _nudged(base: np.ndarray, index: tuple[int, ...], eps: float) -> tuple[np.ndarray, ...]:
    """``base`` with the element at ``index`` moved by +eps and by -eps (the others
    kept as they are, a -0.0 included)."""
    pair = []
    for sign in (1.0, -1.0):
        probe = base.copy()
        probe[index] += sign * eps
        pair.append(probe)
    return tuple(pair)


def _differences(fn: Callable[..., Any], inputs: Sequence[Any], position: int,
                 pairs: Any, cotangents: Sequence[np.ndarray]) -> np.ndarray:
    """``<v, fn(..., plus, ...)> - <v, fn(..., minus, ...)>`` for each ``(plus, minus)``
    pair of values for input ``position``."""
    value = inputs[position]
    backend, dtype = value._backend, value._backend.dtype_name(value._array.dtype)
    # a lazy backend (dask) computes every probe in one pass, rather than a scheduler
    # round trip for each finite difference of each element
    lazy = backend.lazy
    probes: list[Any] = []
    with _mode.no_grad():
        for pair in pairs:
            for values in pair:
                trial = list(inputs)
                trial[position] = Tensor._wrap(backend.asarray(values, dtype), backend)
                outputs = _outputs(fn, trial)
                probes.append(outputs if lazy else [out._host() for out in outputs])
    shifted = np.array([_projected(values, cotangents)
                        for values in (_computed(probes) if lazy else probes)])
    return shifted[0::2] - shifted[1::2]


def _directional(fn: Callable[..., Any], inputs: Sequence[Any], position: int,
                 direction: np.ndarray, cotangents: Sequence[np.ndarray], eps: float
                 ) -> np.ndarray:
    """The central difference of ``<v, fn>`` along ``direction`` of one input."""
    base = np.array(inputs[position]._host(), dtype=np.float64, copy=True)
    pair = (base + eps * direction, base - eps * direction)
    return np.asarray(_differences(fn, inputs, position, [pair], cotangents)[0] / (2 * eps))


def gradcheck(fn: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, seed: int = 0,
              fast_mode: bool = False) -> bool:
    """Compare the gradients autodiff computes for ``fn`` with central differences.

    The check projects each output on a random cotangent (a vector-Jacobian
    product), so it covers every output element at the cost of one backward pass.
    Inputs that require grad should be float64. Returns True, or raises
    ``GradcheckError`` naming the input and the mismatch (returns False when
    ``raise_exception=False``).

    ``fast_mode=True`` (PyTorch's option) checks one random direction per input,
    ``<v, J u>`` for a random ``u``, with two evaluations of ``fn`` rather than two per
    input element: a wrong gradient still fails it (with probability one), at a
    fraction of the cost for large inputs or slow backends.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.5, 1.5], dtype=ad.float64, requires_grad=True)
    >>> gradcheck(ad.sin, (x,)), gradcheck(ad.sin, (x,), fast_mode=True)
    (True, True)
    """
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    labels = [f"input {index}" for index in range(len(inputs))]
    return _check(fn, inputs, labels, eps, atol, rtol, raise_exception, seed, fast_mode)


def _check(fn: Callable[..., Any], inputs: tuple[Any, ...], labels: Sequence[str], eps: float,
           atol: float, rtol: float, raise_exception: bool, seed: int,
           fast_mode: bool = False) -> bool:
    """gradcheck's comparison, with each input named by ``labels`` in messages."""
    from .autograd import grad

    for label, value in zip(labels, inputs, strict=True):
        if isinstance(value, Tensor) and value.requires_grad and value.dtype.name != "float64":
            raise GradcheckError(f"gradcheck: {label} is {value.dtype.name}; finite "
                                 "differences need float64 inputs")
    outputs = _outputs(fn, inputs)
    rng = np.random.default_rng(seed)
    cotangents = [rng.standard_normal(out.shape) for out in outputs]
    differentiable = [v for v in inputs if isinstance(v, Tensor) and v.requires_grad]
    seeds = [Tensor._wrap(out._backend.asarray(v, out._backend.dtype_name(out._array.dtype)),
                          out._backend) for out, v in zip(outputs, cotangents, strict=True)]
    live = [(out, s) for out, s in zip(outputs, seeds, strict=True) if out.requires_grad]
    analytic = grad([o for o, _ in live], differentiable, [s for _, s in live],
                    allow_unused=True) if live else (None,) * len(differentiable)
    position = [i for i, v in enumerate(inputs) if isinstance(v, Tensor) and v.requires_grad]
    if fast_mode:
        directions = [rng.standard_normal(inputs[i].shape) for i in position]
        numeric = [_directional(fn, inputs, i, u, cotangents, eps)
                   for i, u in zip(position, directions, strict=True)]
    else:
        numeric = [g for g in numerical_vjp(fn, inputs, cotangents, eps) if g is not None]
    for number, (index, got, want) in enumerate(zip(position, analytic, numeric, strict=True)):
        got_values = (np.zeros(inputs[index].shape) if got is None
                      else got._host().astype(np.float64))
        if fast_mode:  # the analytical derivative along the same direction
            got_values = np.asarray(np.sum(got_values * directions[number]))
        if got_values.shape != want.shape or not np.allclose(got_values, want, rtol=rtol,
                                                             atol=atol):
            message = (f"Jacobian mismatch for {labels[index]}:\nnumerical: {want}\n"
                       f"analytical: {got_values}")
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def gradgradcheck(fn: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, seed: int = 0,
                  fast_mode: bool = False) -> bool:
    """Compare the second derivatives autodiff computes for ``fn`` with finite
    differences of its first derivatives (PyTorch's ``gradgradcheck``).

    The first derivatives are the vector-Jacobian product of ``fn`` with
    ``grad_outputs`` (random float64 cotangents, one per floating output, when not
    given), built with ``create_graph=True``; ``gradcheck`` then checks that
    function of ``(inputs, grad_outputs)``. Returns True, or raises
    ``GradcheckError`` naming the input (``input i`` or ``grad_outputs[j]``) and the
    mismatch (False with ``raise_exception=False``). ``fast_mode`` as ``gradcheck``'s.

    >>> import autodiff as ad
    >>> x = ad.tensor([0.5, 1.5], dtype=ad.float64, requires_grad=True)
    >>> gradgradcheck(lambda t: t ** 3, (x,))
    True
    """
    from .autograd import grad

    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    positions = [i for i, v in enumerate(inputs) if isinstance(v, Tensor) and v.requires_grad]
    outputs = _outputs(fn, inputs)
    floating = [i for i, out in enumerate(outputs) if out.dtype.is_differentiable]
    if grad_outputs is None:
        rng = np.random.default_rng(seed + 1)
        grad_outputs = tuple(_random_like(outputs[i], rng) for i in floating)
    else:
        grad_outputs = (tuple(grad_outputs) if isinstance(grad_outputs, (tuple, list))
                        else (grad_outputs,))
        if len(grad_outputs) != len(floating):
            raise ValueError(f"gradgradcheck: expected {len(floating)} grad_outputs (one per "
                             f"floating point output), got {len(grad_outputs)}")

    def first_derivatives(*values: Any) -> tuple[Tensor, ...]:
        trial = list(values[:len(inputs)])
        with _mode.enable_grad():  # finite differences call this under no_grad
            for i in positions:
                if not trial[i].requires_grad:
                    trial[i] = trial[i].detach().requires_grad_()
            outs = _outputs(fn, trial)
            live = [(outs[i], v) for i, v in zip(floating, values[len(inputs):], strict=True)
                    if outs[i].requires_grad]
            if not live:
                return ()
            found = grad([o for o, _ in live], [trial[i] for i in positions],
                         [v for _, v in live], create_graph=True, allow_unused=True)
        return tuple(g for g in found if g is not None)

    labels = [f"input {i}" for i in range(len(inputs))]
    labels += [f"grad_outputs[{j}]" for j in range(len(grad_outputs))]
    return _check(first_derivatives, (*inputs, *grad_outputs), labels, eps, atol, rtol,
                  raise_exception, seed, fast_mode)


def _random_like(out: Tensor, rng: np.random.Generator) -> Tensor:
    """A random float64 cotangent for ``out``, requiring grad; for a complex output a
    constant complex128 one (the first derivatives are linear in it, and finite
    differences here run over real inputs only)."""
    complex_ = out.dtype.kind == "complex floating"
    values = rng.standard_normal(out.shape)
    if complex_:
        values = values + 1j * rng.standard_normal(out.shape)
    backend = out._backend
    array = backend.asarray(values, "complex128" if complex_ else "float64")
    tensor = Tensor._wrap(array, backend)
    return tensor if complex_ else tensor.requires_grad_()
