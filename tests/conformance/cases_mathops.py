"""Cases of PyTorch's tensor math: einsum, the mm and add* families, kron, diag and the
flips, the stacks, cdist, cov, quantile, trapezoid (all composites: each case names the
primitive its call ends in)."""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .cases import case, fixed, positive, real

# -- einsum: contractions, ellipsis, diagonals, implicit output
case("reshape.einsum_matrix", lambda a, b: ad.einsum("ij,jk->ik", a, b),
     lambda a, b: np.einsum("ij,jk->ik", a, b), real(2, 3), real(3, 4))
case("reshape.einsum_chain", lambda a, b, c: ad.einsum("ij,jk,kl->il", [a, b, c]),
     lambda a, b, c: a @ b @ c, real(2, 3), real(3, 4), real(4, 2))
case("reshape.einsum_batch_ellipsis", lambda a, b: ad.einsum("...ij,...jk", a, b),
     lambda a, b: np.einsum("...ij,...jk", a, b), real(2, 2, 3), real(2, 3, 2))
case("reshape.einsum_broadcast_ellipsis", lambda a, b: ad.einsum("b...i,i->b...", a, b),
     lambda a, b: np.einsum("b...i,i->b...", a, b), real(2, 3, 4), real(4))
case("permute_dims.einsum_outer_transposed", lambda a, b: ad.einsum("i,j->ji", a, b),
     lambda a, b: np.einsum("i,j->ji", a, b), real(3), real(2))
case("sum.einsum_trace", lambda a: ad.einsum("ii", a), lambda a: np.einsum("ii", a),
     real(3, 3))
case("permute_dims.einsum_repeated", lambda a, b: ad.einsum("iij,j->ij", a, b),
     lambda a, b: np.einsum("iij,j->ij", a, b), real(3, 3, 2), real(2))
case("sum.einsum_reduce", lambda a: ad.einsum("ijk->j", a), lambda a: np.einsum("ijk->j", a),
     real(2, 3, 4))

# -- the mm family and add*
case("matmul.mm", ad.mm, np.matmul, real(2, 3), real(3, 4))
case("matmul.bmm", ad.bmm, np.matmul, real(2, 2, 3), real(2, 3, 4))
case("matmul.mv", ad.mv, np.matmul, real(2, 3), real(3))
case("add.addmm", lambda x, a, b: ad.addmm(x, a, b, beta=0.5, alpha=2.0),
     lambda x, a, b: 0.5 * x + 2.0 * a @ b, real(3), real(2, 4), real(4, 3))
case("where.addmm_beta_zero", lambda x, a, b: ad.addmm(x, a, b, beta=0),
     lambda x, a, b: a @ b, real(2, 2), real(2, 3), real(3, 2))
case("add.addmv", lambda x, a, v: ad.addmv(x, a, v, alpha=-1),
     lambda x, a, v: x - a @ v, real(2), real(2, 3), real(3))
case("add.baddbmm", lambda x, a, b: x.baddbmm(a, b, beta=2.0),
     lambda x, a, b: 2.0 * x + a @ b, real(2, 3, 3), real(2, 3, 2), real(2, 2, 3))
case("add.addbmm", lambda x, a, b: ad.addbmm(x, a, b, alpha=0.5),
     lambda x, a, b: x + 0.5 * (a @ b).sum(0), real(3, 3), real(2, 3, 2), real(2, 2, 3))
case("add.addr", lambda x, u, v: ad.addr(x, u, v, beta=3.0),
     lambda x, u, v: 3.0 * x + np.outer(u, v), real(2, 3), real(2), real(3))
case("outer.ger", ad.ger, np.outer, real(3), real(2))
case("add.addcmul", lambda x, a, b: ad.addcmul(x, a, b, value=-0.5),
     lambda x, a, b: x - 0.5 * a * b, real(2, 3), real(3), real(2, 1))
case("add.addcdiv", lambda x, a, b: x.addcdiv(a, b, value=2),
     lambda x, a, b: x + 2 * a / b, real(2, 3), real(2, 3), positive(3))
case("add.lerp_scalar", lambda a, b: ad.lerp(a, b, 0.3),
     lambda a, b: a + 0.3 * (b - a), real(2, 3), real(2, 3))
case("subtract.lerp_near_end", lambda a, b: ad.lerp(a, b, 0.8),
     lambda a, b: b - (b - a) * (1 - 0.8), real(2, 3), real(3))
