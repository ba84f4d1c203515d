"""``autodiff.linalg``: the Array API linear algebra extension (so far: the ops of
the foundation; the rest of the extension builds on the same registry).

>>> import autodiff as ad
>>> ad.linalg.vector_norm(ad.tensor([[3.0, 4.0]]), axis=1)
tensor([5.])
"""

from __future__ import annotations

from .ops.linalg import matmul as matmul
from .ops.linalg import vector_norm as vector_norm
from .ops.manipulation import matrix_transpose as matrix_transpose

__all__ = ["matmul", "matrix_transpose", "vector_norm"]
