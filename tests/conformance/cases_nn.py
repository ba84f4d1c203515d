"""Cases of the nn primitives that public functions reach only through a rule."""

from __future__ import annotations

import numpy as np

import autodiff as ad

from .cases import case, nonzero, real

# relu's vjp rule (PyTorch's threshold_backward): the cotangent where relu's output is
# positive, 0 elsewhere; its derivative by the output is 0 (away from the kink at 0)
case("threshold_backward.mask", ad.REGISTRY["threshold_backward"].op,
     lambda g, ans: np.where(ans <= 0, 0.0, g), real(2, 3), nonzero(2, 3))
