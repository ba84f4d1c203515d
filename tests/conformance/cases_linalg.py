"""Conformance cases of the linear algebra extension (``autodiff.linalg``) and of the
products that live at the top level (tensordot, vecdot, diag_embed).

Inputs that must be well conditioned are built inside the call from a real input:
``a @ a.mT + 3 I`` is symmetric positive-definite with well separated eigenvalues for
the seeded draws. The multi-output factorizations are checked twice: through the
primitive itself, whose output packs every result (so gradcheck covers all of them
at once), and through the public function's named results.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autodiff as ad
from autodiff.ops._multi import Layout

from .cases import case, fixed, nonzero, positive, real

L = ad.linalg


# -- helpers: the same construction in autodiff and in numpy ------------------------------
def _spd(a: ad.Tensor) -> ad.Tensor:
    return a @ a.mT + 3 * ad.eye(a.shape[-1], dtype=a.dtype, backend=a.backend)


def _np_spd(a: np.ndarray) -> np.ndarray:
    return a @ np.swapaxes(a, -1, -2) + 3 * np.eye(a.shape[-1], dtype=a.dtype)


def _packed(name: str, x: ad.Tensor, shapes: tuple[tuple[int, ...], ...], **params: Any
            ) -> ad.Tensor:
    """The primitive's own output: every result, flattened and concatenated."""
    layout = Layout(x.shape[:-2], shapes, tuple(False for _ in shapes))
    return ad.REGISTRY[name].op(x, layout=layout, **params)


def _np_packed(batch: tuple[int, ...], *parts: np.ndarray) -> np.ndarray:
    return np.concatenate([np.reshape(p, batch + (-1,)) for p in parts], axis=-1)


def _np_diag_embed(v: np.ndarray, offset: int) -> np.ndarray:
    size = v.shape[-1] + abs(offset)
    out = np.zeros(v.shape[:-1] + (size, size), dtype=v.dtype)
    rows = np.arange(v.shape[-1]) + max(0, -offset)
    out[..., rows, rows + offset] = v
    return out


# -- inv, det, slogdet, solve, pinv, matrix_rank, matrix_power ----------------------------
case("inv.basic", L.inv, np.linalg.inv, real(3, 3))
case("inv.batched", L.inv, np.linalg.inv, real(2, 3, 3))
case("det.basic", L.det, np.linalg.det, real(3, 3))
case("det.batched", L.det, np.linalg.det, real(2, 4, 4))
# At a singular matrix the gradient is the cofactor matrix (from the SVD).
case("det.singular", L.det, np.linalg.det, fixed([[1.0, 2.0, 0.5], [2.0, 4.0, 1.0],
                                                  [0.0, 1.0, 3.0]]))
case("det.rank_deficient_by_two", L.det, np.linalg.det,
     fixed([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0]]))
case("slogdet.packed", lambda a: _packed("slogdet", a, ((), ())),
     lambda a: _np_packed(a.shape[:-2], *np.linalg.slogdet(a)), real(2, 3, 3))
case("reshape.slogdet_logabsdet", lambda a: L.slogdet(a).logabsdet,
     lambda a: np.linalg.slogdet(a)[1], real(3, 3))
case("reshape.slogdet_sign", lambda a: L.slogdet(a).sign, lambda a: np.linalg.slogdet(a)[0],
     real(2, 3, 3))
case("solve.matrix", L.solve, np.linalg.solve, real(3, 3), real(3, 2))
case("solve.vector", L.solve, np.linalg.solve, real(3, 3), real(3))
case("solve.batched_vector", L.solve, np.linalg.solve, real(2, 3, 3), real(3))
case("solve.broadcast_batch", L.solve, np.linalg.solve, real(2, 1, 3, 3), real(4, 3, 2))
case("pinv.tall", L.pinv, np.linalg.pinv, real(4, 3))
case("pinv.wide_batched", L.pinv, np.linalg.pinv, real(2, 2, 4))
case("pinv.square", L.pinv, np.linalg.pinv, real(3, 3))
case("matrix_rank.full", L.matrix_rank, np.linalg.matrix_rank, real(3, 4))
case("matrix_rank.deficient", L.matrix_rank, np.linalg.matrix_rank,
     fixed([[1.0, 2.0], [2.0, 4.0]]))