case("where.lerp_tensor", lambda a, b, w: a.lerp(b, w),
     lambda a, b, w: np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w)),
     real(3), real(3), real(2, 3))
case("tensordot.inner", ad.inner, np.inner, real(2, 3), real(4, 3))
case("multiply.inner_scalar", ad.inner, np.inner, real(), real(3))
case("matmul.vdot", ad.vdot, np.vdot, real(4), real(4))
case("reshape.kron", ad.kron, np.kron, real(2, 3), real(3, 2))
case("reshape.kron_mixed_ndim", ad.kron, np.kron, real(2), real(2, 2))
case("matmul.chain_matmul", ad.chain_matmul, lambda a, b, c: a @ b @ c,
     real(2, 3), real(3, 3), real(3, 1))

# -- diagonals, flips, shapes, stacks
case("diag_embed.diag_vector", lambda v: ad.diag(v, 1), lambda v: np.diag(v, 1), real(3))
case("diagonal.diag_matrix", lambda m: m.diag(-1), lambda m: np.diag(m, -1), real(3, 4))
case("diag_embed.diagflat", ad.diagflat, np.diagflat, real(2, 2))
case("permute_dims.any_dims", lambda v: ad.diag_embed(v, 1, 0, 2),
     lambda v: np.moveaxis(np.stack([np.diag(r, 1) for r in v]), 0, 1), real(2, 3))
case("flip.fliplr", ad.fliplr, np.fliplr, real(2, 3))
case("flip.flipud", lambda x: x.flipud(), np.flipud, real(3, 2))
case("permute_dims.rot90", lambda x: ad.rot90(x, 1, [1, 2]), lambda x: np.rot90(x, 1, (1, 2)),
     real(2, 3, 4))
case("flip.rot90_k3", lambda x: x.rot90(-1), lambda x: np.rot90(x, -1), real(2, 3))
case("reshape.ravel", lambda x: x.mT.ravel(), lambda x: x.T.ravel(), real(2, 3))
case("reshape.unflatten", lambda x: x.unflatten(1, (2, -1)),
     lambda x: x.reshape(2, 2, 3), real(2, 6))
case("concat.hstack", lambda a, b: ad.hstack([a, b]), lambda a, b: np.hstack([a, b]),
     real(2, 3), real(2, 1))
case("concat.vstack", lambda a, b: ad.vstack((a, b)), lambda a, b: np.vstack([a, b]),
     real(3), real(2, 3))
case("concat.dstack", lambda a, b: ad.dstack([a, b]), lambda a, b: np.dstack([a, b]),
     real(2, 3), real(2, 3))
case("concat.column_stack", lambda a, b: ad.column_stack([a, b]),
     lambda a, b: np.column_stack([a, b]), real(3), real(3, 2))
case("concat.block_diag", ad.block_diag,
     lambda a, b: np.block([[a, np.zeros((2, 1), a.dtype)], [np.zeros((1, 2), a.dtype), b[None]]]),
     real(2, 2), real(1))
case("getitem.combinations", lambda x: ad.combinations(x, 2),
     lambda x: np.array([[x[i], x[j]] for i in range(4) for j in range(i + 1, 4)]), real(4))
case("concat.cartesian_prod", ad.cartesian_prod,
     lambda a, b: np.stack(np.meshgrid(a, b, indexing="ij"), -1).reshape(-1, 2),
     real(2), real(3))
case("broadcast_to.expand_minus_one", lambda x: x.expand(2, -1, 3),
     lambda x: np.broadcast_to(x, (2, 4, 3)), real(4, 1))
case("broadcast_to.expand_as", lambda x, y: x.expand_as(y),
     lambda x, y: np.broadcast_to(x, y.shape), real(3), real(2, 3, grad=False))


# -- statistics and distances
def _cdist(a: np.ndarray, b: np.ndarray, p: float) -> np.ndarray:
    diff = np.abs(a[..., :, None, :] - b[..., None, :, :])
    if np.isinf(p):
        return diff.max(-1)
    return (diff**p).sum(-1) ** (1 / p)


case("vector_norm.cdist", ad.cdist, lambda a, b: _cdist(a, b, 2), real(3, 4), real(2, 4))
case("vector_norm.cdist_p1_batched", lambda a, b: ad.cdist(a, b, p=1.5),
     lambda a, b: _cdist(a, b, 1.5), real(2, 3, 2), real(2, 2, 2))
