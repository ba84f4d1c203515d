"""The in-place spellings of the scatter family, as PyTorch's Tensor methods:
``x.scatter_(...)``, ``x.index_add_(...)``, ``x.masked_fill_(...)`` … Each computes the
out-of-place op and writes it into ``x`` (``inplace.apply_inplace``: version counter,
leaf check, views), so its gradient is the out-of-place op's.

>>> import autodiff as ad
>>> x = ad.zeros(3)
>>> x.index_fill_(0, ad.tensor([0, 2]), 1.0)
tensor([1., 0., 1.])
>>> x
tensor([1., 0., 1.])
"""

from __future__ import annotations

from typing import Any

from . import gather_scatter, index_ops
from .inplace import _inplace

__all__: list[str] = []

#: ``x.<name>_(...)`` for each out-of-place op (PyTorch's Tensor methods)
METHODS: dict[str, Any] = {
    f"{op.__name__}_": _inplace(op, f"{op.__name__}_") for op in (
        gather_scatter.scatter, gather_scatter.scatter_add, gather_scatter.scatter_reduce,
        index_ops.index_add, index_ops.index_copy, index_ops.index_fill,
        index_ops.index_put, index_ops.index_reduce, index_ops.masked_fill,
        index_ops.masked_scatter, index_ops.put)
}
