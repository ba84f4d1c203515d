"""Conformance cases of PyTorch's ``unique(x, dim=...)`` (``ops/unique_dim.py``): the
distinct slices along a dim, their inverse indices and counts, against ``numpy.unique``
with ``axis``. Not differentiable, as in PyTorch."""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .cases import case, fixed

_ROWS = fixed([[1.0, 2.0, 0.0], [0.0, 5.0, 1.0], [1.0, 2.0, 0.0], [0.0, 5.0, 1.0]])

case("unique_dim.rows", lambda x: ad.unique(x, dim=0),
     lambda x: np.unique(x, axis=0), _ROWS)
case("unique_dim.columns", lambda x: ad.unique(x, dim=1),
     lambda x: np.unique(x, axis=1), _ROWS)
case("unique_dim.inverse", lambda x: ad.unique(x, dim=0, return_inverse=True)[1],
     lambda x: np.unique(x, axis=0, return_inverse=True)[1].reshape(-1), _ROWS)
case("unique_dim.counts", lambda x: ad.unique(x, dim=0, return_counts=True)[1],
     lambda x: np.unique(x, axis=0, return_counts=True)[1], _ROWS)
