"""Checked by mypy (the typecheck session), not run: the methods ``_assemble`` binds
onto Tensor are visible to type checkers through the generated declarations."""

from __future__ import annotations

import autodiff as ad

x = ad.ones(3, requires_grad=True)
a: ad.Tensor = x.amax()
b: ad.Tensor = x.cumsum(0)
values = x.max(dim=0)
x.detach()[0] = 2.0
c: ad.Tensor = (x * 2.0 + 1).exp().sum(dim=0, keepdim=True)
x.sum().backward()
d: ad.Tensor = x.T @ x
