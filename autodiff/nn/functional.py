"""``autodiff.nn.functional``: activations, layers, losses, normalization, convolution and
pooling, as ``torch.nn.functional``.

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
from ..ops.adaptive_pool import adaptive_avg_pool1d as adaptive_avg_pool1d
from ..ops.adaptive_pool import adaptive_avg_pool2d as adaptive_avg_pool2d
from ..ops.adaptive_pool import adaptive_avg_pool3d as adaptive_avg_pool3d
from ..ops.adaptive_pool import adaptive_max_pool1d as adaptive_max_pool1d
from ..ops.adaptive_pool import adaptive_max_pool2d as adaptive_max_pool2d
from ..ops.adaptive_pool import adaptive_max_pool3d as adaptive_max_pool3d
from ..ops.attention import multi_head_attention_forward as multi_head_attention_forward
from ..ops.conv import conv1d as conv1d
from ..ops.conv import conv2d as conv2d
from ..ops.conv import conv3d as conv3d
from ..ops.conv import conv_transpose1d as conv_transpose1d
from ..ops.conv import conv_transpose2d as conv_transpose2d
from ..ops.conv import conv_transpose3d as conv_transpose3d
from ..ops.distances import cosine_similarity as cosine_similarity
from ..ops.distances import normalize as normalize
from ..ops.distances import pairwise_distance as pairwise_distance
from ..ops.distances import pdist as pdist
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
from ..ops.losses_margin import multilabel_soft_margin_loss as multilabel_soft_margin_loss
from ..ops.losses_margin import soft_margin_loss as soft_margin_loss
from ..ops.losses_margin import triplet_margin_loss as triplet_margin_loss
from ..ops.losses_margin import (
                 triplet_margin_with_distance_loss as triplet_margin_with_distance_loss,
)
from ..ops.nn import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from ..ops.nn import celu as celu
from ..ops.nn import mse_loss as mse_loss
from ..ops.nn import sigmoid as sigmoid
from ..ops.normalization import batch_norm as batch_norm
from ..ops.normalization import group_norm as group_norm
from ..ops.normalization import instance_norm as instance_norm
from ..ops.normalization import layer_norm as layer_norm
from ..ops.normalization import local_response_norm as local_response_norm
from ..ops.normalization import rms_norm as rms_norm
from ..ops.pixel_shuffle import pixel_shuffle as pixel_shuffle
from ..ops.pixel_shuffle import pixel_unshuffle as pixel_unshuffle
from ..ops.pooling import avg_pool1d as avg_pool1d
from ..ops.pooling import avg_pool2d as avg_pool2d
from ..ops.pooling import avg_pool3d as avg_pool3d
from ..ops.pooling import max_pool1d as max_pool1d
from ..ops.pooling import max_pool2d as max_pool2d
from ..ops.pooling import max_pool3d as max_pool3d
from ..ops.resample import fold as fold
from ..ops.resample import interpolate as interpolate
from ..ops.resample import pad as pad
from ..ops.resample import unfold as unfold
from ..ops.resample import upsample as upsample
from ..ops.resample import upsample_bilinear as upsample_bilinear
from ..ops.resample import upsample_nearest as upsample_nearest
from ..ops.softmax import cross_entropy as cross_entropy
from ..ops.softmax import log_softmax as log_softmax
from ..ops.softmax import nll_loss as nll_loss
from ..ops.softmax import softmax as softmax

#: every function imported above: the list grows with the imports, never edited apart
__all__ = sorted(name for name, value in globals().items()
                 if callable(value) and not name.startswith("_"))
