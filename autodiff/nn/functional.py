"""``autodiff.nn.functional``: activations and losses, as ``torch.nn.functional``.

>>> import autodiff as ad
>>> import autodiff.nn.functional as F
>>> F.relu(ad.tensor([-1.0, 2.0]))
tensor([0., 2.])
"""

from __future__ import annotations

from ..ops.nn import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from ..ops.nn import celu as celu
from ..ops.nn import mse_loss as mse_loss
from ..ops.nn import relu as relu
from ..ops.nn import sigmoid as sigmoid
from ..ops.softmax import cross_entropy as cross_entropy
from ..ops.softmax import log_softmax as log_softmax
from ..ops.softmax import nll_loss as nll_loss
from ..ops.softmax import softmax as softmax

__all__ = ["binary_cross_entropy_with_logits", "celu", "cross_entropy", "log_softmax",
           "mse_loss", "nll_loss", "relu", "sigmoid", "softmax"]
