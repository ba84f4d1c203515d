"""Shared pieces of the linear algebra modules: argument checks, the LinAlgError that
names the op, constants placed like a tensor, and small matrix helpers written with
autodiff ops (so the rules built from them are differentiable)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .._tensor import Tensor
from .complex import conj
from .grids import tril as tril
from .grids import triu as triu


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


def run(op: str, x: Tensor, call: Callable[[], Any], reason: str | None = None) -> Any:
    """``call()`` on ``x``'s backend, with the library's LinAlgError (numpy's, say)
    raised as ours, naming the op and what went wrong (``reason`` also rewords one of
    ours from an inner op)."""
    try:
        with x._backend.raising_linalg_errors():
            return call()
    except Exception as error:
        if type(error).__name__ != "LinAlgError" or (
                isinstance(error, LinAlgError) and reason is None):
            raise
        # the library's own words only where we have none: they differ between
        # libraries (numpy's "Singular matrix", cuSOLVER's devInfo) for the same input
        why = reason or _REASONS.get(op, str(error))
        raise LinAlgError(f"linalg.{op}: the computation failed because {why}") from None


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


def mH(x: Tensor) -> Tensor:  # noqa: N802 - the conjugate transpose, as PyTorch's x.mH
    """The conjugate transpose of the last two axes."""
    return conj(x.mT)


def _place(x: Tensor) -> dict[str, Any]:
    from .creation import _like_place

    _, device, backend = _like_place(x, None, None, None)
    return {"device": device, "backend": backend}


def eye_like(x: Tensor, n: int, m: int | None = None, k: int = 0,
             dtype: Any = None) -> Tensor:
    """An n by m identity (``k``-th diagonal) with ``x``'s dtype and place."""
    from .creation import eye

    return eye(n, m, k=k, dtype=x.dtype if dtype is None else dtype, **_place(x))


def eye_mask(x: Tensor, n: int) -> Tensor:
    """The n by n boolean identity, on ``x``'s place."""
    return eye_like(x, n, dtype="float32") != 0


def constant_like(x: Tensor, values: Any, dtype: Any = None) -> Tensor:
    """Host ``values`` as a constant tensor with ``x``'s place (and dtype by default)."""
    from .creation import asarray

    return asarray(values, dtype=x.dtype if dtype is None else dtype, **_place(x))


def column(v: Tensor) -> Tensor:
    """``v[..., :, None]``: a batch of vectors as column matrices."""
    from .manipulation import expand_dims

    return expand_dims(v, axis=-1)


def row(v: Tensor) -> Tensor:
    """``v[..., None, :]``: a batch of vectors as row matrices."""
    from .manipulation import expand_dims

    return expand_dims(v, axis=-2)


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
