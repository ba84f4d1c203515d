"""Cases of the forward-mode primitives (``autodiff.autograd.forward_ad``)."""

from __future__ import annotations

import autodiff as ad

from .cases import case, real


def _dual_primal(x: ad.Tensor) -> ad.Tensor:
    """``make_dual``'s result: ``x``'s values, in ``x``'s graph (the alias primitive)."""
    fwAD = ad.autograd.forward_ad
    with fwAD.dual_level():
        return fwAD.unpack_dual(fwAD.make_dual(x, ad.zeros_like(x))).primal


case("alias.make_dual", _dual_primal, lambda x: x, real(2, 3))
