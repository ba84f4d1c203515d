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
from .modules import GRU as GRU
from .modules import LSTM as LSTM
from .modules import RNN as RNN
from .modules import GRUCell as GRUCell
from .modules import LSTMCell as LSTMCell
from .modules import RNNBase as RNNBase
from .modules import RNNCell as RNNCell
from .modules import RNNCellBase as RNNCellBase

__all__ += ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]
