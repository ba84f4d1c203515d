"""Cases of ``autodiff.special`` (scipy.special is the reference: a test dependency)."""

from __future__ import annotations

import numpy as np
import scipy.special as sc

import autodiff as ad

from .cases import case, fixed, positive, real, unit

S = ad.special

case("erf.real", ad.erf, sc.erf, real(2, 3))
case("erf.method_wide", lambda x: (3.0 * x).erf(), lambda x: sc.erf(3.0 * x), real(5))
case("erfc.real", ad.erfc, sc.erfc, real(2, 3))
case("erfc.tail", lambda x: S.erfc(x + 3.0), lambda x: sc.erfc(x + 3.0), unit(4))
case("erfinv.unit", ad.erfinv, sc.erfinv, unit(2, 3))
case("erfinv.negative", lambda x: ad.erfinv(-x), lambda x: sc.erfinv(-x), unit(4))
case("erfcx.real", S.erfcx, sc.erfcx, real(2, 3))
case("erfcx.large", lambda x: S.erfcx(10.0 * x), lambda x: sc.erfcx(10.0 * x), positive(3))
case("lgamma.positive", ad.lgamma, sc.gammaln, positive(2, 3))
case("lgamma.gammaln_large", lambda x: S.gammaln(20.0 * x), lambda x: sc.gammaln(20.0 * x),
     positive(4))
case("lgamma.negative", lambda x: ad.lgamma(x), sc.gammaln,
     fixed([-0.5, -1.5, -2.25, -3.7]))
case("digamma.positive", ad.digamma, sc.psi, positive(2, 3))
case("digamma.psi_negative", S.psi, sc.psi, fixed([-0.5, -1.5, -2.25]))
case("polygamma.order_1", lambda x: ad.polygamma(1, x),
     lambda x: sc.polygamma(1, x).astype(x.dtype), positive(2, 3))
case("polygamma.method_order_2", lambda x: x.polygamma(2),
     lambda x: sc.polygamma(2, x).astype(x.dtype), positive(4))
case("polygamma.order_0", lambda x: S.polygamma(0, x), sc.psi, positive(3))
case("i0.real", ad.i0, sc.i0, real(2, 3))
case("i0.large", lambda x: S.i0(4.0 * x), lambda x: sc.i0(4.0 * x), real(3))
case("i0e.real", S.i0e, sc.i0e, real(2, 3))
case("i0e.large", lambda x: S.i0e(10.0 * x), lambda x: sc.i0e(10.0 * x), real(4))
case("i1.real", S.i1, sc.i1, real(2, 3))
case("i1.large", lambda x: S.i1(4.0 * x), lambda x: sc.i1(4.0 * x), real(4))
case("i1e.real", S.i1e, sc.i1e, real(2, 3))
case("i1e.large", lambda x: S.i1e(10.0 * x), lambda x: sc.i1e(10.0 * x), real(4))
case("ndtr.real", S.ndtr, sc.ndtr, real(2, 3))
case("ndtr.tail", lambda x: S.ndtr(-5.0 - x), lambda x: sc.ndtr(-5.0 - x), unit(4))
case("ndtri.unit", S.ndtri, sc.ndtri, unit(2, 3))
case("log_ndtr.real", S.log_ndtr, sc.log_ndtr, real(2, 3))
case("log_ndtr.lower_tail", lambda x: S.log_ndtr(-10.0 * x), lambda x: sc.log_ndtr(-10.0 * x),
     positive(4))
case("zeta.q", lambda q: S.zeta(3.0, q), lambda q: sc.zeta(3.0, q), positive(2, 3))
case("zeta.both", lambda x, q: S.zeta(x, q), sc.zeta, fixed([2.0, 3.5, 5.0], grad=False),
     positive(3))

# composites: each case ends in the primitive its name says
case("where.xlogy", ad.xlogy, sc.xlogy, positive(2, 3), positive(2, 3))
case("where.xlogy_zero", lambda x, y: S.xlogy(x * 0.0, y), lambda x, y: sc.xlogy(x * 0.0, y),
     positive(3), positive(3))
case("where.xlog1py", S.xlog1py, sc.xlog1py, positive(2, 3), unit(2, 3))
case("where.entr", S.entr, sc.entr, positive(2, 3))
case("where.sinc", ad.sinc, np.sinc, real(2, 3))
case("subtract.logit", ad.logit, sc.logit, unit(2, 3))
case("subtract.logit_eps", lambda x: S.logit(x, eps=0.2),
     lambda x: sc.logit(np.clip(x, 0.2, 0.8)), unit(6))
case("exp.exp2", ad.exp2, np.exp2, real(2, 3))
case("add.multigammaln", lambda x: S.multigammaln(x + 2.0, 3),
     lambda x: np.asarray(sc.multigammaln(x + 2.0, 3), dtype=x.dtype), positive(4))
case("reshape.logsumexp_special", lambda x: S.logsumexp(x, dim=1),
     lambda x: sc.logsumexp(x, axis=1), real(3, 4))
case("add.logsumexp_large", lambda x: ad.logsumexp(x * 1000.0, 0, keepdim=True),
     lambda x: sc.logsumexp(x * 1000.0, axis=0, keepdims=True), real(3, 2))
case("sigmoid.expit", S.expit, sc.expit, real(2, 3))
case("gammainc.x", lambda x: S.gammainc(2.5, x), lambda x: sc.gammainc(2.5, x).astype(x.dtype),
     positive(2, 3))
case("gammainc.both", lambda a, x: S.gammainc(a, x * 3.0), lambda a, x: sc.gammainc(a, x * 3.0),
     positive(3, grad=False), positive(3))
case("gammaincc.x", lambda x: S.gammaincc(0.7, x * 4.0),
     lambda x: sc.gammaincc(0.7, x * 4.0).astype(x.dtype),
     positive(2, 3))
case("bessel_j0.real", lambda x: S.bessel_j0(4.0 * x), lambda x: sc.j0(4.0 * x), real(2, 3))
case("bessel_j1.real", lambda x: S.bessel_j1(4.0 * x), lambda x: sc.j1(4.0 * x), real(2, 3))
case("where.spherical_bessel_j0", S.spherical_bessel_j0,
     lambda x: sc.spherical_jn(0, x).astype(x.dtype),
     real(2, 3))
case("add.mvlgamma_method", lambda x: (x + 1.0).mvlgamma(2),
     lambda x: np.asarray(sc.multigammaln(x + 1.0, 2), dtype=x.dtype), positive(3))