case("matmul.matrix_power_3", lambda a: L.matrix_power(a, 3),
     lambda a: np.linalg.matrix_power(a, 3), real(3, 3))
case("matmul.matrix_power_6_batched", lambda a: L.matrix_power(a, 6),
     lambda a: np.linalg.matrix_power(a, 6), real(2, 3, 3))
case("inv.matrix_power_minus_1", lambda a: L.matrix_power(a, -1),
     lambda a: np.linalg.matrix_power(a, -1), real(3, 3))
case("matmul.matrix_power_minus_2", lambda a: L.matrix_power(a, -2),
     lambda a: np.linalg.matrix_power(a, -2), real(3, 3))
case("where.matrix_power_0", lambda a: L.matrix_power(a, 0),
     lambda a: np.linalg.matrix_power(a, 0), real(2, 3, 3))
case("astype.matrix_power_1", lambda a: L.matrix_power(a, 1),
     lambda a: np.linalg.matrix_power(a, 1), real(3, 3))

# -- cholesky, eigh, eigvalsh ---------------------------------------------------------------
case("cholesky.lower", lambda a: L.cholesky(_spd(a)), lambda a: np.linalg.cholesky(_np_spd(a)),
     real(3, 3))
case("cholesky.upper_batched", lambda a: L.cholesky(_spd(a), upper=True),
     lambda a: np.swapaxes(np.linalg.cholesky(_np_spd(a)), -1, -2), real(2, 3, 3))
case("eigh.packed", lambda a: _packed("eigh", _spd(a), ((3,), (3, 3))),
     lambda a: _np_packed(a.shape[:-2], *np.linalg.eigh(_np_spd(a))), real(2, 3, 3),
     up_to_sign=True)
case("reshape.eigh_eigenvalues", lambda a: L.eigh(_spd(a)).eigenvalues,
     lambda a: np.linalg.eigh(_np_spd(a))[0], real(4, 4))
# Eigenvectors are fixed up to sign: their squares are a function of the matrix.
case("multiply.eigh_eigenvectors_squared",
     lambda a: (lambda v: v * v)(L.eigh(_spd(a)).eigenvectors),
     lambda a: np.linalg.eigh(_np_spd(a))[1] ** 2, real(3, 3))
case("reshape.eigvalsh_with_grad", lambda a: L.eigvalsh(_spd(a)),
     lambda a: np.linalg.eigvalsh(_np_spd(a)), real(2, 3, 3))
case("eigvalsh.without_grad", lambda a: L.eigvalsh(_spd(a)),
     lambda a: np.linalg.eigvalsh(_np_spd(a)), real(3, 3, grad=False))

# -- qr -----------------------------------------------------------------------------------
case("qr.packed_tall", lambda a: _packed("qr", a, ((4, 3), (3, 3)), mode="reduced"),
     lambda a: _np_packed((), *np.linalg.qr(a)), real(4, 3))
case("qr.packed_wide_batched", lambda a: _packed("qr", a, ((2, 2), (2, 4)), mode="reduced"),
     lambda a: _np_packed((2,), *np.linalg.qr(a)), real(2, 2, 4))
case("qr.packed_complete_square", lambda a: _packed("qr", a, ((3, 3), (3, 3)),
                                                      mode="complete"),
     lambda a: _np_packed((), *np.linalg.qr(a, mode="complete")), real(3, 3))
