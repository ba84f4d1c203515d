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
from .modules import Module as Module
from .modules import ModuleDict as ModuleDict
from .modules import ModuleList as ModuleList
from .modules import ParameterDict as ParameterDict
from .modules import ParameterList as ParameterList
from .modules import Sequential as Sequential
from .parameter import Parameter as Parameter

__all__ = ["Module", "ModuleDict", "ModuleList", "Parameter", "ParameterDict", "ParameterList",
           "Sequential", "functional"]

# activations and losses: one block, so that each part's exports merge line by line
from .modules import CELU as CELU
from .modules import ELU as ELU
from .modules import GELU as GELU
from .modules import GLU as GLU
from .modules import SELU as SELU
from .modules import BCELoss as BCELoss
from .modules import BCEWithLogitsLoss as BCEWithLogitsLoss
from .modules import CosineEmbeddingLoss as CosineEmbeddingLoss
from .modules import CosineSimilarity as CosineSimilarity
from .modules import CrossEntropyLoss as CrossEntropyLoss
from .modules import CTCLoss as CTCLoss
from .modules import GaussianNLLLoss as GaussianNLLLoss
from .modules import Hardshrink as Hardshrink
from .modules import Hardsigmoid as Hardsigmoid
from .modules import Hardswish as Hardswish
from .modules import Hardtanh as Hardtanh
from .modules import HingeEmbeddingLoss as HingeEmbeddingLoss
from .modules import HuberLoss as HuberLoss
from .modules import KLDivLoss as KLDivLoss
from .modules import L1Loss as L1Loss
from .modules import LeakyReLU as LeakyReLU
from .modules import LogSigmoid as LogSigmoid
from .modules import LogSoftmax as LogSoftmax
from .modules import MarginRankingLoss as MarginRankingLoss
from .modules import Mish as Mish
from .modules import MSELoss as MSELoss
from .modules import MultiLabelMarginLoss as MultiLabelMarginLoss
from .modules import MultiLabelSoftMarginLoss as MultiLabelSoftMarginLoss
from .modules import MultiMarginLoss as MultiMarginLoss
from .modules import NLLLoss as NLLLoss
from .modules import NLLLoss2d as NLLLoss2d
from .modules import PairwiseDistance as PairwiseDistance
from .modules import PoissonNLLLoss as PoissonNLLLoss
from .modules import PReLU as PReLU
from .modules import ReLU as ReLU
from .modules import ReLU6 as ReLU6
from .modules import RReLU as RReLU
from .modules import Sigmoid as Sigmoid
from .modules import SiLU as SiLU
from .modules import SmoothL1Loss as SmoothL1Loss
from .modules import SoftMarginLoss as SoftMarginLoss
from .modules import Softmax as Softmax
from .modules import Softmax2d as Softmax2d
from .modules import Softmin as Softmin
from .modules import Softplus as Softplus
from .modules import Softshrink as Softshrink
from .modules import Softsign as Softsign
from .modules import Tanh as Tanh
from .modules import Tanhshrink as Tanhshrink
from .modules import Threshold as Threshold
from .modules import TripletMarginLoss as TripletMarginLoss
from .modules import TripletMarginWithDistanceLoss as TripletMarginWithDistanceLoss

__all__ += ["BCELoss", "BCEWithLogitsLoss", "CELU", "CTCLoss", "CosineEmbeddingLoss",
            "CosineSimilarity", "CrossEntropyLoss", "ELU", "GELU", "GLU",
            "GaussianNLLLoss", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh",
            "HingeEmbeddingLoss", "HuberLoss", "KLDivLoss", "L1Loss", "LeakyReLU",
            "LogSigmoid", "LogSoftmax", "MSELoss", "MarginRankingLoss", "Mish",
            "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
            "NLLLoss", "NLLLoss2d", "PReLU", "PairwiseDistance", "PoissonNLLLoss",
            "RReLU", "ReLU", "ReLU6", "SELU", "SiLU", "Sigmoid", "SmoothL1Loss",
            "SoftMarginLoss", "Softmax", "Softmax2d", "Softmin", "Softplus",
            "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold",
            "TripletMarginLoss", "TripletMarginWithDistanceLoss"]
