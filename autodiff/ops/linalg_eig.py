"""The eigendecomposition of general square matrices: eig and eigvals, complex even for
real input, with PyTorch's gradient (FunctionsManual.cpp: linalg_eig_backward and
linalg_eig_jvp).

The standard (2025.12) has ``linalg.eig``; a backend whose ``linalg`` lacks it (cupy)
raises a clear error. Eigenvectors are unit columns fixed only up to a phase each: a
loss must not depend on it, and the rule (as PyTorch's) does not check.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .._mode import is_grad_enabled
from .._primitive import Op, primitive
from .._tensor import Tensor
from ._linalg_util import (
    check_matrix,
    diag_embed,
    diagonal_of,
    mH,
    real_part,
    row,
    run_forward,
    tensor_xp,
)
from ._multi import Layout, multi_output
from .linalg import matmul
from .linalg_solve import solve
from .linalg_spectral import _divide, _gaps, _off_diagonal

__all__ = ["eig", "eigvals"]
NOT_METHODS = tuple(__all__)


class EigResult(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


# -- eig, eigvals -------------------------------------------------------------------------
def _eig_forward(xp: Any, x: Any, real_input: bool) -> tuple[Any, Any]:
    values, vectors = run_forward(xp, "eig", lambda: xp.linalg.eig(x))
    # numpy returns real arrays when every eigenvalue of a real matrix is real
    dtype = xp.complex64 if x.dtype in (xp.float32, xp.complex64) else xp.complex128
    return xp.astype(values, dtype), xp.astype(vectors, dtype)


def _eig_vjp(xp: Any, grads: tuple[Any, ...], outs: tuple[Any, ...], _x: Any,
             real_input: bool) -> Any:
    # PyTorch's linalg_eig_backward: with V^H gV projected off the gauge (the phase of
    # each eigenvector), gA = V^-H (diag(gL) + (V^H gV - V^H V Re diag(V^H gV)) / conj(E)) V^H
    g_values, g_vectors = grads
    values, vectors = outs
    vh = mH(xp, vectors)
    inner = xp.matmul(vh, g_vectors)
    inner = inner - xp.matmul(vh, vectors * row(xp, real_part(xp, diagonal_of(xp, inner))))
    inner = (_off_diagonal(xp, _divide(xp, inner, _gaps(xp, xp.conj(values))))
             + diag_embed(xp, g_values))
    grad = xp.prim.solve(vh, xp.matmul(inner, vh), vector=False)
    return xp.real(grad) if real_input else grad


def _eig_jvp(tangent: Tensor, outs: tuple[Tensor, ...], x: Tensor,
             real_input: bool) -> tuple[Tensor, ...]:
    xp = tensor_xp()
    values, vectors = outs
    if real_input:
        tangent = xp.astype(tangent, vectors.dtype)
    change = solve(vectors, matmul(tangent, vectors))
    d_vectors = matmul(vectors, _off_diagonal(xp, _divide(xp, change, _gaps(xp, values))))
    d_vectors = d_vectors - vectors * row(xp, real_part(xp, diagonal_of(
        xp, matmul(mH(xp, vectors), d_vectors))))
    return diagonal_of(xp, change), d_vectors


_eig = multi_output("eig", torch_name="LinalgEig", forward=_eig_forward, vjp=_eig_vjp,
                    jvp=_eig_jvp, namespace="autodiff.linalg")
_eigvals: Op = primitive(
    "eigvals", forward=lambda xp, x: _eig_forward(xp, x, False)[0], namespace="autodiff.linalg")


def _check_eig(op: str, x: Tensor) -> None:
    check_matrix(op, x, square=True)
    if getattr(getattr(x._backend.xp, "linalg", None), "eig", None) is None:
        raise NotImplementedError(f"linalg.{op}: the {x._backend.name} backend's linalg has no "
                                  "eig; move the tensor to a backend that has (numpy, "
                                  "array_api_strict) with x.to_device / autodiff.asarray")


def eig(x: Tensor, /) -> EigResult:
    """The eigenvalues and eigenvectors (unit columns) of each square matrix, complex
    even for a real matrix. The eigenvectors are fixed only up to a phase each: a loss
    must not depend on it (PyTorch's rule, which does not check).

    >>> import autodiff as ad
    >>> ad.linalg.eig(ad.tensor([[2.0, 0.0], [0.0, 3.0]], dtype=ad.float64)).eigenvalues
    tensor([2.+0.j, 3.+0.j], dtype=autodiff.complex128)
    """
    _check_eig("eig", x)
    n = x.shape[-1]
    return EigResult(*_eig(x, Layout(x.shape[:-2], ((n,), (n, n)), (False, False)),
                           real_input=not x.dtype.is_complex))


def eigvals(x: Tensor, /) -> Tensor:
    """The eigenvalues of each square matrix, complex. Their gradient needs the
    eigenvectors, so when one is needed this computes ``eig``.

    >>> import autodiff as ad
    >>> ad.linalg.eigvals(ad.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=ad.float64))
    tensor([0.+1.j, 0.-1.j], dtype=autodiff.complex128)
    """
    _check_eig("eigvals", x)
    if (x.requires_grad and is_grad_enabled()) or x._tangents:
        return eig(x).eigenvalues
    return _eigvals(x)
