"""``autodiff.nn``: neural-network building blocks, as ``torch.nn``.

>>> import autodiff as ad
>>> class Scale(ad.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.weight = ad.nn.Parameter(ad.full((2,), 3.0))
...     def forward(self, x):
...         return self.weight * x
>>> Scale()(ad.tensor([1.0, 2.0]))
tensor([3., 6.], grad_fn=<MulBackward0>)
"""

from . import functional as functional
from . import init as init
from . import utils as utils
from .modules import Module as Module
from .modules import ModuleDict as ModuleDict
from .modules import ModuleList as ModuleList
from .modules import ParameterDict as ParameterDict
from .modules import ParameterList as ParameterList
from .modules import Sequential as Sequential
from .parameter import Parameter as Parameter

__all__ = ["Module", "ModuleDict", "ModuleList", "Parameter", "ParameterDict", "ParameterList",
           "Sequential", "functional", "init", "utils"]

# recurrent and attention
# isort: split
from .modules import GRU as GRU
from .modules import LSTM as LSTM
from .modules import RNN as RNN
from .modules import GRUCell as GRUCell
from .modules import LSTMCell as LSTMCell
from .modules import MultiheadAttention as MultiheadAttention
from .modules import RNNBase as RNNBase
from .modules import RNNCell as RNNCell
from .modules import RNNCellBase as RNNCellBase
from .modules import TransformerEncoder as TransformerEncoder
from .modules import TransformerEncoderLayer as TransformerEncoderLayer

__all__ = [*__all__, "GRU", "GRUCell", "LSTM", "LSTMCell", "MultiheadAttention", "RNN",
           "RNNBase", "RNNCell", "RNNCellBase", "TransformerEncoder", "TransformerEncoderLayer"]
# end recurrent and attention

# layers
# isort: split
from .modules import AdaptiveAvgPool1d as AdaptiveAvgPool1d
from .modules import AdaptiveAvgPool2d as AdaptiveAvgPool2d
from .modules import AdaptiveAvgPool3d as AdaptiveAvgPool3d
from .modules import AdaptiveMaxPool1d as AdaptiveMaxPool1d
from .modules import AdaptiveMaxPool2d as AdaptiveMaxPool2d
from .modules import AdaptiveMaxPool3d as AdaptiveMaxPool3d
from .modules import AlphaDropout as AlphaDropout
from .modules import AvgPool1d as AvgPool1d
from .modules import AvgPool2d as AvgPool2d
from .modules import AvgPool3d as AvgPool3d
from .modules import BatchNorm1d as BatchNorm1d
from .modules import BatchNorm2d as BatchNorm2d
from .modules import BatchNorm3d as BatchNorm3d
from .modules import Bilinear as Bilinear
from .modules import Conv1d as Conv1d
from .modules import Conv2d as Conv2d
from .modules import Conv3d as Conv3d
from .modules import ConvTranspose1d as ConvTranspose1d
from .modules import ConvTranspose2d as ConvTranspose2d
from .modules import ConvTranspose3d as ConvTranspose3d
from .modules import Dropout as Dropout
from .modules import Dropout1d as Dropout1d
from .modules import Dropout2d as Dropout2d
from .modules import Dropout3d as Dropout3d
from .modules import Embedding as Embedding
from .modules import FeatureAlphaDropout as FeatureAlphaDropout
from .modules import Flatten as Flatten
from .modules import GroupNorm as GroupNorm
from .modules import Identity as Identity
from .modules import LayerNorm as LayerNorm
from .modules import Linear as Linear
from .modules import MaxPool1d as MaxPool1d
from .modules import MaxPool2d as MaxPool2d
from .modules import MaxPool3d as MaxPool3d
from .modules import RMSNorm as RMSNorm
from .modules import Unflatten as Unflatten

__all__ += ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
            "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AlphaDropout", "AvgPool1d",
            "AvgPool2d", "AvgPool3d", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
            "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d",
            "ConvTranspose2d", "ConvTranspose3d", "Dropout", "Dropout1d", "Dropout2d",
            "Dropout3d", "Embedding", "FeatureAlphaDropout", "Flatten", "GroupNorm",
            "Identity", "LayerNorm", "Linear", "MaxPool1d", "MaxPool2d", "MaxPool3d",
            "RMSNorm", "Unflatten"]
# end layers
