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

# -- convolution, pooling and resampling
from ..ops.conv import conv1d as conv1d
from ..ops.conv import conv2d as conv2d
from ..ops.conv import conv3d as conv3d
from ..ops.conv import conv_transpose1d as conv_transpose1d
from ..ops.conv import conv_transpose2d as conv_transpose2d
from ..ops.conv import conv_transpose3d as conv_transpose3d

__all__ += ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
            "conv_transpose3d"]
from ..ops.pixel_shuffle import pixel_shuffle as pixel_shuffle  # noqa: E402
from ..ops.pixel_shuffle import pixel_unshuffle as pixel_unshuffle  # noqa: E402
from ..ops.resample import fold as fold  # noqa: E402
from ..ops.resample import interpolate as interpolate  # noqa: E402
from ..ops.resample import pad as pad  # noqa: E402
from ..ops.resample import unfold as unfold  # noqa: E402
from ..ops.resample import upsample as upsample  # noqa: E402
from ..ops.resample import upsample_bilinear as upsample_bilinear  # noqa: E402
from ..ops.resample import upsample_nearest as upsample_nearest  # noqa: E402

__all__ += ["fold", "interpolate", "pad", "pixel_shuffle", "pixel_unshuffle", "unfold",
            "upsample", "upsample_bilinear", "upsample_nearest"]
from ..ops.adaptive_pool import adaptive_avg_pool1d as adaptive_avg_pool1d  # noqa: E402
from ..ops.adaptive_pool import adaptive_avg_pool2d as adaptive_avg_pool2d  # noqa: E402
from ..ops.adaptive_pool import adaptive_avg_pool3d as adaptive_avg_pool3d  # noqa: E402
from ..ops.adaptive_pool import adaptive_max_pool1d as adaptive_max_pool1d  # noqa: E402
from ..ops.adaptive_pool import adaptive_max_pool2d as adaptive_max_pool2d  # noqa: E402
from ..ops.adaptive_pool import adaptive_max_pool3d as adaptive_max_pool3d  # noqa: E402
from ..ops.pooling import avg_pool1d as avg_pool1d  # noqa: E402
from ..ops.pooling import avg_pool2d as avg_pool2d  # noqa: E402
from ..ops.pooling import avg_pool3d as avg_pool3d  # noqa: E402
from ..ops.pooling import max_pool1d as max_pool1d  # noqa: E402
from ..ops.pooling import max_pool2d as max_pool2d  # noqa: E402
from ..ops.pooling import max_pool3d as max_pool3d  # noqa: E402

__all__ += ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
            "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
            "avg_pool1d", "avg_pool2d", "avg_pool3d", "max_pool1d", "max_pool2d",
            "max_pool3d"]