case("reshape.qr_Q", lambda a: L.qr(a).Q, lambda a: np.linalg.qr(a)[0], real(2, 5, 3))
case("reshape.qr_R", lambda a: L.qr(a).R, lambda a: np.linalg.qr(a)[1], real(5, 3))
case("reshape.qr_complete_wide_R", lambda a: L.qr(a, mode="complete").R,
     lambda a: np.linalg.qr(a, mode="complete")[1], real(2, 3))

# -- svd, svdvals, matrix_norm --------------------------------------------------------------
case("svd.packed_tall", lambda a: _packed("svd", a, ((4, 3), (3,), (3, 3)),
                                          full_matrices=False),
     lambda a: _np_packed((), *np.linalg.svd(a, full_matrices=False)), real(4, 3),
     up_to_sign=True)
case("svd.packed_wide_batched", lambda a: _packed("svd", a, ((2, 2), (2,), (2, 3)),
                                                  full_matrices=False),
     lambda a: _np_packed((2,), *np.linalg.svd(a, full_matrices=False)), real(2, 2, 3),
     up_to_sign=True)
case("svd.packed_square_full", lambda a: _packed("svd", a, ((3, 3), (3,), (3, 3)),
                                                 full_matrices=True),
     lambda a: _np_packed((), *np.linalg.svd(a)), real(3, 3), up_to_sign=True)
case("reshape.svd_S", lambda a: L.svd(a).S, lambda a: np.linalg.svd(a)[1], real(2, 4, 3),
     jvp_error="the forward derivative of the full factorization")
# Singular vectors are fixed up to a shared sign: their squares are a function of x.
case("multiply.svd_U_squared", lambda a: (lambda u: u * u)(L.svd(a, full_matrices=False).U),
     lambda a: np.linalg.svd(a, full_matrices=False)[0] ** 2, real(4, 3))
case("multiply.svd_Vh_squared", lambda a: (lambda v: v * v)(L.svd(a, full_matrices=False).Vh),
     lambda a: np.linalg.svd(a, full_matrices=False)[2] ** 2, real(3, 5))
# full_matrices=True: the gradient ignores the extra columns, so use the first k.
case("getitem.svd_full_U_first_columns", lambda a: L.svd(a).U[..., :3],
     lambda a: np.linalg.svd(a)[0][..., :3], real(4, 3),
     jvp_error="the forward derivative of the full factorization", up_to_sign=True)
case("reshape.svdvals_with_grad", L.svdvals, lambda a: np.linalg.svd(a, compute_uv=False),
     real(2, 3, 4))
case("svdvals.without_grad", L.svdvals, lambda a: np.linalg.svd(a, compute_uv=False),
     real(3, 4, grad=False))
case("vector_norm.matrix_norm_fro", L.matrix_norm, lambda a: np.linalg.norm(a, "fro"),
     real(3, 4))
case("vector_norm.matrix_norm_fro_keepdims", lambda a: L.matrix_norm(a, keepdims=True),
     lambda a: np.linalg.matrix_norm(a, keepdims=True), real(2, 3, 4))
case("sum.matrix_norm_nuc", lambda a: L.matrix_norm(a, ord="nuc"),
     lambda a: np.linalg.matrix_norm(a, ord="nuc"), real(2, 3, 4))
case("getitem.matrix_norm_2", lambda a: L.matrix_norm(a, ord=2),
     lambda a: np.linalg.matrix_norm(a, ord=2), real(4, 3))
case("getitem.matrix_norm_minus_2", lambda a: L.matrix_norm(a, ord=-2),
     lambda a: np.linalg.matrix_norm(a, ord=-2), real(2, 3, 3))
case("vector_norm.matrix_norm_1", lambda a: L.matrix_norm(a, ord=1),
     lambda a: np.linalg.matrix_norm(a, ord=1), nonzero(3, 4))
case("vector_norm.matrix_norm_minus_1", lambda a: L.matrix_norm(a, ord=-1),
     lambda a: np.linalg.matrix_norm(a, ord=-1), nonzero(2, 3, 4))
