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

# losses, distances and normalization (issue 16)
from ..ops.distances import cosine_similarity as cosine_similarity
from ..ops.distances import normalize as normalize
from ..ops.distances import pairwise_distance as pairwise_distance
from ..ops.distances import pdist as pdist
from ..ops.losses import binary_cross_entropy as binary_cross_entropy
from ..ops.losses import gaussian_nll_loss as gaussian_nll_loss
from ..ops.losses import huber_loss as huber_loss
from ..ops.losses import kl_div as kl_div
from ..ops.losses import l1_loss as l1_loss
from ..ops.losses import poisson_nll_loss as poisson_nll_loss
from ..ops.losses import smooth_l1_loss as smooth_l1_loss
from ..ops.losses_ctc import ctc_loss as ctc_loss
from ..ops.losses_margin import cosine_embedding_loss as cosine_embedding_loss
from ..ops.losses_margin import hinge_embedding_loss as hinge_embedding_loss
from ..ops.losses_margin import margin_ranking_loss as margin_ranking_loss
from ..ops.losses_margin import multi_margin_loss as multi_margin_loss
from ..ops.losses_margin import multilabel_margin_loss as multilabel_margin_loss
from ..ops.losses_margin import (
    multilabel_soft_margin_loss as multilabel_soft_margin_loss,
)
from ..ops.losses_margin import soft_margin_loss as soft_margin_loss
from ..ops.losses_margin import triplet_margin_loss as triplet_margin_loss
from ..ops.losses_margin import (
    triplet_margin_with_distance_loss as triplet_margin_with_distance_loss,
)
from ..ops.normalization import batch_norm as batch_norm
from ..ops.normalization import group_norm as group_norm
from ..ops.normalization import instance_norm as instance_norm
from ..ops.normalization import layer_norm as layer_norm
from ..ops.normalization import local_response_norm as local_response_norm
from ..ops.normalization import rms_norm as rms_norm

__all__ += [
    "batch_norm", "binary_cross_entropy", "cosine_embedding_loss", "cosine_similarity", "ctc_loss",
    "gaussian_nll_loss", "group_norm", "hinge_embedding_loss", "huber_loss", "instance_norm",
    "kl_div", "l1_loss", "layer_norm", "local_response_norm", "margin_ranking_loss",
    "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss", "normalize",
    "pairwise_distance", "pdist", "poisson_nll_loss", "rms_norm", "smooth_l1_loss",
    "soft_margin_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
]
