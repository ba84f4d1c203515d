"""Shared pieces of the linear algebra modules: argument checks, the LinAlgError that
names the op, and the small matrix helpers of the derivative rules.

The helpers take the rule's namespace ``xp`` first (a backend's, on arrays, or
autodiff's, on tensors: see ``autodiff._rules``), so a rule built from them runs on
either and stays differentiable when recording. Constants (identities) are made from
an operand with ``ones_like`` and ``diag_embed``, which keep its dtype and place in
both namespaces (a device alone does not name the backend of a tensor). The rules
reach linalg and fft functions through their primitives (``xp.prim.diagonal``): a rule
namespace over a backend whose extensions are lazy module attributes
(array_api_strict's ``linalg``) lacks ``xp.linalg``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .. import _rules
from .._tensor import Tensor
from .comparison import complex_value


class LinAlgError(ValueError, RuntimeError):
    """A linear algebra routine failed on its input (a singular matrix for ``solve``
    or ``inv``, a matrix that is not positive-definite for ``cholesky``).

    It is a ``RuntimeError`` as PyTorch's ``torch.linalg.LinAlgError`` is, and a
    ``ValueError`` as numpy's ``numpy.linalg.LinAlgError`` is, so code written for
    either catches it.
    """


LinAlgError.__module__ = "autodiff.linalg"  # where users find it


_REASONS = {
    "solve": "the input matrix is singular",
    "inv": "the input matrix is singular",
    "cholesky": "the input is not positive-definite",
}


def _raising(backend: Any, op: str, call: Callable[[], Any], reason: str | None) -> Any:
    try:
        with backend.raising_linalg_errors():
            return call()
    except LinAlgError:  # one of ours, from an inner op: reworded only when asked
        if reason is None:
            raise
        why = reason
    except backend.linalg_errors() as error:  # the library's, as it declares them
        # the library's own words only where we have none: they differ between
        # libraries (numpy's "Singular matrix", cuSOLVER's devInfo) for the same input
        why = reason or _REASONS.get(op, str(error))
    raise LinAlgError(f"linalg.{op}: the computation failed because {why}") from None


def settle(op: str, result: Tensor) -> Tensor:
    """``result``, computed now on a lazy backend (dask; kept there, ``persist``), so
    that a failure raises here as ours: an ``_ex`` function must know which matrices
    failed before it returns. An eager backend has raised already."""
    if result._backend.lazy:
        from .._lazy import persist

        _raising(result._backend, op, lambda: persist(result), None)
    return result


def run(op: str, x: Tensor, call: Callable[[], Any], reason: str | None = None) -> Any:
    """``call()`` on ``x``'s backend, with the library's LinAlgError (numpy's, say)
    raised as ours, naming the op and what went wrong (``reason`` also rewords one of
    ours from an inner op)."""
    return _raising(x._backend, op, call, reason)


def run_forward(xp: Any, op: str, call: Callable[[], Any]) -> Any:
    """``run`` inside a primitive's forward, whose ``xp`` is a backend's namespace: a
    derivative rule that calls the primitive (``xp.prim.solve``) on arrays gets the
    same checks and errors as the public function."""
    from .._backend import backend_of_namespace

    return _raising(backend_of_namespace(xp), op, call, None)


def reworded(op: str, call: Callable[[], Any], reason: str) -> Any:
    """``call()`` (a rule's, in either namespace), with a LinAlgError from an inner op
    raised as one of ``op``'s, saying ``reason``."""
    try:
        return call()
    except LinAlgError:
        raise LinAlgError(f"linalg.{op}: the computation failed because {reason}") from None


def check_tensor(op: str, x: Any, name: str = "x") -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"linalg.{op}: expected {name} to be a Tensor, got "
                        f"{type(x).__name__}")
    if not x.dtype.is_differentiable:
        raise TypeError(f"linalg.{op}: expected a floating point or complex tensor, got "
                        f"{x.dtype.name}; convert it with x.astype(autodiff.float64)")


def check_matrix(op: str, x: Any, *, square: bool = False, name: str = "x") -> None:
    """``x`` must be a float or complex tensor of (batches of) matrices."""
    check_tensor(op, x, name)
    if x.ndim < 2:
        raise ValueError(f"linalg.{op}: expected {name} to have at least 2 dimensions "
                         f"(a matrix or a batch of them), got shape {x.shape}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"linalg.{op}: expected {name} to be a square matrix or a batch of "
                         f"square matrices, got {x.shape[-2]} by {x.shape[-1]} matrices "
                         f"(shape {x.shape})")


def batch_of_vectors(x1: Any, x2: Any) -> bool:
    """True when ``solve``'s x2 is a batch of vectors for PyTorch (of shape
    ``x1.shape[:-1]``) and not a batch of matrices for the standard. Where both readings
    fit (x1 (3, 3, 3), x2 (3, 3)) the standard's stands: autodiff is its namespace."""
    if x2.ndim < 2 or x2.ndim != x1.ndim - 1 or tuple(x2.shape) != tuple(x1.shape[:-1]):
        return False
    batches_fit = all(p == q or 1 in (p, q) for p, q in zip(
        reversed(x1.shape[:-2]), reversed(x2.shape[:-2]), strict=False))
    return x2.shape[-2] != x1.shape[-1] or not batches_fit


def tensor_xp() -> Any:
    """autodiff's own namespace: what the jvp rules (which run on tensors only) pass to
    the helpers they share with the vjp rules."""
    return _rules.tensor_namespace()


def conjugate(xp: Any, x: Any) -> Any:
    """``conj(x)``, and ``x`` itself when real (no copy on a backend's arrays). Every
    matmul rule asks: ``complex_value`` answers from its cache of real dtypes, where
    numpy's ``isdtype`` cost 3 us a call."""
    return xp.conj(x) if complex_value(xp, x) else x


def mH(xp: Any, x: Any) -> Any:
    """The conjugate transpose of the last two axes."""
    return conjugate(xp, xp.matrix_transpose(x))


def column(xp: Any, v: Any) -> Any:
    """``v[..., :, None]``: a batch of vectors as column matrices."""
    return xp.expand_dims(v, axis=-1)


def row(xp: Any, v: Any) -> Any:
    """``v[..., None, :]``: a batch of vectors as row matrices."""
    return xp.expand_dims(v, axis=-2)


def real_part(xp: Any, x: Any) -> Any:
    """``real(x)``, and ``x`` itself when real."""
    return xp.real(x) if xp.isdtype(x.dtype, "complex floating") else x


def diagonal_of(xp: Any, m: Any) -> Any:
    """The main diagonal of each matrix in ``m`` (``xp.linalg.diagonal``, through the
    primitive: a backend namespace's ``linalg`` may be missing from a rule's ``xp``)."""
    return xp.prim.diagonal(m, offset=0, rows=m.shape[-2], cols=m.shape[-1])


def diag_embed(xp: Any, v: Any) -> Any:
    """Square matrices with the last axis of ``v`` on their diagonal."""
    n = v.shape[-1]
    return xp.prim.diag_embed(v, offset=0, rows=n, cols=n)


def scaled_identity(xp: Any, scale: Any, n: int) -> Any:
    """``scale[..., None, None] * I``, n by n, in ``scale``'s dtype and place."""
    return diag_embed(xp, xp.broadcast_to(column(xp, scale), (*scale.shape, n)))


def identity(xp: Any, v: Any) -> Any:
    """Identity matrices of ``v``'s dtype and place, one per vector in the batch ``v``
    (of the vectors' length): ``v`` says where, its values are not read."""
    return diag_embed(xp, xp.ones_like(v))


def eye_mask(xp: Any, v: Any) -> Any:
    """``identity(xp, v)`` as booleans: True on the diagonal."""
    return identity(xp, v) != 0


def real_dtype(x: Tensor) -> str:
    return {"complex64": "float32", "complex128": "float64"}.get(x.dtype.name, x.dtype.name)


class EighResult(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


class QRResult(NamedTuple):
    Q: Tensor
    R: Tensor


class SVDResult(NamedTuple):
    U: Tensor
    S: Tensor
    Vh: Tensor


class SlogdetResult(NamedTuple):
    sign: Tensor
    logabsdet: Tensor