case("vector_norm.matrix_norm_inf", lambda a: L.matrix_norm(a, ord=math.inf),
     lambda a: np.linalg.matrix_norm(a, ord=np.inf), nonzero(3, 4))
case("reshape.matrix_norm_minus_inf_keepdims",
     lambda a: L.matrix_norm(a, ord=-math.inf, keepdims=True),
     lambda a: np.linalg.matrix_norm(a, ord=-np.inf, keepdims=True), nonzero(3, 4))

# -- products -------------------------------------------------------------------------------
case("tensordot.default_axes", ad.tensordot, lambda a, b: np.tensordot(a, b, axes=2),
     real(2, 3, 4), real(3, 4, 5))
case("tensordot.int_axes", lambda a, b: ad.tensordot(a, b, axes=1),
     lambda a, b: np.tensordot(a, b, axes=1), real(2, 3), real(3, 4))
case("tensordot.pairs_out_of_order", lambda a, b: ad.tensordot(a, b, axes=([2, 0], [0, 2])),
     lambda a, b: np.tensordot(a, b, axes=([2, 0], [0, 2])), real(2, 3, 4), real(4, 5, 2))
case("tensordot.outer", lambda a, b: ad.tensordot(a, b, axes=0),
     lambda a, b: np.tensordot(a, b, axes=0), real(2), real(3))
case("vecdot.last_axis", ad.vecdot, np.vecdot, real(2, 3), real(3))
case("vecdot.axis_0", lambda a, b: L.vecdot(a, b, axis=0),
     lambda a, b: np.vecdot(a, b, axis=0), real(4, 3), real(4, 1))
case("outer.basic", L.outer, np.outer, real(3), real(4))
case("cross.last_axis", L.cross, np.cross, real(2, 3), real(3))
case("cross.axis_0", lambda a, b: L.cross(a, b, axis=0),
     lambda a, b: np.cross(a, b, axis=0), real(3, 2), real(3, 1))

# -- diagonals ------------------------------------------------------------------------------
case("trace.basic", L.trace, lambda a: np.trace(a, axis1=-2, axis2=-1), real(3, 3))
case("trace.offset_batched", lambda a: L.trace(a, offset=1),
     lambda a: np.trace(a, offset=1, axis1=-2, axis2=-1), real(2, 3, 4))
case("trace.negative_offset", lambda a: ad.trace(a, offset=-2),
     lambda a: np.trace(a, offset=-2, axis1=-2, axis2=-1), real(4, 3))
case("trace.dtype", lambda a: L.trace(a, dtype=ad.float32),
     lambda a: np.trace(a.astype(np.float32), axis1=-2, axis2=-1), positive(3, 3),
     gradcheck={"eps": 1e-3, "atol": 1e-4, "rtol": 1e-3})
case("diagonal.basic", L.diagonal, lambda a: np.diagonal(a, axis1=-2, axis2=-1), real(3, 3))
case("diagonal.offset_batched", lambda a: L.diagonal(a, offset=1),
     lambda a: np.diagonal(a, offset=1, axis1=-2, axis2=-1), real(2, 3, 4))
case("diagonal.negative_offset", lambda a: L.diagonal(a, offset=-1),
     lambda a: np.diagonal(a, offset=-1, axis1=-2, axis2=-1), real(4, 3))
case("diagonal.torch_method", lambda a: a.diagonal(0, 0, 2),
     lambda a: np.diagonal(a, 0, 0, 2), real(3, 2, 3))
case("diag_embed.basic", ad.diag_embed, lambda v: _np_diag_embed(v, 0), real(2, 3))
case("diag_embed.offset", lambda v: ad.diag_embed(v, offset=2),
     lambda v: _np_diag_embed(v, 2), real(3))
case("diag_embed.negative_offset", lambda v: v.diag_embed(offset=-1),
     lambda v: _np_diag_embed(v, -1), real(2, 2))
