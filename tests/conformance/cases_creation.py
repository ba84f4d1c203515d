"""Conformance cases of the creation functions built from tensors: tril, triu, meshgrid."""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .cases import case, real

# -- triangles (batched over leading dimensions; k above or below the main diagonal)
case("tril.square", ad.tril, np.tril, real(3, 3))
case("tril.k_positive_wide", lambda x: ad.tril(x, k=1), lambda x: np.tril(x, 1), real(3, 4))
case("tril.batched_negative_k", lambda x: ad.tril(x, k=-1), lambda x: np.tril(x, -1),
     real(2, 4, 3))
case("tril.torch_diagonal_method", lambda x: x.tril(diagonal=2), lambda x: np.tril(x, 2),
     real(2, 3))
case("triu.square", ad.triu, np.triu, real(3, 3))
case("triu.k_negative_tall", lambda x: ad.triu(x, k=-1), lambda x: np.triu(x, -1),
     real(4, 3))
case("triu.batched_positive_k", lambda x: ad.triu(x, k=2), lambda x: np.triu(x, 2),
     real(2, 3, 4))
case("triu.method_positional", lambda x: x.triu(1), lambda x: np.triu(x, 1), real(3, 3))

# -- meshgrid: each output is a broadcast of one input
# (only the input an output is built from requires grad: the others are unused)
case("broadcast_to.meshgrid_xy_first", lambda x, y: ad.meshgrid(x, y)[0],
     lambda x, y: np.meshgrid(x, y)[0], real(3), real(2, grad=False))
case("broadcast_to.meshgrid_xy_second", lambda x, y: ad.meshgrid(x, y)[1],
     lambda x, y: np.meshgrid(x, y)[1], real(3, grad=False), real(2))
case("broadcast_to.meshgrid_ij_three", lambda x, y, z: ad.meshgrid(x, y, z, indexing="ij")[2],
     lambda x, y, z: np.meshgrid(x, y, z, indexing="ij")[2],
     real(2, grad=False), real(3, grad=False), real(4))
case("broadcast_to.meshgrid_xy_three", lambda x, y, z: ad.meshgrid(x, y, z)[0],
     lambda x, y, z: np.meshgrid(x, y, z)[0], real(2), real(3, grad=False),
     real(4, grad=False))
