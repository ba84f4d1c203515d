"""``autodiff.nn.functional``: activations and losses, as ``torch.nn.functional``.

>>> import autodiff as ad
>>> import autodiff.nn.functional as F
>>> F.relu(ad.tensor([-1.0, 2.0]))
tensor([0., 2.])
"""

from __future__ import annotations

from ..ops.activations import elu as elu
from ..ops.activations import gelu as gelu
from ..ops.activations import glu as glu
from ..ops.activations import logsigmoid as logsigmoid
from ..ops.activations import mish as mish
from ..ops.activations import relu as relu
from ..ops.activations import selu as selu
from ..ops.activations import silu as silu
from ..ops.activations import softmin as softmin
from ..ops.activations import softplus as softplus
from ..ops.activations import softsign as softsign
from ..ops.activations import tanhshrink as tanhshrink
from ..ops.activations_piecewise import hardshrink as hardshrink
from ..ops.activations_piecewise import hardsigmoid as hardsigmoid
from ..ops.activations_piecewise import hardswish as hardswish
from ..ops.activations_piecewise import hardtanh as hardtanh
from ..ops.activations_piecewise import leaky_relu as leaky_relu
from ..ops.activations_piecewise import prelu as prelu
from ..ops.activations_piecewise import relu6 as relu6
from ..ops.activations_piecewise import rrelu as rrelu
from ..ops.activations_piecewise import softshrink as softshrink
from ..ops.activations_piecewise import threshold as threshold
from ..ops.dropout import alpha_dropout as alpha_dropout
from ..ops.dropout import dropout as dropout
from ..ops.dropout import dropout1d as dropout1d
from ..ops.dropout import dropout2d as dropout2d
from ..ops.dropout import dropout3d as dropout3d
from ..ops.dropout import feature_alpha_dropout as feature_alpha_dropout
from ..ops.elementwise import tanh as tanh
from ..ops.embedding_bag import embedding_bag as embedding_bag
from ..ops.layers import bilinear as bilinear
from ..ops.layers import embedding as embedding
from ..ops.layers import linear as linear
from ..ops.layers import one_hot as one_hot
from ..ops.layers import scaled_dot_product_attention as scaled_dot_product_attention
from ..ops.nn import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from ..ops.nn import celu as celu
from ..ops.nn import mse_loss as mse_loss
from ..ops.nn import sigmoid as sigmoid
from ..ops.softmax import cross_entropy as cross_entropy
from ..ops.softmax import log_softmax as log_softmax
from ..ops.softmax import nll_loss as nll_loss
from ..ops.softmax import softmax as softmax

__all__ = ["binary_cross_entropy_with_logits", "celu", "cross_entropy", "log_softmax",
           "mse_loss", "nll_loss", "relu", "sigmoid", "softmax"]

# -- activations and layers (issue 16) ----------------------------------------------------
__all__ += [
    "alpha_dropout", "bilinear", "dropout", "dropout1d", "dropout2d", "dropout3d", "elu",
    "embedding", "embedding_bag", "feature_alpha_dropout", "gelu", "glu", "hardshrink",
    "hardsigmoid", "hardswish", "hardtanh", "leaky_relu", "linear", "logsigmoid", "mish",
    "one_hot", "prelu", "relu6", "rrelu", "scaled_dot_product_attention", "selu", "silu",
    "softmin", "softplus", "softshrink", "softsign", "tanh", "tanhshrink", "threshold",
]