case("where.cdist_mm", lambda a, b: ad.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
     lambda a, b: _cdist(a, b, 2), real(3, 4), real(2, 4), gradcheck={"atol": 1e-5})
case("vector_norm.dist", lambda a, b: ad.dist(a, b, 3),
     lambda a, b: (np.abs(a - b) ** 3).sum() ** (1 / 3), real(2, 3), real(3))
case("multiply.renorm", lambda x: x.renorm(2, 1, 1.0),
     lambda x: x * np.where(np.linalg.norm(x, axis=0) > 1.0,
                            1.0 / (np.linalg.norm(x, axis=0) + 1e-7), 1.0),
     fixed([[3.0, 0.1, 1.0], [4.0, 0.2, -2.0]]))
case("divide.cov", ad.cov, lambda x: np.cov(x).astype(x.dtype), real(3, 5))
case("divide.cov_weighted",
     lambda x, a: ad.cov(x, fweights=ad.tensor(np.array([1, 2, 1, 3]), backend=x.backend),
                         aweights=a, correction=0),
     lambda x, a: np.cov(x, fweights=np.array([1, 2, 1, 3]), aweights=a, ddof=0).astype(
         x.dtype),
     real(2, 4), positive(4))
case("clip.corrcoef", lambda x: x.corrcoef(), lambda x: np.corrcoef(x).astype(x.dtype),
     real(3, 5))
case("add.std_mean", lambda x: ad.std_mean(x, 1)[0] + ad.std_mean(x, 1)[1],
     lambda x: x.std(1, ddof=1) + x.mean(1), real(3, 4))
case("var.var_mean", lambda x: ad.var_mean(x, 0, keepdim=True, correction=0)[0],
     lambda x: x.var(0, keepdims=True), real(3, 4))
case("sum.nansum", lambda x: x.nansum(1),
     lambda x: np.nansum(x, 1), fixed([[1.0, np.nan, 2.0], [0.5, -1.0, np.nan]]))
case("divide.nanmean", lambda x: ad.nanmean(x),
     lambda x: np.nanmean(x), fixed([[1.0, np.nan, 2.0], [0.5, -1.0, np.nan]]))
case("getitem.quantile", lambda x: ad.quantile(x, 0.3, dim=1), lambda x: np.quantile(x, 0.3, 1),
     real(3, 5))
case("reshape.quantile_tensor_q",
     lambda x: x.quantile(ad.tensor([0.25, 0.5, 0.9], dtype=x.dtype, backend=x.backend), 0,
                         True),
     lambda x: np.quantile(x, [0.25, 0.5, 0.9], 0, keepdims=True).astype(x.dtype), real(5, 2))
case("getitem.quantile_midpoint", lambda x: ad.quantile(x, 0.4, interpolation="midpoint"),
     lambda x: np.quantile(x, 0.4, method="midpoint"), real(2, 3))
case("getitem.nanquantile", lambda x: ad.nanquantile(x, 0.5, 1, interpolation="higher"),
     lambda x: np.nanquantile(x, 0.5, 1, method="higher"),
     fixed([[1.0, np.nan, 2.0, 0.5], [0.5, -1.0, 3.0, 2.5]]))
case("sum.trapezoid", lambda y, x: ad.trapezoid(y, x), np.trapezoid, real(2, 4), real(4))
case("sum.trapz_dx", lambda y: ad.trapz(y, dx=0.5, dim=0), lambda y: np.trapezoid(y, dx=0.5,
     axis=0), real(3, 2))
case("cumulative_sum.cumulative_trapezoid", lambda y: ad.cumulative_trapezoid(y),
     lambda y: np.cumsum((y[..., 1:] + y[..., :-1]) / 2, -1), real(2, 4))

# -- in-place variants: the out-of-place op's node becomes the tensor's history
case("add.addcmul_inplace", lambda x, a, b: (x * 1).addcmul_(a, b, value=0.5),
     lambda x, a, b: x + 0.5 * a * b, real(2, 3), real(3), real(2, 3))
case("add.addmm_inplace", lambda x, a, b: (x * 1).addmm_(a, b, alpha=2),
     lambda x, a, b: x + 2 * a @ b, real(2, 2), real(2, 3), real(3, 2))
case("subtract.lerp_inplace", lambda a, b: (a * 1).lerp_(b, 0.75),
     lambda a, b: b - (b - a) * 0.25, real(3), real(3))
